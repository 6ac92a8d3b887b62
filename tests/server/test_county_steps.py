"""Issue 24 through the API, on SQLite and PostgreSQL: the county's command centre is refused
the township's own steps on a township's clue exactly as the console hides them (the rules'
``forbidden``), while it may still comment on it; and a report that says the violator was
dissuaded on the spot with nobody present is refused naming the field, nothing stored."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from server.clues.models import Clue, ClueNote
from server.core.db import db
from tests.server.sync_kit import clue_row, count, new_clue, note, push_one, step
from tests.server.world import clue_payload

DEADLINE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()


def test_the_county_dispatcher_is_refused_a_townships_own_steps(app, world, login):
    clue_a = world.clues["clue_a"]
    county = login("dispatcher_county")
    before = clue_row(app, clue_a)

    for name, args in [("accept", {}), ("reject", {"reason": "不属实"})]:
        refused = push_one(county, step(clue_a, name, **args))
        assert (refused["outcome"], refused["reason"]) == ("rejected", "forbidden"), name
    assert clue_row(app, clue_a) == before

    # The township's own room may, so the refusal above is the county's alone.
    assert push_one(login("dispatcher_a"), step(clue_a, "accept"))["outcome"] == "applied"
    assert push_one(county, step(clue_a, "assign", deadline=DEADLINE))["reason"] == "forbidden"

    # What the county may do: comment (督办).
    remark = push_one(county, note(clue_a, "请航埠镇今日内处置"))
    assert remark["outcome"] == "applied", remark
    with app.app_context():
        texts = db.session.scalars(sa.select(ClueNote.text).where(ClueNote.clue_id == clue_a))
        assert "请航埠镇今日内处置" in set(texts)


def test_dissuaded_with_nobody_present_is_refused_at_push_and_nothing_is_stored(app, login):
    grid = login("grid_a")
    before = count(app, Clue)
    now = dt.datetime.now(dt.UTC).isoformat()

    said_both = new_clue(dissuasion={"done": True, "result": "nobody_present", "at": now})
    refused = push_one(grid, said_both)

    assert (refused["outcome"], refused["reason"]) == ("rejected", "invalid")
    assert list(refused["fields"]) == ["dissuasion"]
    assert list(refused["fields"]["dissuasion"]) == ["result"]
    assert count(app, Clue) == before

    honest = new_clue(dissuasion={"done": False, "result": "nobody_present", "at": None})
    assert push_one(grid, honest)["outcome"] == "applied"
    with app.app_context():
        kept = db.session.get(Clue, uuid.UUID(honest["record_id"]))
        assert (kept.dissuasion_done, kept.dissuasion_result, kept.dissuasion_at) == (
            False,
            "nobody_present",
            None,
        )


def test_dissuaded_with_nobody_present_is_refused_422_by_the_report_endpoint(app, login):
    grid = login("grid_a")
    before = count(app, Clue)
    now = dt.datetime.now(dt.UTC).isoformat()
    body = clue_payload(dissuasion={"done": True, "result": "nobody_present", "at": now})

    r = grid.post("/api/v1/clues", json=body)

    assert r.status_code == 422, r.get_json()
    assert list(r.get_json()["fields"]) == ["dissuasion"]
    assert list(r.get_json()["fields"]["dissuasion"]) == ["result"]
    assert count(app, Clue) == before
    assert grid.get(f"/api/v1/clues/{body['id']}").status_code == 404


def test_a_clue_stored_before_the_rule_still_loads(app, world, login):
    """History is not rewritten: a report stored as "dissuaded, nobody present" before the
    rule still reads, for the console and the phone."""
    clue_a = world.clues["clue_a"]
    with app.app_context():
        clue = db.session.get(Clue, clue_a)
        clue.dissuasion_done, clue.dissuasion_result = True, "nobody_present"
        db.session.commit()

    got = login("dispatcher_a").get(f"/api/v1/clues/{clue_a}")

    assert got.status_code == 200
    assert got.get_json()["dissuasion"]["result"] == "nobody_present"
    assert push_one(login("dispatcher_a"), step(clue_a, "accept"))["outcome"] == "applied"
