"""Checks the server makes around a push that are not about one record's rules:
possible duplicate reports (R8) and wrong device clocks (R9)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class DuplicateWindow:
    """R8: two reports this close in space and time, of the same matter, are linked for the
    dispatcher as possible duplicates; they are never merged automatically."""

    radius_m: float = 50.0
    window: dt.timedelta = dt.timedelta(hours=24)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine) between two WGS84 points, in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def possible_duplicate(
    a: dict, b: dict, matter_a: str, matter_b: str, window: DuplicateWindow = DuplicateWindow()
) -> float | None:
    """The distance in metres when two clue locations are possible duplicates, else None.

    ``a`` and ``b`` are canonical locations (lat, lng, fix_time as UTC ISO text). The GPS fix
    time is used, not the phone clock: GPS time comes from the satellites.
    """
    if matter_a != matter_b:
        return None
    ta = dt.datetime.fromisoformat(a["fix_time"])
    tb = dt.datetime.fromisoformat(b["fix_time"])
    if abs(ta - tb) > window.window:
        return None
    d = distance_m(a["lat"], a["lng"], b["lat"], b["lng"])
    return d if d <= window.radius_m else None


# R8's neighbour search looks in a grid of cells a thousandth of a degree on a side
# (about 110 m north-south, 95 m east-west here): a clue's cell and those around it.
CELL_DEG = 0.001
_CELLS_PER_ROW = 1_000_000  # more than 360 / CELL_DEG


def geo_cell(lat: float, lng: float) -> int:
    """The cell a point is in, as one integer a database can index."""
    return math.floor((lat + 90) / CELL_DEG) * _CELLS_PER_ROW + math.floor((lng + 180) / CELL_DEG)


def cells_around(lat: float, lng: float, radius_m: float) -> list[int]:
    """Every cell a point within ``radius_m`` of (lat, lng) can be in."""
    lat0, lat1, lng0, lng1 = bounding_box(lat, lng, radius_m)
    rows = range(math.floor((lat0 + 90) / CELL_DEG), math.floor((lat1 + 90) / CELL_DEG) + 1)
    cols = range(math.floor((lng0 + 180) / CELL_DEG), math.floor((lng1 + 180) / CELL_DEG) + 1)
    return [r * _CELLS_PER_ROW + c for r in rows for c in cols]


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) around a point: a cheap index-friendly prefilter."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlng = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def clock_skew(
    device_now: dt.datetime | None,
    server_now: dt.datetime,
    tolerance: dt.timedelta = dt.timedelta(minutes=10),
) -> float | None:
    """R9: the device clock's offset in seconds when it is beyond ``tolerance``, else None.
    Ordering never uses device time; this only flags records for a person to see."""
    if device_now is None:
        return None
    skew = (device_now - server_now).total_seconds()
    return skew if abs(skew) > tolerance.total_seconds() else None
