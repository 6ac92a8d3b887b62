"""The sync API (DESIGN §4, rules R1–R10) through HTTP, on SQLite and PostgreSQL.

Every mutation is pushed the way a device's outbox sends it; what the server kept is read back
through a pull, as the device would see it, and, where the pull cannot tell (the audit log,
row counts, the skew stored on a clue), from the database.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from server.clues.models import Clue
from server.sync_api.models import SyncConflict
from tests.server.sync_kit import (
    GRID_B,
    PUSH,
    QUIET,
    audit_of,
    clue_row,
    count,
    edit,
    location,
    mutation,
    new_clue,
    north_of,
    note,
    now,
    pull_all,
    pull_page,
    pulled,
    push,
    push_one,
    resolve,
    step,
    view,
)
from tests.server.world import PASSWORD, build_world

# --- R1: a mutation arrives twice ---------------------------------------------------------------


def test_a_batch_sent_twice_is_applied_once_and_the_replay_returns_the_first_answers(
    app, world, login
):
    grid = login("grid_a")
    create = new_clue()
    clue_id = create["record_id"]
    batch = [create, edit(clue_id, 1, description="火势变大，已报村委")]
    clues_before = count(app, Clue)

    first = push(grid, *batch)
    second = push(grid, *batch)  # the response was lost; the phone sends its outbox again

    assert [r["outcome"] for r in first] == ["applied", "applied"]
    # R1: the first answer itself, marked as a replay (a phone files it as it would have
    # filed the answer it lost).
    assert [r.pop("replay") for r in second] == [True, True]
    assert second == first
    assert count(app, Clue) == clues_before + 1
    assert clue_row(app, clue_id)["version"] == 2
    assert pulled(grid, "clue", clue_id)["version"] == 2


def test_a_mutation_sent_twice_in_one_batch_is_answered_twice_with_one_answer(app, world, login):
    grid = login("grid_a")
    create = new_clue()

    first, again = push(grid, create, create)

    assert first["outcome"] == "applied" and first["code"]
    assert again == {**first, "replay": True}  # the code too, handed out at the flush
    assert count(app, Clue, Clue.id == uuid.UUID(create["record_id"])) == 1


def test_a_mutation_id_reused_by_another_user_is_rejected_and_changes_nothing(app, world, login):
    grid, grid2 = login("grid_a"), login("grid2_a")
    mine = new_clue()
    push_one(grid, mine)
    clues_before = count(app, Clue)

    theirs = new_clue()
    theirs["id"] = mine["id"]
    result = push_one(grid2, theirs)

    assert result["outcome"] == "rejected"
    assert result["reason"] == "mutation_reused"
    assert "original" not in result  # the first user's answer is not handed to another
    assert count(app, Clue) == clues_before
    assert count(app, Clue, Clue.id == uuid.UUID(theirs["record_id"])) == 0


# --- R2: create with an id the server has -------------------------------------------------------


def test_a_create_with_a_known_id_is_a_duplicate_when_the_same_and_a_conflict_when_not(
    app, world, login
):
    grid = login("grid_a")
    create = new_clue()
    clue_id = create["record_id"]
    assert push_one(grid, create)["outcome"] == "applied"

    same = {**create, "id": str(uuid.uuid4())}  # same record, same content, new mutation id
    changed = {
        **create,
        "id": str(uuid.uuid4()),
        "payload": {**create["payload"], "description": "另一件事"},
    }
    same_result, changed_result = push(grid, same, changed)

    assert same_result["outcome"] == "duplicate"
    assert same_result["version"] == 1
    assert changed_result["outcome"] == "conflict"
    assert changed_result["reason"] == "id_conflict"
    assert clue_row(app, clue_id)["version"] == 1
    assert clue_row(app, clue_id)["description"] == create["payload"]["description"]
    assert count(app, Clue, Clue.id == uuid.UUID(clue_id)) == 1


def test_a_create_with_the_id_of_another_townships_clue_conflicts_without_revealing_it(
    app, world, login
):
    clue_a = world.clues["clue_a"]
    before = clue_row(app, clue_a)
    grid_b = login("grid_b")

    result = push_one(grid_b, {**new_clue(), "record_id": str(clue_a)})

    assert result["outcome"] == "conflict"
    assert result["reason"] == "id_conflict"
    # No version, code or values: nothing about the other clue. His own content is kept in
    # a conflict record of his own township (R2), with no server value beside it.
    assert set(result) - {"reason", "fields", "flags"} == {
        "mutation_id",
        "outcome",
        "record_type",
        "record_id",
        "conflicts",
    }
    [kept] = result["conflicts"]
    assert (kept["field"], kept["reason"]) == ("*", "id_conflict")
    assert (kept["server_value"], kept["server_by"]) == (None, None)
    assert kept["device_value"]["payload"]["description"] == new_clue()["payload"]["description"]
    assert pulled(grid_b, "conflict", kept["id"])["data"]["device_value"] == kept["device_value"]
    assert clue_row(app, clue_a) == before
    assert pulled(grid_b, "clue", clue_a) is None


# --- R3: append-only children -------------------------------------------------------------------


def test_a_note_on_a_rejected_clue_is_kept_and_flagged_late_for_the_supervisor(world, login):
    clue_a = world.clues["clue_a"]
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    on_time = push_one(grid, note(clue_a, "当事人是本村村民"))
    assert push_one(dispatcher, step(clue_a, "reject", 1, reason="不属于本镇管辖"))["outcome"] == (
        "applied"
    )

    late = push_one(grid, note(clue_a, "补充：当事人已离开", kind="dissuasion"))

    assert on_time["outcome"] == "applied"
    assert "late" not in on_time.get("flags", [])
    assert late["outcome"] == "applied"
    assert late["flags"] == ["late"]
    for session in (dispatcher, grid):
        held = view(pull_all(session)["changes"])
        assert held["clue_note", on_time["record_id"]]["data"]["late"] is False
        late_note = held["clue_note", late["record_id"]]["data"]
        assert late_note["late"] is True
        assert late_note["clue_id"] == str(clue_a)
        assert late_note["text"] == "补充：当事人已离开"


def test_a_grid_worker_cannot_add_a_note_to_a_clue_he_cannot_see(world, login):
    clue_a = world.clues["clue_a"]
    grid_b, dispatcher = login("grid_b"), login("dispatcher_a")

    foreign = push_one(grid_b, note(clue_a, "我也看见了"))
    nowhere = push_one(grid_b, note(uuid.uuid4(), "我也看见了"))

    # Both wait for a parent (R3); the answers cannot tell one that exists from none.
    assert foreign["outcome"] == "waiting"
    assert foreign["reason"] == "waiting_parent"
    assert {k: v for k, v in foreign.items() if k not in ("mutation_id", "record_id")} == {
        k: v for k, v in nowhere.items() if k not in ("mutation_id", "record_id")
    }
    assert pulled(dispatcher, "clue_note", foreign["record_id"]) is None


# --- R4: field edits -------------------------------------------------------------------------


def test_offline_edits_of_different_fields_from_the_same_version_both_apply(app, world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    clue_id = create["record_id"]
    push_one(grid, create)

    reporter_edit = push_one(grid, edit(clue_id, 1, description="秸秆堆在路边"))
    dispatcher_edit = push_one(dispatcher, edit(clue_id, 1, matter_code="CG-001"))

    assert (reporter_edit["outcome"], reporter_edit["version"]) == ("applied", 2)
    assert (dispatcher_edit["outcome"], dispatcher_edit["version"]) == ("merged", 3)
    data = pulled(dispatcher, "clue", clue_id)["data"]
    assert data["description"] == "秸秆堆在路边"
    assert data["matter_code"] == "CG-001"
    assert data["version"] == 3
    assert count(app, SyncConflict) == 0


def test_offline_edits_of_one_field_conflict_and_a_supervisor_resolves_for_the_device(
    app, world, login
):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    clue_id = create["record_id"]
    push_one(grid, create)
    assert push_one(dispatcher, edit(clue_id, 1, matter_code="CG-001"))["version"] == 2

    clash = push_one(grid, edit(clue_id, 1, matter_code="ZR-001"))  # made offline from v1

    assert clash["outcome"] == "conflict"
    assert clash["reason"] == "concurrent_edit"
    [kept] = clash["conflicts"]
    assert kept["field"] == "matter_code"
    assert (kept["server_value"], kept["device_value"]) == ("CG-001", "ZR-001")
    assert kept["server_by"] == world.users["dispatcher_a"]
    assert clue_row(app, clue_id)["matter"] == "CG-001"  # the server's value stands
    assert clue_row(app, clue_id)["version"] == 2

    shown = pulled(dispatcher, "conflict", kept["id"])["data"]
    assert shown["status"] == "open"
    assert shown["record_id"] == clue_id
    assert (shown["server_value"], shown["server_by"]) == ("CG-001", world.users["dispatcher_a"])
    assert (shown["device_value"], shown["device_by"]) == ("ZR-001", world.users["grid_a"])

    # The grid worker sees his kept value but may not decide it.
    forbidden = push_one(grid, resolve(kept["id"], "device"))
    assert (forbidden["outcome"], forbidden["reason"]) == ("rejected", "forbidden")
    assert pulled(grid, "conflict", kept["id"])["data"]["status"] == "open"

    resolved = push_one(dispatcher, resolve(kept["id"], "device"))

    assert resolved["outcome"] == "applied"
    clue = pulled(dispatcher, "clue", clue_id)
    assert clue["data"]["matter_code"] == "ZR-001"
    assert clue["version"] == 3
    conflict = pulled(dispatcher, "conflict", kept["id"])["data"]
    assert (conflict["status"], conflict["kept"]) == ("resolved", "device")
    assert conflict["resolved_by"] == world.users["dispatcher_a"]
    resolution = [
        e for e in audit_of(app, "conflict", kept["id"]) if e["detail"]["outcome"] == "applied"
    ]
    assert [(e["action"], e["actor_id"]) for e in resolution] == [
        ("sync.transition", world.users["dispatcher_a"])
    ]
    # The clue's own history shows the value the resolution wrote.
    clue_history = audit_of(app, "clue", clue_id)
    assert clue_history[-1]["actor_id"] == world.users["dispatcher_a"]
    assert clue_history[-1]["detail"]["changed"] == ["matter_code"]
    assert clue_history[-1]["detail"]["conflict"] == kept["id"]


# --- R5: status transitions ------------------------------------------------------------------


def test_an_invalid_transition_is_rejected_and_audited_while_the_rest_of_the_batch_applies(
    app, world, login
):
    clue_a = world.clues["clue_a"]
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    withdrawn_id = create["record_id"]
    push(grid, create, step(withdrawn_id, "withdraw", 1))

    results = push(
        dispatcher,
        step(withdrawn_id, "accept", 2),
        step(clue_a, "accept", 1),
        note(clue_a, "已受理，明早派人"),
    )

    assert [(r["outcome"], r.get("reason")) for r in results] == [
        ("rejected", "clue_withdrawn"),
        ("applied", None),
        ("applied", None),
    ]
    assert clue_row(app, withdrawn_id)["status"] == "withdrawn"
    assert clue_row(app, clue_a)["status"] == "accepted"
    [refused] = [
        e
        for e in audit_of(app, "clue", withdrawn_id)
        if e["actor_id"] == world.users["dispatcher_a"]
    ]
    assert refused["action"] == "sync.transition"
    assert refused["detail"]["outcome"] == "rejected"
    assert refused["detail"]["reason"] == "clue_withdrawn"


def test_a_grid_worker_forging_an_accept_is_rejected_forbidden(app, world, login):
    clue_a = world.clues["clue_a"]
    grid = login("grid_a")

    result = push_one(grid, step(clue_a, "accept", 1))

    assert (result["outcome"], result["reason"]) == ("rejected", "forbidden")
    assert clue_row(app, clue_a)["status"] == "reported"
    assert clue_row(app, clue_a)["version"] == 1


# --- R6: locked after acceptance ---------------------------------------------------------------


def test_the_reporter_moving_an_accepted_clue_is_a_locked_conflict_keeping_his_value(
    app, world, login
):
    clue_a = world.clues["clue_a"]
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    push_one(dispatcher, step(clue_a, "accept", 1))
    before = clue_row(app, clue_a)
    moved = location(28.5912, 119.2711)

    result = push_one(grid, edit(clue_a, 1, location=moved))

    assert result["outcome"] == "conflict"
    assert result["reason"] == "locked"
    [kept] = result["conflicts"]
    assert (kept["field"], kept["reason"]) == ("location", "locked")
    assert kept["device_value"]["lat"] == moved["lat"]
    assert kept["device_value"]["lng"] == moved["lng"]
    assert kept["server_value"]["lat"] == before["lat"]
    assert clue_row(app, clue_a) == before
    assert pulled(dispatcher, "conflict", kept["id"])["data"]["device_value"]["lat"] == 28.5912
    # A locked value cannot be forced in by resolving for the device either.
    refused = push_one(dispatcher, resolve(kept["id"], "device"))
    assert (refused["outcome"], refused["reason"]) == ("rejected", "locked")
    assert clue_row(app, clue_a) == before


# --- R7: two officers take one task --------------------------------------------------------------


def test_second_officer_taking_a_team_task_is_rejected_but_his_note_is_kept(app, world, login):
    clue_a = world.clues["clue_a"]
    dispatcher = login("dispatcher_a")
    deadline = (now() + dt.timedelta(days=2)).isoformat()
    assigned = push(
        dispatcher, step(clue_a, "accept", 1), step(clue_a, "assign", 2, deadline=deadline)
    )
    assert [r["outcome"] for r in assigned] == ["applied", "applied"]
    officer, leader = login("officer_a"), login("leader_a")  # both pulled v3, then went offline

    first = push_one(officer, step(clue_a, "take", 3))
    take, evidence = push(
        leader, step(clue_a, "take", 3), note(clue_a, "到场时已灭火，拍照两张", kind="handling")
    )

    assert first["outcome"] == "applied"
    assert (take["outcome"], take["reason"]) == ("rejected", "already_taken")
    assert take["taken_by"] == world.users["officer_a"]
    assert evidence["outcome"] == "applied"
    assert clue_row(app, clue_a)["taken_by"] == world.users["officer_a"]
    assert clue_row(app, clue_a)["status"] == "in_progress"
    kept = pulled(dispatcher, "clue_note", evidence["record_id"])["data"]
    assert kept["author_id"] == world.users["leader_a"]
    assert kept["clue_id"] == str(clue_a)


# --- R8: possible duplicates -------------------------------------------------------------------


def test_two_reports_of_one_matter_close_together_are_linked_but_never_merged(app, world, login):
    grid, grid2, dispatcher = login("grid_a"), login("grid2_a"), login("dispatcher_a")
    spot = (28.61, 119.28)
    first = push_one(grid, new_clue(at=spot))

    second = push_one(grid2, new_clue(at=north_of(spot, 30)))
    too_far = push_one(grid2, new_clue(at=north_of(spot, 200)))
    other_matter = push_one(grid2, new_clue(at=north_of(spot, 10), matter_code="CG-001"))
    # Received a day apart is not close in time: tests/server/test_duplicate_links.py, which
    # sets the server's receipt time (R8 compares those, never the phones' clocks).

    assert "possible_duplicate" not in first.get("flags", [])
    assert second["outcome"] == "applied"
    assert "possible_duplicate" in second["flags"]
    # The grid worker learns only that it may be known already: the other report can be in
    # a grid he may not see, so its id is for the command room.
    assert "possible_duplicates" not in second
    assert pulled(grid2, "clue", second["record_id"])["data"]["possible_duplicates"] == []
    for unrelated in (too_far, other_matter):
        assert unrelated["outcome"] == "applied"
        assert "possible_duplicate" not in unrelated.get("flags", [])
        assert not unrelated.get("possible_duplicates")
    held = view(pull_all(dispatcher)["changes"])
    for result in (first, second):  # two clues, both still waiting for the command room
        assert held["clue", result["record_id"]]["data"]["status"] == "reported"
    first_links = held["clue", first["record_id"]]["data"]["possible_duplicates"]
    assert [x["clue_id"] for x in first_links] == [second["record_id"]]
    [link] = held["clue", second["record_id"]]["data"]["possible_duplicates"]
    assert link["clue_id"] == first["record_id"]
    assert math.isclose(link["distance_m"], 30, abs_tol=1)
    assert held["clue", too_far["record_id"]]["data"]["possible_duplicates"] == []


def login_on(app, client, username):
    """``login`` for an app the test builds itself."""
    from tests.conftest import Session

    device_id = str(uuid.uuid4())
    r = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": PASSWORD, "device_id": device_id},
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    return Session(client, body["access_token"], body["refresh_token"], device_id)


def test_the_duplicate_radius_is_configuration(make_app):
    app = make_app(DUPLICATE_RADIUS_M=500)
    with app.app_context():
        build_world()
    client = app.test_client()
    grid, officer = login_on(app, client, "grid_a"), login_on(app, client, "officer_a")
    spot = (28.61, 119.28)
    first = push_one(grid, new_clue(at=spot))

    near_enough = push_one(officer, new_clue(at=north_of(spot, 200)))
    too_far = push_one(officer, new_clue(at=north_of(spot, 800)))

    assert [x["clue_id"] for x in near_enough["possible_duplicates"]] == [first["record_id"]]
    assert "possible_duplicate" not in too_far.get("flags", [])


# --- R9: wrong device clocks ---------------------------------------------------------------------


def test_a_device_clock_two_hours_off_is_flagged_on_the_result_and_the_clue(app, world, login):
    grid = login("grid_a")
    skewed = push_one(grid, new_clue(), device_now=now() + dt.timedelta(hours=2))
    right = push_one(grid, new_clue(), device_now=now())

    assert "clock_skew" in skewed["flags"]
    assert math.isclose(skewed["clock_skew_s"], 7200, abs_tol=60)
    assert math.isclose(clue_row(app, skewed["record_id"])["clock_skew_s"], 7200, abs_tol=60)
    assert math.isclose(
        pulled(grid, "clue", skewed["record_id"])["data"]["clock_skew_s"], 7200, abs_tol=60
    )
    assert "clock_skew" not in right.get("flags", [])
    assert clue_row(app, right["record_id"])["clock_skew_s"] is None


def test_the_server_orders_changes_by_receipt_whatever_the_device_clocks_say(world, login):
    grid, grid2 = login("grid_a"), login("grid2_a")
    t = now()
    # Far apart, so that no R8 link touches an earlier clue's sequence.
    batch = [new_clue(at=north_of(QUIET, 1000 * i)) for i in range(3)]
    for m, hours_ago in zip(batch, (1, 5, 3), strict=True):
        m["device_time"] = (t - dt.timedelta(hours=hours_ago)).isoformat()
    later = new_clue(at=north_of(QUIET, 5000))
    later["device_time"] = (t - dt.timedelta(days=3)).isoformat()  # sent last, clock far behind

    push(grid, *batch)
    push_one(grid2, later)

    sent = [m["record_id"] for m in [*batch, later]]
    seqs = {c["id"]: c["seq"] for c in pull_all(grid)["changes"] if c["record_type"] == "clue"}
    assert [seqs[i] for i in sent] == sorted(seqs[i] for i in sent)


# --- R10: deletion ------------------------------------------------------------------------------


def test_a_field_device_never_hard_deletes(app, world, login):
    clue_a = world.clues["clue_a"]
    grid = login("grid_a")

    result = push_one(grid, mutation("clue", clue_a, "delete", base_version=1))

    assert (result["outcome"], result["reason"]) == ("rejected", "no_hard_delete")
    assert clue_row(app, clue_a)["status"] == "reported"
    assert clue_row(app, clue_a)["version"] == 1


def test_a_withdrawn_clue_reaches_the_reporter_and_the_dispatcher_as_a_tombstone(world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    clue_id = create["record_id"]
    push_one(grid, create)
    cursors = {}
    for name, session in (("grid", grid), ("dispatcher", dispatcher)):
        first = pull_all(session)
        assert view(first["changes"])["clue", clue_id]["deleted"] is False
        cursors[name] = first["cursor"]

    assert push_one(grid, step(clue_id, "withdraw", 1))["outcome"] == "applied"

    for name, session in (("grid", grid), ("dispatcher", dispatcher)):
        change = view(pull_all(session, cursors[name])["changes"])["clue", clue_id]
        assert change["deleted"] is True
        assert change["data"] is None


def test_a_clue_cannot_be_withdrawn_after_acceptance(app, world, login):
    clue_a = world.clues["clue_a"]
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    push_one(dispatcher, step(clue_a, "accept", 1))

    result = push_one(grid, step(clue_a, "withdraw", 1))

    assert (result["outcome"], result["reason"]) == ("rejected", "clue_accepted")
    assert clue_row(app, clue_a)["status"] == "accepted"


# --- pull ------------------------------------------------------------------------------------


def test_pulling_page_by_page_returns_every_change_exactly_once(world, login):
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    created = push(grid, *(new_clue(at=north_of(QUIET, 100 * i)) for i in range(4)))
    push(grid, note(created[0]["record_id"], "第一条备注"), note(world.clues["clue_a"], "第二条"))
    push_one(dispatcher, edit(created[1]["record_id"], 1, matter_code="CG-001"))
    push_one(grid, edit(created[1]["record_id"], 1, matter_code="ZR-001"))  # opens a conflict

    whole = pull_all(dispatcher)
    paged = pull_all(dispatcher, limit=2)

    assert len(whole["pages"]) == 1
    assert len(paged["pages"]) > 3
    assert all(len(p["changes"]) <= 2 for p in paged["pages"])
    assert all(p["more"] for p in paged["pages"][:-1])
    keys = [(c["record_type"], c["id"]) for c in paged["changes"]]
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted((c["record_type"], c["id"]) for c in whole["changes"])
    assert [c["seq"] for c in paged["changes"]] == sorted(c["seq"] for c in paged["changes"])
    assert {t for t, _ in keys} == {"clue", "clue_note", "conflict"}
    assert len([k for k in keys if k[0] == "clue"]) == 5  # the world's clue_a and four new
    # Nothing new: the last cursor gives an empty page.
    assert pull_all(dispatcher, paged["cursor"])["changes"] == []


def test_a_pull_never_carries_another_townships_records(world, login):
    clue_a = world.clues["clue_a"]
    grid_a, dispatcher_a = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    push(grid_a, create, note(clue_a, "备注"))
    push_one(dispatcher_a, edit(create["record_id"], 1, matter_code="CG-001"))
    clash = push_one(grid_a, edit(create["record_id"], 1, matter_code="ZR-001"))
    township_a = {str(clue_a), create["record_id"], clash["conflicts"][0]["id"]}

    county = {c["id"] for c in pull_all(login("dispatcher_county"))["changes"]}
    assert township_a <= county  # the county sees them: they are there to be leaked
    for name in ("grid_b", "dispatcher_b"):
        changes = pull_all(login(name))["changes"]
        seen = {c["id"] for c in changes}
        assert str(world.clues["clue_b"]) in seen
        assert not seen & township_a, name
        assert not [c for c in changes if (c["data"] or {}).get("clue_id") == str(clue_a)]


def test_a_cursor_the_server_never_gave_out_is_refused_naming_the_cursor(world, login):
    grid = login("grid_a")
    for bad in ("garbage", "c1.x.abc", "c9.5.abcdef", "c1.5.abc.q"):
        r = pull_page(grid, bad)
        assert r.status_code == 422, bad
        assert "cursor" in r.get_json()["fields"], bad


def test_a_grid_worker_moved_to_another_unit_gets_a_reset_pull_of_what_he_may_now_see(world, login):
    grid2 = login("grid2_a")
    own = new_clue()
    push_one(grid2, own)
    before = pull_all(grid2)
    assert {c["id"] for c in before["changes"]} == {str(world.clues["clue_a"]), own["record_id"]}

    admin = login("admin_county")
    r = admin.patch(
        f"/api/v1/users/{world.users['grid2_a']}",
        json={"unit_code": GRID_B},
    )
    assert r.status_code == 200, r.get_json()

    after = pull_all(grid2, before["cursor"], limit=1)

    assert after["pages"][0]["reset"] is True
    assert {c["id"] for c in after["changes"]} == {str(world.clues["clue_b"]), own["record_id"]}
    # Once caught up, the next pull is an ordinary one again.
    assert pull_page(grid2, after["cursor"]).get_json()["reset"] is False


def test_pushing_to_a_record_outside_the_jurisdiction_answers_not_found_like_no_record(
    app, world, login
):
    clue_a = world.clues["clue_a"]
    officer_b = login("officer_b")
    before = clue_row(app, clue_a)

    for make in (
        lambda ident: edit(ident, 1, description="改掉"),
        lambda ident: step(ident, "accept", 1),
        lambda ident: step(ident, "withdraw", 1),
    ):
        foreign = push_one(officer_b, make(clue_a))
        missing = push_one(officer_b, make(uuid.uuid4()))
        assert (foreign["outcome"], foreign["reason"]) == ("rejected", "not_found")
        assert {k: v for k, v in foreign.items() if k not in ("mutation_id", "record_id")} == {
            k: v for k, v in missing.items() if k not in ("mutation_id", "record_id")
        }
    assert clue_row(app, clue_a) == before


# --- bad input ------------------------------------------------------------------------------


def test_a_malformed_mutation_is_rejected_naming_its_field_and_the_rest_still_applies(
    app, world, login
):
    grid = login("grid_a")
    bad_id = {**new_clue(), "id": "not-a-uuid"}
    bad_op = {**new_clue(), "op": "upsert"}
    good = new_clue()

    r = grid.post(PUSH, json={"mutations": [bad_id, bad_op, good]})

    assert r.status_code == 200
    bad_id_result, bad_op_result, good_result = r.get_json()["results"]
    assert (bad_id_result["outcome"], bad_id_result["reason"]) == ("rejected", "invalid")
    assert "id" in bad_id_result["fields"]
    assert (bad_op_result["outcome"], bad_op_result["reason"]) == ("rejected", "invalid")
    assert list(bad_op_result["fields"]) == ["op"]
    assert good_result["outcome"] == "applied"
    assert count(app, Clue, Clue.id == uuid.UUID(good["record_id"])) == 1
    assert count(app, Clue, Clue.id == uuid.UUID(bad_op["record_id"])) == 0


def test_an_empty_or_oversized_batch_is_refused_naming_mutations(app, world, login):
    grid = login("grid_a")
    clues_before = count(app, Clue)

    empty = grid.post(PUSH, json={"mutations": []})
    huge = grid.post(PUSH, json={"mutations": [new_clue() for _ in range(501)]})

    for r in (empty, huge):
        assert r.status_code == 422
        assert "mutations" in r.get_json()["fields"]
    assert count(app, Clue) == clues_before


# --- the whole loop ----------------------------------------------------------------------------


def test_the_field_loop_from_report_to_rating_runs_end_to_end(app, world, login):
    grid, dispatcher, officer = login("grid_a"), login("dispatcher_a"), login("officer_a")
    seen = now()
    create = new_clue(
        dissuasion={"done": True, "result": "stopped", "at": seen.isoformat()},
        description="河边有人焚烧垃圾，已劝阻熄灭",
    )
    clue_id = create["record_id"]
    deadline = (seen + dt.timedelta(days=3)).replace(microsecond=0)

    steps = [
        (grid, create),
        (dispatcher, step(clue_id, "accept", 1)),
        (
            dispatcher,
            step(
                clue_id,
                "assign",
                2,
                assignee_id=world.users["officer_a"],
                deadline=deadline.isoformat(),
            ),
        ),
        (officer, step(clue_id, "take", 3)),
        (officer, step(clue_id, "handle", 4, outcome="corrected_on_spot", note="已清理")),
        (dispatcher, step(clue_id, "close", 5, feedback="现场已整改，感谢上报")),
        (grid, step(clue_id, "rate", 6, rating=5, comment="处理及时")),
    ]
    versions = []
    for session, m in steps:
        result = push_one(session, m)
        assert result["outcome"] == "applied", (m["payload"], result)
        versions.append(result["version"])

    assert versions == [1, 2, 3, 4, 5, 6, 7]
    data = pulled(grid, "clue", clue_id)["data"]
    assert data["status"] == "closed"
    assert data["dissuasion"] == {"done": True, "result": "stopped", "at": seen.isoformat()}
    assert data["assignee_id"] == world.users["officer_a"]
    assert data["deadline"] == deadline.isoformat()
    assert data["taken_by"] == world.users["officer_a"]
    assert data["handling_outcome"] == "corrected_on_spot"
    assert data["feedback"] == "现场已整改，感谢上报"
    assert (data["rating"], data["rating_comment"]) == (5, "处理及时")

    again = push_one(grid, step(clue_id, "rate", 7, rating=1))
    assert (again["outcome"], again["reason"]) == ("rejected", "already_rated")
    assert pulled(grid, "clue", clue_id)["data"]["rating"] == 5


def test_what_a_pull_sends_of_a_clue_its_note_and_its_photo_is_the_workflows_own_text(
    app, world, login
):
    """The pull reads times and ids as text the database writes (``db.iso_text``,
    ``db.uuid_text``); the workflow reads the same rows as entities. A device compares the
    two texts (a field changed or not), so they must be one text to the character: a time
    with a fraction, one without, a UUID."""
    from server.clues.models import ClueNote
    from server.core.db import db
    from server.evidence.models import Evidence
    from server.sync_api import records
    from tests.server.evidence_kit import phone_photo, record_evidence

    grid = login("grid_a")
    seen = now().replace(microsecond=0)  # an exact second: isoformat writes no fraction
    create = new_clue(
        location=location(*QUIET, fix_time=now().replace(microsecond=123456)),
        dissuasion={"done": True, "result": "stopped", "at": seen.isoformat()},
    )
    clue_id = create["record_id"]
    assert push_one(grid, create)["outcome"] == "applied"
    note_m = note(clue_id, "已劝阻，摊主离开")
    assert push_one(grid, note_m)["outcome"] == "applied"
    photo_id = record_evidence(grid, clue_id, phone_photo())

    got = view(pull_all(grid)["changes"])
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        state = records.clue_state(clue)
        sent = got[("clue", clue_id)]["data"]
        assert {name: sent[name] for name in state.fields} == state.fields
        assert sent["created_at"] == clue.created_at.isoformat()
        assert sent["location"]["fix_time"].endswith(".123456+00:00")
        assert sent["dissuasion"]["at"] == seen.astimezone(dt.UTC).isoformat()

        kept = db.session.get(ClueNote, uuid.UUID(note_m["record_id"]))
        sent = got[("clue_note", note_m["record_id"])]["data"]
        assert (sent["clue_id"], sent["created_at"]) == (clue_id, kept.created_at.isoformat())

        photo = db.session.get(Evidence, uuid.UUID(photo_id))
        sent = got[("evidence", photo_id)]["data"]
        fields = records.evidence_fields(photo)
        files = {"original": sent["original"].copy(), "copy": sent["copy"]}
        assert files["original"].pop("held") is False  # the pull's own: not uploaded yet
        assert files["original"].pop("held_at") is None
        assert {name: files.get(name, sent[name]) for name in fields} == fields
        assert (sent["clue_id"], sent["created_at"]) == (clue_id, photo.created_at.isoformat())
