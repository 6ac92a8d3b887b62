"""The workflow as the rest of the code and the PWA read it: the law's lists, the reason texts,
the names ``sync.workflow`` has always offered."""

from __future__ import annotations

import json

import pytest

from sync import legal, workflow
from sync.values import Invalid, clean
from tests.sync.case_kit import Desk, refused
from tests.sync.kit import L1

PENALTY = workflow.WORKFLOW["case"]["transitions"]["decide"]["args"]["penalty"]


def test_the_party_and_consequence_choices_are_the_laws_own():
    assert list(legal.PARTY_KINDS) == workflow.PARTY_KINDS
    assert list(legal.CONSEQUENCES) == workflow.CONSEQUENCES


def test_a_township_is_offered_every_penalty_of_article_9_but_detention():
    assert "detention" in legal.PENALTY_KINDS
    assert [k for k in legal.PENALTY_KINDS if k != "detention"] == workflow.PENALTY_KINDS
    assert PENALTY["properties"]["kind"]["choices"] == workflow.PENALTY_KINDS


def test_a_decision_of_detention_is_invalid_and_names_the_penalty_kind():
    with pytest.raises(Invalid) as refused:
        clean(PENALTY, {"kind": "detention", "amount_fen": 0}, refs=None, unit_path="330100")
    assert "kind" in refused.value.args[0]


@pytest.mark.parametrize(
    "code", ["mutation_mismatch", "id_conflict", "rights_changed", "waiting_parent"]
)
def test_the_reasons_that_keep_what_a_device_sent_tell_the_worker_in_both_languages(code):
    text = workflow.REASONS[code]
    assert set(text) == {"zh-CN", "en"} and all(t.strip() for t in text.values())


@pytest.mark.parametrize("code", ["mutation_mismatch", "rights_changed", "waiting_parent"])
def test_those_reasons_say_the_content_is_kept(code):
    assert "保留" in workflow.REASONS[code]["zh-CN"]
    assert "kept" in workflow.REASONS[code]["en"]


def test_the_export_is_plain_json_and_versioned():
    exported = workflow.export()
    assert json.loads(json.dumps(exported)) == exported  # no tuples or sets left in it
    assert exported["version"] == workflow.VERSION
    assert list(exported["records"]) == [
        "clue",
        "clue_note",
        "evidence",
        "conflict",
        "case",
        "inspection",
        "collaboration",
        "visit_record",
        "visit_photo",
    ]


def test_every_status_of_every_record_type_has_its_refusal_reason():
    for rtype, spec in workflow.WORKFLOW.items():
        for status in spec.get("statuses", {}):
            assert f"{rtype}_{status}" in workflow.REASONS


def test_a_step_of_one_procedure_declares_it_and_the_other_procedure_is_refused_it():
    """Which procedure a case's step belongs to is declared once, in the workflow: the
    server refuses it on a case of the other (``procedure_mismatch``) and the screens read
    the same key so as not to offer it (the on-the-spot filing was offered on general
    cases). Every summary step and every general step that needs it says so."""
    steps = workflow.WORKFLOW["case"]["transitions"]
    summary = {n for n, s in steps.items() if s.get("procedure") == "summary"}
    general = {n for n, s in steps.items() if s.get("procedure") == "general"}
    assert {"decide_on_spot", "confirm_on_spot", "file_summary"} <= summary
    assert {"approve_opening", "extend_decision", "discuss", "decide"} <= general
    desk = Desk()
    summary_case, _ = desk.propose(procedure="summary")
    assert refused(desk.step(L1, summary_case, "approve_opening"), "procedure_mismatch")
