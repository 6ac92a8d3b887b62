"""A fixture for tests that run cases on today's date."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def app(make_app, tmp_path):
    """The app counting working days on weekends alone, in any year: these tests run on
    today's date, which must not depend on which years' holidays are built in."""
    calendar = tmp_path / "calendar.json"
    calendar.write_text(json.dumps({"holidays": [], "workdays": []}))
    return make_app(WORK_CALENDAR=str(calendar))
