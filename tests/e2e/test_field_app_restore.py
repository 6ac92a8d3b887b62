"""A server restored from a backup, seen from a phone (R12): what the phone sent after the
backup is lost on the server, yet the phone believes it sent it. After the restore (the
documented command: a new server generation) the phone's next sync resets its view, sends
again what the server lost, in its order, and ends holding exactly the server's view, and
the server everything the phone recorded."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db
from server.evidence.models import Evidence
from server.evidence.storage import original_key
from server.sync_api import generation
from tests.e2e.kit import api_login
from tests.e2e.phone import IDB, camera_jpeg
from tests.server.evidence_kit import sha

pytestmark = pytest.mark.browser
BACKUP_SCRIPT = Path(__file__).resolve().parents[2] / "ops" / "backup.sh"
KEEP = dt.timedelta(days=3)  # KEEP_SENT_MS in pwa/src/outbox.js


def back_up(app, db_url: str, dest: Path) -> Path:
    """ops/backup.sh, as cron runs it with the app's environment."""
    env = {**os.environ, "DATABASE_URL": db_url, "FIELDCASE_MEDIA_ROOT": app.config["MEDIA_ROOT"]}
    done = subprocess.run(
        [str(BACKUP_SCRIPT), str(dest)], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip().splitlines()[-1])


def server_view(session: requests.Session, url: str) -> dict[tuple[str, str], int]:
    """Everything the user may see, from a cold pull: (type, id) -> version."""
    view, cursor = {}, None
    while True:
        page = session.get(f"{url}/api/v1/sync/pull", params={"cursor": cursor} if cursor else {})
        page.raise_for_status()
        body = page.json()
        for c in body["changes"]:
            if c["deleted"]:
                view.pop((c["record_type"], c["id"]), None)
            else:
                view[(c["record_type"], c["id"])] = c["version"]
        cursor = body["cursor"]
        if not body["more"]:
            return view


def phone_view(phone) -> dict[tuple[str, str], int]:
    rows = phone.page.evaluate(
        f"""async () => {{ {IDB}
          const d = await idb();
          const records = await all(d, 'records');
          d.close();
          return records.map((r) => [r.record_type, r.id, r.version]);
        }}"""
    )
    return {(t, i): v for t, i, v in rows}


def reported_clues(phone) -> list[str]:
    return [
        e["id"]
        for e in phone.outbox_states()["entries"]
        if e["type"] == "clue" and e["op"] == "create"
    ]


def test_a_phone_sends_again_what_a_restored_server_lost_and_ends_with_its_view(
    phones, county, db_url, tmp_path
):
    app = county.app
    grid = phones("grid")
    grid.enter("hb_grid1")
    kept_photo, lost_photo, later_photo = camera_jpeg(61), camera_jpeg(62), camera_jpeg(63)

    # A clue the backup will hold; then the nightly backup.
    grid.report_clue([kept_photo], "ST-0119-01", "备份前的线索", "stopped")
    grid.wait_synced()
    grid.wait_files_held(count=2)
    folder = back_up(app, db_url, tmp_path / "backups")

    # A clue after the backup: sent, its photo held, pulled back. The phone is done with it.
    grid.report_clue([lost_photo], "ST-0119-01", "备份后的线索", "refused")
    grid.wait_synced()
    grid.wait_files_held(count=4)
    kept, lost = reported_clues(grid)
    lost_code = grid.page.evaluate(
        f"""async (id) => {{ {IDB}
          const d = await idb();
          const clue = await one(d, 'records', ['clue', id]);
          d.close();
          return clue.data.code;
        }}""",
        lost,
    )

    # The server dies and is restored from last night's backup, the documented way. The
    # phone is out of range meanwhile, and records one more clue.
    grid.offline()
    with app.app_context():
        old_generation = generation.current().id
    restored = app.test_cli_runner().invoke(args=["restore", "--yes", str(folder)])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        assert db.session.get(Clue, uuid.UUID(lost)) is None
        new_generation = generation.current().id
    assert new_generation != old_generation
    grid.report_clue([later_photo], "ST-0119-01", "恢复后离线记录的线索", "stopped")
    *_, later = reported_clues(grid)

    # Back in range: one sync, and whatever it takes after it.
    grid.offline(False)
    grid.sync_now()
    grid.wait_files_held(count=6, timeout=90000)
    grid.wait_synced()

    with app.app_context():
        clues = {
            str(c.id): c
            for c in db.session.scalars(
                sa.select(Clue).where(Clue.id.in_([uuid.UUID(i) for i in (kept, lost, later)]))
            )
        }
        assert set(clues) == {kept, lost, later}
        # Sent again in the order recorded: the lost clue is numbered before the one recorded
        # since (XS-<township>-<year>-<n>), and not with the number it had before.
        number = {i: int(clue.code.rsplit("-", 1)[1]) for i, clue in clues.items()}
        assert number[kept] < number[lost] < number[later]
        assert clues[lost].code != lost_code
        assert clues[lost].description == "备份后的线索"
        store = app.extensions["evidence_store"]
        for photo in (kept_photo, lost_photo, later_photo):
            e = db.session.execute(
                sa.select(Evidence).where(Evidence.original_sha256 == sha(photo))
            ).scalar_one()
            assert e.original_at is not None and e.copy_at is not None
            assert store.read(original_key(e.original_sha256)) == photo
        assert uuid.UUID(lost) in {e.clue_id for e in db.session.scalars(sa.select(Evidence))}

    # The phone holds exactly the server's view, under the new generation.
    session = api_login(county.url, "hb_grid1")
    grid.until("async () => !document.querySelector('.syncbar button').disabled", timeout=30000)
    assert phone_view(grid) == server_view(session, county.url)
    assert new_generation in grid.page.evaluate(
        f"""async () => {{ {IDB}
          const d = await idb();
          const cursor = await one(d, 'meta', 'cursor');
          d.close();
          return cursor;
        }}"""
    )
    states = grid.outbox_states()
    assert {e["state"] for e in states["entries"]} == {"done"}


def kept(phone) -> dict:
    """What the phone keeps of what it sent: outbox entries, and which photos have bytes."""
    return phone.page.evaluate(
        f"""async () => {{ {IDB}
          const d = await idb();
          const out = {{
            entries: (await all(d, 'outbox')).map((e) => [e.state, e.held_by || null]),
            bytes: Object.fromEntries((await all(d, 'files')).map((f) => [f.tier, !!f.blob])),
            files: (await all(d, 'files')).map((f) => f.state),
          }};
          d.close();
          return out;
        }}"""
    )


def test_what_a_phone_sent_is_kept_three_days_after_the_server_held_it_then_let_go(phones, county):
    grid = phones("grid")
    grid.start()
    now = dt.datetime.now(dt.UTC)
    grid.ctx.clock.install(time=now)  # the phone's clock, to move it three days on
    grid.open()
    grid.login("hb_grid2")
    grid.wait_synced()
    grid.report_clue([camera_jpeg(64)], "ST-0119-01", "发出后保留三天", "stopped")
    grid.wait_files_held(count=2)
    with county.app.app_context():
        current = generation.current().id

    def sync_at(moment: dt.datetime) -> dict:
        grid.page.clock.set_system_time(moment)
        grid.sync_now()
        grid.wait_synced()
        grid.until("async () => !document.querySelector('.syncbar button').disabled", timeout=30000)
        return kept(grid)

    # Held by the server, and seen held by an ordinary pull of its generation: kept all the
    # same, the original's bytes too, in case a restore loses them.
    held = sync_at(now + dt.timedelta(minutes=1))
    assert held["entries"] and all(e == ["done", current] for e in held["entries"])
    assert held["bytes"] == {"original": True, "copy": True}
    assert sync_at(now + KEEP - dt.timedelta(hours=1)) == held

    # Three days on, they go: the entries, and the original's bytes (the copy is shown).
    gone = sync_at(now + KEEP + dt.timedelta(hours=1))
    assert gone["entries"] == []
    assert gone["bytes"] == {"original": False, "copy": True}
    assert gone["files"] == ["held", "held"]
