"""Collaboration requests (执法协作申请) as R5 checks them (sync.cases through
sync.rules.decide).

Seeds 004: 被赋权乡镇(街道)在查处违法行为过程中需要相关业务主管部门认定、技术鉴定、提供咨询意见、
提供资料等应当通过协同指挥平台向相关业务主管部门提交执法协作申请，相关业务主管部门应当自收到
协同指挥平台交办的执法协作申请后5个工作日内反馈，情况复杂的可延长5个工作日.

Days are 2026's, counted with the State Council's 2026 holidays (sync.legal.CALENDAR_2026);
the people and the county are those of tests/sync/model.py.
"""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import given
from hypothesis import strategies as st

from sync import legal
from sync.types import Mutation, Op, Outcome, RecordState
from sync.workflow import REASONS, WORKFLOW
from tests.sync.case_kit import Desk, act, apply_collaboration, ask, at, opened, refused
from tests.sync.kit import D1, L1, O1, O2, O3, W1

D = dt.date.fromisoformat


def request(desk: Desk, ident) -> dict:
    return dict(desk.records[("collaboration", ident)].fields)


def a_case(now: str = "2026-10-20") -> tuple[Desk, uuid.UUID]:
    desk = Desk()
    case_id = opened(desk)  # violation and opening on 2 March 2026
    desk.now = at(now)
    return desk, case_id


# -- the due day ------------------------------------------------------------------------------


def test_the_department_answers_within_5_working_days_the_weekend_not_counted():
    desk, case_id = a_case()
    # Sent Thursday 5 March: Fri 6 (1), Mon 9 (2), Tue 10 (3), Wed 11 (4), Thu 12 (5).
    ident, d = ask(desk, case_id, sent_on="2026-03-05")
    assert d.outcome == Outcome.APPLIED, d
    r = request(desk, ident)
    assert r["due"] == "2026-03-12" and r["status"] == "requested"
    assert r["extended"] is False and r["answered_late"] is None
    assert r["reporter_id"] == O1.user_id and d.state.parent_id == case_id
    assert d.state.unit_path == desk.records[("case", case_id)].unit_path


def test_national_day_is_not_counted_and_the_make_up_saturday_is():
    desk, case_id = a_case()
    # Sent Tue 29 Sept: Wed 30 (1); 1–7 Oct off; Thu 8 (2), Fri 9 (3), Sat 10 worked (4),
    # Mon 12 (5).
    ident, _ = ask(desk, case_id, sent_on="2026-09-29")
    assert request(desk, ident)["due"] == "2026-10-12"
    # Extended: Tue 13 (6) … Fri 16 (9), Mon 19 (10), still counted from the day it was sent.
    d = act(desk, D1, ident, "extend", extended_on="2026-10-09", reason="需现场测绘，情况复杂")
    assert d.outcome == Outcome.APPLIED, d
    r = request(desk, ident)
    assert r["due"] == "2026-10-19" and r["extended"] is True
    assert r["extended_on"] == "2026-10-09" and r["extension_reason"] == "需现场测绘，情况复杂"
    assert r["status"] == "requested"


def test_the_period_is_extended_once_not_twice():
    desk, case_id = a_case()
    ident, _ = ask(desk, case_id, sent_on="2026-09-29")
    assert act(desk, O1, ident, "extend", extended_on="2026-10-08", reason="复杂").outcome == (
        Outcome.APPLIED
    )
    again = act(desk, L1, ident, "extend", extended_on="2026-10-09", reason="仍需时间")
    assert refused(again, "collaboration_already_extended")
    assert request(desk, ident)["due"] == "2026-10-19"


def test_a_period_already_run_out_is_not_extended():
    desk, case_id = a_case()
    ident, _ = ask(desk, case_id, sent_on="2026-09-29")
    late = act(desk, O1, ident, "extend", extended_on="2026-10-13", reason="复杂")
    assert refused(late, "collaboration_extension_late")
    assert late.detail["due"] == "2026-10-12"
    assert request(desk, ident)["extended"] is False


def test_an_extension_needs_its_reason_and_a_day_that_has_come():
    desk, case_id = a_case(now="2026-10-09")
    ident, _ = ask(desk, case_id, sent_on="2026-09-29")
    d = act(desk, O1, ident, "extend", extended_on="2026-10-10", reason="")
    assert refused(d, "invalid") and set(d.detail["fields"]) == {"reason"}
    d = act(desk, O1, ident, "extend", extended_on="2026-10-10", reason="复杂")
    assert refused(d, "date_in_future") and set(d.detail["fields"]) == {"extended_on"}


# -- the answer -------------------------------------------------------------------------------


def test_an_answer_on_the_due_day_is_in_time_and_the_next_day_late():
    desk, case_id = a_case()
    on_time, _ = ask(desk, case_id, sent_on="2026-09-29")
    d = act(desk, O2, on_time, "answer", answered_on="2026-10-12", answer="属于基本农田")
    assert d.outcome == Outcome.APPLIED, d
    r = request(desk, on_time)
    assert r["status"] == "answered" and r["answered_late"] is False
    assert r["answered_by"] == O2.user_id and r["answer"] == "属于基本农田"

    late, _ = ask(desk, case_id, sent_on="2026-09-29")
    assert act(desk, D1, late, "answer", answered_on="2026-10-13", answer="x").outcome == (
        Outcome.APPLIED
    )
    assert request(desk, late)["answered_late"] is True
    # Extended, the same day is in time.
    extended, _ = ask(desk, case_id, sent_on="2026-09-29")
    act(desk, D1, extended, "extend", extended_on="2026-10-09", reason="复杂")
    act(desk, D1, extended, "answer", answered_on="2026-10-13", answer="x")
    assert request(desk, extended)["answered_late"] is False


def test_an_answer_before_the_request_or_in_the_future_is_refused_naming_the_day():
    desk, case_id = a_case(now="2026-10-20")
    ident, _ = ask(desk, case_id, sent_on="2026-09-29")
    before = act(desk, O1, ident, "answer", answered_on="2026-09-28", answer="x")
    assert refused(before, "date_before_step") and set(before.detail["fields"]) == {"answered_on"}
    future = act(desk, O1, ident, "answer", answered_on="2026-10-21", answer="x")
    assert refused(future, "date_in_future") and set(future.detail["fields"]) == {"answered_on"}
    blank = act(desk, O1, ident, "answer", answered_on="2026-10-01")
    assert refused(blank, "invalid") and set(blank.detail["fields"]) == {"answer"}
    assert request(desk, ident)["status"] == "requested"


def test_an_answered_or_withdrawn_request_takes_no_further_step():
    desk, case_id = a_case()
    ident, _ = ask(desk, case_id)
    act(desk, O1, ident, "answer", answered_on="2026-03-10", answer="x")
    assert refused(
        act(desk, O1, ident, "extend", extended_on="2026-03-10", reason="r"),
        ("collaboration_answered"),
    )
    other, _ = ask(desk, case_id)
    assert refused(act(desk, O2, other, "withdraw", reason="不再需要"), "forbidden")
    assert act(desk, O1, other, "withdraw", reason="不再需要").outcome == Outcome.APPLIED
    assert request(desk, other)["status"] == "withdrawn"
    d = act(desk, O1, other, "answer", answered_on="2026-03-10", answer="x")
    assert refused(d, "collaboration_withdrawn")
    for reason in (
        "collaboration_answered",
        "collaboration_withdrawn",
        "collaboration_already_extended",
        "collaboration_extension_late",
    ):
        assert REASONS[reason]["zh-CN"] and REASONS[reason]["en"]


# -- who, where, what ---------------------------------------------------------------------------


def test_officers_and_the_command_room_ask_a_grid_worker_and_another_township_do_not():
    desk, case_id = a_case()
    for who in (O1, D1, L1):
        assert ask(desk, case_id, who)[1].outcome == Outcome.APPLIED
    assert refused(ask(desk, case_id, W1)[1], "forbidden")
    assert refused(ask(desk, case_id, O3)[1], "forbidden")  # an officer of T2
    # A request on no case (or one this person cannot see: the server passes no parent).
    _, orphan = ask(desk, uuid.uuid4())
    assert refused(orphan, "parent_missing")
    ident, _ = ask(desk, case_id)
    assert refused(
        act(desk, O3, ident, "answer", answered_on="2026-03-10", answer="x"), ("forbidden")
    )


def test_what_was_sent_is_checked_named_and_never_edited():
    desk, case_id = a_case()
    _, d = ask(desk, case_id, department="D-NOWHERE", question="", kind="gossip")
    assert refused(d, "invalid")
    assert set(d.detail["fields"]) == {"department", "question", "kind"}
    _, d = ask(desk, case_id, question="问" * 4001)
    assert set(d.detail["fields"]) == {"question"}
    _, d = ask(desk, case_id, sent_on="2026-10-21")  # tomorrow
    assert refused(d, "date_in_future") and set(d.detail["fields"]) == {"sent_on"}
    _, d = ask(desk, case_id, sent_on="2026-03-01")  # before the violation it is about
    assert refused(d, "date_before_step") and set(d.detail["fields"]) == {"sent_on"}
    _, d = ask(desk, case_id, due="2026-12-31")  # the due day is the rules', not the device's
    assert refused(d, "invalid") and set(d.detail["fields"]) == {"due"}
    ident, _ = ask(desk, case_id)
    edit = Mutation(
        uuid.uuid4(), "collaboration", ident, Op.UPDATE, {"question": "改"}, base_version=1
    )
    assert refused(apply_collaboration(desk, edit, O1), "forbidden")


def test_a_finished_case_asks_for_nothing():
    desk, case_id = a_case()
    case = desk.records[("case", case_id)]
    desk.records[("case", case_id)] = RecordState(
        "case",
        case_id,
        case.version + 1,
        {**case.fields, "status": "closed"},
        unit_path=case.unit_path,
        parent_id=case.parent_id,
    )
    assert refused(ask(desk, case_id)[1], "case_closed")


def test_a_due_day_in_a_year_with_no_holidays_loaded_is_estimated_and_said_so():
    """The department's answer is the county's deadline, not a period the party has: across
    the New Year it is counted on weekends alone, marked as an estimate, never refused."""
    desk, case_id = a_case(now="2027-01-04")
    # Sent on 28 December 2026: the fifth working day is in 2027, which no notice covers.
    ident, d = ask(desk, case_id, sent_on="2026-12-28")
    assert d.outcome == Outcome.APPLIED, d
    assert request(desk, ident)["due"] == "2027-01-04"
    assert request(desk, ident)["calendar_estimated"] == ["due"]
    ident, d = ask(desk, case_id, sent_on="2026-12-18")  # due 25 December: counted
    assert d.outcome == Outcome.APPLIED and request(desk, ident)["due"] == "2026-12-25"
    assert request(desk, ident)["calendar_estimated"] == []
    d = act(desk, O1, ident, "extend", extended_on="2026-12-21", reason="复杂")
    assert d.outcome == Outcome.APPLIED, d
    # 10 working days from 18 December on weekends alone: 1 January, which is 元旦; the
    # estimate is marked as one until the 2027 notice is loaded.
    assert request(desk, ident)["due"] == "2027-01-01"
    assert request(desk, ident)["calendar_estimated"] == ["due"]


def test_the_workflow_declares_the_clock_the_console_reads():
    spec = WORKFLOW["collaboration"]
    assert spec["parent"] == "case" and "grid_worker" not in spec["create"]["who"]
    assert spec["clocks"] == {"due": {"running": ["requested", "accepted"], "warn_days": [3, 1]}}
    assert set(spec["clocks"]["due"]["running"]).isdisjoint(spec["closed"])
    assert legal.ACT_KINDS["XZ"] == "collaboration_request"


# -- properties ---------------------------------------------------------------------------------

DAYS_2026 = st.dates(min_value=dt.date(2026, 3, 2), max_value=dt.date(2026, 12, 1))


@given(sent=DAYS_2026, after=st.integers(min_value=0, max_value=25))
def test_an_answer_is_late_exactly_when_it_comes_after_the_due_day(sent, after):
    desk, case_id = a_case(now="2026-12-31")
    ident, d = ask(desk, case_id, sent_on=sent.isoformat())
    assert d.outcome == Outcome.APPLIED, d
    due = D(request(desk, ident)["due"])
    assert legal.CALENDAR_2026.working_days_between(sent, due) == 5
    assert due == legal.CALENDAR_2026.add_working_days(sent, 5)
    answered = sent + dt.timedelta(days=after)
    act(desk, O1, ident, "answer", answered_on=answered.isoformat(), answer="x")
    assert request(desk, ident)["answered_late"] is (answered > due)


@given(sent=DAYS_2026)
def test_an_extension_adds_exactly_5_working_days_to_the_due_day(sent):
    desk, case_id = a_case(now="2026-12-31")
    ident, _ = ask(desk, case_id, sent_on=sent.isoformat())
    first = D(request(desk, ident)["due"])
    act(desk, L1, ident, "extend", extended_on=sent.isoformat(), reason="复杂")
    second = D(request(desk, ident)["due"])
    assert second == legal.CALENDAR_2026.add_working_days(first, 5)
    assert legal.CALENDAR_2026.working_days_between(sent, second) == 10
