"""The demo county's geography: its townships, villages and grids as polygons, a river and a
few roads. It is schematic (drawn for the demo around the townships' centres, not surveyed):
the demo's base map is drawn from it (``server.demo.tiles``) and its areas file gives each
unit's bounding box to the phones that cache their area's tiles.

Each township is a rectangle around its centre, split west/east into its villages, and each
village north/south into its grids, so every clue the demo places near a centre falls inside
its township."""

from __future__ import annotations

import json
from pathlib import Path

from server.demo.data import COUNTY, TOWNSHIPS

# Half the township's width and height, in degrees (about 12 km by 11 km).
HALF_LNG, HALF_LAT = 0.065, 0.05
MARGIN = 0.03  # the county's land beyond its townships


def _rect(w: float, s: float, e: float, n: float) -> list[tuple[float, float]]:
    return [(w, s), (e, s), (e, n), (w, n), (w, s)]


def units() -> list[dict]:
    """Every unit with a boundary: {code, name, level, ring: [(lng, lat), …], label: (lng, lat)}."""
    out = []
    for town in TOWNSHIPS:
        lat0, lng0 = town["centre"]
        w, e, s, n = lng0 - HALF_LNG, lng0 + HALF_LNG, lat0 - HALF_LAT, lat0 + HALF_LAT
        out.append(_unit(town["code"], town["name"], "township", (w, s, e, n)))
        villages = town["villages"]
        step = (e - w) / len(villages)
        for i, (v_code, v_name, workers) in enumerate(villages):
            vw, ve = w + i * step, w + (i + 1) * step
            out.append(_unit(v_code, v_name, "village", (vw, s, ve, n)))
            rows = (n - s) / len(workers)
            for k in range(len(workers)):
                gn, gs = n - k * rows, n - (k + 1) * rows  # the first grid is the northern one
                out.append(
                    _unit(
                        f"{v_code}{k + 1:03d}", f"{v_name}第{k + 1}网格", "grid", (vw, gs, ve, gn)
                    )
                )
    return out


def _unit(code: str, name: str, level: str, box: tuple[float, float, float, float]) -> dict:
    w, s, e, n = box
    return {
        "code": code,
        "name": name,
        "level": level,
        "bbox": [round(w, 6), round(s, 6), round(e, 6), round(n, 6)],
        "ring": _rect(w, s, e, n),
        "label": ((w + e) / 2, (s + n) / 2),
    }


def county_bbox() -> tuple[float, float, float, float]:
    towns = [u["bbox"] for u in units() if u["level"] == "township"]
    return (
        round(min(b[0] for b in towns) - MARGIN, 6),
        round(min(b[1] for b in towns) - MARGIN, 6),
        round(max(b[2] for b in towns) + MARGIN, 6),
        round(max(b[3] for b in towns) + MARGIN, 6),
    )


def river() -> list[tuple[float, float]]:
    """The river's centre line, south-west to north-east between the two townships."""
    w, s, e, _n = county_bbox()
    return [
        (w, s + 0.07),
        (w + 0.06, s + 0.085),
        (w + 0.12, s + 0.115),
        (w + 0.17, s + 0.125),
        (w + 0.21, s + 0.15),
        (w + 0.26, s + 0.165),
        (e, s + 0.2),
    ]


def roads() -> list[list[tuple[float, float]]]:
    """A road joining the townships' centres, and one across each township."""
    (lat_a, lng_a), (lat_b, lng_b) = (t["centre"] for t in TOWNSHIPS[:2])
    w, s, e, n = county_bbox()
    return [
        [(w, lat_a - 0.01), (lng_a, lat_a), (lng_a + 0.06, lat_a + 0.04), (lng_b, lat_b), (e, lat_b + 0.02)],
        [(lng_a + 0.005, s), (lng_a, lat_a), (lng_a - 0.01, lat_a + 0.06)],
        [(lng_b - 0.02, lat_b - 0.07), (lng_b, lat_b), (lng_b + 0.01, n)],
    ]  # fmt: skip


def areas_geojson() -> dict:
    """The units' boundaries as GeoJSON (the areas file the server reads: FIELDCASE_MAP_AREAS)."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": u["code"], "name": u["name"], "level": u["level"]},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in u["ring"]]]},
        }
        for u in units()
    ]
    w, s, e, n = county_bbox()
    features.insert(
        0,
        {
            "type": "Feature",
            "properties": {"code": COUNTY["code"], "name": COUNTY["name"], "level": "county"},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in _rect(w, s, e, n)]]},
        },
    )
    return {"type": "FeatureCollection", "features": features}


def write_areas(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(areas_geojson(), ensure_ascii=False))
    return path
