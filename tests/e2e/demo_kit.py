"""The demo county's cases set where a browser test needs them to stand: decided, or seven
months on with the court's window open. The kit of the desk and court browser tests."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from server.cases.models import Case
from server.core.db import db, utcnow
from sync.cases import today
from tests.e2e.kit import api_login, case_step, push, user_id

TOWN = "330802101"  # 航埠镇


def decided_demo_case(county) -> tuple[str, dict]:
    """The demo township's notified case, decided: the party waives its statement (art. 62)
    and the head decides the fine the notice proposed. Its id and its party."""
    with county.app.app_context():
        case = db.session.execute(
            sa.select(Case).where(Case.status == "notified", Case.code.like(f"{TOWN}-%"))
        ).scalar_one()
        case_id, party, level = str(case.id), case.data["party"], case.data["discretion"]["level"]
        penalty = case.data["proposed_penalty"]
    day = today(utcnow()).isoformat()
    officer, leader = api_login(county.url, "hb_officer1"), api_login(county.url, "hb_leader")
    waived = case_step(case_id, "record_statement", received_on=day, kind="waived")
    assert push(officer, county.url, waived)[0]["outcome"] == "applied"
    decided = case_step(case_id, "decide", penalty=penalty, discretion_level=level)
    [answer] = push(leader, county.url, decided)
    assert answer["outcome"] == "applied", answer
    return case_id, party


def awaiting_the_court(app, url) -> str:
    """The demo's notified case of 航埠镇, as it stands once the court may be asked, its
    decision issued; returns its id."""
    day = today(utcnow())
    head = user_id(app, "hb_leader")

    def on(days: int) -> str:
        return (day + dt.timedelta(days=days)).isoformat()

    with app.app_context():
        case = db.session.execute(
            sa.select(Case).where(Case.status == "notified", Case.code.like(f"{TOWN}-%"))
        ).scalar_one()
        data = dict(case.data)
        data["party"] = {**data["party"], "address": "柯城区航埠镇北淤村8号"}
        data.update(
            penalty=data["proposed_penalty"],
            decided_on=on(-210),
            decided_by=head,
            served_on=on(-200),
            service_method="in_person",
            service_proof="送达回证",
            payment_due=on(-185),
            demand_served_on=on(-30),
            demand_method="post",
            demand_proof="EMS 1098765432",
            enforcement_from=on(-5),
            enforcement_by=on(60),
            status="served",
        )
        case.data, case.status = data, "served"
        case.decided_on = dt.date.fromisoformat(on(-210))
        case.penalty_fen = data["penalty"]["amount_fen"]
        case_id = str(case.id)
        db.session.commit()
    r = api_login(url, "hb_leader").post(
        f"{url}/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"}
    )
    assert r.status_code == 201, r.json()
    return case_id
