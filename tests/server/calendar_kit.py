"""A fixture for tests that run cases on today's date."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.catalogue.models import CalendarNotice
from server.core.db import db, utcnow
from sync import cases


@pytest.fixture
def app(make_app):
    """The app counting working days on weekends alone, from last year to next: these tests
    run on today's date, which must not depend on which years' notices are published."""
    return weekends_only(make_app())


def weekends_only(app):
    """``app`` with this year's, last year's and next year's calendars as weekends alone."""
    this_year = cases.today(utcnow()).year
    with app.app_context():
        db.session.execute(sa.update(CalendarNotice).values(superseded_at=utcnow()))
        db.session.add_all(
            CalendarNotice(year=y, holidays=[], workdays=[], source="test: weekends only")
            for y in range(this_year - 1, this_year + 2)
        )
        db.session.commit()
    return app
