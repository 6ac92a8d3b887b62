"""The base map's tiles from a tile package (MBTiles: SQLite) at ``/tiles/{z}/{x}/{y}.png``,
so a server with no way out to a tile service (the demo, an intranet) still has a map; and
each unit's bounding box from an areas file (GeoJSON of the units' boundaries), so a phone
can cache the tiles of its person's grid or township (issue 24).

Tiles are public (a base map says nothing about cases), fixed for a package, and cached by
the browser for good: a new package is a new deployment."""

from __future__ import annotations

import functools
import json
import sqlite3
from pathlib import Path

from flask import Blueprint, abort, current_app

blp = Blueprint("tiles", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
TILE_URL = "/tiles/{z}/{x}/{y}.png"


def package_path() -> Path | None:
    path = current_app.config.get("MAP_TILES_PACKAGE") or ""
    return Path(path) if path and Path(path).is_file() else None


def _connect(path: Path) -> sqlite3.Connection:
    # Read-only, one connection a request: SQLite opens a file in microseconds.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


@functools.lru_cache(maxsize=8)
def _metadata(path: str, mtime_ns: int) -> dict[str, str]:  # the stat keys the cache
    con = _connect(Path(path))
    try:
        return dict(con.execute("SELECT name, value FROM metadata"))
    finally:
        con.close()


def metadata() -> dict[str, str] | None:
    """The package's metadata (minzoom, maxzoom, bounds, attribution…), or None without one."""
    path = package_path()
    if path is None:
        return None
    return _metadata(str(path), path.stat().st_mtime_ns)


@blp.route("/tiles/<int:z>/<int:x>/<int:y>.png")
def tile(z: int, x: int, y: int):
    path = package_path()
    if path is None or not (0 <= z <= 22 and 0 <= x < (1 << z) and 0 <= y < (1 << z)):
        abort(404)
    con = _connect(path)
    try:
        row = con.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, (1 << z) - 1 - y),  # MBTiles counts rows from the south
        ).fetchone()
    finally:
        con.close()
    if row is None:
        abort(404)
    response = current_app.response_class(row[0], mimetype="image/png")
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@functools.lru_cache(maxsize=8)
def _areas(path: str, mtime_ns: int) -> dict[str, dict]:
    """unit code -> {name, bbox: [west, south, east, north]} from a GeoJSON FeatureCollection whose
    features carry their unit's ``code`` (Polygon or MultiPolygon)."""
    with open(path, encoding="utf-8") as f:
        collection = json.load(f)
    boxes = {}
    for feature in collection.get("features", []):
        properties = feature.get("properties") or {}
        code = str(properties.get("code") or "")
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates") or []
        rings = coords if geometry.get("type") == "Polygon" else [r for p in coords for r in p]
        points = [p for ring in rings for p in ring]
        if code and points:
            lngs, lats = [p[0] for p in points], [p[1] for p in points]
            box = [round(v, 7) for v in (min(lngs), min(lats), max(lngs), max(lats))]
            boxes[code] = {"code": code, "name": str(properties.get("name") or code), "bbox": box}
    return boxes


def area_of(codes: list[str]) -> dict | None:
    """The first of ``codes`` (a unit, then its ancestors) the areas file has a box for."""
    path = current_app.config.get("MAP_AREAS") or ""
    if not path or not Path(path).is_file():
        return None
    boxes = _areas(path, Path(path).stat().st_mtime_ns)
    for code in codes:
        if code in boxes:
            return boxes[code]
    return None
