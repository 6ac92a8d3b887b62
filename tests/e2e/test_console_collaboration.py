"""A collaboration request (执法协作申请) at the command room's desk, in a desktop Chromium:
the dispatcher asks a county department about a case from the case's page, with the form the
workflow declares; the server counts the department's 5 working days (seeds 004) and the desk
shows that day; the answer is recorded the same way. A request whose days have run out is in
the inbox's overdue group."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.cases.models import Collaboration
from server.catalogue.calendar import current_calendar
from server.catalogue.models import CalendarNotice
from server.clues.models import Clue
from server.core.db import db, utcnow
from sync import legal
from sync.cases import today
from tests.e2e.kit import a_case, create, push
from tests.e2e.phone import DESKTOP

pytestmark = pytest.mark.browser


def test_the_desk_asks_a_department_sees_its_due_day_and_records_the_answer(phones, county):
    app, url = county.app, county.url
    day = today(utcnow())
    officer, clue_id, case = a_case(county, "王五")  # the county has a calendar around today
    case_id = case["record_id"]
    # An older request, sent 20 days ago: its 5 working days have run out.
    old = create(
        "collaboration",
        {
            "department": _department_of(app, clue_id),
            "kind": "materials",
            "question": "请提供该户宅基地审批资料",
            "sent_on": (day - dt.timedelta(days=20)).isoformat(),
        },
        case_id,
    )
    [made] = push(officer, url, old)
    assert made["outcome"] == "applied", made

    desk = phones("desk", viewport=DESKTOP)
    desk.enter("hb_dispatch")
    desk.page.goto(url + f"/#/case/{case_id}")
    page = desk.page
    page.wait_for_selector(f"[data-collaboration='{old['record_id']}'] strong.overdue")
    page.click("[data-action=new-collaboration]")
    form = ".collaborations [data-step=collaboration-create]"
    page.wait_for_selector(f"{form} select[name=department] option:nth-child(2)", state="attached")
    page.select_option(f"{form} select[name=department]", index=1)
    page.select_option(f"{form} select[name=kind]", "appraisal")
    page.fill(f"{form} textarea[name=question]", "请对涉案建筑的结构安全作出技术鉴定")
    assert page.input_value(f"{form} input[name=sent_on]") == day.isoformat()
    page.click("[data-action=save-collaboration]:not([disabled])")
    desk.wait_synced()

    with app.app_context():
        [asked] = db.session.scalars(
            sa.select(Collaboration).where(
                Collaboration.case_id == uuid.UUID(case_id),
                Collaboration.id != uuid.UUID(old["record_id"]),
            )
        ).all()
        due = legal.collaboration_due(day, current_calendar())
        assert asked.due == due and "-XZ-" in asked.code and asked.status == "requested"
        asked_id = str(asked.id)
    row = f"[data-collaboration='{asked_id}']"
    page.wait_for_selector(f"{row} [data-due='{due.isoformat()}']")
    assert asked.code in page.inner_text(row)

    page.click(f"{row} [data-transition=answer]")
    page.fill("[data-step=answer] textarea[name=answer]", "结构安全，无需拆除")
    page.click("[data-step=answer] [data-action=save-step]:not([disabled])")
    desk.wait_synced()
    page.wait_for_selector(f"{row}[data-status=answered] [data-answer=in_time]")
    with app.app_context():
        answered = db.session.get(Collaboration, uuid.UUID(asked_id))
        assert answered.answered_on == day and answered.answered_late is False

    # The inbox: the old request is overdue; the answered one waits for nothing.
    page.goto(url + "/#/console")
    page.wait_for_selector(f"tr[data-inbox='{old['record_id']}'].late")
    assert page.locator(f"tr[data-inbox='{asked_id}']").count() == 0
    page.click(f"tr[data-inbox='{old['record_id']}'] a")
    page.wait_for_selector(f"main.console[data-case='{case_id}']")
    assert not desk.errors, desk.errors


def test_a_due_day_counted_without_its_years_calendar_is_marked_as_an_estimate(phones, county):
    """With no working calendar in force, a department's answer is still asked for: the desk
    shows its due day marked 估算, and the banner tells what waits for the notice."""
    app, url = county.app, county.url
    day = today(utcnow())
    officer, clue_id, case = a_case(county, "赵六")
    with app.app_context():  # the notices are withdrawn: no year has a calendar
        db.session.execute(sa.update(CalendarNotice).values(superseded_at=utcnow()))
        db.session.commit()
    asked = create(
        "collaboration",
        {
            "department": _department_of(app, clue_id),
            "kind": "materials",
            "question": "请提供该户宅基地审批资料",
            "sent_on": day.isoformat(),
        },
        case["record_id"],
    )
    [made] = push(officer, url, asked)
    assert made["outcome"] == "applied", made

    desk = phones("desk", viewport=DESKTOP)
    desk.enter("hb_dispatch")
    desk.page.goto(url + f"/#/case/{case['record_id']}")
    row = f"[data-collaboration='{asked['record_id']}']"
    desk.page.wait_for_selector(f"{row} [data-estimated=due]")
    assert desk.page.inner_text(f"{row} [data-estimated=due]") == "估算"


def _department_of(app, clue_id: str) -> str:
    with app.app_context():
        return db.session.get(Clue, uuid.UUID(clue_id)).matter.department.code
