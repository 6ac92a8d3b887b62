"""An unpaid fine taken to the people's court (行政强制法 第五十三条至第五十八条), as R5 checks
it: the application once, in its window; the court's answers (受理 / 不予受理, 裁定准予执行 /
不予执行, 执行完毕) each once and in the law's order, each refused otherwise with a reason of
its own; a case the court enforced to the end closes, any other unpaid one does not.

The case of ``tests.sync.case_kit``: a fine of 1,000 yuan decided on 3 March 2026 and served
on Wednesday 4 March (to be paid by Thursday 19 March); the demand (催告书) served on 24 March;
the six months to sue end on Friday 4 September, so the court is asked from 5 September to
4 December.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from sync import cases, legal
from sync.types import Outcome
from sync.workflow import REASONS, WORKFLOW
from tests.sync.case_kit import Desk, at, notified, refused
from tests.sync.kit import L1, O1

COURT = {"court": "大柘县人民法院", "court_receipt": "法院收件回执"}


def demanded(desk: Desk, served_on: str = "2026-03-04", demand_on: str = "2026-03-24"):
    """Decided, served (by default on Wednesday 4 March), unpaid, the demand served (24
    March): the party may sue until Friday 4 September, so the window opens on the 5th (it
    is open on Monday the 7th) and lasts until Friday 4 December."""
    case_id = notified(desk, amount_fen=1_000_00)
    fine = {"kind": "fine", "amount_fen": 1_000_00}
    assert desk.step(L1, case_id, "decide", penalty=fine).outcome == Outcome.APPLIED
    desk.now = at(served_on)
    served = {"served_on": served_on, "method": "in_person", "proof": "送达回证"}
    assert desk.step(O1, case_id, "serve", **served).outcome == Outcome.APPLIED
    desk.now = at(demand_on)
    demand = {"served_on": demand_on, "method": "post", "proof": "EMS 1"}
    d = desk.step(O1, case_id, "demand_payment", **demand)
    assert d.outcome == Outcome.APPLIED, d
    return case_id


def checked(desk: Desk, case_id, day: str = "2026-09-07") -> None:
    """The head confirms, on ``day``, that the party sought neither review nor a suit."""
    desk.now = at(day)
    d = desk.step(L1, case_id, "confirm_no_remedy", checked_on=day)
    assert d.outcome == Outcome.APPLIED, d


def applied(desk: Desk) -> uuid.UUID:
    case_id = demanded(desk)
    checked(desk, case_id)
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2026-09-07", **COURT)
    assert d.outcome == Outcome.APPLIED, d
    return case_id


def answer(desk: Desk, case_id, step: str, day: str, **more):
    """The court's answer ``step`` on ``day``, recorded that day by the head."""
    field = next(a for a, s in WORKFLOW["case"]["transitions"][step]["args"].items()
                 if s["type"] == "date")  # fmt: skip
    desk.now = at(max(day, cases.today(desk.now).isoformat()))
    return desk.step(L1, case_id, step, **{field: day, "ruling_no": f"（2026）{step}1号", **more})


def waits(desk: Desk, case_id) -> str | None:
    return cases.awaited_step(desk.case(case_id))


def test_enforcement_law_art_56_57_the_courts_answers_come_once_each_in_the_laws_order():
    """第五十六条: 人民法院接到…申请，应当在五日内受理; 第五十七条: …自受理之日起七日内作出
    执行裁定. The acceptance answers an application made, the ruling an acceptance, the
    enforcement done a ruling to enforce: each refused before its turn, and a second time, with
    its own reason; the phone is offered the next one first, then the closing."""
    desk = Desk()
    case_id = demanded(desk)
    case = desk.case(case_id)
    assert (case["enforcement_from"], case["enforcement_by"]) == ("2026-09-05", "2026-12-04")
    desk.now = at("2026-09-07")
    assert refused(answer(desk, case_id, "court_accepted", "2026-09-07"), "enforcement_not_applied")
    assert refused(answer(desk, case_id, "court_declined", "2026-09-07", reason="材料不全"),
                   "enforcement_not_applied")  # fmt: skip
    assert waits(desk, case_id) == "confirm_no_remedy"
    checked(desk, case_id)
    assert waits(desk, case_id) == "apply_enforcement"
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2026-09-07", **COURT)
    assert d.outcome == Outcome.APPLIED, d
    again = desk.step(L1, case_id, "apply_enforcement", applied_on="2026-09-08", **COURT)
    assert refused(again, "enforcement_already_applied")
    assert waits(desk, case_id) == "court_accepted"

    assert refused(answer(desk, case_id, "court_ordered", "2026-09-08"), "court_not_accepted")
    refusal = {"ground": "no_factual_basis", "reason": "事实不清"}
    assert refused(answer(desk, case_id, "court_refused", "2026-09-08", **refusal),
                   "court_not_accepted")  # fmt: skip
    assert refused(answer(desk, case_id, "court_enforced", "2026-09-08"), "court_not_accepted")
    # Not before the application, not in the future.
    assert refused(answer(desk, case_id, "court_accepted", "2026-09-06"), "date_before_step")
    future = desk.step(L1, case_id, "court_accepted", accepted_on="2026-09-30", ruling_no="1")
    assert refused(future, "date_in_future")

    d = answer(desk, case_id, "court_accepted", "2026-09-10")
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["enforcement_accepted_on"] == "2026-09-10" and case["status"] == "served"
    assert case["enforcement_case_no"] == "（2026）court_accepted1号"
    assert refused(answer(desk, case_id, "court_accepted", "2026-09-11"),
                   "court_acceptance_recorded")  # fmt: skip
    decline = answer(desk, case_id, "court_declined", "2026-09-11", reason="材料不全")
    assert refused(decline, "court_acceptance_recorded")
    assert refused(answer(desk, case_id, "court_enforced", "2026-09-11"), "court_not_ordered")
    assert waits(desk, case_id) == "court_ordered"

    assert refused(answer(desk, case_id, "court_ordered", "2026-09-09"), "date_before_step")
    d = answer(desk, case_id, "court_ordered", "2026-09-15")
    assert d.outcome == Outcome.APPLIED, d
    assert refused(answer(desk, case_id, "court_ordered", "2026-09-16"), "court_order_recorded")
    late_refusal = answer(desk, case_id, "court_refused", "2026-09-16", **refusal)
    assert refused(late_refusal, "court_order_recorded")
    assert waits(desk, case_id) == "court_enforced"
    assert refused(desk.step(L1, case_id, "close"), "not_paid")  # ruled, not yet enforced

    d = answer(desk, case_id, "court_enforced", "2026-10-20")
    assert d.outcome == Outcome.APPLIED, d
    assert refused(answer(desk, case_id, "court_enforced", "2026-10-21"),
                   "court_enforcement_recorded")  # fmt: skip
    # Enforced to the end: nothing more is paid, demanded or answered (the workflow's until).
    pay = {"paid_on": "2026-10-21", "paid_fen": 1_000_00, "receipt_no": "R-1"}
    demand = {"served_on": "2026-10-21", "method": "post", "proof": "EMS 3"}
    assert refused(desk.step(O1, case_id, "pay", **pay), "enforced_by_court")
    assert refused(desk.step(O1, case_id, "demand_payment", **demand), "enforced_by_court")
    refusal_after = answer(desk, case_id, "court_refused", "2026-10-21", **refusal)
    assert refused(refusal_after, "enforced_by_court")
    assert waits(desk, case_id) == "close"
    assert "execution" in cases.done_steps(desk.records[("case", case_id)])
    d = desk.step(L1, case_id, "close")
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["status"] == "closed"


def test_enforcement_law_art_56_58_a_refusal_keeps_the_case_open_until_the_court_above_rules():
    """第五十六条 and 第五十八条: a refusal to accept, or to enforce, may be taken to the court
    above within 15 days; the case stays open and unpaid meanwhile (closing is refused), and
    the court above's acceptance or ruling to enforce is recorded as the first court's, not
    dated before the refusal it answers."""
    desk = Desk()
    case_id = applied(desk)
    d = answer(desk, case_id, "court_declined", "2026-09-10", reason="申请材料不齐全")
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["enforcement_decline_reason"] == "申请材料不齐全"
    assert refused(desk.step(L1, case_id, "close"), "not_paid")
    again = answer(desk, case_id, "court_declined", "2026-09-11", reason="同上")
    assert refused(again, "court_decline_recorded")
    assert waits(desk, case_id) == "court_accepted"  # the court above, on reconsideration
    assert refused(answer(desk, case_id, "court_accepted", "2026-09-09"), "date_before_step")
    assert answer(desk, case_id, "court_accepted", "2026-09-25").outcome == Outcome.APPLIED

    refusal = {"ground": "no_legal_basis", "reason": "处罚依据引用错误"}
    d = answer(desk, case_id, "court_refused", "2026-10-09", **refusal)
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["enforcement_refusal_ground"] == "no_legal_basis"
    assert case["status"] == "served"
    assert refused(desk.step(L1, case_id, "close"), "not_paid")
    assert refused(answer(desk, case_id, "court_refused", "2026-10-10", **refusal),
                   "court_refusal_recorded")  # fmt: skip
    assert waits(desk, case_id) == "court_ordered"
    assert refused(answer(desk, case_id, "court_ordered", "2026-10-08"), "date_before_step")
    assert answer(desk, case_id, "court_ordered", "2026-11-02").outcome == Outcome.APPLIED
    assert answer(desk, case_id, "court_enforced", "2026-11-20").outcome == Outcome.APPLIED
    assert desk.step(L1, case_id, "close").outcome == Outcome.APPLIED


def test_a_fine_neither_paid_nor_enforced_by_the_court_is_not_closed():
    """Closing an unpaid fine is refused at every point short of 执行完毕; a paid one, or one
    with nothing to pay, closes as before; only the head records the court's answers."""
    desk = Desk()
    case_id = applied(desk)
    assert refused(desk.step(L1, case_id, "close"), "not_paid")
    assert answer(desk, case_id, "court_accepted", "2026-09-08").outcome == Outcome.APPLIED
    assert refused(desk.step(L1, case_id, "close"), "not_paid")
    assert refused(desk.step(O1, case_id, "court_ordered", ruled_on="2026-09-08", ruling_no="1"),
                   "forbidden")  # fmt: skip
    fields = desk.case(case_id)
    assert not cases.enforced_by_court_art_57(fields)
    assert cases.enforced_by_court_art_57({**fields, "enforcement_done_on": "2026-10-01"})


def test_art_72_the_court_is_asked_for_what_is_owed_on_the_day_the_fine_and_its_surcharge():
    """行政强制法 第五十五条（四）: the object of the application is what the party owes that
    day: the fine unpaid and art. 72's surcharge, 3% a day from the day after the last day to
    pay, never more than the fine; under an approved plan (art. 66), each unpaid instalment
    from its own day; nothing once paid."""
    fields = {
        "penalty": {"kind": "fine", "amount_fen": 1_000_00},
        "additional_penalties": [{"kind": "confiscate_gains", "amount_fen": 200_00}],
        "payment_due": "2026-03-23",
    }
    two_days = cases.owed_on_art_72(fields, dt.date(2026, 3, 25))
    assert two_days["unpaid_fen"] == 1_200_00 and two_days["surcharge_fen"] == 60_00
    assert two_days["owed_fen"] == 1_260_00 and two_days["parts"][0]["days_late"] == 2
    months = cases.owed_on_art_72(fields, dt.date(2026, 9, 7))
    assert months["surcharge_fen"] == 1_000_00 and months["owed_fen"] == 2_200_00  # capped
    assert cases.owed_on_art_72(fields, dt.date(2026, 3, 23))["surcharge_fen"] == 0

    plan = {"instalments": [{"due_on": "2026-04-10", "amount_fen": 600_00},
                            {"due_on": "2026-05-11", "amount_fen": 600_00}]}  # fmt: skip
    one_paid = {**fields, "payment_plan": plan, "payments": [{"paid_fen": 600_00}]}
    left = cases.owed_on_art_72(one_paid, dt.date(2026, 5, 13))
    assert [p["due_on"] for p in left["parts"]] == ["2026-05-11"]
    assert left["unpaid_fen"] == 600_00 and left["surcharge_fen"] == 36_00
    assert cases.owed_on_art_72({**fields, "paid_on": "2026-03-20"}, dt.date(2026, 9, 7)) == {
        "parts": [],
        "unpaid_fen": 0,
        "surcharge_fen": 0,
        "owed_fen": 0,
    }


def test_enforcement_law_art_53_55_the_application_is_dated_within_the_window():
    """The 强制执行申请书 follows the demand and is dated within the court's window: before
    5 September it is not yet issued, after 4 December no longer; once the application is
    recorded it bears that day, whenever it is printed."""
    doc = WORKFLOW["case"]["documents"]["enforcement_application"]
    desk = Desk()
    case_id = notified(desk)
    assert cases.document_waits(doc, desk.case(case_id), dt.date(2026, 9, 7)) == "after"
    fields = desk.case(applied(desk))
    unrecorded = {k: v for k, v in fields.items() if k != "enforcement_applied_on"}
    assert cases.document_waits(doc, unrecorded, dt.date(2026, 9, 4)) == "from"
    assert cases.document_waits(doc, unrecorded, dt.date(2026, 9, 5)) is None
    assert cases.document_waits(doc, unrecorded, dt.date(2026, 12, 4)) is None
    assert cases.document_waits(doc, unrecorded, dt.date(2026, 12, 5)) == "until"
    assert cases.document_waits(doc, fields, dt.date(2027, 1, 4)) is None  # dated 7 Sept.
    assert doc["who"] == ["leader"]  # signed by the head (第五十五条)


def test_each_court_step_says_its_article_and_a_refusal_says_the_case_stays_open():
    steps = WORKFLOW["case"]["transitions"]
    for name in ("court_declined", "court_refused"):
        text = steps[name]["label"]["zh-CN"] + steps[name]["explains"]["zh-CN"]
        assert "不结案" in text and "十五日内向上一级人民法院申请复议" in text, name
        assert "stays open" in steps[name]["explains"]["en"], name
    for name in ("court_accepted", "court_declined", "court_ordered", "court_refused"):
        assert "行政强制法第五十" in steps[name]["explains"]["zh-CN"], name


def test_a_court_step_is_offered_once_the_step_it_answers_is_recorded():
    """A screen offers each answer only after what it answers (``after``: the application,
    the acceptance, the ruling to enforce), and no more once recorded (``once``); the checks
    refuse the same with their own reasons (above)."""
    spec = WORKFLOW["case"]
    known = {*spec["fields"], *spec["read_only"]}
    expected = {
        "court_accepted": "enforcement_applied_on",
        "court_declined": "enforcement_applied_on",
        "court_ordered": "enforcement_accepted_on",
        "court_refused": "enforcement_accepted_on",
        "court_enforced": "enforcement_ordered_on",
    }
    for name, after in expected.items():
        step = spec["transitions"][name]
        assert step["after"] == after and step["once"] in known and after in known, name
        assert set(step["sets"]) <= known, name
    # And the outcome of a review or suit, after one is recorded.
    after = {n: s["after"] for n, s in spec["transitions"].items() if "after" in s}
    assert after == {**expected, "record_remedy_result": "remedies"}


@pytest.mark.parametrize(
    "reason",
    sorted(
        {s["once_reason"] for s in WORKFLOW["case"]["transitions"].values() if "once_reason" in s}
        | {"enforcement_not_applied", "court_not_accepted", "court_not_ordered", "not_paid"}
    ),
)
def test_every_refusal_of_the_court_steps_is_explained_in_both_languages(reason):
    assert REASONS[reason]["zh-CN"] and REASONS[reason]["en"]


def test_a_window_reaching_a_year_with_no_calendar_is_estimated_and_counted_again_when_asked():
    """民事诉讼法 第八十五条: the six months to sue end on the next working day when their last
    day is a rest day. A decision served in August 2026 can be sued until February 2027,
    whose calendar is not published when the demand is served: the demand goes ahead (the
    team's step), the window shows as an estimate, and the application counts it again on
    the calendar as it is then, refusing a day the estimate allowed but the holidays do not.
    (2027's holidays below are a test's, not the State Council's.)"""
    desk = Desk()
    case_id = demanded(desk, served_on="2026-08-03", demand_on="2026-08-31")
    case = desk.case(case_id)
    # On weekends alone: the six months end on Wednesday 3 February 2027.
    assert (case["enforcement_from"], case["enforcement_by"]) == ("2027-02-04", "2027-05-03")
    assert {"enforcement_from", "enforcement_by"} <= set(case["calendar_estimated"])

    desk.now = at("2027-02-04")
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2027-02-04", **COURT)
    assert refused(d, "no_remedy_unconfirmed")  # 第五十三条 first
    d = desk.step(L1, case_id, "confirm_no_remedy", checked_on="2027-02-04")
    assert refused(d, "calendar_missing") and "checked_on" in d.detail["fields"]

    spring = {dt.date(2027, 2, day) for day in range(3, 11)}  # a test's Spring Festival
    year_2026 = legal.CALENDAR_2026
    published = legal.WorkCalendar(
        year_2026.holidays | spring, year_2026.workdays, frozenset({2026, 2027})
    )
    desk.refs.calendar = lambda: published
    # The period ends on Thursday 11 February, the first working day after the holidays.
    d = desk.step(L1, case_id, "confirm_no_remedy", checked_on="2027-02-04")
    assert refused(d, "remedy_period_open") and d.detail["remedies_end"] == "2027-02-11"
    checked(desk, case_id, "2027-02-12")
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2027-02-11", **COURT)
    assert refused(d, "enforcement_outside_window")
    assert d.detail["enforcement_from"] == "2027-02-12"
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2027-02-12", **COURT)
    assert d.outcome == Outcome.APPLIED, d


def test_enforcement_law_art_53_a_party_who_sued_is_not_taken_to_the_court_for_enforcement():
    """第五十三条: only a party who neither sought review nor sued in time is. A suit recorded
    (on a day since the decision, not in the future) stops the confirmation and the
    application, and undoes a confirmation made before it was known; the penalty itself is
    not suspended (行政处罚法 第七十三条), so the phone still offers payment."""
    desk = Desk()
    case_id = demanded(desk)
    checked(desk, case_id)
    suit = {"kind": "litigation", "sought_on": "2026-09-04", "body": "衢州市柯城区人民法院"}
    d = desk.step(O1, case_id, "record_remedy", **suit)
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["no_remedy_confirmed_on"] is None
    assert [r["kind"] for r in case["remedies"]] == ["litigation"]
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2026-09-07", **COURT)
    assert refused(d, "remedy_sought")
    d = desk.step(L1, case_id, "confirm_no_remedy", checked_on="2026-09-07")
    assert refused(d, "remedy_sought")
    assert waits(desk, case_id) == "pay"
    early = {**suit, "sought_on": "2026-02-01"}  # before the decision
    assert refused(desk.step(O1, case_id, "record_remedy", **early), "date_before_step")


def test_a_decision_revoked_on_review_asks_for_nothing_more_and_the_case_closes():
    """A party who sought review or sued leaves no case without an end: the outcome is
    recorded once (not before the remedy was sought); revoked (撤销), nothing more is paid
    or demanded and the case closes with nothing paid; upheld, it stays as it was."""
    desk = Desk()
    case_id = demanded(desk)
    result = {"outcome": "revoked", "decided_on": "2026-05-20", "document_no": "柯政复决3号"}
    desk.now = at("2026-05-20")
    assert refused(desk.step(L1, case_id, "record_remedy_result", **result), "no_remedy_recorded")
    review = {"kind": "reconsideration", "sought_on": "2026-04-10", "body": "区人民政府"}
    assert desk.step(O1, case_id, "record_remedy", **review).outcome == Outcome.APPLIED
    early = {**result, "decided_on": "2026-04-09"}
    assert refused(desk.step(L1, case_id, "record_remedy_result", **early), "date_before_step")
    assert refused(desk.step(L1, case_id, "close"), "not_paid")  # still under review
    d = desk.step(L1, case_id, "record_remedy_result", **result)
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["remedies"][-1]["outcome"] == "revoked"
    again = desk.step(L1, case_id, "record_remedy_result", **result)
    assert refused(again, "remedy_result_recorded")
    pay = {"paid_on": "2026-05-20", "paid_fen": 1_000_00, "receipt_no": "R-2"}
    assert refused(desk.step(O1, case_id, "pay", **pay), "decision_revoked")
    d = desk.step(L1, case_id, "close")
    assert d.outcome == Outcome.APPLIED, d

    upheld_desk = Desk()
    upheld = demanded(upheld_desk)
    upheld_desk.now = at("2026-05-20")
    assert upheld_desk.step(O1, upheld, "record_remedy", **review).outcome == Outcome.APPLIED
    kept = {**result, "outcome": "upheld"}
    assert upheld_desk.step(L1, upheld, "record_remedy_result", **kept).outcome == Outcome.APPLIED
    assert refused(upheld_desk.step(L1, upheld, "close"), "not_paid")
