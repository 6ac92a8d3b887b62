"""A township's dispatcher imports a body camera's file at the desk (导入执法记录仪视频): the
browser hashes it and sends it by tus, the desk shows when and on which camera it was
recorded (read by the server from the file), and a range of it linked to a case
(关联到案件, 00:01–00:02) is then on the case's page."""

from __future__ import annotations

import subprocess

import pytest

from tests.e2e.kit import a_case
from tests.e2e.phone import DESK, PHONE, shot

pytestmark = pytest.mark.browser


def body_camera_clip(tmp_path) -> bytes:
    out = tmp_path / "clip.mp4"
    subprocess.run(
        [
            "ffmpeg", "-v", "error",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=4",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=4",
            "-c:v", "mpeg4", "-c:a", "aac",
            "-metadata", "creation_time=2026-12-03T02:15:00Z",
            "-metadata", "make=HIKVISION", "-metadata", "model=DSJ-HKV1",
            "-movflags", "use_metadata_tags",
            "-y", str(out),
        ],
        check=True,
        timeout=120,
    )  # fmt: skip
    return out.read_bytes()


def test_a_clip_imported_at_the_desk_shows_its_origin_and_a_linked_range_is_on_the_case(
    phones, county, tmp_path
):
    _, _, case = a_case(county, "孙八")
    case_id = case["record_id"]
    clip = body_camera_clip(tmp_path)
    desk = phones("dispatcher", viewport=DESK)
    page = desk.enter("hb_dispatch")
    page.goto(desk.url + "/#/bodycam")
    page.wait_for_selector("[data-bodycam=yes]")
    page.set_input_files(
        "input[name=bodycam_files]",
        {"name": "VID_20261203_A.MP4", "mimeType": "video/mp4", "buffer": clip},
    )
    done = page.wait_for_selector("[data-stage=done]", timeout=60000)
    # 02:15 UTC is 10:15:00 China time; the camera as its container names it.
    assert "10:15:00" in done.inner_text() and "HIKVISION DSJ-HKV1" in done.inner_text()
    assert "取自视频元数据" in done.inner_text()
    item = page.wait_for_selector("[data-import][data-held=yes]")
    shot(page, "bodycam-imported-1440")
    item.query_selector("[data-action=link]").click()
    page.wait_for_selector("[data-link-form] video")
    page.select_option("[data-link-form] select[name=case]", case_id)
    page.fill("[data-link-form] input[name=start]", "00:01")
    page.fill("[data-link-form] input[name=end]", "00:02")
    shot(page, "bodycam-link-1440")
    page.click("[data-action=save-link]")
    page.wait_for_selector("[data-link-form]", state="detached")
    page.wait_for_selector(".toast", state="detached", timeout=15000)  # clean screenshots
    page.wait_for_selector("[data-inbox-empty=yes]")  # linked: out of the inbox

    page.goto(desk.url + f"/#/case/{case_id}")
    row = page.wait_for_selector("[data-clip][data-range='00:01-00:02']")
    assert "HIKVISION DSJ-HKV1" in row.inner_text() and "10:15:00" in row.inner_text()
    page.wait_for_timeout(300)
    row.scroll_into_view_if_needed()
    shot(page, "bodycam-case-1440")

    # The import screen on a phone-sized window: still usable (nothing wider than it).
    page.set_viewport_size(PHONE)
    page.goto(desk.url + "/#/bodycam")
    page.click("text=显示已关联的")
    page.wait_for_selector("[data-import]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    shot(page, "bodycam-import-393")
