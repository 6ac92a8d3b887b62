# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""An unpaid fine taken to the people's court through the API, on both databases (行政强制法
第五十三条至第五十八条): decided and served, the day to pay let pass, the demand served, the
application (强制执行申请书) issued within the window by the head who signs it, the court's
answers recorded, the case closed once the court enforced it.

Time passes without the test depending on today's date: the server's clock is moved to the
days the case's own records name (``push.utcnow`` for the steps; the document route's and
the documents' ``utcnow`` for the application's day), every day counted from today."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from server.cases.models import Case
from server.core.db import db
from sync import legal
from sync.cases import today
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import case_step, decided_case
from tests.server.documents_kit import text_of
from tests.server.sync_kit import push_one

CHINA = dt.timezone(dt.timedelta(hours=8))


def issue(session, case_id, **body):
    return session.post(f"/api/v1/cases/{case_id}/documents", json=body)


def noon(day: str) -> dt.datetime:
    """Noon in China on ``day``, as the server's clock (UTC)."""
    return dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=CHINA).astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    """Moves the server's clock: the sync push, the document route and the documents."""
    import server.cases.api as api
    import server.cases.documents as documents
    import server.sync_api.push as push

    def to(moment: dt.datetime) -> None:
        for module in (push, api, documents):
            monkeypatch.setattr(module, "utcnow", lambda: moment)

    return to


def fields_of(app, case_id: str) -> dict:
    with app.app_context():
        return dict(db.session.get(Case, uuid.UUID(case_id)).data)


def step(session, case_id, name: str, **args) -> dict:
    return push_one(session, case_step(case_id, name, **args))


def demanded(app, world, officer, leader, clock) -> tuple[str, dict]:
    """A 500-yuan fine decided today, its decision issued and served today; twenty days on
    (the day to pay passed) the demand is served and issued. Returns the case and its
    fields."""
    case_id = decided_case(world, officer, leader)
    assert issue(officer, case_id, kind="penalty_decision").status_code == 201
    now = dt.datetime.now(dt.UTC)
    served = step(
        officer, case_id, "serve", served_on=today(now).isoformat(), method="in_person",
        proof="送达回证",
    )  # fmt: skip
    assert served["outcome"] == "applied", served
    r = issue(leader, case_id, kind="enforcement_application")
    assert (r.status_code, r.get_json()["error"]) == (409, "not_yet")  # no demand yet
    later = now + dt.timedelta(days=20)
    clock(later)
    demand = step(
        officer, case_id, "demand_payment", served_on=today(later).isoformat(), method="post",
        proof="EMS 1098765432",
    )  # fmt: skip
    assert demand["outcome"] == "applied", demand
    assert issue(officer, case_id, kind="payment_demand").status_code == 201
    return case_id, fields_of(app, case_id)


def test_enforcement_law_art_53_58_the_court_is_asked_answers_and_the_case_closes_enforced(
    app, world, login, clock
):
    """第五十五条: the application, issued only within the window (before it 409, and not
    by an officer: the head signs it), carries the decision, its facts and basis, the
    party's opinions and the demand with its proof, and what is owed that day: the fine and
    art. 72's surcharge, by now as large as the fine. 第五十六条至第五十八条: the court's
    acceptance, its ruling and the enforcement done, each once; the case closes only then."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id, f = demanded(app, world, officer, leader, clock)
    first = f["enforcement_from"]
    r = issue(leader, case_id, kind="enforcement_application")
    assert (r.status_code, r.get_json()["error"]) == (409, "not_yet"), r.get_json()
    assert "no_remedy_confirmed_on" in r.get_json()["fields"]["kind"][0]  # 第五十三条 first

    clock(noon(first))
    # 第五十三条: not before the head has checked that no review or suit was sought.
    r = issue(leader, case_id, kind="enforcement_application")
    assert r.status_code == 409, r.get_json()
    checked = step(leader, case_id, "confirm_no_remedy", checked_on=first)
    assert checked["outcome"] == "applied", checked
    assert issue(officer, case_id, kind="enforcement_application").status_code == 403
    r = issue(leader, case_id, kind="enforcement_application")
    assert r.status_code == 201, r.get_json()
    doc = r.get_json()
    assert legal.check_act_code(doc["act_code"]) and "-QZ-" in doc["act_code"]
    assert doc["doc_number"].startswith("大柘镇综执强执〔")
    again = issue(leader, case_id, kind="enforcement_application")
    assert again.status_code == 200 and again.get_json()["id"] == doc["id"]
    text = text_of(leader.get(f"/api/v1/documents/{doc['id']}.pdf").data)
    with app.app_context():
        from server.cases.models import IssuedDocument

        numbers = {
            d.kind: d.doc_number
            for d in db.session.query(IssuedDocument).filter_by(case_id=uuid.UUID(case_id))
        }
    day = dt.date.fromisoformat(first)
    for expected in (
        "强制执行申请书",
        "遂昌县人民法院",
        "被申请人",
        "张三",
        "leader_a",  # the head who signs
        "行政机关负责人",
        numbers["penalty_decision"],
        numbers["payment_demand"],
        "送达回证",
        "EMS1098765432",
        "明确放弃陈述、申辩",
        "人民币1000.00元（大写：壹仟元整）",  # 500 yuan and its surcharge, capped at 500
        "第五十五条",
        f"{day.year}年{day.month}月{day.day}日",
        f"本机关于{day.year}年{day.month}月{day.day}日核实",
    ):
        assert expected in text, expected

    applied = step(
        leader, case_id, "apply_enforcement", applied_on=first, court="遂昌县人民法院",
        court_receipt="法院收件回执",
    )  # fmt: skip
    assert applied["outcome"] == "applied", applied
    assert step(leader, case_id, "close")["reason"] == "not_paid"
    # The province's indicator counts the application due once the court was asked.
    query = f"from={today(dt.datetime.now(dt.UTC)).isoformat()}&to={first}"
    figures = leader.get(f"/api/v1/units/331123102/indicators?{query}").get_json()
    counted = figures["issued_on_platform"]["by_kind"]["enforcement_application"]
    assert (counted["count"], counted["of"]) == (1, 1)

    clock(noon(first) + dt.timedelta(days=10))
    days = [(day + dt.timedelta(days=n)).isoformat() for n in (1, 3, 9)]
    ordered = step(leader, case_id, "court_ordered", ruled_on=days[1], ruling_no="（2026）1号")
    assert ordered["reason"] == "court_not_accepted"
    for name, field, on in (
        ("court_accepted", "accepted_on", days[0]),
        ("court_ordered", "ruled_on", days[1]),
        ("court_enforced", "done_on", days[2]),
    ):
        answer = step(leader, case_id, name, **{field: on}, ruling_no=f"（2026）浙1123执{name}号")
        assert answer["outcome"] == "applied", (name, answer)
    twice = step(leader, case_id, "court_enforced", done_on=days[2], ruling_no="x")
    assert twice["reason"] == "court_enforcement_recorded"
    closed = step(leader, case_id, "close")
    assert closed["outcome"] == "applied", closed
    f = fields_of(app, case_id)
    assert f["status"] == "closed" and f["enforcement_done_on"] == days[2]
    assert f["enforcement_case_no"] == "（2026）浙1123执court_accepted号"


def test_enforcement_law_art_58_a_refusal_to_enforce_leaves_the_case_open(app, world, login, clock):
    """A refusal to enforce (第五十八条) leaves the fine unpaid and the case open: closing is
    refused, as for any unpaid fine the court has not enforced."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id, f = demanded(app, world, officer, leader, clock)
    first = f["enforcement_from"]
    clock(noon(first) + dt.timedelta(days=5))
    assert step(leader, case_id, "confirm_no_remedy", checked_on=first)["outcome"] == "applied"
    applied = step(
        leader, case_id, "apply_enforcement", applied_on=first, court="遂昌县人民法院",
        court_receipt="法院收件回执",
    )  # fmt: skip
    assert applied["outcome"] == "applied", applied
    assert step(leader, case_id, "court_accepted", accepted_on=first, ruling_no="1")["outcome"] == (
        "applied"
    )
    refusal = step(
        leader, case_id, "court_refused", ruled_on=first, ruling_no="2", ground="no_legal_basis",
        reason="处罚依据引用错误",
    )  # fmt: skip
    assert refusal["outcome"] == "applied", refusal
    assert step(leader, case_id, "close")["reason"] == "not_paid"
    assert fields_of(app, case_id)["status"] == "served"


def test_enforcement_law_art_55_a_fine_paid_after_the_demand_is_not_taken_to_the_court(
    app, world, login, clock
):
    """Paid with its surcharge after the demand, nothing is owed: no application (409)."""
    officer, leader = login("officer_a"), login("leader_a")
    paid_id, f = demanded(app, world, officer, leader, clock)
    clock(noon(f["enforcement_from"]))
    checked = step(leader, paid_id, "confirm_no_remedy", checked_on=f["enforcement_from"])
    assert checked["outcome"] == "applied", checked
    owed = step(officer, paid_id, "pay", paid_on=f["demand_served_on"], paid_fen=500_00,
                receipt_no="P-1")  # fmt: skip
    assert owed["reason"] == "payment_amount"
    paid = step(officer, paid_id, "pay", paid_on=f["demand_served_on"],
                paid_fen=owed["owed_fen"], receipt_no="P-1")  # fmt: skip
    assert paid["outcome"] == "applied", paid
    r = issue(leader, paid_id, kind="enforcement_application")
    assert (r.status_code, r.get_json()["error"]) == (409, "nothing_owed"), r.get_json()
