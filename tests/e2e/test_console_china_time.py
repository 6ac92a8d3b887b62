"""China's time on a browser set to UTC, at half past midnight in China (still the day before
in UTC): the desk sees the due days and the days left that China counts, a deadline's time
as China's clock shows it, and the deadline it types is taken as China's time."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.cases.models import Case
from server.clues.models import Clue
from server.core.db import db, next_counter, utcnow
from sync.cases import today
from tests.e2e.kit import api_login, transition
from tests.e2e.phone import DESKTOP

pytestmark = pytest.mark.browser

CHINA = dt.timezone(dt.timedelta(hours=8))
TOWN = "330802101"  # 航埠镇


def china_midnight() -> dt.datetime:
    """Half past midnight of China's today: 16:30 of the day before in UTC."""
    return dt.datetime.combine(today(utcnow()), dt.time(0, 30), CHINA)


def utc_desk(phones, username: str):
    desk = phones(username, viewport=DESKTOP)
    desk.start(timezone="UTC")
    desk.ctx.clock.install(time=china_midnight())  # before any page runs
    desk.open()
    desk.login(username)
    desk.wait_synced()
    assert desk.page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "UTC"
    return desk


def test_at_china_midnight_a_utc_desk_counts_and_shows_china_days(phones, county):
    app = county.app
    day = today(utcnow())
    with app.app_context():
        case = (
            db.session.execute(
                sa.select(Case).where(Case.status == "investigating", Case.code.like(f"%{TOWN}%"))
            )
            .scalars()
            .first()
        )
        due = day + dt.timedelta(days=5)
        case.decision_due = due
        case.data = {**case.data, "decision_due": due.isoformat()}
        case.seq = next_counter("change")  # as every write of a case takes
        case_id = str(case.id)
        db.session.commit()

    leader = utc_desk(phones, "hb_leader")
    page = leader.page
    page.goto(leader.url + "/#/console")
    # Five days from China's today, not six from UTC's yesterday.
    cell = page.wait_for_selector(f"tr[data-inbox='{case_id}'] [data-due-soon]")
    assert cell.inner_text() == "剩 5 天"
    page.goto(leader.url + f"/#/case/{case_id}")
    page.wait_for_selector("[data-fact=decision_due] [data-days-left]")
    assert page.get_attribute("[data-fact=decision_due] [data-days-left]", "data-days-left") == "5"


def test_at_china_midnight_a_utc_desk_types_and_reads_china_time(phones, county):
    app = county.app
    with app.app_context():
        clue = (
            db.session.execute(
                sa.select(Clue).where(Clue.status == "reported", Clue.code.like(f"%{TOWN}%"))
            )
            .scalars()
            .first()
        )
        clue_id, version = str(clue.id), clue.version
    s = api_login(county.url, "hb_dispatch")
    assert transition(s, county.url, clue_id, version, "accept")["outcome"] == "applied"

    desk = utc_desk(phones, "hb_dispatch")
    page = desk.page
    page.goto(desk.url + f"/#/clue/{clue_id}")
    page.click("[data-transition=assign]")
    # The deadline offered is three days on, as a clock in China reads it.
    in_three = (china_midnight() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:")
    typed = page.input_value("input[name=deadline]")
    assert typed.startswith(in_three), typed
    page.fill("input[name=deadline]", in_three.replace("T00:", "T17:") + "00")
    page.click("[data-action=save-step]")
    desk.wait_synced()
    with app.app_context():
        deadline = db.session.get(Clue, uuid.UUID(clue_id)).deadline
    deadline = deadline if deadline.tzinfo else deadline.replace(tzinfo=dt.UTC)  # SQLite's
    want = china_midnight().replace(hour=17, minute=0) + dt.timedelta(days=3)
    assert deadline == want, (deadline, want)
    # And it reads back as 17:00, China's time, on the clue's page.
    desk.until(
        "async () => (document.querySelector('[data-fact=due]') || {}).textContent"
        " && document.querySelector('[data-fact=due]').textContent.includes('17:00')"
    )
    shown = page.inner_text("[data-fact=due]")
    assert f"{want.month}/{want.day}" in shown and "17:00" in shown, shown
