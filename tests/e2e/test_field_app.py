"""What a grid worker and an officer do on their phones, in a real Chromium going offline and
back, proved against the server's database and evidence store."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.clues.models import Clue, ClueNote
from server.core.db import db
from server.evidence.models import Evidence
from server.evidence.storage import original_key
from tests.e2e.kit import assign_demo_clue, user_id
from tests.e2e.phone import camera_jpeg
from tests.server.evidence_kit import sha

pytestmark = pytest.mark.browser


def test_a_day_offline_reports_and_handles_and_the_server_ends_with_exactly_that(phones, county):
    app = county.app
    grid = phones("grid")
    officer = phones("officer")

    # Online once: log in, set the PIN, get the rules and the catalogue.
    grid.start()
    grid.open()
    grid.login("hb_grid1")
    grid.wait_controlled()
    cdp = grid.ctx.new_cdp_session(grid.page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    grid.wait_synced()

    task_id = assign_demo_clue(county.url, app, "hb_officer1")
    officer.start()
    officer.open()
    officer.login("hb_officer1")
    officer.wait_controlled()
    officer.page.wait_for_selector(".syncbar [data-last-sync]:not([data-last-sync=''])")
    officer.sync_now()
    officer.wait_synced()

    # Into the mountains: no network, and the phone restarts.
    response = grid.restart(offline=True)
    assert response.from_service_worker, "the app shell must come from the service worker"
    grid.unlock()
    assert grid.page.get_attribute(".syncbar .dot", "data-online") == "no"

    photos = [[camera_jpeg(1), camera_jpeg(2)], [camera_jpeg(3)], [camera_jpeg(4)]]
    places = [(28.93312, 118.78021), (28.93650, 118.78402), (28.92990, 118.77501)]
    for i, (shots, place) in enumerate(zip(photos, places, strict=True)):
        grid.locate(*place, accuracy=8 + i)
        grid.report_clue(
            shots,
            "SR-0036-01" if i != 1 else "ST-0119-01",
            f"离线上报第{i + 1}条",
            "stopped" if i != 2 else None,
        )

    # Nothing is sent; everything is "saved on phone", even across another restart.
    grid.restart(offline=True)
    grid.unlock()
    states = grid.outbox_states()
    clue_ids = [e["id"] for e in states["entries"] if e["type"] == "clue"]
    assert len(clue_ids) == 3
    assert {e["state"] for e in states["entries"]} == {"pending"}
    assert len([f for f in states["files"] if f["tier"] == "original"]) == 4

    # Logging out would strand them: refused.
    grid.page.goto(grid.url + "/#/outbox")
    grid.page.click("[data-action=logout]")
    grid.page.wait_for_selector(".toast")
    assert "不能退出" in grid.page.inner_text(".toast")
    assert grid.page.get_attribute("[data-phase]", "data-phase") == "open"

    # The officer, offline too: takes his task and records the handling on site.
    officer.restart(offline=True)
    officer.unlock()
    page = officer.page
    page.goto(officer.url + "/#/tasks")
    page.click(f"[data-task='{task_id}']")
    page.click("[data-transition=take]")
    page.wait_for_selector("form.handle")
    page.select_option("select[name=co_officer]", label="执法队员 张伟（浙执1010003）")
    page.fill("textarea[name=findings]", "现场有流动摊贩占道经营，已责令当场搬离。")
    page.check("input[name=certificates_shown]")
    evidence_shot = camera_jpeg(9)
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "e.jpg", "mimeType": "image/jpeg", "buffer": evidence_shot}],
    )
    page.wait_for_selector("form.handle .thumb")
    # The outcome is chosen before the party reads the record and signs it (issue 24).
    page.select_option("select[name=outcome]", "corrected_on_spot")
    officer.sign()
    page.wait_for_selector("form.handle button[type=submit]:not([disabled])")
    page.click("form.handle button[type=submit]")
    page.wait_for_url("**/#/tasks")
    officer.restart(offline=True)
    officer.unlock()
    officer_states = officer.outbox_states()
    assert [e["op"] for e in officer_states["entries"] if e["type"] == "clue"] == [
        "transition",
        "transition",
    ]
    assert {e["state"] for e in officer_states["entries"]} == {"pending"}

    # Back in signal: both phones send everything, once.
    grid.offline(False)
    officer.offline(False)
    grid.wait_synced()
    officer.wait_synced()
    # The originals go on a good connection; a sync now sends whatever is left.
    grid.sync_now()
    officer.sync_now()
    for phone in (grid, officer):
        phone.wait_files_held()

    store = app.extensions["evidence_store"]
    reporter, officer_id = user_id(app, "hb_grid1"), user_id(app, "hb_officer1")
    with app.app_context():
        clues = (
            db.session.execute(sa.select(Clue).where(Clue.id.in_([uuid.UUID(c) for c in clue_ids])))
            .scalars()
            .all()
        )
        assert len(clues) == 3 and all(c.reporter_id == reporter for c in clues)
        assert sorted(c.description for c in clues) == [
            "离线上报第1条",
            "离线上报第2条",
            "离线上报第3条",
        ]
        assert all(c.status == "reported" for c in clues)
        by_text = {c.description: c for c in clues}
        assert by_text["离线上报第3条"].dissuasion_done is False
        assert abs(by_text["离线上报第2条"].lat - places[1][0]) < 1e-6

        evidence = (
            db.session.execute(
                sa.select(Evidence).where(Evidence.clue_id.in_([c.id for c in clues]))
            )
            .scalars()
            .all()
        )
        sent = sorted(sha(b) for shots in photos for b in shots)
        assert sorted(e.original_sha256 for e in evidence) == sent  # each photo exactly once
        for e in evidence:
            assert e.original_at is not None and e.copy_at is not None
            assert sha(store.read(original_key(e.original_sha256))) == e.original_sha256

        task = db.session.get(Clue, uuid.UUID(task_id))
        assert task.status == "handled"
        assert task.taken_by == officer_id
        assert task.handling_outcome == "corrected_on_spot"
        task_evidence = (
            db.session.execute(sa.select(Evidence).where(Evidence.clue_id == task.id))
            .scalars()
            .all()
        )
        assert sha(evidence_shot) in {e.original_sha256 for e in task_evidence}
        signature = [e for e in task_evidence if e.original_media_type == "image/png"]
        assert len(signature) == 1 and signature[0].original_at is not None
        notes = (
            db.session.execute(
                sa.select(ClueNote).where(ClueNote.clue_id == task.id, ClueNote.kind == "handling")
            )
            .scalars()
            .all()
        )
        assert len(notes) == 1 and "张伟" in notes[0].text and "浙执1010003" in notes[0].text

    # And what the grid worker sees is what became of his reports.
    grid.page.goto(grid.url + "/#/mine")
    for cid in clue_ids:
        assert grid.page.get_attribute(f"[data-clue='{cid}'] .chip", "data-status") == "reported"
