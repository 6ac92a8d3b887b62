"""The rule of a visit's record (``sync.visits``), over the engine and the in-memory store:
who records a drawn visit, what the record must hold, and what becomes of the pair's second
record of one visit (kept whole in a conflict, never lost)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.types import Mutation, Op
from tests.sync.kit import O1, O2, O3, UNITS, Server, actor, clue_payload

# The smallest whole PNG: its signature and an empty IHDR are all the rule looks at.
PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()
DEPT = dataclasses.replace(actor(31, "department", "C"), department="D-ENV")


def record(visit_id: int = 1, **overrides) -> Mutation:
    payload = {
        "visit_id": visit_id,
        "unit_code": "T1",
        "done_on": "2025-06-01",
        "items": [
            {"matter_code": "SR-001", "department": "D-ENV", "result": "violation", "note": "焚烧"},
            {"matter_code": "CG-010", "department": "T1", "result": "compliant"},
        ],
        "certificates_shown": True,
        "party_present": True,
        "party_name": "王某某",
        "party_signature": PNG,
    }
    payload.update(overrides)
    payload = {k: v for k, v in payload.items() if v is not None}
    return Mutation(uuid.uuid4(), "visit_record", uuid.uuid4(), Op.CREATE, payload)


def test_a_drawn_officer_records_the_visit_and_the_pair_and_departments_are_named():
    server = Server()
    m = record()
    [answer] = server.push(O1, [m])
    assert answer["outcome"] == "applied", answer
    state = server.records[("visit_record", m.record_id)]
    assert state.unit_path == UNITS["T1"] and state.status == "recorded"
    assert state.fields["officers"] == [11, 12] and state.fields["reporter_id"] == 11
    assert state.fields["departments"] == ["D-ENV", "T1"]
    assert state.fields["violations"] == ["D-ENV"]
    # The pair both see it; the other township's officer does not.
    assert server.visible(O2, state) and not server.visible(O3, state)


def test_the_pairs_second_record_is_kept_whole_in_a_conflict():
    server = Server()
    assert server.push(O1, [record()])[0]["outcome"] == "applied"
    second = record(party_name="王某")
    [answer] = server.push(O2, [second])
    assert answer["outcome"] == "conflict" and answer["reason"] == "visit_done"
    [kept] = answer["conflicts"]
    conflict = server.records[("conflict", kept)]
    assert conflict.fields["device_value"]["payload"]["party_name"] == "王某"
    assert ("visit_record", second.record_id) not in server.records
    # Two records of one visit in one push: the first takes it.
    other = Server()
    answers = other.push(O1, [record(), record(findings="再记")])
    assert [a["outcome"] for a in answers] == ["applied", "conflict"]


def test_a_department_inspector_records_a_visit_of_no_township_for_the_county():
    server = Server()
    county = record(3, unit_code="C", items=[record().payload["items"][0]])
    assert server.push(DEPT, [county])[0]["outcome"] == "applied"
    state = server.records[("visit_record", county.record_id)]
    assert state.unit_path == UNITS["C"] and state.fields["officers"] == [31, 32]
    # A township's officer not drawn for it: the same answer as for no visit at all.
    assert server.push(DEPT, [record(2)])[0]["fields"] == {
        "visit_id": ["no such visit drawn for you"]
    }
    # A clue is still at least a township's: only a visit's record may be the county's.
    clue = Mutation(uuid.uuid4(), "clue", uuid.uuid4(), Op.CREATE, clue_payload(unit_code="C"))
    assert server.push(actor(41, "officer", "C"), [clue])[0]["fields"] == {
        "unit_code": ["choose the township, village or grid where it happened"]
    }


def test_what_the_rule_refuses():
    server = Server()
    refusals = {
        "not drawn": (O3, record(), "invalid"),
        "no such visit": (O1, record(99), "invalid"),
        "wrong unit": (O1, record(3), "invalid"),
        "after today": (O1, record(done_on="2025-06-02"), "date_in_future"),
        "before the period": (O1, record(done_on="2025-05-31"), "invalid"),
        "certificates": (O1, record(certificates_shown=False), "certificate_not_shown"),
        "a checklist item twice": (
            O1,
            record(items=[record().payload["items"][0]] * 2),
            "invalid",
        ),
        "unsigned": (O1, record(party_signature=None), "invalid"),
        "signed and refused": (O1, record(party_refusal="拒绝签字"), "invalid"),
        "absent but named": (O1, record(party_present=False, party_signature=None), "invalid"),
        "not a png": (O1, record(party_signature="data:image/png;base64,R0lGODlh"), "invalid"),
    }
    for name, (who, m, reason) in refusals.items():
        [answer] = server.push(who, [m])
        assert (answer["outcome"], answer["reason"]) == ("rejected", reason), (name, answer)
    assert not [k for k in server.records if k[0] == "visit_record"]
    # A party who refuses to sign: his refusal written down instead.
    refused = record(party_signature=None, party_refusal="当事人拒绝签字，称需请示老板")
    assert server.push(O1, [refused])[0]["outcome"] == "applied"


def test_an_officer_whose_certificate_had_run_out_that_day_makes_the_record_refused():
    """Art. 42: both of the drawn pair hold a certificate valid on the day (O3's ran out at
    the end of 2025; visit 4 is drawn to O1 and O3 for January 2026)."""
    server = Server()
    january = dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.UTC)
    [answer] = server.push(O1, [record(4, done_on="2026-01-09")], now=january)
    assert (answer["outcome"], answer["reason"]) == ("rejected", "certificate_not_valid")
    assert answer["officers"] == [13]
    # Within June 2025 both held one: visit 2, the same pair, stands.
    assert server.push(O1, [record(2)])[0]["outcome"] == "applied"


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(["O1", "O2", "O1 again", "O2 again"]))
def test_however_the_pairs_records_arrive_the_visit_is_recorded_once_and_nothing_is_lost(order):
    """Both phones offline on site, each records the visit (and resends it, its answer lost):
    in any order of arrival, exactly one record stands and the other's content is in a
    conflict, every resend answered as the first time."""
    server = Server()
    mine, theirs = record(findings="甲记"), record(findings="乙记")
    sends = {"O1": (O1, mine), "O2": (O2, theirs), "O1 again": (O1, mine), "O2 again": (O2, theirs)}
    first: dict[uuid.UUID, dict] = {}
    for name in order:
        who, m = sends[name]
        [answer] = server.push(who, [m])
        if m.id in first:
            assert answer["replay"] and answer["outcome"] == first[m.id]["outcome"]
        else:
            first[m.id] = answer
    outcomes = sorted(a["outcome"] for a in first.values())
    assert outcomes == ["applied", "conflict"]
    records = [s for (t, _), s in server.records.items() if t == "visit_record"]
    conflicts = [s for (t, _), s in server.records.items() if t == "conflict"]
    assert len(records) == 1 and len(conflicts) == 1
    kept = conflicts[0].fields["device_value"]["payload"]["findings"]
    assert {records[0].fields["findings"], kept} == {"甲记", "乙记"}
