"""The working calendar (节假日安排) deadlines count with, as data an administrator keeps.

Each November the State Council publishes next year's holiday arrangement: the weekdays off
and the weekend days worked (调休). Counts in working days (arts. 56 and 64 of the
Administrative Penalty Law, the seeds' 5-working-day collaboration rule) need it. In a year
with no notice, a period the party has (a hearing request, his statement, payment) refuses
its step (``calendar_missing``) rather than guess; the team's own deadlines (service, the
decision on preserved evidence, a department's answer) are counted on weekends alone and
marked as estimates (``sync.legal.team_deadline``), so work does not stop at the New Year.
The console warns county administrators from ``LOOKAHEAD`` before the year begins. A county
administrator publishes the notice; a correction supersedes it and the old one is kept.
"""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
import sqlalchemy as sa
from flask_smorest import Blueprint, abort

from server.accounts.auth import current_user, login_required
from server.accounts.models import Role
from server.audit import chain as audit
from server.catalogue.models import CalendarNotice
from server.core.api import BEARER
from server.core.db import db, utcnow
from server.core.schemas import FreeText, StrictSchema
from server.units.models import UnitLevel
from sync import cases, legal

blp = Blueprint("calendar", __name__, description="The working calendar deadlines count with")

# How far ahead the calendar must reach before anyone is warned: beyond the longest count in
# working days a step makes (7 working days, a fortnight's payment moved past a holiday).
LOOKAHEAD = dt.timedelta(days=31)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def current_notices() -> list[CalendarNotice]:
    return list(
        db.session.execute(
            sa.select(CalendarNotice)
            .where(CalendarNotice.superseded_at.is_(None))
            .order_by(CalendarNotice.year)
        ).scalars()
    )


def current_calendar() -> legal.WorkCalendar:
    """The calendar in force: each year's current notice, and no other year."""
    return legal.WorkCalendar.of_years(
        {n.year: {"holidays": n.holidays, "workdays": n.workdays} for n in current_notices()}
    )


def missing_years(years: set[int], today: dt.date) -> list[int]:
    """The years from ``today`` to ``LOOKAHEAD`` later that have no notice."""
    return sorted({today.year, (today + LOOKAHEAD).year} - years)


class NoticeSchema(ma.Schema):
    year = ma.fields.Integer()
    holidays = ma.fields.List(ma.fields.String())
    workdays = ma.fields.List(ma.fields.String())
    source = ma.fields.String()
    published_at = ma.fields.DateTime()
    published_by_id = ma.fields.Integer(allow_none=True)
    superseded_at = ma.fields.DateTime(allow_none=True)


class CalendarSchema(ma.Schema):
    notices = ma.fields.List(ma.fields.Nested(NoticeSchema))
    missing = ma.fields.List(
        ma.fields.Integer(),
        metadata={
            "description": "Years deadlines will soon count into with no notice published: "
            "steps counting in them are refused until an administrator publishes it"
        },
    )


class PublishSchema(StrictSchema):
    holidays = ma.fields.List(ma.fields.Date(), required=True)
    workdays = ma.fields.List(ma.fields.Date(), required=True)
    source = FreeText(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={
            "description": "The notice's title, e.g. 国务院办公厅关于2027年部分节假日安排的通知"
        },
    )


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404, message=f"the calendar covers {FIRST_YEAR}–{LAST_YEAR}")
    return year


def _date_errors(year: int, holidays: list[dt.date], workdays: list[dt.date]) -> dict:
    """The notice's days that cannot be, by field and position."""
    errors: dict[str, dict[int, list[str]]] = {}

    def refuse(field: str, i: int, message: str) -> None:
        errors.setdefault(field, {}).setdefault(i, []).append(message)

    for field, days in (("holidays", holidays), ("workdays", workdays)):
        seen = set()
        for i, day in enumerate(days):
            if day.year != year:
                refuse(field, i, f"{day} is not in {year}")
            if day in seen:
                refuse(field, i, f"{day} is listed twice")
            seen.add(day)
    for i, day in enumerate(workdays):
        if day.weekday() not in legal.WEEKEND:
            refuse("workdays", i, f"{day} is a weekday: only a weekend day is made a working day")
        if day in holidays:
            refuse("workdays", i, f"{day} is also listed as a holiday")
    return errors


@blp.route("/calendar")
@login_required
@blp.response(200, CalendarSchema)
@blp.doc(security=BEARER)
def show():
    """The notices in force, and the years about to be needed that have none."""
    notices = current_notices()
    return {
        "notices": notices,
        "missing": missing_years({n.year for n in notices}, cases.today(utcnow())),
    }


@blp.route("/calendar/<int:year>")
@login_required
@blp.response(200, NoticeSchema(many=True))
@blp.doc(security=BEARER)
def history(year):
    """Every notice published for a year, the one in force first, then older ones."""
    notices = list(
        db.session.execute(
            sa.select(CalendarNotice)
            .where(CalendarNotice.year == _year(year))
            .order_by(CalendarNotice.superseded_at.is_not(None), CalendarNotice.id.desc())
        ).scalars()
    )
    if not notices:
        abort(404, message=f"no notice published for {year}")
    return notices


@blp.route("/calendar/<int:year>", methods=["PUT"])
@login_required(roles=(Role.ADMIN,))
@blp.arguments(PublishSchema)
@blp.response(200, NoticeSchema)
@blp.doc(security=BEARER)
def publish(args, year):
    """Publish a year's notice (a county administrator). The notice it replaces is kept;
    publishing the same notice again changes nothing."""
    if current_user().unit.level != UnitLevel.COUNTY:
        abort(403, message="the working calendar is published by a county administrator")
    year = _year(year)
    if errors := _date_errors(year, args["holidays"], args["workdays"]):
        abort(422, errors={"json": errors})
    holidays = sorted(d.isoformat() for d in args["holidays"])
    workdays = sorted(d.isoformat() for d in args["workdays"])
    current = db.session.execute(
        sa.select(CalendarNotice)
        .where(CalendarNotice.year == year, CalendarNotice.superseded_at.is_(None))
        .with_for_update()
    ).scalar_one_or_none()
    if current is not None:
        if (current.holidays, current.workdays, current.source) == (
            holidays,
            workdays,
            args["source"],
        ):
            return current
        current.superseded_at = utcnow()
        db.session.flush()  # the partial unique index: one notice in force per year
    notice = CalendarNotice(
        year=year,
        holidays=holidays,
        workdays=workdays,
        source=args["source"],
        published_by_id=current_user().id,
    )
    db.session.add(notice)
    audit.record(
        "calendar.publish",
        "calendar",
        str(year),
        {
            "source": args["source"],
            "holidays": len(holidays),
            "workdays": len(workdays),
            "supersedes": current.id if current is not None else None,
        },
    )
    db.session.commit()
    return notice
