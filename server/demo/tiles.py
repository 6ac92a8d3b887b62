"""The demo's base map: raster tiles drawn with Pillow from the demo county's geography
(``server.demo.geography``) into an MBTiles package (SQLite, the standard tile package), which
the server serves at ``/tiles/{z}/{x}/{y}.png`` (``server.core.tiles``).

A light, plain map: land, the river, roads, township/village/grid boundaries and their names
(in the CJK font the watermark uses). Zooms 8–15 cover the county, 16 its townships. Identical
tiles (plain land, mostly) are stored once, in MBTiles' deduplicated layout (``map`` +
``images`` behind the ``tiles`` view), which keeps the package small."""

from __future__ import annotations

import hashlib
import io
import math
import os
import sqlite3
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from server.demo import geography

MIN_ZOOM, MAX_ZOOM = 8, 16
COUNTY_MAX_ZOOM = 15  # beyond it, only the townships' tiles
SIZE = 256
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
ATTRIBUTION = "示意底图 © fieldcase 演示数据（非测绘成果）"

LAND, OUTSIDE, WATER, ROAD = (246, 243, 234), (228, 228, 224), (170, 205, 222), (255, 255, 255)
ROAD_EDGE, TOWN_LINE, VILLAGE_LINE, GRID_LINE = (
    (214, 200, 170),
    (128, 96, 150),
    (170, 150, 186),
    (196, 186, 206),
)
TINTS = [(241, 238, 246), (237, 244, 234)]
TEXT, HALO = (60, 50, 70), (255, 255, 255)


def world_px(lng: float, lat: float, z: int) -> tuple[float, float]:
    scale = SIZE * (1 << z)
    x = (lng + 180.0) / 360.0 * scale
    r = math.radians(lat)
    y = (1.0 - math.log(math.tan(r) + 1.0 / math.cos(r)) / math.pi) / 2.0 * scale
    return x, y


def tile_range(bbox, z: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1), inclusive, of the tiles covering bbox (w, s, e, n) at zoom z."""
    w, s, e, n = bbox
    x0, y0 = world_px(w, n, z)
    x1, y1 = world_px(e, s, z)
    last = (1 << z) - 1
    return (
        max(0, int(x0 // SIZE)),
        max(0, int(y0 // SIZE)),
        min(last, int(x1 // SIZE)),
        min(last, int(y1 // SIZE)),
    )


def tiles_to_draw():
    """Every (z, x, y) the package holds."""
    county = geography.county_bbox()
    towns = [u["bbox"] for u in geography.units() if u["level"] == "township"]
    for z in range(MIN_ZOOM, MAX_ZOOM + 1):
        seen = set()
        for box in [county] if z <= COUNTY_MAX_ZOOM else towns:
            x0, y0, x1, y1 = tile_range(box, z)
            for x in range(x0, x1 + 1):
                for y in range(y0, y1 + 1):
                    if (x, y) not in seen:
                        seen.add((x, y))
                        yield z, x, y


class Painter:
    """Draws one tile: everything in world pixels at its zoom, shifted by the tile's origin
    (a name across a tile's edge is drawn in both, and meets itself)."""

    def __init__(self):
        self.units = geography.units()
        self.county = geography.county_bbox()
        self.river = geography.river()
        self.roads = geography.roads()
        self.fonts = {}

    def font(self, size: int):
        if size not in self.fonts:
            self.fonts[size] = ImageFont.truetype(FONT, size)
        return self.fonts[size]

    def draw(self, z: int, x: int, y: int) -> Image.Image:
        ox, oy = x * SIZE, y * SIZE

        def px(points):
            return [(wx - ox, wy - oy) for wx, wy in (world_px(lng, lat, z) for lng, lat in points)]

        img = Image.new("RGB", (SIZE, SIZE), OUTSIDE)
        d = ImageDraw.Draw(img)
        w, s, e, n = self.county
        d.polygon(px([(w, s), (e, s), (e, n), (w, n)]), fill=LAND)
        towns = [u for u in self.units if u["level"] == "township"]
        for i, unit in enumerate(towns):  # a light tint each, so a boundary reads as a side
            d.polygon(px(unit["ring"]), fill=TINTS[i % len(TINTS)])
        width = max(2, int(2 ** (z - 10) * 3))  # the river widens as one zooms in (≈ 60 m)
        d.line(px(self.river), fill=WATER, width=min(width, 120), joint="curve")
        if z >= 11:
            road = max(1, min(10, int(2 ** (z - 13) * 3)))
            for line in self.roads:
                pts = px(line)
                d.line(pts, fill=ROAD_EDGE, width=road + 2, joint="curve")
                d.line(pts, fill=ROAD, width=road, joint="curve")
        levels = {
            "township": (TOWN_LINE, 2 if z < 13 else 3, 9),
            "village": (VILLAGE_LINE, 1, 12),
            "grid": (GRID_LINE, 1, 13),
        }
        for unit in sorted(
            self.units, key=lambda u: ("grid", "village", "township").index(u["level"])
        ):
            colour, line, from_zoom = levels[unit["level"]]
            if z >= from_zoom:
                d.line(px(unit["ring"]), fill=colour, width=line)
        self._labels(d, z, px)
        return img

    def _labels(self, d, z, px):
        for unit in self.units:
            level = unit["level"]
            if level == "township" and z >= 9:
                size = 13 if z < 12 else 16
            elif level == "village" and z >= 12:
                size = 12 if z < 14 else 14
            elif level == "grid" and z >= 14:
                size = 12
            else:
                continue
            (cx, cy) = px([unit["label"]])[0]
            if level == "grid":  # a grid's name under its village's, not on it
                cy += 18
            elif level == "village" and z >= 14:
                cy -= 18
            if -200 < cx < SIZE + 200 and -40 < cy < SIZE + 40:
                d.text(
                    (cx, cy),
                    unit["name"],
                    font=self.font(size),
                    fill=TEXT,
                    anchor="mm",
                    stroke_width=2,
                    stroke_fill=HALO,
                )


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(out, "PNG", optimize=False)
    return out.getvalue()


def build(path: Path) -> dict:
    """Draw every tile into a new package at ``path`` (replaced atomically); returns figures."""
    started = time.monotonic()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    con = sqlite3.connect(partial)
    con.executescript(
        """
        CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT,
                          PRIMARY KEY (zoom_level, tile_column, tile_row));
        CREATE TABLE images (tile_id TEXT PRIMARY KEY, tile_data BLOB);
        CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column,
            map.tile_row AS tile_row, images.tile_data AS tile_data
            FROM map JOIN images ON images.tile_id = map.tile_id;
        """
    )
    painter = Painter()
    count, stored, total_bytes = 0, set(), 0
    for z, x, y in tiles_to_draw():
        data = _png(painter.draw(z, x, y))
        tile_id = hashlib.sha256(data).hexdigest()
        if tile_id not in stored:
            stored.add(tile_id)
            con.execute("INSERT INTO images VALUES (?, ?)", (tile_id, data))
        # MBTiles rows count from the south (TMS).
        con.execute("INSERT INTO map VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, tile_id))
        count += 1
        total_bytes += len(data)
    w, s, e, n = geography.county_bbox()
    metadata = {
        "name": "fieldcase demo county",
        "format": "png",
        "type": "baselayer",
        "version": "1",
        "minzoom": str(MIN_ZOOM),
        "maxzoom": str(MAX_ZOOM),
        "bounds": f"{w},{s},{e},{n}",
        "center": f"{(w + e) / 2},{(s + n) / 2},11",
        "attribution": ATTRIBUTION,
        # The phones' estimate of what caching an area costs: the mean tile's size.
        "mean_tile_bytes": str(round(total_bytes / max(count, 1))),
    }
    con.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
    con.commit()
    con.execute("VACUUM")
    con.close()
    os.replace(partial, path)
    return {
        "tiles": count,
        "distinct": len(stored),
        "bytes": path.stat().st_size,
        "seconds": round(time.monotonic() - started, 1),
    }


if __name__ == "__main__":  # python -m server.demo.tiles OUT.mbtiles
    import sys

    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "demo-tiles.mbtiles")))
