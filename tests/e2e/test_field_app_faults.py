"""The field app when things go wrong: a connection cut in the middle of a photo, a refusal
from the server, a new app version arriving with records still on the phone, a phone
whose IndexedDB was made by the first app version, a battery that dies just after
"saved" (the save is a strict IndexedDB commit), and a tab killed in the middle of the save
or just after it."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db
from server.evidence.models import Evidence
from server.evidence.storage import original_key
from tests.e2e.conftest import CuttingProxy
from tests.e2e.kit import api_login, assign_demo_clue, transition, user_id
from tests.e2e.phone import IDB, camera_jpeg
from tests.server.evidence_kit import sha

pytestmark = pytest.mark.browser
CHUNK = 256 * 1024  # the app's tus chunk size


def test_a_photo_upload_cut_mid_body_resumes_where_it_stopped(phones, county):
    proxy = CuttingProxy(county.port)
    try:
        grid = phones("grid", url=proxy.url)
        grid.start()
        grid.open()
        grid.login("hb_grid2")
        grid.wait_synced()

        photo = camera_jpeg(21, size=(2000, 1500))  # several chunks
        proxy.cut_after = CHUNK // 2 + 1234  # the first PATCH dies half way through its body
        grid.report_clue([photo], "SR-0036-02", "上传中断测试", "stopped")
        grid.sync_now()
        grid.wait_files_held(count=2)
        assert proxy.cuts == 1
        # After the cut the client asked where the server was and went on from there: an
        # offset that no whole number of chunks explains, so not a restart from zero.
        resumed = [o for o in proxy.patch_offsets if o > 0 and o % CHUNK != 0]
        assert resumed, proxy.patch_offsets
        app = county.app
        with app.app_context():
            e = db.session.execute(
                sa.select(Evidence).where(Evidence.original_sha256 == sha(photo))
            ).scalar_one()
            assert e.original_at is not None and e.copy_at is not None
            stored = app.extensions["evidence_store"].read(original_key(e.original_sha256))
            assert stored == photo
    finally:
        proxy.close()


def test_a_refusal_from_the_server_is_shown_in_plain_chinese(phones, county):
    """R7: two officers take the same team task offline; the second to reach the server is
    told, on his phone, that another took it, and what that means for his records."""
    app = county.app
    clue_id = assign_demo_clue(county.url, app, None)  # to the team: any officer may take it
    officer = phones("officer")
    officer.start()
    officer.open()
    officer.login("hb_officer2")
    officer.wait_synced()
    officer.offline()
    officer.page.goto(officer.url + f"/#/task/{clue_id}")
    officer.page.click("[data-transition=take]")
    officer.page.wait_for_selector("form.handle")

    other = api_login(county.url, "hb_officer3")  # online, a moment earlier
    with app.app_context():
        version = db.session.get(Clue, uuid.UUID(clue_id)).version
    assert transition(other, county.url, clue_id, version, "take")["outcome"] == "applied"

    officer.offline(False)
    officer.page.wait_for_selector(".syncbar [data-attention='1']", timeout=30000)
    officer.page.goto(officer.url + "/#/outbox")
    reason = officer.page.locator("[data-state=attention] .reason")
    assert reason.get_attribute("data-reason") == "already_taken"
    assert "该任务已被其他队员接单" in reason.inner_text()
    chip = officer.page.locator("[data-state=attention] .chip")
    assert chip.inner_text() == "需处理"
    winner = user_id(app, "hb_officer3")
    with app.app_context():
        assert db.session.get(Clue, uuid.UUID(clue_id)).taken_by == winner

    # The refused step no longer shows as if it happened: once the sync that brought the
    # refusal has pulled the task, it is the other's. (The refusal shows as soon as the push
    # is answered; the pull after it can still be running, on a busy machine for seconds.)
    officer.wait_synced()
    officer.page.goto(officer.url + "/#/tasks")
    officer.page.wait_for_selector("main h1")
    assert officer.page.locator(f"[data-task='{clue_id}']").count() == 0
    # He has read it: it leaves the count and stays in the outbox's history.
    officer.page.goto(officer.url + "/#/outbox")
    officer.page.click("[data-action=acknowledge]")
    officer.page.wait_for_selector(".syncbar [data-attention='0']")
    assert "该任务已被其他队员接单" in officer.page.inner_text("main")


def test_an_app_update_with_records_on_the_phone_and_a_form_half_filled_loses_nothing(
    phones, county, dist
):
    grid = phones("grid")
    grid.start()
    grid.open()
    grid.login("hb_grid3")
    grid.wait_controlled()
    grid.wait_synced()
    page = grid.page

    grid.offline()
    photo = camera_jpeg(31)
    grid.report_clue([photo], "SR-0011-01", "更新前保存的线索", "refused")
    # A second report, half filled, when the new version arrives.
    page.goto(grid.url + "/#/report")
    page.set_input_files(
        "input[name=photo]",
        files=[{"name": "b.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg(32)}],
    )
    page.wait_for_selector(".thumb")
    page.wait_for_selector(".fix")
    page.click(".actions button.primary")
    page.fill("textarea[name=description]", "填了一半的表单")

    # A new version is deployed; the phone sees it while the API is still out of reach.
    sw = dist / "sw.js"
    sw.write_text(sw.read_text() + "\n// build 2\n")
    page.route("**/api/**", lambda route: route.abort("internetdisconnected"))
    grid.offline(False)
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_selector("[data-action=update]", timeout=30000)
    # It waits for the person: the form is still there, as typed.
    assert page.input_value("textarea[name=description]") == "填了一半的表单"
    assert len(grid.outbox_states()["entries"]) == 2  # the clue and its photo

    page.click("[data-action=update]")
    page.wait_for_selector("[data-phase=locked]")  # the page reloaded into the new version
    registration = "navigator.serviceWorker.getRegistration()"
    assert page.evaluate(f"{registration}.then((r) => r.waiting === null && r.active !== null)")
    grid.unlock()
    # The first sync attempt after the reload fails on the unreachable API and puts them
    # back to "saved on phone": both are there, neither was dropped.
    grid.until(
        f"""async () => {{ {IDB}
          const d = await idb(); const es = await all(d, 'outbox'); d.close();
          return es.length === 2 && es.every((e) => e.state === 'pending');
        }}"""
    )
    page.goto(grid.url + "/#/report")
    page.wait_for_selector("textarea[name=description]")
    assert page.input_value("textarea[name=description]") == "填了一半的表单"

    page.unroute("**/api/**")
    grid.sync_now()
    grid.wait_synced()
    app = county.app
    with app.app_context():
        clue = db.session.execute(
            sa.select(Clue).where(Clue.description == "更新前保存的线索")
        ).scalar_one()
        e = db.session.execute(sa.select(Evidence).where(Evidence.clue_id == clue.id)).scalar_one()
        assert e.original_sha256 == sha(photo)


def test_an_outbox_written_by_the_first_schema_is_upgraded_and_sent(phones, county):
    """IndexedDB v1 (no indexes) with a record in it: the current app upgrades the schema in
    place and the record reaches the server."""
    app = county.app
    reporter = user_id(app, "hb_grid4")
    clue_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC).isoformat()
    entry = {
        "user_id": reporter,
        "state": "pending",
        "created_at": now,
        "result": None,
        "mutation": {
            "id": str(uuid.uuid4()),
            "record_type": "clue",
            "record_id": clue_id,
            "op": "create",
            "base_version": None,
            "parent_id": None,
            "device_time": now,
            "payload": {
                "matter_code": "SR-0026-01",
                "location": {"lat": 28.95, "lng": 118.79, "accuracy_m": 9, "fix_time": now},
                "description": "旧版本应用保存的线索",
                "dissuasion": {"done": False, "result": None, "at": None},
            },
        },
    }
    phone = phones("old")
    phone.start()
    phone.page.goto(phone.url + "/robots.txt")  # the origin, without the app running
    phone.page.evaluate(
        """(entry) => new Promise((ok, bad) => {
          const r = indexedDB.open('fieldcase', 1);
          r.onupgradeneeded = () => {
            const d = r.result;
            d.createObjectStore('meta');
            d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
            d.createObjectStore('files', { keyPath: 'key' });
            d.createObjectStore('records', { keyPath: ['record_type', 'id'] });
          };
          r.onsuccess = () => {
            const tx = r.result.transaction('outbox', 'readwrite');
            tx.objectStore('outbox').add(entry);
            tx.oncomplete = () => { r.result.close(); ok(); };
            tx.onerror = bad;
          };
          r.onerror = bad;
        })""",
        json.loads(json.dumps(entry)),
    )
    phone.open()
    phone.login("hb_grid4")
    phone.wait_synced()
    version = phone.outbox_states()["version"]
    assert version >= 2
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        assert clue is not None and clue.reporter_id == reporter
        assert clue.description == "旧版本应用保存的线索"


def test_a_saved_report_is_committed_to_storage_not_only_to_the_os(phones, county):
    """The outbox write behind "saved" asks for strict durability: Chromium commits relaxed
    by default, so a battery dying just after the tap could take the record with it."""
    grid = phones("grid")
    grid.start()
    grid.ctx.add_init_script(
        """(() => {
          const open = IDBDatabase.prototype.transaction;
          window.__writes = [];
          IDBDatabase.prototype.transaction = function (stores, mode, options) {
            const tx = open.call(this, stores, mode, options);
            if (mode === 'readwrite') window.__writes.push([[].concat(stores), tx.durability]);
            return tx;
          };
        })();"""
    )
    grid.open()
    grid.login("hb_grid1")
    grid.wait_synced()
    grid.offline()
    grid.report_clue([camera_jpeg(3)], "ST-0119-01", "存盘即落盘", "stopped")
    writes = grid.page.evaluate("window.__writes")
    saves = [d for stores, d in writes if "outbox" in stores and "files" in stores]
    assert saves and set(saves) == {"strict"}, writes


# Hold the page's only thread at a chosen point of the save, so the test can kill the tab
# there: "during" once the record and a photo are written into the open transaction,
# "after" once it has committed, before the app's next line runs.
HANG_THE_SAVE = """(() => {
  const hang = () => {
    console.log('fieldcase: the tab hangs');
    const end = Date.now() + 60000;
    while (Date.now() < end) {}
  };
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (stores, mode, options) {
    const tx = transaction.call(this, stores, mode, options);
    if (window.__hang === 'after' && mode === 'readwrite' && [].concat(stores).includes('files')) {
      window.__hang = null;
      tx.addEventListener('complete', hang);
    }
    return tx;
  };
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    const request = put.apply(this, args);
    if (window.__hang === 'during' && this.name === 'files') {
      window.__hang = null;
      hang();
    }
    return request;
  };
})();"""


@pytest.mark.parametrize("when", ["during", "after"])
def test_a_tab_killed_while_saving_a_report_leaves_it_once_saved_or_still_a_draft(
    phones, county, when
):
    """Android kills a tab it needs the memory of. Killed inside the save, the report is
    not in the outbox at all and its draft is whole; killed just after, it is in the outbox
    with its photos and the draft is gone. Never half of it, never both (which would send
    it twice). Either way the server ends with the report once."""
    grid = phones("grid")
    grid.start()
    grid.ctx.add_init_script(HANG_THE_SAVE)
    grid.open()
    grid.login("hb_grid1")
    grid.wait_synced()
    grid.offline()
    text = f"保存时标签页被杀（{when}）"
    grid.report_clue([camera_jpeg(81), camera_jpeg(82)], "ST-0119-01", text, "stopped", save=False)
    page = grid.page
    # The draft keeps up with the form a frame behind; a person takes longer than that.
    grid.until(
        f"""async () => {{ {IDB}
          const d = await idb();
          const draft = await one(d, 'meta', 'draft:report:' + %s);
          d.close();
          return draft && draft.result === 'stopped';
        }}"""
        % user_id(county.app, "hb_grid1")
    )
    page.evaluate("(when) => { window.__hang = when; }", when)
    with page.expect_console_message(lambda m: m.text == "fieldcase: the tab hangs"):
        # The tap, from a timer: a click Playwright dispatches waits for the page's answer.
        page.evaluate(
            "() => setTimeout(() => document.querySelector('.actions button.primary').click())"
        )
    grid.kill_tabs()

    grid.reopen()
    grid.unlock()
    saved = grid.outbox_states()
    creates = [e for e in saved["entries"] if e["type"] == "clue" and e["op"] == "create"]
    page = grid.page
    page.goto(grid.url + "/#/report")
    if when == "during":
        assert creates == [] and saved["files"] == [], saved
        # The draft is where the person left it, photos and all: one tap saves it.
        page.wait_for_selector("select[name=result]")
        assert page.input_value("select[name=result]") == "stopped"
        page.click(".actions button.primary")
        page.wait_for_selector("[data-clue]")
    else:
        assert len(creates) == 1 and len(saved["files"]) >= 2, saved
        page.wait_for_selector("input[name=photo]", state="attached")
        assert page.locator(".thumb").count() == 0  # a new report, not the saved one again

    grid.offline(False)
    grid.sync_now()
    grid.wait_synced()
    grid.wait_files_held()
    with county.app.app_context():
        clue = db.session.execute(sa.select(Clue).where(Clue.description == text)).scalar_one()
        photos = db.session.execute(sa.select(Evidence).where(Evidence.clue_id == clue.id))
        assert len(photos.all()) == 2
