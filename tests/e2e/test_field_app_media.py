"""Sound and video on the phone, played at the desk (issue 22): a voice note and a video
recorded with the phone's microphone and camera (Chromium's fake devices) while offline,
kept through a restart, sent by tus when the network is back (and resumed when cut), found
by the server to be what they declare, and played in the console's gallery."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.core.db import db
from server.evidence.models import Blob, Evidence
from server.evidence.storage import original_key
from tests.e2e.conftest import CuttingProxy
from tests.e2e.kit import assign_demo_clue, user_id
from tests.e2e.phone import DESK, IDB, PHONE, Phone, camera_jpeg, shot
from tests.server.evidence_kit import recording

pytestmark = pytest.mark.browser
CHUNK = 256 * 1024  # the app's tus chunk size
# The browser's fake microphone (a beep) and camera (a moving test picture), and its
# permission prompt answered "allow", as a person would.
FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture
def media_phones(browser_type, browser_type_launch_args, tmp_path, county):
    args = {
        **browser_type_launch_args,
        "args": [*browser_type_launch_args.get("args", []), *FAKE_MEDIA],
    }
    made = []

    def make(name: str, url: str | None = None, **kwargs) -> Phone:
        phone = Phone(browser_type, args, tmp_path / f"profile-{name}", url or county.url, **kwargs)
        made.append(phone)
        return phone

    yield make
    for phone in made:
        if phone.ctx is not None:
            phone.ctx.close()
        assert not phone.errors, phone.errors


def record(phone: Phone, kind: str, seconds: int = 2, shoot: str | None = None) -> None:
    """On the report's first screen: 录音/录像, let it run `seconds`, stop, keep."""
    p = phone.page
    tiles = p.locator(f"[data-media-tile={kind}]").count()
    p.click(f"[data-record={kind}]")
    p.wait_for_selector(f"[data-recorder={kind}][data-phase=recording]")
    phone.until(
        "async (s) => +document.querySelector('[data-elapsed]').dataset.elapsed >= s", seconds
    )
    if shoot:
        shot(p, shoot, full_page=False)
    p.click("[data-action=stop-recording]")
    p.wait_for_selector(f"[data-recorder={kind}][data-phase=review]")
    p.click("[data-action=keep-recording]")
    p.wait_for_selector("[data-recorder]", state="detached")
    phone.until(
        f"async (n) => document.querySelectorAll('[data-media-tile={kind}]').length === n",
        tiles + 1,
    )


def finish_report(phone: Phone, matter: str, text: str) -> str:
    p = phone.page
    p.wait_for_selector(".fix")
    p.click(".actions button.primary")
    phone.choose_matter(matter)
    p.fill("textarea[name=description]", text)
    p.click(".actions button.primary")
    p.check("input[name=done] >> nth=1")
    p.click(".actions button.primary")
    p.wait_for_selector("[data-clue]")
    return p.get_attribute("[data-clue]", "data-clue")


def files_on_phone(phone: Phone) -> list[dict]:
    return phone.page.evaluate(
        f"""async () => {{ {IDB}
          const d = await idb();
          const fs = await all(d, 'files');
          d.close();
          return fs.map((f) => ({{ kind: f.kind, media_type: f.media_type, size: f.size,
            sealed: f.blob.type, sha256: f.sha256, state: f.state }}));
        }}"""
    )


def test_recorded_offline_kept_through_a_restart_sent_by_tus_and_played_at_the_desk(
    media_phones, county
):
    grid = media_phones("grid", viewport=PHONE)
    grid.enter("hb_grid2")
    grid.ctx.grant_permissions(["microphone", "camera"], origin=grid.url)
    grid.offline()
    p = grid.page
    p.goto(grid.url + "/#/report")
    p.wait_for_selector("[data-record=audio]")
    record(grid, "audio", shoot="media-phone-recording-audio")
    record(grid, "video", shoot="media-phone-recording-video")
    shot(p, "media-phone-report-with-recordings")
    # Kept the moment it is taken, but sealing a recording takes a moment: the battery dies
    # once the draft holds both (on a busy machine it died while the video was being sealed).
    draft = f"draft:report:{user_id(county.app, 'hb_grid2')}"
    grid.until(
        f"""async (key) => {{ {IDB}
          const d = await idb();
          const v = await one(d, 'meta', key);
          d.close();
          return !!v && v.photos.length === 2;
        }}""",
        draft,
    )

    # A dead battery: the draft keeps both recordings, sealed, hashed at capture.
    grid.restart(offline=True)
    grid.unlock()
    p = grid.page
    p.goto(grid.url + "/#/report")
    p.wait_for_selector("[data-media-tile=video]")
    assert p.locator("[data-media-tile=audio]").count() == 1
    clue_id = finish_report(grid, "SR-0036-02", "录音录像测试")

    files = files_on_phone(grid)
    assert sorted(f["kind"] for f in files) == ["audio", "video"]
    assert all(f["sealed"].startswith("application/vnd.fieldcase.sealed") for f in files)
    assert all(f["state"] == "pending" for f in files)
    # Saved, offline, and again after a restart: the list shows them, playable from the phone.
    grid.restart(offline=True)
    grid.unlock()
    p = grid.page
    p.goto(grid.url + f"/#/clue/{clue_id}")
    p.wait_for_selector("[data-media-tile=video]")
    shot(p, "media-phone-clue-with-recordings")
    p.click("[data-media-tile=audio]")
    grid.until(
        "async () => { const a = document.querySelector('audio[data-media=audio]');"
        " return !!a && a.readyState >= 1 && a.duration > 0; }"
    )
    p.goto(grid.url + "/#/mine")
    p.wait_for_selector(f"[data-clue='{clue_id}'] [data-media-tile]")
    shot(p, "media-phone-my-reports")

    grid.offline(False)
    grid.sync_now()
    grid.wait_synced()
    grid.wait_files_held(count=2)
    with county.app.app_context():
        rows = {
            e.kind: e
            for e in db.session.execute(
                sa.select(Evidence).where(Evidence.clue_id == uuid.UUID(clue_id))
            ).scalars()
        }
        assert set(rows) == {"audio", "video"}
        for kind, e in rows.items():
            [held] = [f for f in files if f["kind"] == kind]
            assert e.original_sha256 == held["sha256"] and e.original_at is not None
            blob = db.session.get(Blob, e.original_sha256)
            assert blob.media_type == held["media_type"] and blob.media_type.startswith(kind)
            assert 1500 <= blob.duration_ms <= 4000, blob.duration_ms
        assert db.session.get(Blob, rows["video"].original_sha256).width > 0
        evidence_ids = sorted(str(e.id) for e in rows.values())

    # The desk plays them: the video from the server's original, over its poster frame.
    desk = media_phones("desk", viewport=DESK)
    page = desk.enter("hb_dispatch")
    page.goto(desk.url + f"/#/clue/{clue_id}")
    page.wait_for_selector("[data-kind=video] [data-play]:not([disabled]) img")
    assert page.get_attribute("[data-kind=audio] [data-duration]", "data-duration")
    assert page.locator("[data-kind=video] [data-verified=yes]").count() == 1
    page.click("[data-kind=video] [data-play]")
    page.click("[data-kind=audio] [data-play]")
    desk.until(
        "async () => { const v = document.querySelector('video[data-player=video]');"
        " return !!v && v.readyState >= 2 && v.duration > 0 && !!v.poster; }"
    )
    desk.until(
        "async () => { const a = document.querySelector('audio[data-player=audio]');"
        " return !!a && a.readyState >= 2 && a.duration > 0; }"
    )
    page.evaluate("document.querySelectorAll('video, audio').forEach((m) => m.pause())")
    page.locator(".recordings").scroll_into_view_if_needed()
    shot(page, "media-console-gallery", full_page=False)

    # Its download is streamed to disk by the browser from a short-lived address (an
    # attachment), never fetched whole into the page: a body-camera file can be a gigabyte.
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    for kind in ("audio", "video"):
        [held] = [f for f in files if f["kind"] == kind]
        with page.expect_download() as downloading:
            page.click(f"[data-kind={kind}] [data-original]")
        download = downloading.value
        assert "/api/v1/play/" in download.url
        assert "-original." in download.suggested_filename  # the server's name for it
        with open(download.path(), "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == held["sha256"]
    assert not [u for u in asked if "/files/original" in u], asked
    with county.app.app_context():
        downloads = db.session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "evidence.view_original")
        ).scalars()
        downloaded = sorted(a.record_id for a in downloads if a.detail.get("downloaded"))
        assert downloaded == evidence_ids  # each download audited once, at the asking


def test_a_recording_upload_cut_mid_body_resumes_where_it_stopped(media_phones, county):
    proxy = CuttingProxy(county.port)
    try:
        grid = media_phones("grid", url=proxy.url)
        grid.enter("hb_grid2")
        grid.ctx.grant_permissions(["microphone", "camera"], origin=grid.url)
        grid.offline()
        grid.page.goto(grid.url + "/#/report")
        record(grid, "video", seconds=3)
        clue_id = finish_report(grid, "SR-0036-02", "录像上传中断测试")
        [video] = files_on_phone(grid)
        proxy.cut_after = min(video["size"] // 2, CHUNK // 2) + 1234
        grid.offline(False)
        grid.sync_now()
        grid.wait_files_held(count=1)
        assert proxy.cuts == 1
        resumed = [o for o in proxy.patch_offsets if o > 0 and o % CHUNK != 0]
        assert resumed, proxy.patch_offsets
        app = county.app
        with app.app_context():
            e = db.session.execute(
                sa.select(Evidence).where(Evidence.clue_id == uuid.UUID(clue_id))
            ).scalar_one()
            assert e.kind == "video" and e.original_at is not None
            stored = app.extensions["evidence_store"].read(original_key(e.original_sha256))
            assert len(stored) == video["size"]
    finally:
        proxy.close()


def test_a_refused_microphone_says_so_and_stores_nothing(media_phones, county):
    grid = media_phones("grid", viewport=PHONE)
    grid.enter("hb_grid2")
    p = grid.page
    p.goto(grid.url + "/#/report")
    p.wait_for_selector("[data-record=audio]")
    # The person tapped "block" on the browser's question.
    p.evaluate(
        "() => { navigator.mediaDevices.getUserMedia = () =>"
        " Promise.reject(new DOMException('denied', 'NotAllowedError')); }"
    )
    p.click("[data-record=audio]")
    p.wait_for_selector("[data-recorder=audio][data-phase=failed] [data-why=rec_denied]")
    shot(p, "media-phone-denied", full_page=False)
    p.click("[data-action=close-recorder]")
    assert p.locator("[data-media-tile]").count() == 0
    assert files_on_phone(grid) == []
    # The phone's own recorder still works: a file chosen is hashed and shown.
    p.click(".record-apps summary")
    p.set_input_files(
        "input[name=photo_audio]",
        files=[{"name": "r.webm", "mimeType": "audio/webm", "buffer": recording("audio", "webm")}],
    )
    p.wait_for_selector("[data-media-tile=audio]")


def handling_draft(phone: Phone, key: str) -> dict | None:
    """The task's handling draft as it is on the phone's storage (opened by the app's seal):
    each photo or recording's kind, hash and capture time, whether its bytes are sealed."""
    return phone.page.evaluate(
        f"""async (key) => {{ {IDB}
          const d = await idb();
          const v = await one(d, 'meta', key);
          d.close();
          if (!v) return null;
          return {{ findings: v.form.findings, signed: !!v.signature,
            photos: v.photos.map((p) => ({{ kind: p.kind || 'photo', sha256: p.original.sha256,
              captured_at: p.captured_at,
            sealed: p.original.blob.type.startsWith('application/vnd.fieldcase.sealed') }})) }};
        }}""",
        key,
    )


def test_a_tasks_photos_recording_and_text_outlive_a_reload_and_a_restart_and_go_once(
    media_phones, county
):
    """The officer's handling screen keeps a sealed draft: two photos and a voice note taken
    there, what he typed and the party's signature are on the phone's storage the moment they
    are taken; a reload and a restart of the browser show them again with their hashes and
    capture times; saving turns them into queued records once, and the server holds each
    once, as hashed then."""
    clue_id = assign_demo_clue(county.url, county.app, "hb_officer1")
    key = f"draft:task:{user_id(county.app, 'hb_officer1')}:{clue_id}"
    officer = media_phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    officer.ctx.grant_permissions(["microphone", "camera"], origin=officer.url)
    page.goto(officer.url + f"/#/task/{clue_id}")
    page.click("[data-transition=take]")
    page.wait_for_selector("form.handle")

    # Discarding asks first, and "cancel" keeps it.
    page.fill("textarea[name=findings]", "草稿")
    page.wait_for_selector("[data-draft=saved]")
    page.click("[data-action=discard-draft]")
    page.wait_for_selector("[data-action=confirm-discard]")
    page.click("[data-action=keep-draft]")
    assert page.input_value("textarea[name=findings]") == "草稿"
    page.click("[data-action=discard-draft]")
    page.locator("[data-action=confirm-discard]").scroll_into_view_if_needed()
    shot(page, "task-draft-discard-asks", full_page=False)
    page.click("[data-action=confirm-discard]")
    page.wait_for_selector("[data-draft]", state="detached")
    assert page.input_value("textarea[name=findings]") == ""
    assert handling_draft(officer, key) is None

    findings = "河道边堆放建筑垃圾约三立方米，已拍照录音。"
    page.fill("textarea[name=findings]", findings)
    page.set_input_files(
        "input[name=evidence]",
        files=[
            {"name": f"e{i}.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg(30 + i)}
            for i in range(2)
        ],
    )
    officer.until("async () => document.querySelectorAll('form.handle .thumbs > *').length === 2")
    record(officer, "audio")
    # The record complete, the party signs it; all of it on the storage the moment it is
    # done, sealed: no save tapped.
    page.select_option("select[name=co_officer]", label="执法队员 张伟（浙执1010003）")
    page.check("input[name=certificates_shown]")
    page.select_option("select[name=outcome]", "corrected_on_spot")
    officer.sign()
    page.wait_for_selector("form.handle button[type=submit]:not([disabled])")
    officer.until(
        f"""async (key) => {{ {IDB}
          const d = await idb(); const v = await one(d, 'meta', key); d.close();
          return !!v && v.photos.length === 3 && !!v.signature; }}""",
        key,
    )
    kept = handling_draft(officer, key)
    assert kept["findings"] == findings
    assert [p["kind"] for p in kept["photos"]] == ["photo", "photo", "audio"]
    assert all(p["sealed"] for p in kept["photos"])

    def shows_it_all():
        page = officer.page
        page.wait_for_selector("form.handle [data-media-tile=audio]")
        officer.until(
            "async () => document.querySelectorAll('form.handle .thumbs > *').length === 3"
        )
        assert page.input_value("textarea[name=findings]") == findings
        assert page.get_attribute("[data-draft]", "data-draft") == "saved"
        assert handling_draft(officer, key) == kept  # the same hashes and capture times
        assert page.input_value("select[name=outcome]") == "corrected_on_spot"
        assert "已拍 2 张 · 录音录像 1 段" in page.inner_text("[data-record-text]")
        # The party's signature is back with the text he signed: the record can be saved.
        page.wait_for_selector("form.handle button[type=submit]:not([disabled])")

    # The camera app, or the phone short of memory, reloads the page.
    page.reload()
    officer.unlock()
    page.goto(officer.url + f"/#/task/{clue_id}")
    shows_it_all()
    page.evaluate("document.querySelector('form.handle h2').scrollIntoView()")
    shot(page, "task-draft-after-reload", full_page=False)
    page.evaluate("document.querySelector('form.handle .thumbs').scrollIntoView()")
    shot(page, "task-draft-after-reload-media", full_page=False)
    page.evaluate("document.querySelector('.signature').scrollIntoView()")
    shot(page, "task-draft-after-reload-signature", full_page=False)
    # The browser closed and opened again on the same profile.
    officer.restart(offline=True)
    officer.unlock()
    page = officer.page
    page.goto(officer.url + f"/#/task/{clue_id}")
    shows_it_all()

    page.click("form.handle button[type=submit]")
    page.wait_for_url("**/#/tasks")
    assert handling_draft(officer, key) is None  # gone with the save, in its transaction
    queued = [e for e in officer.outbox_states()["entries"] if e["type"] == "evidence"]
    assert len(queued) == 4  # the two photos, the voice note, the party's signature

    officer.offline(False)
    officer.sync_now()
    officer.wait_synced()
    officer.sync_now()
    officer.wait_files_held()
    with county.app.app_context():
        held = (
            db.session.execute(sa.select(Evidence).where(Evidence.clue_id == uuid.UUID(clue_id)))
            .scalars()
            .all()
        )
        by_hash = {}
        for e in held:
            by_hash.setdefault(e.original_sha256, []).append(e)
        for p in kept["photos"]:
            [e] = by_hash[p["sha256"]]  # each exactly once, with the hash taken at capture
            assert e.kind == p["kind"] and e.original_at is not None
            assert e.captured_at == dt.datetime.fromisoformat(p["captured_at"])
        assert len(held) == 4
