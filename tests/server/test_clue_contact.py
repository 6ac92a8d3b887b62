"""What the officer learns of a clue's reporter, and what the reporter says when he takes a
report back (issue 24, items 2 and 8): his number only where he agreed to be called, and to
staff only; a withdrawal keeps his reason."""

from __future__ import annotations

import uuid

from server.accounts.models import User
from server.clues.models import Clue
from server.core.db import db
from tests.server.sync_kit import new_clue, pulled, push_one, step

NUMBER = "13905700001"


def _with_number(app, world, username: str) -> None:
    with app.app_context():
        db.session.get(User, world.users[username]).phone = NUMBER
        db.session.commit()


def test_staff_get_the_reporters_number_only_where_he_agreed_to_be_called(app, world, login):
    _with_number(app, world, "grid_a")
    grid, officer, neighbour = login("grid_a"), login("officer_a"), login("grid2_a")
    agreed = push_one(grid, new_clue(call_back=True))["record_id"]
    silent = push_one(grid, new_clue(call_back=False))["record_id"]

    assert pulled(officer, "clue", agreed)["data"]["reporter_phone"] == NUMBER
    assert pulled(officer, "clue", agreed)["data"]["call_back"] is True
    assert "reporter_phone" not in pulled(officer, "clue", silent)["data"]
    # Another grid worker who sees the clue is no one to ring him.
    seen = pulled(neighbour, "clue", agreed)
    assert seen is None or "reporter_phone" not in seen["data"]


def test_a_clue_reported_by_an_older_app_has_no_consent_to_call(app, world, login):
    _with_number(app, world, "grid_a")
    grid, officer = login("grid_a"), login("officer_a")
    clue_id = push_one(grid, new_clue())["record_id"]
    data = pulled(officer, "clue", clue_id)["data"]
    assert data["call_back"] is None and "reporter_phone" not in data


def test_a_withdrawal_records_the_reporters_reason(app, world, login):
    grid = login("grid_a")
    clue_id = push_one(grid, new_clue())["record_id"]
    result = push_one(grid, step(clue_id, "withdraw", 1, reason="已自行协调解决"))
    assert result["outcome"] == "applied"
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert (clue.status, clue.withdraw_reason) == ("withdrawn", "已自行协调解决")


def test_a_withdrawal_reason_that_is_not_text_is_refused_naming_it(app, world, login):
    grid = login("grid_a")
    clue_id = push_one(grid, new_clue())["record_id"]
    result = push_one(grid, step(clue_id, "withdraw", 1, reason=["x"]))
    assert (result["outcome"], result["reason"]) == ("rejected", "invalid")
    assert "reason" in str(result["fields"])
