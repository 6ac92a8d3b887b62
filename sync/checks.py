"""Checks the server makes around a push that are not about one record's rules:
possible duplicate reports (R8) and wrong device clocks (R9).

R8 compares the times the server received the two reports, never the phones' clocks: a
phone two days fast is still linked to the report made next to it, and its own time is
kept on the record and flagged (R9, ``clock_skew``). The place is the device's fix: there
is no other.

What a crowd costs. Twenty people reporting the same fire would, if every report were
linked to every earlier one, make the n-th report write 2(n-1) links and send its n-1
neighbours back down to every device that holds them: the last report at a busy spot would
cost as much as all the others together. So a new report is linked to at most
``DuplicateWindow.links`` (3) of the possible duplicates already received: the nearest,
and between equally near ones the latest received. Only those few are touched. The reports
at one spot still form one connected group for the dispatcher, since each is linked to an
earlier one; and the search reads at most ``DuplicateWindow.candidates_per_cell`` (20) of
the latest reports in each ~100 m cell around the new one, so neither the reading nor the
writing grows with the crowd.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

EARTH_RADIUS_M = 6_371_008.8
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class DuplicateWindow:
    """R8: two reports this close in space and in server receipt time, of the same matter,
    are linked for the dispatcher as possible duplicates; they are never merged
    automatically. ``links`` and ``candidates_per_cell`` bound what one report costs
    (the module docstring)."""

    radius_m: float = 50.0
    window: dt.timedelta = dt.timedelta(hours=24)
    links: int = 3
    candidates_per_cell: int = 20


@dataclass(frozen=True)
class Report:
    """A clue as R8 compares it: its matter, where the device placed it, and when the
    server received it (``Clue.created_at``)."""

    matter: str
    lat: float
    lng: float
    received_at: dt.datetime


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine) between two WGS84 points, in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def possible_duplicate(
    a: Report, b: Report, window: DuplicateWindow = DuplicateWindow()
) -> float | None:
    """The distance in metres when two reports are possible duplicates, else None."""
    if a.matter != b.matter or abs(a.received_at - b.received_at) > window.window:
        return None
    d = distance_m(a.lat, a.lng, b.lat, b.lng)
    return d if d <= window.radius_m else None


def reports_to_link(
    new: Report, received: Iterable[tuple[K, Report]], window: DuplicateWindow = DuplicateWindow()
) -> list[tuple[K, float]]:
    """The reports, of those already ``received``, that ``new`` is linked to, with their
    distances: at most ``window.links`` possible duplicates, the nearest first, and between
    equally near ones the latest received."""
    found = [
        (d, -other.received_at.timestamp(), n, key)
        for n, (key, other) in enumerate(received)
        if (d := possible_duplicate(new, other, window)) is not None
    ]
    found.sort(key=lambda f: f[:3])
    return [(key, d) for d, _latest, _n, key in found[: window.links]]


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
