"""What the county's command centre may do on a township's record (issue 24, seeds 001 and
004): dispatch a matter to a township (report it there), transfer it to the department that
holds it, arbitrate a department's dispute and comment; never the township's own loop
(accept, assign, take, handle, close, return...). A township's role held above the township
gives no step on its records (``sync.rules.TOWNSHIP_ROLES``); the county's steps are named
by the ``county_command`` relation."""

from __future__ import annotations

import uuid
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from sync.rules import RELATIONS, TOWNSHIP_ROLES, may
from sync.types import Actor, RecordState
from sync.workflow import WORKFLOW
from tests.sync.kit import D1, L1, UNITS, W4, Server, create, note, step

COUNTY_DISPATCHER = replace(W4, user_id=51, roles=frozenset({"dispatcher"}), unit_path=UNITS["C"])
# A department's leader sits at the county too: he is no township's leader.
COUNTY_LEADER = replace(COUNTY_DISPATCHER, user_id=52, roles=frozenset({"leader"}))
TOWNSHIP_PLACES = [UNITS[u] for u in ("T1", "V1", "G1", "G2", "V2", "G3", "T2", "V3", "G4")]

# Every ``who`` the workflow declares, with what it is declared for.
WHO = [
    (f"{t}.{name}", step["who"])
    for t, spec in WORKFLOW.items()
    for name, step in spec.get("transitions", {}).items()
] + [(f"{t}.create", spec["create"]["who"]) for t, spec in WORKFLOW.items() if "create" in spec]


def _offered(actor: Actor, where: str) -> set[str]:
    state = RecordState("clue", uuid.UUID(int=1), 1, {}, unit_path=where)
    return {name for name, who in WHO if may(who, state, actor)}


@given(
    roles=st.sets(st.sampled_from(sorted(TOWNSHIP_ROLES)), min_size=1),
    where=st.sampled_from(TOWNSHIP_PLACES),
    who=st.sampled_from([who for _, who in WHO]),
)
def test_a_township_role_held_at_the_county_gives_only_what_the_county_is_named_for(
    roles, where, who
):
    county = replace(COUNTY_DISPATCHER, roles=frozenset(roles))
    state = RecordState("clue", uuid.UUID(int=1), 1, {}, unit_path=where)
    named = [w for w in who if w in RELATIONS]
    assert may(who, state, county) == may(named, state, county)


@given(where=st.sampled_from(TOWNSHIP_PLACES), who=st.sampled_from([who for _, who in WHO]))
def test_a_township_role_in_the_township_is_as_before(where, who):
    own = D1 if where.startswith(UNITS["T1"]) else replace(D1, unit_path=UNITS["T2"])
    state = RecordState("clue", uuid.UUID(int=1), 1, {}, unit_path=where)
    held = any(w in own.roles and state.unit_path.startswith(own.unit_path) for w in who)
    assert may(who, state, own) >= held


def test_the_county_dispatcher_is_offered_the_countys_steps_not_the_townships():
    offered = _offered(COUNTY_DISPATCHER, UNITS["G1"])
    assert {
        "clue.create",  # 派单: a matter reported to the township
        "clue.transfer",  # 移送: sent to the department that holds it
        "clue.uphold_transfer",  # 争议协调
        "clue.arbitrate_to_township",
        "clue_note.create",  # a remark, an urging
    } <= offered
    township_only = {
        "clue.accept",
        "clue.reject",
        "clue.mark_duplicate",
        "clue.assign",
        "clue.take",
        "clue.handle",
        "clue.close",
        "clue.return",
        "clue.recall_transfer",
        "evidence.create",
        "conflict.resolve",
    }
    assert not offered & township_only
    assert township_only - {"clue.take", "clue.handle"} <= _offered(D1, UNITS["G1"])
    # The county's leader (a department's) is no township's leader either.
    assert not {n for n in _offered(COUNTY_LEADER, UNITS["G1"]) if n.startswith("case.")} - {
        "case.uphold_transfer",
        "case.arbitrate_to_township",
    }
    assert {n for n in _offered(L1, UNITS["G1"]) if n.startswith("case.")}  # the township's


def test_the_county_command_centre_on_its_own_records_keeps_its_roles():
    county_place = RecordState("conflict", uuid.UUID(int=2), 1, {}, unit_path=UNITS["C"])
    assert may(
        WORKFLOW["conflict"]["transitions"]["resolve"]["who"], county_place, COUNTY_DISPATCHER
    )


def test_the_county_dispatcher_pushing_a_township_step_is_refused_and_changes_nothing():
    server, clue_id = Server(), uuid.uuid4()
    [made] = server.push(COUNTY_DISPATCHER, [create(record_id=clue_id, unit_code="G4")])
    assert made["outcome"] == "applied", made  # 派单: the county reports it to T2

    for name, args in [("accept", {}), ("reject", {"reason": "不属实"})]:
        [refused] = server.push(COUNTY_DISPATCHER, [step(clue_id, name, **args)])
        assert (refused["outcome"], refused["reason"]) == ("rejected", "forbidden"), name
    assert server.store.records[("clue", clue_id)].status == "reported"

    [remark] = server.push(COUNTY_DISPATCHER, [note(clue_id, "请石梁镇尽快核实")])
    assert remark["outcome"] == "applied", remark
    [sent] = server.push(COUNTY_DISPATCHER, [step(clue_id, "transfer", note="属部门职责")])
    assert sent["outcome"] == "applied", sent
