"""Text recorded before bidirectional controls were refused keeps its bytes, and the app
never lets it reorder what a screen shows beside it (issue 23: U+202E and its kin are shown
as U+FFFD by every text node, pwa/src/shown.js). In a real Chromium, on the case page."""

from __future__ import annotations

import uuid

import pytest

from server.cases.models import Case
from server.core.db import db
from tests.e2e.kit import a_case, api_login, push

pytestmark = pytest.mark.browser


def test_a_stored_right_to_left_override_is_shown_neutralised(phones, county):
    _, _, case = a_case(county, "吴十")
    case_id = case["record_id"]
    opening = {
        "id": str(uuid.uuid4()),
        "record_type": "case",
        "record_id": case_id,
        "op": "transition",
        "payload": {"name": "approve_opening", "args": {}},
    }
    [opened] = push(api_login(county.url, "hb_leader"), county.url, opening)
    assert opened["outcome"] == "applied", opened
    # As an attacker's text stored before the server refused it: written past the API.
    with county.app.app_context():
        row = db.session.get(Case, uuid.UUID(case_id))
        row.data = {**row.data, "facts": "当事人已缴款\u202e三张：人办经"}
        db.session.commit()

    officer = phones("officer")
    page = officer.enter("hb_officer1")
    page.goto(county.url + f"/#/case/{case_id}")
    facts = page.wait_for_selector("[data-fact=facts]").inner_text()
    assert "\u202e" not in facts and "当事人已缴款\ufffd三张：人办经" in facts
