"""The working calendar at the desk, in a desktop Chromium: every working-day deadline
(art. 85) counts in the State Council's holiday notice for its year, so a year without one
is announced in the inbox, and a county administrator publishes it from the console; a day
that cannot be is named, and a township's desk sees the calendar but cannot change it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.catalogue.models import CalendarNotice
from server.core.db import db, utcnow
from sync.cases import today
from tests.e2e.phone import DESKTOP

pytestmark = pytest.mark.browser


def first(year: int, weekday: int) -> str:
    """The first day of ``year`` that falls on ``weekday`` (Monday 0)."""
    day = dt.date(year, 1, 1)
    return (day + dt.timedelta(days=(weekday - day.weekday()) % 7)).isoformat()


def test_a_missing_year_is_announced_and_a_county_admin_publishes_it(phones, county):
    year = today(utcnow()).year
    with county.app.app_context():  # this year's notice was never published
        db.session.execute(sa.delete(CalendarNotice).where(CalendarNotice.year == year))
        db.session.commit()

    admin = phones("admin", viewport=DESKTOP)
    page = admin.enter("admin")
    page.goto(f"{county.url}/#/console")
    banner = page.locator("[data-missing]")
    banner.wait_for()
    assert str(year) in banner.get_attribute("data-missing").split(",")
    assert "尚未发布" in banner.inner_text()

    banner.locator("a").click()
    page.wait_for_selector("form [name=source]")
    page.fill("[name=year]", str(year))
    page.fill("[name=source]", f"国务院办公厅关于{year}年部分节假日安排的通知")
    page.fill("[name=holidays]", f"{year}-01-01\n{year}-10-01~{year}-10-07")
    monday = first(year, 0)
    page.fill("[name=workdays]", monday)  # a weekday cannot be "made" a working day
    page.click("[data-action=publish-calendar]")
    error = page.locator(".field .error")
    error.wait_for()
    assert monday in error.inner_text() and "weekday" in error.inner_text()

    saturday = first(year, 5)
    page.fill("[name=workdays]", saturday)
    page.click("[data-action=publish-calendar]")
    row = page.locator(f"tr[data-year='{year}']")
    row.wait_for()
    assert [c.strip() for c in row.locator("td").all_inner_texts()[2:4]] == ["8", "1"]
    admin.until(
        "(y) => !document.querySelector('[data-missing]')"
        " || !document.querySelector('[data-missing]').dataset.missing.split(',').includes(y)",
        str(year),
    )
    with county.app.app_context():
        notice = db.session.execute(
            sa.select(CalendarNotice).where(
                CalendarNotice.year == year, CalendarNotice.superseded_at.is_(None)
            )
        ).scalar_one()
        assert len(notice.holidays) == 8 and notice.workdays == [saturday]
        assert db.session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "calendar.publish")
        ).first()


def test_a_townships_desk_reads_the_calendar_and_has_no_form_to_change_it(phones, county):
    desk = phones("desk", viewport=DESKTOP)
    page = desk.enter("hb_dispatch")
    page.goto(f"{county.url}/#/calendar")
    page.wait_for_selector("tr[data-year]")
    assert page.locator("form [name=source]").count() == 0
