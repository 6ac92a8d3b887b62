"""Art. 42 (执法人员不得少于两人): an inspection record is complete only once each officer
named on it besides its author has confirmed, on his own device, that he was there."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.cases import Refused, confirm_on_spot, on_spot_presence_art_42, presence_art_42
from sync.rules import may
from sync.types import Outcome
from sync.workflow import WORKFLOW
from tests.sync.case_kit import Desk, at, confirm, opened, refused
from tests.sync.kit import L1, O1, O2, O3


def recorded(desk: Desk) -> uuid.UUID:
    """A record by O1 naming O1 and O2, on an opened case."""
    case_id = opened(desk)
    desk.now = at("2026-03-03", 12)
    d = desk.inspect(O1, case_id, [11, 12])
    assert d.outcome == Outcome.APPLIED, d
    return d.state.id


def record(desk: Desk, record_id) -> dict:
    return dict(desk.records[("inspection", record_id)].fields)


def test_a_record_awaits_the_second_officer_until_he_confirms_on_his_own_device():
    desk = Desk()
    record_id = recorded(desk)
    assert record(desk, record_id)["status"] == "awaiting_confirmation"
    assert presence_art_42(record(desk, record_id)) == ([11], [12])

    desk.now = at("2026-03-03", 18)
    d = confirm(desk, O2, record_id)
    assert d.outcome == Outcome.APPLIED, d
    f = record(desk, record_id)
    assert f["status"] == "complete"
    assert f["confirmations"] == [{"officer_id": 12, "at": "2026-03-03T10:00:00+00:00"}]
    assert presence_art_42(f) == ([11, 12], [])
    assert d.state.version == 2


def test_the_author_cannot_confirm_for_his_colleague():
    desk = Desk()
    record_id = recorded(desk)
    d = confirm(desk, O1, record_id)
    assert refused(d, "author_cannot_confirm") and "officers" in d.detail["fields"]
    assert record(desk, record_id)["status"] == "awaiting_confirmation"


def test_an_officer_not_named_cannot_confirm_nor_one_of_another_township():
    desk = Desk()
    record_id = recorded(desk)
    d = confirm(desk, L1, record_id)
    assert refused(d, "not_named_officer") and "officers" in d.detail["fields"]
    assert refused(confirm(desk, O3, record_id), "forbidden")
    assert record(desk, record_id)["status"] == "awaiting_confirmation"


def test_a_second_confirmation_is_refused_and_changes_nothing():
    desk = Desk()
    record_id = recorded(desk)
    assert confirm(desk, O2, record_id).outcome == Outcome.APPLIED
    before = record(desk, record_id)
    assert refused(confirm(desk, O2, record_id), "already_confirmed")
    assert record(desk, record_id) == before


officers = st.lists(st.integers(1, 9), min_size=2, max_size=6, unique=True)


@given(officers, st.data())
def test_presence_splits_the_named_officers_and_the_author_is_never_awaited(named, data):
    author = data.draw(st.sampled_from(named))
    confirmed = data.draw(st.lists(st.sampled_from(named), unique=True))
    stray = data.draw(st.lists(st.integers(10, 20), max_size=2))  # never named: ignored
    fields = {
        "author_id": author,
        "officers": named,
        "confirmations": [{"officer_id": o, "at": "x"} for o in confirmed + stray],
    }
    done, awaiting = presence_art_42(fields)
    assert done == sorted(done, key=named.index) and awaiting == sorted(awaiting, key=named.index)
    assert set(done) | set(awaiting) == set(named) and not set(done) & set(awaiting)
    assert author in done
    assert set(awaiting) == set(named) - set(confirmed) - {author}


# -- the on-the-spot decision (arts. 42, 51) -------------------------------------------------------


def decided_on_spot(desk: Desk) -> uuid.UUID:
    """A warning decided on the spot by O1, naming O1 and O2."""
    case_id, _ = desk.propose(procedure="summary")
    d = desk.decide_on_spot(
        O1,
        case_id,
    )
    assert d.outcome == Outcome.APPLIED, d
    return case_id


def test_art_42_an_on_the_spot_decision_awaits_the_second_officer_on_his_own_device():
    desk = Desk()
    case_id = decided_on_spot(desk)
    assert on_spot_presence_art_42(desk.case(case_id)) == ([11], [12])
    # Only the named partner is offered the step (sync.rules' on_spot_partner).
    state = desk.records[("case", case_id)]
    step = WORKFLOW["case"]["transitions"]["confirm_on_spot"]
    assert [may(step["who"], state, who) for who in (O1, O2, O3, L1)] == [False, True, False, False]

    desk.now = at("2026-03-02", 18)
    d = desk.step(O2, case_id, "confirm_on_spot")
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["on_spot_confirmations"] == [{"officer_id": 12, "at": "2026-03-02T10:00:00+00:00"}]
    assert on_spot_presence_art_42(case) == ([11, 12], [])
    assert case["status"] == "decided"  # confirming moves nothing else
    assert not may(step["who"], desk.records[("case", case_id)], O2)


def test_art_42_nobody_confirms_an_on_the_spot_decision_for_another_nor_twice():
    desk = Desk()
    case_id = decided_on_spot(desk)
    assert refused(desk.step(O1, case_id, "confirm_on_spot"), "forbidden")  # he decided it
    assert refused(desk.step(L1, case_id, "confirm_on_spot"), "forbidden")  # not named
    assert refused(desk.step(O3, case_id, "confirm_on_spot"), "forbidden")  # another township
    assert desk.step(O2, case_id, "confirm_on_spot").outcome == Outcome.APPLIED
    before = desk.case(case_id)
    assert refused(desk.step(O2, case_id, "confirm_on_spot"), "forbidden")  # confirmed already
    assert desk.case(case_id) == before


def test_art_42_the_check_says_why_when_asked_past_the_phone():
    """The relation keeps the step from whoever may not take it; the check, which the
    server runs whatever the relation said, names the reason (a step queued by an older
    app, or a desk)."""
    desk = Desk()
    case_id = decided_on_spot(desk)
    f = desk.case(case_id)
    ctx = type("Ctx", (), {"now": at("2026-03-02", 18)})()
    state = desk.records[("case", case_id)]
    with pytest.raises(Refused) as author:
        confirm_on_spot(state, {}, O1, ctx)
    assert author.value.reason == "author_cannot_confirm"
    with pytest.raises(Refused) as stranger:
        confirm_on_spot(state, {}, L1, ctx)
    assert stranger.value.reason == "not_named_officer"
    confirmed = {**f, **confirm_on_spot(state, {}, O2, ctx)}
    with pytest.raises(Refused) as twice:
        confirm_on_spot(dataclasses.replace(state, fields=confirmed), {}, O2, ctx)
    assert twice.value.reason == "already_confirmed"


def test_art_42_a_decision_made_before_officers_were_named_awaits_nobody():
    assert on_spot_presence_art_42({"decided_by": 11}) == ([], [])
    assert on_spot_presence_art_42({"decided_by": 11, "on_spot_officers": [11]}) == ([11], [])
