"""The field app through nginx in Debian's Chromium, over HTTPS with the stack's own
certificate (trusted by its key hash, so the service worker may register): it installs,
works offline, and a report's photos go through nginx's upload path byte for byte."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.core.db import db
from server.evidence.models import Evidence
from server.evidence.storage import original_key
from tests.e2e.phone import Phone, camera_jpeg
from tests.server.evidence_kit import sha

pytestmark = [pytest.mark.nginx, pytest.mark.browser]


def test_the_field_app_works_through_nginx(
    stack, browser_type, browser_type_launch_args, tmp_path, make_app
):
    args = {
        **browser_type_launch_args,
        "args": [
            *browser_type_launch_args["args"],
            f"--ignore-certificate-errors-spki-list={stack.spki}",
        ],
    }
    phone = Phone(browser_type, args, tmp_path / "profile", stack.url)
    phone.start()
    try:
        phone.open()
        phone.login("hb_grid1")
        phone.wait_controlled()
        phone.wait_synced()
        response = phone.restart(offline=True)
        assert response.from_service_worker
        phone.unlock()
        photo = camera_jpeg(71, size=(1800, 1350))
        phone.report_clue([photo], "SR-0036-01", "经 nginx 上报", "stopped")
        phone.offline(False)
        phone.sync_now()
        phone.wait_synced()
        phone.wait_files_held(count=2)
        assert not phone.errors, phone.errors
    finally:
        phone.stop()

    app = make_app(migrated=False, MEDIA_ROOT=str(stack.media))
    with app.app_context():
        e = db.session.execute(
            sa.select(Evidence).where(Evidence.original_sha256 == sha(photo))
        ).scalar_one()
        assert e.original_at is not None and e.copy_at is not None
        assert app.extensions["evidence_store"].read(original_key(e.original_sha256)) == photo
