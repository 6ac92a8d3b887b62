"""The rules R1–R10 (DESIGN §4), one behaviour per test.

Records are made through ``tests.sync.model.Server``, i.e. through ``decide`` itself, the way
the server makes them; a few tests call ``decide`` directly where the caller's scoping would
otherwise hide what the rule does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pytest

from sync import checks
from sync.rules import Context, decide
from sync.types import Actor, Flag, Outcome
from tests.sync.kit import (
    D1,
    D2,
    L1,
    NOW,
    O1,
    O2,
    O3,
    W1,
    W2,
    W4,
    Server,
    actor,
    create,
    delete,
    edit,
    location,
    note,
    resolve,
    step,
)

DEADLINE = (NOW + dt.timedelta(days=3)).isoformat()
W1_NEIGHBOUR = actor(5, "grid_worker", "G1")  # same grid as W1, did not report the clue


def push_one(server: Server, who: Actor, mutation) -> dict:
    (result,) = server.push(who, [mutation])
    return result


def reported(server: Server, who: Actor = W1, **payload) -> uuid.UUID:
    m = create(**payload)
    assert push_one(server, who, m)["outcome"] == "applied"
    return m.record_id


def clue(server: Server, clue_id: uuid.UUID):
    return server.records[("clue", clue_id)]


def conflicts(server: Server, status: str = "open") -> list:
    return [s for (t, _), s in server.records.items() if t == "conflict" and s.status == status]


def advance(server: Server, clue_id: uuid.UUID, *steps: tuple[Actor, str, dict]) -> None:
    for who, name, args in steps:
        result = push_one(server, who, step(clue_id, name, **args))
        assert result["outcome"] == "applied", result


ACCEPT = (D1, "accept", {})
TEAM = (D1, "assign", {"deadline": DEADLINE, "assignee_id": None})


@pytest.fixture
def server() -> Server:
    return Server()


# -- R1 ------------------------------------------------------------------------------------


def test_a_replayed_mutation_is_applied_once_and_answers_with_its_first_result(server):
    clue_id = reported(server)
    m = note(clue_id)
    first = push_one(server, W1, m)
    again = push_one(server, W1, m)
    # R1: the first answer itself, marked as a replay.
    assert again == {**{k: v for k, v in first.items() if k != "changed"}, "replay": True}
    assert sum(1 for t, _ in server.records if t == "clue_note") == 1


def test_a_mutation_id_reused_by_someone_else_is_rejected_and_changes_nothing(server):
    clue_id = reported(server)
    m = note(clue_id)
    push_one(server, W1, m)
    before = server.snapshot()
    assert push_one(server, O1, m)["reason"] == "mutation_reused"
    assert server.snapshot() == before


# -- R2 ------------------------------------------------------------------------------------


def test_creating_a_clue_again_with_the_same_content_is_a_duplicate(server):
    m = create()
    push_one(server, W1, m)
    again = create(record_id=m.record_id)  # same id and content, a new mutation id
    result = push_one(server, W1, again)
    assert result["outcome"] == "duplicate"
    assert clue(server, m.record_id).version == 1


def test_creating_with_a_known_id_but_different_content_is_an_id_conflict(server):
    m = create()
    push_one(server, W1, m)
    result = push_one(server, W1, create(record_id=m.record_id, description="另一件事"))
    assert (result["outcome"], result["reason"]) == ("conflict", "id_conflict")
    assert clue(server, m.record_id).fields["description"] == "农户在田间焚烧秸秆"


def test_creating_with_the_id_of_someone_elses_clue_is_an_id_conflict(server):
    m = create()
    push_one(server, W1, m)
    result = push_one(server, O1, create(record_id=m.record_id))
    assert result["reason"] == "id_conflict"
    assert clue(server, m.record_id).fields["reporter_id"] == W1.user_id


def test_creating_with_the_id_of_a_clue_outside_the_jurisdiction_is_an_id_conflict(server):
    m = create()
    push_one(server, W1, m)
    result = push_one(server, W2, create(record_id=m.record_id, unit_code="G2"))
    assert (result["outcome"], result["reason"]) == ("conflict", "id_conflict")


# -- R3 ------------------------------------------------------------------------------------


def test_a_note_on_a_closed_clue_is_accepted_and_flagged_late(server):
    clue_id = reported(server)
    advance(server, clue_id, (D1, "reject", {"reason": "不属于本镇事项"}))
    m = note(clue_id, "补充照片")
    result = push_one(server, W1, m)
    assert result["outcome"] == "applied"
    assert result["flags"] == [Flag.LATE]
    assert m.record_id in server.late
    assert server.records[("clue_note", m.record_id)].parent_id == clue_id


def test_a_note_on_an_open_clue_is_not_flagged_late(server):
    clue_id = reported(server)
    result = push_one(server, O1, note(clue_id))
    assert (result["outcome"], result["flags"]) == ("applied", [])


def test_a_grid_worker_of_the_same_grid_may_add_a_note_to_a_neighbours_clue(server):
    clue_id = reported(server)
    result = push_one(server, W1_NEIGHBOUR, note(clue_id))
    assert result["outcome"] == "applied"


def test_a_note_by_a_role_that_may_not_write_the_clue_is_forbidden(server):
    clue_id = reported(server)
    # A department user has no role over the clue's unit and is not its reporter; the
    # server would not even show him the clue, the rules refuse him all the same.
    outsider = actor(77, "department", "T1")
    parent = server.records[("clue", clue_id)]
    decision = decide(
        note(clue_id),
        None,
        outsider,
        Context(now=NOW, refs=server.refs, parent=parent),
    )
    assert (decision.outcome.value, decision.reason) == ("rejected", "forbidden")


def test_a_note_on_a_clue_outside_the_jurisdiction_finds_no_parent(server):
    clue_id = reported(server)
    # Another grid of his township: he may have seen it before a move, so his note is kept
    # for the township's supervisors (R3).
    result = push_one(server, W2, note(clue_id))
    assert (result["outcome"], result["reason"]) == ("conflict", "rights_changed")
    # Another township's: it waits, unseen, as if the clue did not exist; the answer tells
    # him nothing.
    result = push_one(server, W4, note(clue_id))
    assert (result["outcome"], result["reason"]) == ("waiting", "waiting_parent")


def test_a_note_is_never_edited(server):
    clue_id = reported(server)
    m = note(clue_id)
    push_one(server, W1, m)
    edit_note = replace(edit(m.record_id, 1, text="改过的"), record_type="clue_note")
    result = push_one(server, W1, edit_note)
    assert (result["outcome"], result["reason"]) == ("rejected", "forbidden")


# -- R4 ------------------------------------------------------------------------------------


def test_edits_of_different_fields_from_the_same_base_both_apply_the_second_merged(server):
    clue_id = reported(server)
    first = push_one(server, W1, edit(clue_id, 1, description="秸秆已熄灭"))
    second = push_one(server, D1, edit(clue_id, 1, matter_code="SR-002"))
    assert (first["outcome"], second["outcome"]) == ("applied", "merged")
    state = clue(server, clue_id)
    assert (state.fields["description"], state.fields["matter_code"]) == ("秸秆已熄灭", "SR-002")
    assert state.version == 3
    assert state.meta["matter_code"] == (3, D1.user_id, None)
    assert not conflicts(server)


def test_edits_of_one_field_to_different_values_keep_the_server_value_and_the_device_value(
    server,
):
    clue_id = reported(server)
    push_one(server, W1, edit(clue_id, 1, matter_code="SR-002"))
    m = edit(clue_id, 1, matter_code="CG-010")
    result = push_one(server, D1, m)
    assert (result["outcome"], result["reason"]) == ("conflict", "concurrent_edit")
    assert clue(server, clue_id).fields["matter_code"] == "SR-002"
    assert clue(server, clue_id).version == 2
    (kept,) = conflicts(server)
    assert result["conflicts"] == [kept.id]
    assert {k: kept.fields[k] for k in ("field", "server_value", "server_by")} == {
        "field": "matter_code",
        "server_value": "SR-002",
        "server_by": W1.user_id,
    }
    assert (kept.fields["device_value"], kept.fields["device_by"]) == ("CG-010", D1.user_id)
    assert kept.unit_path == clue(server, clue_id).unit_path


def test_edits_of_one_field_to_the_same_value_do_not_conflict(server):
    clue_id = reported(server)
    push_one(server, W1, edit(clue_id, 1, matter_code="SR-002"))
    result = push_one(server, D1, edit(clue_id, 1, matter_code="SR-002"))
    assert result["outcome"] == "merged"
    assert result["conflicts"] == []
    assert clue(server, clue_id).version == 2


def test_a_conflicting_edit_still_applies_its_other_fields(server):
    clue_id = reported(server, who=O1)
    push_one(server, D1, edit(clue_id, 1, matter_code="SR-002"))
    result = push_one(server, O1, edit(clue_id, 1, matter_code="CG-010", address="村委会旁"))
    assert result["outcome"] == "conflict"
    assert result["changed"] == ("address",)
    state = clue(server, clue_id)
    assert (state.fields["matter_code"], state.fields["address"]) == ("SR-002", "村委会旁")


def test_a_worker_editing_the_same_field_twice_offline_does_not_conflict_with_himself(server):
    # Both edits were made offline against version 1, the last version the phone saw.
    clue_id = reported(server)
    results = server.push(
        W1, [edit(clue_id, 1, description="初稿"), edit(clue_id, 1, description="改正后的描述")]
    )
    assert [r["outcome"] for r in results] == ["applied", "merged"]
    assert clue(server, clue_id).fields["description"] == "改正后的描述"
    assert not conflicts(server)


def test_an_edit_from_a_version_the_server_never_had_is_invalid(server):
    clue_id = reported(server)
    result = push_one(server, W1, edit(clue_id, 7, description="x"))
    assert result["reason"] == "invalid"
    assert clue(server, clue_id).version == 1


def test_the_place_a_clue_happened_is_fixed_so_it_never_leaves_a_devices_view(server):
    clue_id = reported(server, who=O1, unit_code="G1")
    result = push_one(server, O1, edit(clue_id, 1, unit_code="G2"))
    assert (result["outcome"], result["reason"]) == ("rejected", "forbidden")
    assert clue(server, clue_id).unit_path == "/C/T1/V1/G1/"
    assert ("clue", clue_id) in server.pull(W1)
    assert ("clue", clue_id) not in server.pull(W2)


# -- R5 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "name", "args", "reason"),
    [
        (L1, "accept", {}, "clue_accepted"),
        (D1, "reject", {"reason": "重复"}, "clue_accepted"),
        (D1, "close", {"feedback": "已办结"}, "clue_accepted"),
        (W1, "withdraw", {}, "clue_accepted"),
        (O1, "take", {}, "clue_accepted"),
    ],
)
def test_a_transition_the_current_status_does_not_allow_is_rejected_with_the_status(
    server, who, name, args, reason
):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT)
    result = push_one(server, who, step(clue_id, name, **args))
    assert (result["outcome"], result["reason"]) == ("rejected", reason)
    assert clue(server, clue_id).version == 2


def test_a_rejected_transition_does_not_stop_the_rest_of_the_batch(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT, TEAM, (O1, "take", {}))
    advance(server, clue_id, (O1, "handle", {"outcome": "corrected_on_spot"}))
    advance(server, clue_id, (D1, "close", {"feedback": "已整改"}))
    results = server.push(O1, [step(clue_id, "take"), note(clue_id, "复查照片")])
    assert (results[0]["reason"], results[1]["outcome"]) == ("clue_closed", "applied")


def test_a_returned_report_goes_back_to_the_officer_who_took_it_with_the_comment(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT, TEAM, (O1, "take", {}))
    advance(server, clue_id, (O1, "handle", {"outcome": "corrected_on_spot"}))
    advance(server, clue_id, (D1, "return", {"comment": "请补充整改后照片"}))
    state = clue(server, clue_id)
    assert (state.status, state.fields["return_comment"]) == ("in_progress", "请补充整改后照片")
    assert state.fields["taken_by"] == O1.user_id
    # Not handled any more: the report's time goes until the officer reports again (a
    # returned clue is neither in the handled-late figures nor the handled ones).
    assert state.fields["handled_at"] is None
    # Only the taker reports again; the officer cannot return his own report.
    assert push_one(server, O2, step(clue_id, "handle", outcome="no_violation"))["reason"] == (
        "not_assignee"
    )
    advance(server, clue_id, (O1, "handle", {"outcome": "corrected_on_spot"}))
    assert clue(server, clue_id).fields["handled_at"] is not None
    result = push_one(server, O1, step(clue_id, "return", comment="我自己退回"))
    assert (result["outcome"], result["reason"]) == ("rejected", "forbidden")


def test_the_command_rooms_first_answer_keeps_its_time_through_later_steps(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT)
    answered = clue(server, clue_id).fields["responded_at"]
    assert answered is not None
    other = reported(server)
    advance(server, clue_id, (D1, "mark_duplicate", {"duplicate_of": str(other)}))
    assert clue(server, clue_id).status == "duplicate"
    assert clue(server, clue_id).fields["responded_at"] == answered


def test_the_same_supervisor_accepting_twice_is_a_duplicate(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT)
    assert push_one(server, D1, step(clue_id, "accept"))["outcome"] == "duplicate"
    assert clue(server, clue_id).version == 2


@pytest.mark.parametrize("who", [W1, O1])
def test_a_grid_worker_or_officer_may_not_accept_a_clue(server, who):
    clue_id = reported(server)
    result = push_one(server, who, step(clue_id, "accept"))
    assert (result["outcome"], result["reason"]) == ("rejected", "forbidden")
    assert clue(server, clue_id).status == "reported"


def test_an_unknown_transition_is_rejected_for_an_app_update(server):
    clue_id = reported(server)
    result = push_one(server, D1, step(clue_id, "escalate"))
    assert result["reason"] == "unknown_transition"


def test_a_deadline_already_past_is_refused_so_no_task_is_born_overdue(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT)
    past = (NOW - dt.timedelta(hours=1)).isoformat()
    result = push_one(server, D1, step(clue_id, "assign", deadline=past, assignee_id=None))
    assert (result["outcome"], result["reason"]) == ("rejected", "deadline_past")
    assert list(result["fields"]) == ["deadline"]
    assert clue(server, clue_id).status == "accepted"
    assert (
        push_one(server, D1, step(clue_id, "assign", deadline=DEADLINE, assignee_id=None))[
            "outcome"
        ]
        == "applied"
    )


def test_assigning_to_an_officer_of_another_township_names_the_field(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT)
    result = push_one(
        server, D1, step(clue_id, "assign", deadline=DEADLINE, assignee_id=O3.user_id)
    )
    assert result["reason"] == "invalid"
    decision = decide(
        step(clue_id, "assign", deadline=DEADLINE, assignee_id=O3.user_id),
        clue(server, clue_id),
        D1,
        Context(NOW, server.refs),
    )
    assert list(decision.detail["fields"]) == ["assignee_id"]


def test_the_dispatcher_of_another_township_finds_nothing_to_act_on(server):
    clue_id = reported(server)
    result = push_one(server, D2, step(clue_id, "accept"))
    assert (result["outcome"], result["reason"]) == ("rejected", "not_found")
    assert push_one(server, D2, edit(clue_id, 1, matter_code="SR-002"))["reason"] == "not_found"


def test_the_rules_refuse_a_foreign_dispatcher_even_if_the_caller_forgot_to_scope(server):
    clue_id = reported(server)
    ctx = Context(NOW, server.refs)
    current = clue(server, clue_id)
    assert not current.unit_path.startswith(D2.unit_path)
    accept = decide(step(clue_id, "accept"), current, D2, ctx)
    reclassify = decide(edit(clue_id, 1, matter_code="SR-002"), current, D2, ctx)
    assert (accept.reason, reclassify.reason) == ("forbidden", "forbidden")
    assert decide(step(clue_id, "accept"), None, D2, ctx).reason == "not_found"


# -- R6 ------------------------------------------------------------------------------------


def test_editing_a_reported_fact_after_acceptance_is_a_locked_conflict_keeping_the_value(
    server,
):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT)
    result = push_one(server, W1, edit(clue_id, 1, description="其实是两处焚烧"))
    assert (result["outcome"], result["reason"]) == ("conflict", "locked")
    assert clue(server, clue_id).fields["description"] == "农户在田间焚烧秸秆"
    (kept,) = conflicts(server)
    assert (kept.fields["reason"], kept.fields["device_value"]) == ("locked", "其实是两处焚烧")


def test_a_supervisor_may_still_reclassify_an_accepted_clue(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT)
    result = push_one(server, D1, edit(clue_id, 2, matter_code="CG-010"))
    assert result["outcome"] == "applied"


def test_a_role_that_may_never_edit_a_field_is_forbidden_not_locked(server):
    clue_id = reported(server)
    result = push_one(server, D1, edit(clue_id, 1, description="指挥室改写"))
    assert (result["outcome"], result["reason"]) == ("rejected", "forbidden")
    assert not conflicts(server)


# -- R7 ------------------------------------------------------------------------------------


def test_the_second_officer_taking_a_team_task_is_rejected_but_his_evidence_is_kept(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT, TEAM)
    first = server.push(O1, [step(clue_id, "take")])
    second = server.push(O2, [step(clue_id, "take"), note(clue_id, "我也到了现场，已拍照")])
    assert first[0]["outcome"] == "applied"
    assert (second[0]["reason"], second[1]["outcome"]) == ("already_taken", "applied")
    assert second[0]["taken_by"] == O1.user_id
    assert clue(server, clue_id).fields["taken_by"] == O1.user_id


def test_the_same_officer_taking_twice_is_a_duplicate(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT, TEAM, (O1, "take", {}))
    assert push_one(server, O1, step(clue_id, "take"))["outcome"] == "duplicate"
    assert clue(server, clue_id).version == 4


def test_an_officer_may_not_take_a_task_assigned_to_a_colleague(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT, (D1, "assign", {"deadline": DEADLINE, "assignee_id": 11}))
    result = push_one(server, O2, step(clue_id, "take"))
    assert (result["outcome"], result["reason"]) == ("rejected", "not_assignee")


# -- R8 ------------------------------------------------------------------------------------

METRE = 1 / 111_195  # degrees of latitude per metre, near enough


def received(metres_north: float = 0, at: dt.datetime = NOW, matter: str = "SR-001"):
    """A report ``metres_north`` of the spot, received by the server ``at``."""
    return checks.Report(matter, 28.59 + metres_north * METRE, 119.27, at)


def test_two_reports_of_one_matter_received_within_50_m_and_24_h_are_possible_duplicates():
    a, b = received(), received(45, at=NOW + dt.timedelta(hours=24))
    assert checks.possible_duplicate(a, b) == pytest.approx(45, abs=0.5)


@pytest.mark.parametrize(
    "b",
    [
        received(55),
        received(at=NOW + dt.timedelta(hours=24, seconds=1)),
        received(matter="SR-002"),
    ],
    ids=["55 m apart", "received 24 h 1 s apart", "another matter"],
)
def test_reports_further_apart_or_of_another_matter_are_not_possible_duplicates(b):
    assert checks.possible_duplicate(received(), b) is None


def test_a_new_report_is_linked_to_the_few_nearest_of_a_crowd():
    crowd = [(m, received(m, at=NOW - dt.timedelta(minutes=m))) for m in range(1, 40)]
    chosen = checks.reports_to_link(received(), crowd, checks.DuplicateWindow(links=3))
    assert [key for key, _d in chosen] == [1, 2, 3]
    assert [round(d) for _key, d in chosen] == [1, 2, 3]


def test_between_equally_near_reports_the_latest_received_is_linked_first():
    older, newer = received(10, at=NOW - dt.timedelta(hours=2)), received(10, at=NOW)
    far = received(30, at=NOW)
    chosen = checks.reports_to_link(
        received(), [("older", older), ("far", far), ("newer", newer)], checks.DuplicateWindow()
    )
    assert [key for key, _d in chosen] == ["newer", "older", "far"]
    one = checks.reports_to_link(
        received(), [("older", older), ("newer", newer)], checks.DuplicateWindow(links=1)
    )
    assert [key for key, _d in one] == ["newer"]


def test_reports_that_are_not_possible_duplicates_are_never_linked():
    chosen = checks.reports_to_link(
        received(), [("far", received(80)), ("other", received(5, matter="SR-002"))]
    )
    assert chosen == []


# -- R9 ------------------------------------------------------------------------------------


def test_a_device_clock_beyond_the_tolerance_is_flagged_on_what_it_wrote(server):
    fast = NOW + dt.timedelta(minutes=11)
    m = create()
    results = server.push(W1, [m, step(m.record_id, "accept")], device_now=fast)
    assert results[0]["flags"] == [Flag.CLOCK_SKEW]
    assert results[1]["flags"] == []  # rejected: nothing written, nothing to flag
    assert checks.clock_skew(fast, NOW) == pytest.approx(660)


@pytest.mark.parametrize("offset", [dt.timedelta(minutes=-9), dt.timedelta(minutes=10), None])
def test_a_device_clock_within_the_tolerance_is_not_flagged(offset):
    device_now = NOW + offset if offset is not None else None
    assert checks.clock_skew(device_now, NOW) is None


# -- R10 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [W1, D1])
def test_deleting_is_always_rejected(server, who):
    clue_id = reported(server)
    m = note(clue_id)
    push_one(server, W1, m)
    for record_type, ident in (("clue", clue_id), ("clue_note", m.record_id)):
        result = push_one(server, who, delete(ident, record_type))
        assert (result["outcome"], result["reason"]) == ("rejected", "no_hard_delete")
    assert ("clue_note", m.record_id) in server.records


def test_the_reporter_may_withdraw_a_reported_clue_and_it_becomes_a_tombstone(server):
    clue_id = reported(server)
    advance(server, clue_id, (W1, "withdraw", {}))
    assert clue(server, clue_id).status == "withdrawn"
    assert ("clue", clue_id) not in server.pull(D1)
    changes, _ = server.changes(D1, 0)
    assert [(c.key, c.state) for c in changes] == [(("clue", clue_id), None)]


def test_only_the_reporter_may_withdraw(server):
    clue_id = reported(server)
    result = push_one(server, D1, step(clue_id, "withdraw"))
    assert (result["outcome"], result["reason"]) == ("rejected", "forbidden")


def test_an_accepted_clue_can_no_longer_be_withdrawn(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT)
    assert push_one(server, W1, step(clue_id, "withdraw"))["reason"] == "clue_accepted"


def test_a_withdrawn_clue_is_no_longer_edited(server):
    clue_id = reported(server)
    advance(server, clue_id, (W1, "withdraw", {}))
    assert push_one(server, W1, edit(clue_id, 1, description="x"))["reason"] == "clue_withdrawn"


# -- resolving conflicts -------------------------------------------------------------------


def concurrent(server: Server) -> tuple[uuid.UUID, uuid.UUID]:
    clue_id = reported(server)
    push_one(server, D1, edit(clue_id, 1, matter_code="SR-002"))
    push_one(server, W1, edit(clue_id, 1, matter_code="CG-010"))
    (kept,) = conflicts(server)
    return clue_id, kept.id


def test_resolving_by_keeping_the_device_value_writes_it_as_a_new_version(server):
    clue_id, conflict_id = concurrent(server)
    result = push_one(server, L1, resolve(conflict_id, "device"))
    assert result["outcome"] == "applied"
    state = clue(server, clue_id)
    assert (state.fields["matter_code"], state.version) == ("CG-010", 3)
    assert state.meta["matter_code"] == (3, L1.user_id, None)
    resolved = server.records[("conflict", conflict_id)]
    assert (resolved.status, resolved.fields["kept"]) == ("resolved", "device")


def test_resolving_by_keeping_the_server_value_leaves_the_record(server):
    clue_id, conflict_id = concurrent(server)
    before = clue(server, clue_id)
    assert push_one(server, D1, resolve(conflict_id, "server"))["outcome"] == "applied"
    assert clue(server, clue_id) == before
    assert server.records[("conflict", conflict_id)].status == "resolved"


def test_a_locked_conflict_cannot_keep_the_device_value(server):
    clue_id = reported(server)
    advance(server, clue_id, ACCEPT)
    push_one(server, W1, edit(clue_id, 1, description="其实是两处"))
    (kept,) = conflicts(server)
    result = push_one(server, D1, resolve(kept.id, "device"))
    assert (result["outcome"], result["reason"]) == ("rejected", "locked")
    assert server.records[("conflict", kept.id)].status == "open"
    assert clue(server, clue_id).fields["description"] == "农户在田间焚烧秸秆"


def test_the_worker_whose_value_was_kept_may_not_resolve_it_himself(server):
    _, conflict_id = concurrent(server)
    assert server.load(W1, "conflict", conflict_id) is not None  # he sees it
    result = push_one(server, W1, resolve(conflict_id, "device"))
    assert (result["outcome"], result["reason"]) == ("rejected", "forbidden")


def test_resolving_a_resolved_conflict_the_other_way_is_rejected(server):
    clue_id, conflict_id = concurrent(server)
    push_one(server, D1, resolve(conflict_id, "server"))
    assert push_one(server, D1, resolve(conflict_id, "server"))["outcome"] == "duplicate"
    result = push_one(server, D1, resolve(conflict_id, "device"))
    assert (result["outcome"], result["reason"]) == ("rejected", "conflict_resolved")
    assert clue(server, clue_id).fields["matter_code"] == "SR-002"


def test_a_device_may_not_make_a_conflict_record(server):
    m = create()
    forged = replace(m, record_type="conflict")
    assert push_one(server, D1, forged)["reason"] == "invalid"


# -- invalid values ------------------------------------------------------------------------


def test_a_latitude_out_of_range_is_invalid_and_named(server):
    m = create(location={**location(), "lat": 91})
    decision = decide(m, None, W1, Context(NOW, server.refs))
    assert (decision.outcome, decision.reason) == (Outcome.REJECTED, "invalid")
    assert list(decision.detail["fields"]) == ["location"]
    assert list(decision.detail["fields"]["location"]) == ["lat"]
    assert decision.detail["fields"]["location"]["lat"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"matter_code": None}, "matter_code"),
        ({"matter_code": "NO-SUCH"}, "matter_code"),
        ({"unit_code": "G2"}, "unit_code"),  # another grid than the worker's
        ({"dissuasion": {"done": True, "result": "stopped"}}, "dissuasion"),
        ({"description": "x" * 4001}, "description"),
        ({"weather": "rain"}, "weather"),
    ],
)
def test_an_invalid_clue_is_rejected_naming_the_field_and_nothing_is_stored(server, payload, field):
    m = create(**payload)
    decision = decide(m, None, W1, Context(NOW, server.refs))
    assert decision.reason == "invalid"
    assert field in decision.detail["fields"]
    server.push(W1, [m])
    assert not server.records


def test_a_naive_device_time_in_a_location_is_invalid():
    m = create(location={**location(), "fix_time": "2025-06-01T08:00:00"})
    decision = decide(m, None, W1, Context(NOW, Server().refs))
    assert decision.detail["fields"] == {
        "location": {"fix_time": ["the time needs its UTC offset"]}
    }


def test_an_unknown_record_type_or_operation_is_invalid(server):
    m = create()
    assert push_one(server, W1, replace(m, record_type="lawsuit"))["reason"] == "invalid"
    clue_id = reported(server)
    odd_op = replace(edit(clue_id, 1, address="x"), op="merge")
    assert push_one(server, W1, odd_op)["reason"] == "invalid"


def test_keeping_the_device_value_is_refused_when_the_value_changed_again_since(server):
    clue_id, conflict_id = concurrent(server)
    push_one(server, D1, edit(clue_id, 2, matter_code="SR-001"))  # the command room again
    result = push_one(server, L1, resolve(conflict_id, "device"))
    assert (result["outcome"], result["reason"]) == ("rejected", "conflict_stale")
    assert clue(server, clue_id).fields["matter_code"] == "SR-001"
    assert server.records[("conflict", conflict_id)].status == "open"


def test_keeping_the_device_value_is_refused_once_the_field_has_locked(server):
    clue_id, conflict_id = concurrent(server)
    advance(server, clue_id, ACCEPT, (D1, "assign", {"deadline": DEADLINE}))
    result = push_one(server, L1, resolve(conflict_id, "device"))
    assert (result["outcome"], result["reason"]) == ("rejected", "locked")
    assert clue(server, clue_id).fields["matter_code"] == "SR-002"
