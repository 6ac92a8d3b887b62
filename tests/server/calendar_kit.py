"""A fixture for tests that run cases on today's date."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.catalogue.models import CalendarNotice
from server.core.db import db, utcnow
from sync import cases


def weekends_only_around_today(app) -> None:
    """Count working days on weekends alone, from last year to next: a test that runs on
    today's date must not depend on which years' notices are published (from mid-December
    2026 a party's period counted from today reaches 2027, which has none)."""
    this_year = cases.today(utcnow()).year
    with app.app_context():
        db.session.execute(sa.update(CalendarNotice).values(superseded_at=utcnow()))
        db.session.add_all(
            CalendarNotice(year=y, holidays=[], workdays=[], source="test: weekends only")
            for y in range(this_year - 1, this_year + 2)
        )
        db.session.commit()


@pytest.fixture
def app(make_app):
    """The app counting working days on weekends alone, from last year to next."""
    app = make_app()
    weekends_only_around_today(app)
    return app
