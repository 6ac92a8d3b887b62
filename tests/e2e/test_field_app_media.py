"""Sound and video on the phone, played at the desk (issue 22): a voice note and a video
recorded with the phone's microphone and camera (Chromium's fake devices) while offline,
kept through a restart, sent by tus when the network is back (and resumed when cut), found
by the server to be what they declare, and played in the console's gallery."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.core.db import db
from server.evidence.models import Blob, Evidence
from server.evidence.storage import original_key
from tests.e2e.conftest import CuttingProxy
from tests.e2e.phone import IDB, PHONE, Phone, shot
from tests.server.evidence_kit import recording

pytestmark = pytest.mark.browser
CHUNK = 256 * 1024  # the app's tus chunk size
DESK = {"width": 1440, "height": 900}
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
