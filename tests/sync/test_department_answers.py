"""The county's departments answer what is addressed to them (issue 21, seeds 001 and 004):
a transfer (移送) is accepted with the department's case number, or sent back and arbitrated
by the county command centre (争议协调); a collaboration request (执法协作申请) is accepted,
answered, extended once or refused, by the department's own users. The township's command
room may not decide its own dispute with a department, and no department answers for
another."""

from __future__ import annotations

import uuid
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.types import Outcome
from sync.workflow import WORKFLOW
from tests.sync.case_kit import Desk, act, ask, at, opened, refused
from tests.sync.kit import D1, D2, L1, O1, UNITS, W4, Server, create, note, step

# The county's environment department (a clue of T2 on SR-001 goes to it), its land
# department (the collaboration requests of tests/sync/test_collaboration.py), and the
# county command centre's dispatcher.
ENV = replace(
    W4, user_id=41, roles=frozenset({"department"}), unit_path=UNITS["C"], department="D-ENV"
)
LAND = replace(ENV, user_id=42, department="D-LAND")
COUNTY = replace(W4, user_id=51, roles=frozenset({"dispatcher"}), unit_path=UNITS["C"])


def transferred() -> tuple[Server, uuid.UUID]:
    server, clue_id = Server(), uuid.uuid4()
    server.push(W4, [create(record_id=clue_id, unit_code="G4"), note(clue_id)])
    [answer] = server.push(D2, [step(clue_id, "transfer", note="无权处罚")])
    assert answer["outcome"] == "applied", answer
    return server, clue_id


def fields(server: Server, clue_id: uuid.UUID) -> dict:
    return dict(server.store.records[("clue", clue_id)].fields)


def test_the_department_accepts_a_transfer_with_its_own_case_number():
    server, clue_id = transferred()

    [answer] = server.push(ENV, [step(clue_id, "accept_transfer", case_no="县环罚立〔2026〕17号")])

    assert answer["outcome"] == "applied", answer
    f = fields(server, clue_id)
    assert f["status"] == "transfer_accepted"
    assert f["department_case_no"] == "县环罚立〔2026〕17号" and f["transfer_accepted_at"]


def test_no_one_else_answers_for_the_department():
    server, clue_id = transferred()

    answers = server.push(LAND, [step(clue_id, "accept_transfer", case_no="X")])
    answers += server.push(D2, [step(clue_id, "accept_transfer", case_no="X")])

    # The other department does not see the clue at all; the township may not answer.
    assert [a["reason"] for a in answers] == ["not_found", "forbidden"]
    assert fields(server, clue_id)["status"] == "transferred"


def test_the_result_closes_the_loop_and_is_the_reporters_feedback_which_he_rates():
    server, clue_id = transferred()
    server.push(ENV, [step(clue_id, "accept_transfer", case_no="17")])

    [answer] = server.push(ENV, [step(clue_id, "conclude_transfer", result="已责令停止排污，罚款")])
    [rated] = server.push(W4, [step(clue_id, "rate", rating=5)])

    assert answer["outcome"] == rated["outcome"] == "applied", (answer, rated)
    f = fields(server, clue_id)
    assert f["status"] == "transfer_concluded"
    assert f["feedback"] == f["department_result"] == "已责令停止排污，罚款"
    assert f["rating"] == 5


def test_a_returned_transfer_is_arbitrated_by_the_county_not_the_township():
    server, clue_id = transferred()
    [back] = server.push(ENV, [step(clue_id, "return_transfer", reason="不属本部门职责")])
    assert back["outcome"] == "applied" and fields(server, clue_id)["status"] == "transfer_disputed"

    [own] = server.push(D2, [step(clue_id, "uphold_transfer", note="应由部门办理")])
    [upheld] = server.push(COUNTY, [step(clue_id, "uphold_transfer", note="属环保职责")])

    assert own["reason"] == "forbidden"
    assert upheld["outcome"] == "applied"
    f = fields(server, clue_id)
    assert f["status"] == "transferred" and f["transferred_to"] == "D-ENV"
    assert f["transfer_returned_reason"] == "不属本部门职责"
    assert f["arbitration_note"] == "属环保职责"


def test_arbitrated_to_the_township_the_clue_leaves_the_department():
    server, clue_id = transferred()
    _, cursor = server.changes(ENV, 0)
    server.push(ENV, [step(clue_id, "return_transfer", reason="不属本部门职责")])

    [answer] = server.push(COUNTY, [step(clue_id, "arbitrate_to_township", note="乡镇办理")])

    assert answer["outcome"] == "applied"
    f = fields(server, clue_id)
    assert f["status"] == "accepted" and f["transferred_to"] is None
    page, _ = server.changes(ENV, cursor)
    assert ("clue", clue_id) in {c.key for c in page if c.state is None}


def test_a_township_takes_back_a_disputed_transfer_itself():
    server, clue_id = transferred()
    server.push(ENV, [step(clue_id, "return_transfer", reason="不属本部门职责")])

    [answer] = server.push(D2, [step(clue_id, "recall_transfer", reason="同意退回")])

    assert answer["outcome"] == "applied" and fields(server, clue_id)["status"] == "accepted"


# -- collaboration requests ------------------------------------------------------------------


def asked() -> tuple[Desk, uuid.UUID]:
    desk = Desk(now=at("2026-03-05"))
    case_id = opened(desk)
    ident, d = ask(desk, case_id)
    assert d.outcome == Outcome.APPLIED, d
    return desk, ident


def test_the_department_accepts_and_answers_a_request_on_its_clock():
    desk, ident = asked()
    desk.now = at("2026-03-06")

    accepted = act(desk, LAND, ident, "accept")
    answered = act(desk, LAND, ident, "reply", answered_on="2026-03-06", answer="属基本农田")

    assert accepted.outcome == answered.outcome == Outcome.APPLIED
    f = answered.state.fields
    assert f["status"] == "answered" and f["answered_by"] == LAND.user_id
    assert f["accepted_by"] == LAND.user_id and f["answered_late"] is False


def test_the_department_extends_once_or_refuses_with_a_reason():
    desk, ident = asked()
    desk.now = at("2026-03-06")

    extended = act(desk, LAND, ident, "extend", extended_on="2026-03-06", reason="需现场勘测")
    again = act(desk, LAND, ident, "extend", extended_on="2026-03-06", reason="再延")
    no = act(desk, LAND, ident, "refuse", refused_on="2026-03-06", reason="非本部门职责")

    assert extended.outcome == Outcome.APPLIED and extended.state.fields["extended"] is True
    assert again.outcome == Outcome.REJECTED
    assert no.outcome == Outcome.APPLIED
    assert no.state.fields["status"] == "refused"
    assert no.state.fields["refuse_reason"] == "非本部门职责"


def test_another_department_and_the_township_cannot_answer_as_the_department():
    desk, ident = asked()
    other = replace(LAND, user_id=43, department="D-ENV")

    for who in (other, O1, D1, L1):
        d = act(desk, who, ident, "reply", answered_on="2026-03-05", answer="x")
        assert refused(d, "forbidden"), (who, d)
    # The township records an answer that came on paper (its own step).
    assert act(desk, D1, ident, "answer", answered_on="2026-03-05", answer="电话答复").outcome == (
        Outcome.APPLIED
    )


def test_the_department_is_shown_the_cases_facts_and_the_partys_id_only_if_asked_about_him():
    desk = Desk(now=at("2026-03-05"))
    case_id = opened(desk)
    _, plain = ask(desk, case_id)
    _, about = ask(desk, case_id, about_party=True, kind="materials", question="该当事人有无许可")

    facts = plain.state.fields["case_facts"]
    party = desk.records[("case", case_id)].fields["party"]
    assert facts["facts"] and facts["matter_code"] and facts["party"]["name"] == party["name"]
    assert "id_number" not in facts["party"]
    assert about.state.fields["case_facts"]["party"].get("id_number") == party.get("id_number")


def test_a_refusal_cannot_be_dated_before_the_request():
    desk, ident = asked()

    d = act(desk, LAND, ident, "refuse", refused_on="2026-03-01", reason="非本部门职责")

    assert refused(d, "date_before_step")


# -- any order of steps: the department's device holds exactly what is addressed to it -------

STEPS = [
    (D2, "transfer", {}),
    (D2, "recall_transfer", {"reason": "撤回"}),
    (ENV, "accept_transfer", {"case_no": "17"}),
    (ENV, "return_transfer", {"reason": "非本部门"}),
    (ENV, "conclude_transfer", {"result": "已处罚"}),
    (COUNTY, "uphold_transfer", {"note": "维持"}),
    (COUNTY, "arbitrate_to_township", {"note": "乡镇办理"}),
    (D1, "uphold_transfer", {"note": "他镇"}),  # another township's room: never
    (D2, "arbitrate_to_township", {"note": "自己"}),  # the township's own room: never
    (LAND, "accept_transfer", {"case_no": "X"}),  # another department: never
]


@settings(deadline=None, max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, len(STEPS) - 1)), max_size=25))
def test_any_order_of_answers_keeps_each_department_device_true(plan):
    server = Server()
    clues = [uuid.UUID(int=i + 1) for i in range(3)]
    for clue_id in clues:
        server.push(W4, [create(record_id=clue_id, unit_code="G4"), note(clue_id)])
    devices = {ENV: ({}, 0), LAND: ({}, 0)}

    for which, index in plan:
        who, name, args = STEPS[index]
        before = dict(server.records[("clue", clues[which])].fields)
        [answer] = server.push(who, [step(clues[which], name, **args)])
        if answer["outcome"] == "applied":
            # Only the department it is addressed to answers; only the county arbitrates.
            assert who not in (D1, LAND)
            assert who is not D2 or name in ("transfer", "recall_transfer")
            if who is ENV:
                assert before["transferred_to"] == "D-ENV"
        for dept, (held, cursor) in devices.items():
            while True:
                page, after = server.changes(dept, cursor)
                for change in page:
                    if change.state is None:
                        held.pop(change.key, None)
                    else:
                        held[change.key] = change.state
                if after == cursor:
                    break
                cursor = after
            devices[dept] = (held, cursor)
            assert set(held) == set(server.pull(dept)), (dept.department, name)

    addressed = {
        clue_id
        for clue_id in clues
        if server.records[("clue", clue_id)].fields.get("transferred_to") == "D-ENV"
    }
    assert {k[1] for k in devices[ENV][0] if k[0] == "clue"} == addressed
    assert devices[LAND][0] == {}


# -- a case transferred to a department ------------------------------------------------------


def case_transferred() -> tuple[Desk, uuid.UUID]:
    desk = Desk(now=at("2026-03-05"))
    case_id = opened(desk)
    d = desk.step(
        L1,
        case_id,
        "transfer_case",
        agency="县自然资源局",
        department="D-LAND",
        reason="非法占地，不属本机关管辖",
        received_by="李四",
        decided_on="2026-03-05",
    )
    assert d.outcome == Outcome.APPLIED, d
    return desk, case_id


def test_a_case_sent_back_is_arbitrated_by_the_county_and_the_township_investigates_again():
    desk, case_id = case_transferred()
    due = desk.case(case_id)["decision_due"]
    # Only the department it is addressed to (the server shows no other the case at all).
    assert refused(desk.step(ENV, case_id, "return_transfer", reason="x"), "forbidden")
    assert desk.step(LAND, case_id, "return_transfer", reason="不属本部门").outcome == (
        Outcome.APPLIED
    )
    assert refused(desk.step(L1, case_id, "uphold_transfer", note="维持"), "forbidden")
    upheld = desk.step(COUNTY, case_id, "uphold_transfer", note="属自然资源职责")
    assert upheld.outcome == Outcome.APPLIED and desk.case(case_id)["status"] == "transferred_out"

    desk.step(LAND, case_id, "return_transfer", reason="仍不属本部门")
    given = desk.step(COUNTY, case_id, "arbitrate_to_township", note="乡镇继续办理")
    assert given.outcome == Outcome.APPLIED, given
    case = desk.case(case_id)
    assert case["status"] == "investigating" and case["transferred_to"] is None
    assert (case["ended_on"], case["ended_by"], case["transferred_agency"]) == (None, None, None)
    # The 90 days of art. 60 run again, from the opening as before.
    assert case["status"] in WORKFLOW["case"]["clocks"]["decision_due"]["running"]
    assert due and case["decision_due"] == due
    # The department no longer answers for it.
    assert refused(desk.step(LAND, case_id, "return_transfer", reason="x"), "case_investigating")


def test_the_township_recalls_a_case_transfer_itself_agreeing_with_the_department():
    desk, case_id = case_transferred()
    desk.step(LAND, case_id, "return_transfer", reason="不属本部门")
    assert refused(desk.step(O1, case_id, "recall_transfer", reason="同意退回"), "forbidden")
    d = desk.step(L1, case_id, "recall_transfer", reason="同意退回，自行办理")
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["status"] == "investigating" and case["recall_reason"] == "同意退回，自行办理"
