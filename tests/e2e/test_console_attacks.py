"""Stored XSS and SQL injection through every free-text field the console shows: what a
grid worker (or a stolen grid worker's phone) types is stored as typed and shown as text,
never run, and the page's CSP would stop an inline script even if it were."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db
from tests.e2e.kit import api_login, transition
from tests.e2e.phone import DESKTOP

pytestmark = pytest.mark.browser

PAYLOADS = {
    "address": '"><img src=x onerror="window.__xss=1">',
    "description": "<script>window.__xss=2</script>'; DROP TABLE clue; --",
    "reason": "<iframe src=javascript:window.__xss=4></iframe>",
}


def test_free_text_is_shown_as_text_and_never_run(phones, county):
    app = county.app
    grid = api_login(county.url, "hb_grid1")
    clue_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC).isoformat()
    r = grid.post(
        f"{county.url}/api/v1/clues",
        json={
            "id": clue_id,
            "matter_code": "ST-0119-01",
            "location": {"lat": 28.9612, "lng": 118.8023, "accuracy_m": 10.0, "fix_time": now},
            "address": PAYLOADS["address"],
            "description": PAYLOADS["description"],
            "dissuasion": {"done": False, "result": None, "at": None},
            "device_time": now,
        },
    )
    assert r.status_code == 201, r.text
    desk = api_login(county.url, "hb_dispatch")
    assert transition(desk, county.url, clue_id, 1, "reject", reason=PAYLOADS["reason"])[
        "outcome"
    ] == ("applied")

    # Stored as typed, by parameters: the table the "injection" names is still there.
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert (clue.address, clue.description, clue.reject_reason) == (
            PAYLOADS["address"],
            PAYLOADS["description"],
            PAYLOADS["reason"],
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Clue)) > 1

    console = phones("dispatcher", viewport=DESKTOP)
    page = console.enter("hb_dispatch")
    page.goto(console.url + f"/#/clue/{clue_id}")
    page.wait_for_selector(f"[data-clue='{clue_id}'] [data-fact=description]")
    page.wait_for_selector(".timeline tr[data-step=reject]")
    facts = page.inner_text(".facts")
    for field in ("address", "description", "reason"):
        assert PAYLOADS[field] in facts, field
    # The map of every clue, labels from the same text.
    page.goto(console.url + "/#/map")
    # With no tiles configured (as here) the clustered map still draws its points.
    page.wait_for_selector(".map .leaflet-marker-icon")
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x'], svg[onload], iframe").count() == 0

    # And if some markup ever did get through: the policy forbids inline script.
    ran = page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__inline = 1'; document.body.appendChild(s);
                   return window.__inline; }"""
    )
    assert ran is None
    blocked = [e for e in console.errors if "Content Security Policy" in e]
    assert blocked, console.errors
    console.errors[:] = [e for e in console.errors if e not in blocked]
