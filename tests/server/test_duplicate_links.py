"""R8 on the server's clock, and at a crowded spot: reports are compared by when the server
received them, and one more report at a busy spot touches only a few of the others. On
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math
import uuid

import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db
from sync.checks import DuplicateWindow
from tests.server.sync_kit import applied, location, new_clue, north_of, pull_all, push

SPOT = (28.61, 119.28)  # away from the world's own clues


def north(metres: float) -> tuple[float, float]:
    return north_of(SPOT, metres)


def report(at: tuple[float, float], phone_now: dt.datetime) -> dict:
    """A clue as a phone whose clock reads ``phone_now`` makes it: its fix, its device time."""
    return new_clue(
        at=None, location=location(*at, fix_time=phone_now), device_time=phone_now.isoformat()
    )


def links_pulled(session) -> dict[str, list[str]]:
    """Each clue a device holds after a full pull, with the clues it is linked to."""
    held = {}
    for change in pull_all(session)["changes"]:
        if change["record_type"] == "clue" and change["data"]:
            held[change["id"]] = [x["clue_id"] for x in change["data"]["possible_duplicates"]]
    return held


def seqs(app, ids) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Clue.id, Clue.seq).where(Clue.id.in_([uuid.UUID(i) for i in ids]))
        )
        return {str(clue_id): seq for clue_id, seq in rows}


def test_a_phone_two_days_fast_is_still_linked_to_the_report_next_to_it(app, world, login):
    grid, grid2, dispatcher = login("grid_a"), login("grid2_a"), login("dispatcher_a")
    now = dt.datetime.now(dt.UTC)
    fast = now + dt.timedelta(days=2)
    [first] = applied(push(grid, report(SPOT, now), device_now=now))

    [second] = applied(push(grid2, report(north(20), fast), device_now=fast))

    assert "possible_duplicate" in second["flags"]
    # Its own clock is kept and flagged, as R9 asks; it does not decide R8.
    assert "clock_skew" in second["flags"]
    assert math.isclose(second["clock_skew_s"], 2 * 86_400, abs_tol=120)
    held = links_pulled(dispatcher)
    assert held[second["record_id"]] == [first["record_id"]]
    assert held[first["record_id"]] == [second["record_id"]]


def test_reports_received_a_day_apart_are_not_linked_even_with_the_same_device_time(
    app, world, login
):
    grid, grid2 = login("grid_a"), login("grid2_a")
    now = dt.datetime.now(dt.UTC)
    [first] = applied(push(grid, report(SPOT, now), device_now=now))
    with app.app_context():  # the server received the first one 25 hours ago
        clue = db.session.get(Clue, uuid.UUID(first["record_id"]))
        clue.created_at = now - dt.timedelta(hours=25)
        db.session.commit()

    # A phone whose clock stopped a day ago says it is the same moment.
    [second] = applied(push(grid2, report(north(20), now), device_now=now))

    assert "possible_duplicate" not in second.get("flags", [])


def test_the_twentieth_report_at_one_spot_touches_only_the_few_nearest(app, world, login):
    officer = login("officer_a")
    now = dt.datetime.now(dt.UTC)
    # Nineteen reports 1 to 19 m north of the spot, all possible duplicates of each other.
    crowd = applied(push(officer, *(report(north(m), now) for m in range(1, 20)), device_now=now))
    crowd_ids = [r["record_id"] for r in crowd]
    before = seqs(app, crowd_ids)

    [twentieth] = applied(push(officer, report(SPOT, now), device_now=now))

    k = DuplicateWindow().links
    assert 0 < k < 19
    moved = [i for i, seq in seqs(app, crowd_ids).items() if seq != before[i]]
    assert len(moved) <= k
    nearest = crowd_ids[:k]  # 1, 2 and 3 m away
    assert [x["clue_id"] for x in twentieth["possible_duplicates"]] == nearest
    assert sorted(moved) == sorted(nearest)
    for result in crowd:  # each of the crowd was linked too, to a few at most
        assert 0 < len(result["possible_duplicates"]) <= k


def test_a_pulled_clue_lists_its_possible_duplicates_nearest_first(app, world, login):
    officer, dispatcher = login("officer_a"), login("dispatcher_a")
    now = dt.datetime.now(dt.UTC)
    applied(push(officer, *(report(north(m), now) for m in range(1, 6)), device_now=now))
    applied(push(officer, report(SPOT, now), device_now=now))  # linked last, nearest to 1 m

    lists = [
        [x["distance_m"] for x in change["data"]["possible_duplicates"]]
        for change in pull_all(dispatcher)["changes"]
        if change["record_type"] == "clue"
    ]
    assert any(len(distances) > 1 for distances in lists)
    assert all(distances == sorted(distances) for distances in lists)
