"""What a change tells someone (sync.notices, issue 24): pure, before and after states in."""

from __future__ import annotations

import uuid

from sync.notices import notices
from sync.types import RecordState
from sync.workflow import WORKFLOW

CLUE, CASE = uuid.uuid4(), uuid.uuid4()


def clue(**fields) -> RecordState:
    return RecordState("clue", CLUE, 1, fields, unit_path="/331123/331123102/")


def case(**fields) -> RecordState:
    return RecordState("case", CASE, 1, fields, unit_path="/331123/331123102/")


def kinds(before, after) -> list[tuple[str, tuple[str, ...], str | None]]:
    return [(n.kind, n.who, n.step) for n in notices(before, after)]


def test_accepting_a_report_answers_its_reporter_and_assigning_it_gives_a_task():
    reported = clue(status="reported", reporter_id=3)
    accepted = clue(status="accepted", reporter_id=3, responded_at="2026-12-06T01:00:00Z")
    assert kinds(reported, accepted) == [("answered", ("reporter",), None)]
    assigned = clue(status="assigned", reporter_id=3, responded_at="x", assignee_id=7)
    assert kinds(accepted, assigned) == [("task", ("assignee",), None)]
    # Assigned again to another officer: a task for him; to the same one, nothing new.
    again = clue(status="assigned", reporter_id=3, responded_at="x", assignee_id=8)
    assert kinds(assigned, again) == [("task", ("assignee",), None)]
    assert kinds(again, again) == []


def test_a_handling_report_sent_back_tells_its_taker_and_closing_tells_the_reporter():
    handled = clue(status="handled", taken_by=7, reporter_id=3, responded_at="x")
    returned = clue(status="in_progress", taken_by=7, reporter_id=3, responded_at="x")
    assert kinds(handled, returned) == [("returned", ("taker",), None)]
    closed = clue(status="closed", taken_by=7, reporter_id=3, responded_at="x")
    assert kinds(handled, closed) == [("answered", ("reporter",), None)]


def test_a_new_report_tells_nobody():
    assert kinds(None, clue(status="reported", reporter_id=3)) == []


def test_a_case_tells_who_may_take_the_step_it_awaits_once():
    proposed = case(status="proposed", procedure="general")
    who = tuple(WORKFLOW["case"]["transitions"]["approve_opening"]["who"])
    assert kinds(None, proposed) == [("case_step", who, "approve_opening")]
    # An edit that leaves it awaiting the same step tells nobody again.
    assert kinds(proposed, case(status="proposed", procedure="general", facts="x")) == []
    closed = case(status="closed", procedure="general")
    assert kinds(proposed, closed) == []  # waits on nobody in the team
