"""A clue's dissuasion record (劝阻, issue 24): "dissuaded on the spot" says what came of it
(stopped, refused); "not dissuaded" may say why (nobody present). Dissuaded with nobody
present contradicts itself and is refused, naming the field; the workflow says which result
goes with which answer (``results_when``), for the server and the phone's form alike."""

from __future__ import annotations

import uuid

import pytest

from sync.values import Invalid, clean, dissuasion_result_problem
from sync.workflow import WORKFLOW
from tests.sync.kit import NOW, W1, Server, create

SPEC = WORKFLOW["clue"]["fields"]["dissuasion"]
AT = NOW.isoformat()


def test_the_workflow_pairs_every_result_with_one_answer():
    when = SPEC["results_when"]
    assert sorted(when["done"] + when["not_done"]) == sorted(SPEC["choices"])
    assert "nobody_present" in when["not_done"] and "nobody_present" not in when["done"]


@pytest.mark.parametrize(
    ("done", "result", "fine"),
    [
        (True, "stopped", True),
        (True, "refused", True),
        (True, "nobody_present", False),  # dissuaded whom?
        (True, None, False),
        (False, None, True),
        (False, "nobody_present", True),  # 未劝阻：现场无人
        (False, "stopped", False),
        (False, "refused", False),
    ],
)
def test_a_result_must_fit_the_answer(done, result, fine):
    assert (dissuasion_result_problem(done, result, SPEC) is None) is fine


def _push(dissuasion: dict) -> tuple[dict, Server, uuid.UUID]:
    server, clue_id = Server(), uuid.uuid4()
    [answer] = server.push(W1, [create(record_id=clue_id, dissuasion=dissuasion)])
    return answer, server, clue_id


def test_dissuaded_on_the_spot_with_nobody_present_is_refused_naming_the_field():
    answer, server, clue_id = _push({"done": True, "result": "nobody_present", "at": AT})
    assert (answer["outcome"], answer["reason"]) == ("rejected", "invalid")
    assert list(answer["fields"]) == ["dissuasion"]
    assert list(answer["fields"]["dissuasion"]) == ["result"]
    assert ("clue", clue_id) not in server.store.records


def test_not_dissuaded_because_nobody_was_present_is_kept_without_a_time():
    answer, server, clue_id = _push({"done": False, "result": "nobody_present", "at": None})
    assert answer["outcome"] == "applied", answer
    kept = server.store.records[("clue", clue_id)].fields["dissuasion"]
    assert kept == {"done": False, "result": "nobody_present", "at": None}


def test_not_dissuaded_with_a_time_is_refused():
    answer, _, _ = _push({"done": False, "result": None, "at": AT})
    assert answer["reason"] == "invalid"
    assert list(answer["fields"]["dissuasion"]) == ["at"]


def test_the_refusal_says_what_contradicts_what():
    with pytest.raises(Invalid) as caught:
        clean(SPEC, {"done": True, "result": "nobody_present", "at": AT}, None, "/C/T1/")
    assert "contradicts" in caught.value.errors["result"][0]
