"""Children that wait for a parent that never comes to their author (R3): after the
settings' period (``SYNC_WAITING_DAYS``) ``flask sync purge-waiting`` hands each to the
supervisors of its author's township as a conflict record with its whole content, never
dropping it; meanwhile the command room sees them waiting, with their author and age."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from server.core.db import db
from server.sync_api.models import SyncConflict, SyncMutation, SyncWaiting
from tests.server.sync_kit import count, new_clue, note, push_one


def _age(app, mutation_id, days: float) -> None:
    """Make a waiting child ``days`` old, as if it had reached the server then."""
    with app.app_context():
        at = db.session.get(SyncWaiting, uuid.UUID(mutation_id)).created_at
        db.session.execute(
            sa.update(SyncWaiting)
            .where(SyncWaiting.mutation_id == uuid.UUID(mutation_id))
            .values(created_at=at - dt.timedelta(days=days))
        )
        db.session.commit()


def _strangers_note(login):
    """A note of township B's grid worker on a clue of township A he may not see."""
    grid_a, grid_b = login("grid_a"), login("grid_b")
    clue = new_clue()
    push_one(grid_a, clue)
    written = note(clue["record_id"], "路过时看到的情况")
    assert push_one(grid_b, written)["outcome"] == "waiting"
    return written


def test_a_child_waiting_past_the_period_goes_whole_to_its_authors_supervisors(app, world, login):
    old, young = _strangers_note(login), _strangers_note(login)
    _age(app, old["id"], 31)
    _age(app, young["id"], 29)

    result = app.test_cli_runner().invoke(args=["sync", "purge-waiting"])

    assert result.exit_code == 0, result.output
    assert "1 " in result.output
    assert count(app, SyncWaiting) == 1  # the young one still waits
    kept = login("dispatcher_b").get("/api/v1/conflicts").get_json()
    [conflict] = [c for c in kept if c["record_id"] == old["record_id"]]
    assert conflict["reason"] == "waited_too_long"
    assert conflict["device_value"]["payload"]["text"] == "路过时看到的情况"
    # Township A's room learns nothing of a note on its clue it never received.
    assert all(
        c["record_id"] != old["record_id"]
        for c in login("dispatcher_a").get("/api/v1/conflicts").get_json()
    )
    with app.app_context():
        logged = db.session.get(SyncMutation, uuid.UUID(old["id"]))
        assert (logged.outcome, logged.reason) == ("conflict", "waited_too_long")
    # The author's phone, sending it again, learns it is kept for a supervisor.
    again = push_one(login("grid_b"), old)
    assert (again["outcome"], again["reason"], again["replay"]) == (
        "conflict",
        "waited_too_long",
        True,
    )


def test_the_period_comes_from_the_settings(app, make_app, world, login):
    waiting = _strangers_note(login)
    _age(app, waiting["id"], 6)

    app.test_cli_runner().invoke(args=["sync", "purge-waiting"])
    assert count(app, SyncWaiting) == 1  # 6 days: within the default 30
    short = make_app(SYNC_WAITING_DAYS=5)
    short.test_cli_runner().invoke(args=["sync", "purge-waiting"])
    assert count(app, SyncWaiting) == 0


def test_purging_twice_keeps_each_child_once(app, world, login):
    old = _strangers_note(login)
    _age(app, old["id"], 40)
    runner = app.test_cli_runner()
    runner.invoke(args=["sync", "purge-waiting"])
    runner.invoke(args=["sync", "purge-waiting"])

    assert count(app, SyncConflict, SyncConflict.mutation_id == uuid.UUID(old["id"])) == 1


def test_the_command_room_sees_the_children_waiting_in_its_township(app, world, login):
    waiting = _strangers_note(login)
    _age(app, waiting["id"], 3)

    rows = login("dispatcher_b").get("/api/v1/sync/waiting")
    assert rows.status_code == 200, rows.get_json()
    [row] = rows.get_json()
    assert row["mutation_id"] == waiting["id"]
    assert row["record_type"] == "clue_note"
    assert row["author_name"]
    assert row["age_days"] == 3
    assert row["text"] == "路过时看到的情况"
    # Another township's room does not see it; a grid worker may not ask.
    assert login("dispatcher_a").get("/api/v1/sync/waiting").get_json() == []
    assert login("grid_b").get("/api/v1/sync/waiting").status_code == 403
