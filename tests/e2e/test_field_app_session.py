"""The phone's lock and its limits: the passphrase seals the account and the records (a copy
of a locked phone's storage shows neither); the offline period ends when the refresh token
would; the app warns before storage runs out."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid

import pytest
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db
from tests.e2e.phone import IDB, PASSWORD, camera_jpeg

pytestmark = pytest.mark.browser

SET_SESSION_EXPIRY = """(when) => new Promise((ok, bad) => {
  const r = indexedDB.open('fieldcase');
  r.onsuccess = () => {
    const tx = r.result.transaction('meta', 'readwrite');
    const store = tx.objectStore('meta');
    const get = store.get('session');
    get.onsuccess = () => store.put({ ...get.result, refresh_expires_at: when }, 'session');
    tx.oncomplete = () => { r.result.close(); ok(); };
    tx.onerror = bad;
  };
})"""


# Every store of the phone as a thief's copy would read it: every value, byte arrays and
# photos decoded as text too, so that a clear string anywhere in them shows.
RAW_STORAGE = """async () => {
  const d = await new Promise((ok) => {
    const r = indexedDB.open('fieldcase'); r.onsuccess = () => ok(r.result); });
  const text = (b) => new TextDecoder('utf-8').decode(b);
  const out = {};
  for (const s of d.objectStoreNames) {
    const values = await new Promise((ok) => {
      const r = d.transaction(s).objectStore(s).getAll(); r.onsuccess = () => ok(r.result); });
    const blobs = [];
    const json = JSON.stringify(values, (_k, v) => {
      if (v instanceof Uint8Array) return text(v);
      if (v instanceof Blob) { blobs.push(v); return 'blob'; }
      return v;
    });
    const bytes = await Promise.all(blobs.map(async (b) => text(await b.arrayBuffer())));
    out[s] = { n: values.length, json, blobs: bytes };
  }
  d.close();
  return out;
}"""


def test_a_locked_phone_shows_no_party_id_number_nor_description_in_its_storage(phones, county):
    officer = phones("officer")
    page = officer.enter("hb_officer1")
    officer.offline()
    officer.report_clue([camera_jpeg(71)], "SR-0036-02", "锁屏后不可读的线索描述", "nobody_present")
    # What the open app holds: parties' id numbers and descriptions, the person's own included.
    held = page.evaluate(
        f"""async () => {{ {IDB}
          const d = await idb();
          const text = JSON.stringify([await all(d, 'records'), await all(d, 'outbox')]);
          d.close();
          return {{ ids: [...new Set(text.match(/330802[0-9]{{11}}[0-9X]/g) || [])],
                    texts: [...new Set(text.match(/"description":"[^"]{{6,}}"/g) || [])] }};
        }}"""
    )
    assert held["ids"] and any("锁屏后不可读的线索描述" in t for t in held["texts"]), held
    open_count = officer.page.evaluate(RAW_STORAGE)["records"]["n"]

    officer.restart(offline=True)  # the phone, locked, in a thief's hands
    page = officer.page
    page.wait_for_selector("[data-phase=locked]")
    raw = page.evaluate(RAW_STORAGE)
    assert raw["records"]["n"] == open_count  # sealed, not deleted
    everything = "".join(v["json"] + "".join(v["blobs"]) for v in raw.values())
    for secret in held["ids"] + [t.split('":"')[1].rstrip('"') for t in held["texts"]]:
        assert secret not in everything, secret
    assert "JFIF" not in everything and "Exif" not in everything  # the photos too
    assert "锁屏" not in everything
    # What stays readable: whose phone it is (the unlock screen says so), the stores' keys.
    assert re.findall(r"330802[0-9]{11}[0-9X]", everything) == []

    page.fill("input[name=pin]", "000000000000")  # a wrong passphrase is still only that
    page.click("button[type=submit]")
    page.wait_for_selector("text=还可尝试 4 次")
    officer.unlock()
    reopened = page.evaluate(
        f"""async () => {{ {IDB}
          const d = await idb(); const text = JSON.stringify(await all(d, 'records')); d.close();
          return text;
        }}"""
    )
    assert all(i in reopened for i in held["ids"])


def test_a_phone_with_a_platform_authenticator_unlocks_with_it_and_needs_no_passphrase(
    phones, county
):
    """Chromium's virtual authenticator (CDP) stands in for the phone's secure hardware,
    with the PRF extension: the data key is wrapped under its PRF output, the passphrase
    is never asked, and a locked copy of the storage holds nothing to guess offline."""
    grid = phones("grid")
    grid.url = grid.url.replace("127.0.0.1", "localhost")  # WebAuthn wants a domain, not an IP
    grid.start()
    cdp = grid.ctx.new_cdp_session(grid.page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    options = {
        "protocol": "ctap2",
        "ctap2Version": "ctap2_1",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "hasPrf": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    grid.open()
    page = grid.page
    page.fill("input[name=username]", "hb_grid2")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("text=用本机指纹或锁屏解锁", timeout=60000)
    page.wait_for_selector("[data-phase=open] .syncbar", timeout=60000)
    saved = page.evaluate(
        f"""async () => {{ {IDB}
          const d = await idb(); const s = await one(d, 'meta', 'session'); d.close();
          return {{ kdf: s.kdf.name, salt: !!s.kdf.salt }};
        }}"""
    )
    assert saved == {"kdf": "prf", "salt": True}
    credential = cdp.send("WebAuthn.getCredentials", authenticator)["credentials"]

    page.reload()  # locked: one tap on the phone's own unlock, no passphrase field
    page.wait_for_selector("[data-phase=locked] [data-unlock=device]", timeout=60000)
    assert page.locator("input[name=pin]").count() == 0
    page.click("button[type=submit]")
    page.wait_for_selector("[data-phase=open] .syncbar", timeout=60000)

    # Another authenticator (a thief's phone, without this credential) opens nothing.
    cdp.send("WebAuthn.removeVirtualAuthenticator", authenticator)
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    page.reload()
    page.wait_for_selector("[data-phase=locked]", timeout=60000)
    page.click("button[type=submit]")
    page.wait_for_selector("[role=alert]", timeout=90000)
    assert page.get_attribute("[data-phase]", "data-phase") == "locked"
    assert credential


def reported_offline(phones, seed: int, text: str):
    """A grid worker's phone, synced once, then out of signal with one report in its outbox."""
    grid = phones("grid")
    grid.start()
    grid.open()
    grid.login("hb_grid3")
    grid.wait_controlled()
    grid.wait_synced()
    grid.offline()
    grid.report_clue([camera_jpeg(seed)], "SR-0036-02", text, "nobody_present")
    return grid


def test_five_wrong_pins_erase_the_login_but_never_the_records(phones, county):
    grid = reported_offline(phones, 61, "锁屏测试")

    grid.restart(offline=True)
    page = grid.page
    for left in (4, 3, 2, 1):
        page.fill("input[name=pin]", "0000")
        page.click("button[type=submit]")
        page.wait_for_selector(f"text=还可尝试 {left} 次")
    page.fill("input[name=pin]", "0000")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-phase=none]")  # log in online again
    assert {e["state"] for e in grid.outbox_states()["entries"]} == {"pending"}

    grid.offline(False)
    grid.login("hb_grid3")  # the same person: his records go now
    grid.wait_synced()
    assert {e["state"] for e in grid.outbox_states()["entries"]} == {"done"}


READ_VAULT = """() => new Promise((ok) => {
  const r = indexedDB.open('fieldcase');
  r.onsuccess = () => {
    const get = r.result.transaction('meta').objectStore('meta').get('vault');
    get.onsuccess = () => { r.result.close(); ok(get.result || {}); };
  };
})"""


def test_a_new_secret_key_and_a_new_escrow_secret_still_open_a_locked_out_phones_records(
    phones, county
):
    """Issue 23: the escrow key was made from SECRET_KEY, so replacing a leaked one sealed a
    locked-out phone's unsent records for good. Now the server replaces its secret key and
    lists a new escrow secret before the old while the phone is locked out; the same person
    logs in online, the old escrow key opens his records, they are sent, and the phone wraps
    its key again under the new one."""
    app = county.app
    grid = reported_offline(phones, 62, "换密钥测试")
    before = grid.page.evaluate(READ_VAULT)
    [(kid, entry)] = before.items()
    grid.restart(offline=True)
    page = grid.page
    for _ in range(5):
        page.fill("input[name=pin]", "0000")
        page.click("button[type=submit]")
    page.wait_for_selector("[data-phase=none]")  # locked out: log in online again

    secret, escrow = app.config["SECRET_KEY"], list(app.config["ESCROW_KEYS"])
    new = "a-new-escrow-secret-" + uuid.uuid4().hex
    try:
        app.config["SECRET_KEY"] = "a-new-secret-key-" + uuid.uuid4().hex
        app.config["ESCROW_KEYS"] = [new, *escrow]
        grid.offline(False)
        grid.login("hb_grid3")
        grid.wait_synced()
        assert {e["state"] for e in grid.outbox_states()["entries"]} == {"done"}
        after = grid.page.evaluate(READ_VAULT)
        assert list(after) == [kid]  # the same data key, wrapped again
        digest = hmac.new(new.encode(), b"fieldcase escrow secret id", hashlib.sha256)
        assert after[kid]["escrow_id"] == digest.hexdigest()[:16]
        assert after[kid]["escrow"] != entry["escrow"]
    finally:
        app.config["SECRET_KEY"], app.config["ESCROW_KEYS"] = secret, escrow


def test_the_offline_period_ends_with_the_refresh_token(phones, county):
    grid = phones("grid")
    grid.start()
    grid.open()
    grid.login("hb_grid4")
    grid.wait_controlled()
    grid.page.evaluate(SET_SESSION_EXPIRY, "2000-01-01T00:00:00Z")
    grid.restart(offline=True)
    grid.page.wait_for_selector("[data-phase=none]")


def test_the_app_warns_before_storage_runs_out(phones, county):
    """The app reads navigator.storage.estimate() at start. CDP's
    Storage.overrideQuotaForOrigin does not take on a persistent profile in this Chromium
    (the estimate keeps its 10 GB quota), so the estimate is made to report a phone with
    12 MB left: what is under test is that the person is warned, in words, in time."""
    grid = phones("grid")
    grid.start()
    grid.ctx.add_init_script(
        """{
          const real = navigator.storage.estimate.bind(navigator.storage);
          navigator.storage.estimate = async () => {
            const e = await real();
            return { ...e, quota: e.usage + 12 * 1024 * 1024 };
          };
        }"""
    )
    grid.open()
    grid.login("hb_grid1")
    grid.page.reload()
    grid.unlock()
    banner = grid.page.locator("[data-storage=storage_low]")
    banner.wait_for()
    assert "存储空间不足" in banner.inner_text() and "12 MB" in banner.inner_text()


def test_a_save_the_full_storage_refuses_is_said_so_and_the_report_stays_to_save_again(
    phones, county
):
    """Storage pressure: the outbox write fails with QuotaExceededError (made to, here: a
    real quota cannot be set on a persistent profile, see above). The person is told in
    words, nothing half-written is in the outbox, and the form still holds the report."""
    grid = phones("grid")
    grid.start()
    grid.ctx.add_init_script(
        """{
          const full = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          const add = IDBObjectStore.prototype.add;
          IDBObjectStore.prototype.add = function (...args) {
            if (window.__full && this.name === 'outbox') throw full();
            return add.apply(this, args);
          };
          const put = IDBObjectStore.prototype.put;
          IDBObjectStore.prototype.put = function (...args) {
            if (window.__full && this.name === 'meta') throw full();  // the draft, as typed
            return put.apply(this, args);
          };
        }"""
    )
    grid.open()
    grid.login("hb_grid1")
    grid.wait_synced()
    grid.offline()
    before = len(grid.outbox_states()["entries"])
    grid.report_clue([camera_jpeg(91)], "ST-0119-01", "存储已满时的上报", "stopped", save=False)
    page = grid.page
    page.evaluate("window.__full = true")
    page.click("input[name=done] >> nth=1")  # typing on: the draft cannot be kept either
    page.click("input[name=done] >> nth=0")
    page.select_option("select[name=result]", "stopped")
    page.click(".actions button.primary")
    page.wait_for_selector("text=未能保存：手机存储空间已满")
    saved = grid.outbox_states()
    assert len(saved["entries"]) == before and saved["files"] == []
    assert page.input_value("select[name=result]") == "stopped"  # still on the form

    page.evaluate("window.__full = false")  # room made
    page.click(".actions button.primary")
    page.wait_for_selector("[data-clue]")
    grid.offline(False)
    grid.sync_now()
    grid.wait_synced()
    with county.app.app_context():
        db.session.execute(sa.select(Clue).where(Clue.description == "存储已满时的上报")).one()


def test_a_refresh_whose_answer_is_lost_on_the_way_does_not_log_the_phone_out(phones, county):
    """The server rotates the refresh token, then the connection drops before the answer
    arrives: the phone still holds the spent token. Its next refresh is a retry and must
    keep the person logged in, there and after a restart (SECURITY.md)."""
    grid = phones("grid")
    grid.enter("hb_grid2")
    page = grid.page
    plan = {"expire": 0, "lose": 0}
    answers = []

    def pull(route):
        if plan["expire"]:  # the access token "expired": the app refreshes and tries again
            plan["expire"] -= 1
            route.fulfill(status=401, json={"error": "unauthorized", "message": "token expired"})
        else:
            route.continue_()

    def refresh(route):
        response = route.fetch()  # the server has answered, and rotated
        answers.append(response.status)
        if plan["lose"]:
            plan["lose"] -= 1
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/api/v1/sync/pull*", pull)
    page.route("**/api/v1/auth/refresh", refresh)

    plan.update(expire=1, lose=1)
    grid.sync_now()
    grid.until("async () => document.querySelector('.syncbar button:not([disabled])') !== null")
    plan.update(expire=1)
    grid.sync_now()
    grid.wait_synced()
    assert answers == [200, 200]
    assert page.locator("[data-phase=open]").count() == 1

    # The token kept is the one that arrived: it works after a power cycle too.
    grid.restart(offline=False)
    grid.page.route("**/api/v1/sync/pull*", pull)
    grid.page.route("**/api/v1/auth/refresh", refresh)
    grid.unlock()  # no access token survives a restart: the app refreshes at once
    grid.wait_synced()
    plan.update(expire=1)
    grid.sync_now()
    grid.wait_synced()
    assert len(answers) >= 3 and set(answers) == {200}, answers
    assert grid.page.locator("[data-phase=open]").count() == 1
