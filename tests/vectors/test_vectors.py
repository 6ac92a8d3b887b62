"""The vectors the PWA's rules are held to (make_vectors.py) cover what they must: every
transition, every relation and role both in and out of jurisdiction, and clocks whose due days
the working calendar moved (a holiday, a make-up working day), at moments where China's day
and the UTC day differ."""

from __future__ import annotations

import datetime as dt
import json

from sync import documents
from sync.cases import today
from sync.documents import SPEC
from sync.legal import CALENDAR_2026
from sync.workflow import WORKFLOW
from tests.vectors.make_vectors import PEOPLE, ROLES, vectors

DATA = vectors()


def test_every_relation_and_role_is_answered_both_ways_in_and_out_of_jurisdiction():
    for name in ("reporter", "assignee", "taker", *ROLES):
        alone = [v for v in DATA["may"] if v["who"] == [name]]
        assert {v["expected"] for v in alone} == {True, False}, name
    for actor in PEOPLE:
        for role in actor.roles:
            answers = {
                (v["rec"]["unit_path"].startswith(actor.unit_path), v["expected"])
                for v in DATA["may"]
                if v["who"] == [role] and v["me"]["id"] == actor.user_id
            }
            assert (True, True) in answers, (actor, role)
            if actor.unit_path != "/330802/":  # the county sees every grid
                assert (False, False) in answers, (actor, role)


def test_every_transition_is_laid_over_records_by_two_people():
    covered = {(v["record_type"], v["transition"]) for v in DATA["step_effects"]}
    wanted = {(t, n) for t, spec in WORKFLOW.items() for n in spec.get("transitions", {})}
    assert covered == wanted
    assert {v["actor_id"] for v in DATA["step_effects"]} == {21, 31}


def test_the_clocks_cross_a_holiday_and_a_make_up_working_day_near_chinas_midnight():
    due = {dt.date.fromisoformat(d) for d in DATA["due_days"].values()}
    assert any(d in CALENDAR_2026.workdays for d in due)  # 10 October 2026, a Saturday
    assert any(
        CALENDAR_2026.holidays & {d - dt.timedelta(days=i) for i in range(1, 8)} for d in due
    )
    moments = {dt.datetime.fromisoformat(v["now"]) for v in DATA["clocks"]}
    assert any(today(m) != m.date() for m in moments)  # the UTC day is not China's
    kinds = {("late" in v["expected"], "soon" in v["expected"]) for v in DATA["clocks"]}
    assert kinds == {(True, False), (False, True), (False, False)}


def _conditions(node, found: set[str]) -> set[str]:
    """Every ``when`` the documents' declarations hold (as its JSON text)."""
    if isinstance(node, dict):
        if "when" in node:
            found.add(json.dumps(node["when"], ensure_ascii=False))
        for value in node.values():
            _conditions(value, found)
    elif isinstance(node, list):
        for value in node:
            _conditions(value, found)
    return found


def test_the_document_vectors_take_every_conditional_part_both_ways(monkeypatch):
    seen: dict[str, set[bool]] = {}
    holds = documents._Composer.holds

    def recording(self, cond, scope):
        answer = holds(self, cond, scope)
        seen.setdefault(json.dumps(cond, ensure_ascii=False), set()).add(answer)
        return answer

    monkeypatch.setattr(documents._Composer, "holds", recording)
    for v in DATA["document_models"]:
        documents.compose(v["kind"], v["data"], redacted=bool(v.get("redacted")))
    declared = _conditions({"kinds": SPEC["kinds"], "parts": SPEC["parts"],
                            "lists": SPEC["lists"], "vars": SPEC["vars"]}, set())  # fmt: skip
    one_way = {c: seen.get(c, set()) for c in declared if seen.get(c) != {True, False}}
    assert one_way == {}


def test_the_phrase_vectors_take_every_branch_both_ways(monkeypatch):
    seen: dict[str, set[bool]] = {}
    holds = documents._Composer.holds

    def recording(self, cond, scope):
        answer = holds(self, cond, scope)
        seen.setdefault(json.dumps(cond, ensure_ascii=False), set()).add(answer)
        return answer

    monkeypatch.setattr(documents._Composer, "holds", recording)
    for v in DATA["document_phrases"]:
        (documents.phrase_items if v.get("items") else documents.phrase)(v["name"], v["values"])
    declared = _conditions(SPEC["phrases"], set())
    assert {c: seen.get(c, set()) for c in declared if seen.get(c) != {True, False}} == {}
