"""R11 on the batch engine over the in-memory store: a record that enters a view arrives
with its children, and one that leaves a view leaves it with its children, as tombstones
sent only to those who lost it (``sync.views``)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from sync.types import Mutation, Op, RecordState
from sync.views import Departure, departures
from tests.sync.case_kit import at, case_payload
from tests.sync.kit import D1, D2, L1, O1, UNITS, W1, W4, Server, create, note, step

# The county's environment department, which a clue of township T2 on SR-001 goes to.
DEPT = replace(
    W4, user_id=41, roles=frozenset({"department"}), unit_path=UNITS["C"], department="D-ENV"
)


def transferred() -> tuple[Server, uuid.UUID, uuid.UUID, int]:
    """A clue of grid G4 with a note, transferred; the department's cursor after it."""
    server, clue_id, note_id = Server(), uuid.uuid4(), uuid.uuid4()
    server.push(W4, [create(record_id=clue_id, unit_code="G4"), note(clue_id, note_id=note_id)])
    [answer] = server.push(D2, [step(clue_id, "transfer")])
    assert answer["outcome"] == "applied", answer
    _, cursor = server.changes(DEPT, 0)
    return server, clue_id, note_id, cursor


def test_a_department_sees_only_what_was_transferred_to_it():
    server, clue_id, note_id, _ = transferred()
    other = uuid.uuid4()
    server.push(W4, [create(record_id=other, unit_code="G4")])

    assert set(server.pull(DEPT)) == {("clue", clue_id), ("clue_note", note_id)}


def test_a_clue_entering_a_view_brings_its_notes_written_long_before():
    server, clue_id, note_id = Server(), uuid.uuid4(), uuid.uuid4()
    server.push(W4, [create(record_id=clue_id, unit_code="G4"), note(clue_id, note_id=note_id)])
    _, cursor = server.changes(DEPT, 0)

    server.push(D2, [step(clue_id, "transfer")])
    page, _ = server.changes(DEPT, cursor)

    assert {c.key for c in page} == {("clue", clue_id), ("clue_note", note_id)}


def test_a_recalled_transfer_tombstones_the_clue_and_its_notes_for_the_department():
    server, clue_id, note_id, cursor = transferred()

    server.push(D2, [step(clue_id, "recall_transfer", reason="移送有误")])
    page, _ = server.changes(DEPT, cursor)

    assert {(c.key, c.state) for c in page} == {
        (("clue", clue_id), None),
        (("clue_note", note_id), None),
    }
    assert ("clue", clue_id) not in server.pull(DEPT)


def test_those_who_still_see_a_departed_record_get_its_state_not_a_tombstone():
    server, clue_id, _, _ = transferred()
    _, cursor = server.changes(D2, 0)

    server.push(D2, [step(clue_id, "recall_transfer", reason="移送有误")])
    page, _ = server.changes(D2, cursor)

    assert [(c.key, c.state is not None) for c in page] == [(("clue", clue_id), True)]


def test_a_record_back_in_view_after_a_departure_is_sent_whole():
    server, clue_id, note_id, cursor = transferred()
    server.push(D2, [step(clue_id, "recall_transfer", reason="再核实")])
    server.push(D2, [step(clue_id, "transfer")])

    page, _ = server.changes(DEPT, cursor)
    last = {c.key: c.state for c in page}  # in feed order: the last word stands

    assert last[("clue", clue_id)] is not None and last[("clue_note", note_id)] is not None


def test_a_departure_names_the_view_field_and_the_value_it_lost():
    before = RecordState("clue", uuid.uuid4(), 2, {"transferred_to": "D-ENV"}, unit_path="/C/")
    after = replace(before, version=3, fields={"transferred_to": None})

    assert departures(before, after) == [Departure("transferred_to", "D-ENV")]
    assert departures(None, after) == []
    assert departures(after, before) == []  # entering a view is no departure


# -- a case transferred to a department brings its clue -------------------------------------

LAND = replace(DEPT, user_id=42, department="D-LAND")
COUNTY = replace(W4, user_id=51, roles=frozenset({"dispatcher"}), unit_path=UNITS["C"])


def a_case_transferred_to_land() -> tuple[Server, uuid.UUID, uuid.UUID, uuid.UUID, int]:
    """A case of township T1 opened from a clue with a note written long before, then
    transferred to the land department, whose device had synced before the transfer."""
    server, clue_id, note_id, case_id = Server(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    now = at("2026-03-05")
    server.push(W1, [create(record_id=clue_id), note(clue_id, note_id=note_id)], now=now)
    for who, m in [
        (D1, step(clue_id, "accept")),
        (D1, step(clue_id, "assign", assignee_id=O1.user_id, deadline="2026-03-20T18:00:00+08:00")),
        (O1, step(clue_id, "take")),
        (O1, Mutation(uuid.uuid4(), "case", case_id, Op.CREATE, case_payload(), parent_id=clue_id)),
        (L1, step(case_id, "approve_opening", record_type="case")),
    ]:
        [answer] = server.push(who, [m], now=now)
        assert answer["outcome"] == "applied", (m, answer)
    _, cursor = server.changes(LAND, 0)
    transfer = step(
        case_id,
        "transfer_case",
        record_type="case",
        agency="县自然资源局",
        department="D-LAND",
        reason="非法占地",
        received_by="李四",
        decided_on="2026-03-05",
    )
    [answer] = server.push(L1, [transfer], now=now)
    assert answer["outcome"] == "applied", answer
    return server, clue_id, note_id, case_id, cursor


def test_a_case_entering_a_departments_view_brings_its_clue_and_the_clues_history():
    server, clue_id, note_id, case_id, cursor = a_case_transferred_to_land()

    page, _ = server.changes(LAND, cursor)

    got = {c.key for c in page if c.state is not None}
    assert {("case", case_id), ("clue", clue_id), ("clue_note", note_id)} <= got
    # What a cold pull would send, the incremental one sent too.
    assert set(server.pull(LAND)) == got


def test_a_case_given_back_to_the_township_takes_its_clue_off_the_departments_device():
    server, clue_id, note_id, case_id, _ = a_case_transferred_to_land()
    _, cursor = server.changes(LAND, 0)
    server.push(LAND, [step(case_id, "return_transfer", record_type="case", reason="非本部门")])
    given = step(case_id, "arbitrate_to_township", record_type="case", note="乡镇办理")
    [answer] = server.push(COUNTY, [given])
    assert answer["outcome"] == "applied", answer

    page, _ = server.changes(LAND, cursor)

    gone = {c.key for c in page if c.state is None}
    assert {("case", case_id), ("clue", clue_id), ("clue_note", note_id)} <= gone
    assert not server.pull(LAND)


def test_a_first_pull_over_several_pages_sends_no_departure_on_any_page():
    """A new department phone's first pull, page by page: what left the view before it came
    is not its to drop, and its ids are not its to learn. The server's cursor marks a first
    pull on every page (``COLD_MARK``); the memory store took its second page for an
    ordinary one and sent the recalled clue's tombstones."""
    server, recalled, _, _ = transferred()
    kept = uuid.uuid4()
    server.push(W4, [create(record_id=kept, unit_code="G4")])
    server.push(D2, [step(kept, "transfer")])
    server.push(D2, [step(recalled, "recall_transfer", reason="移送有误")])

    sent, cursor = [], 0
    while True:
        page, cursor = server.changes(DEPT, cursor, limit=1, whole=True)
        sent += page
        if len(page) < 1:
            break
    assert {c.key for c in sent} == {("clue", kept)}
    assert all(c.state is not None for c in sent)

    # The same pages taken as ordinary pulls after the first: the departure shows.
    page, _ = server.changes(DEPT, 1, whole=False)
    assert any(c.key == ("clue", recalled) and c.state is None for c in page)
