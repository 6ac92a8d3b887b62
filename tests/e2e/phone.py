"""A phone for the browser tests: one Chromium profile (IndexedDB, caches, the service worker
survive a restart), with GPS granted, driven through the field app's own screens."""

from __future__ import annotations

import io
import os
import random
import signal
import time

from PIL import Image

from server.demo import DEMO_PASSWORD as PASSWORD

VIEWPORT = {"width": 390, "height": 780}
PHONE = {"width": 393, "height": 851}  # the phone issue 24 was tried on
SHOTS = os.environ.get("FIELDCASE_SHOTS")  # a folder: the screens a test checks are saved there
DESKTOP = {"width": 1366, "height": 900}  # the command room's screen
DESK = {"width": 1440, "height": 900}  # the command room's wide screen
NAMES = "els => els.map((e) => e.dataset.%s)"  # each element's data-… value, in order
PIN = "246813579024"

# Read the app's IndexedDB as it is, from the page (not through the app's code).
# The raw store, each value opened by the app's own seal while it is unlocked; a value the
# locked app cannot open keeps only its clear fields (state, key), with an empty mutation.
IDB = """
const idb = () => new Promise((ok, bad) => {
  const r = indexedDB.open('fieldcase'); r.onsuccess = () => ok(r.result); r.onerror = bad; });
const open = (s, v) => !(v && v.$ct) ? v
  : (window.__fieldcaseOpen && window.__fieldcaseOpen(s, v)) || { ...v, mutation: {} };
const all = (d, s) => new Promise((ok) => {
  const r = d.transaction(s).objectStore(s).getAll();
  r.onsuccess = () => ok(r.result.map((v) => open(s, v))); });
const one = (d, s, k) => new Promise((ok) => {
  const r = d.transaction(s).objectStore(s).get(k); r.onsuccess = () => ok(open(s, r.result)); });
"""


def camera_jpeg(seed: int, size: tuple[int, int] = (1400, 1050)) -> bytes:
    """A photo-sized JPEG, different for every seed (noise does not compress away)."""
    rng = random.Random(seed)
    im = Image.effect_noise(size, 40 + rng.random() * 40).convert("RGB")
    im = Image.merge(
        "RGB",
        [c.point(lambda v, k=k: (v + 37 * k + seed * 11) % 256) for k, c in enumerate(im.split())],
    )
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90)
    return out.getvalue()


def shot(page, name: str, full_page: bool = True) -> None:
    """Save the page as a person sees it, when FIELDCASE_SHOTS names a folder (the screen
    only, full_page=False, for a full-screen sheet over a scrolled page)."""
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=full_page)


def shot_of(locator, name: str) -> None:
    """Save one box of the page (a locator) as a person sees it, when FIELDCASE_SHOTS names
    a folder: the part a screen is about, at the page's width."""
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        locator.screenshot(path=f"{SHOTS}/{name}.png")


def take_step(page, step: str) -> None:
    """Open a step on a record's page as a person would: its own button when it is the one the
    record waits for (or the page lists its steps as buttons), else from the 办理 sheet (a
    case's other steps, issue 24). ``step`` is a transition's name or a selector
    (``[data-action=inspect]``)."""
    target = step if step.startswith("[") else f"[data-transition={step}]"
    page.wait_for_selector(target, state="attached")
    if not page.is_visible(target):
        page.click("[data-action=more-steps]")
        page.wait_for_selector(f"dialog[open] {target}")
    page.click(f"{target} >> visible=true")


class Phone:
    def __init__(self, browser_type, launch_args, profile, url, viewport=VIEWPORT):
        self.viewport = viewport
        self.browser_type = browser_type
        self.launch_args = launch_args
        self.profile = str(profile)
        self.url = url
        self.ctx = None
        self.page = None
        self.errors: list[str] = []

    # -- the device ---------------------------------------------------------------------
    def start(
        self,
        *,
        offline: bool = False,
        position=(28.9331, 118.7802),
        accuracy=12.0,
        timezone: str = "Asia/Shanghai",
    ):
        # The zone is pinned: no test may pass or fail by the machine's. The app shows China's
        # time whatever it is (test_console_china_time.py runs one in UTC).
        self.ctx = self.browser_type.launch_persistent_context(
            self.profile,
            **self.launch_args,
            viewport=self.viewport,
            locale="zh-CN",
            timezone_id=timezone,
            accept_downloads=True,
        )
        self.ctx.grant_permissions(["geolocation"], origin=self.url)
        # The app then lets these tests open its sealed store as it does (pwa/src/db.js).
        self.ctx.add_init_script("window.__FIELDCASE_TEST__ = true")
        self.locate(*position, accuracy=accuracy)
        if offline:
            self.ctx.set_offline(True)
        return self._watch(self.ctx.pages[0] if self.ctx.pages else self.ctx.new_page())

    def _watch(self, page):
        self.page = page
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        # The app runs under the server's Content-Security-Policy: a violation is an error.
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and self.errors.append(m.text),
        )
        return page

    def locate(self, lat, lng, accuracy=12.0):
        self.ctx.set_geolocation({"latitude": lat, "longitude": lng, "accuracy": accuracy})

    def open(self):
        response = self.page.goto(self.url + "/")
        self.page.wait_for_selector("[data-phase]:not([data-phase=loading])")
        return response

    def stop(self):
        # Leave the app first: closing a page while offline briefly lifts the emulation and
        # the dying page could send (BROWSER-TESTING.md).
        self.page.goto("about:blank")
        self.ctx.close()
        self.ctx = self.page = None

    def restart(self, *, offline: bool):
        """Power off and on: the same profile, a new browser process."""
        self.stop()
        self.start(offline=offline)
        return self.open()

    def kill_tabs(self):
        """SIGKILL this browser's renderer processes, as Android kills a tab it needs the
        memory of: no unload, no chance to finish what the page was doing."""
        procs = {}
        for entry in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    args = f.read().replace(b"\0", b" ")  # a child retitles itself
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            procs[int(entry)] = (ppid, args)
        browser = {
            p for p, (_, a) in procs.items() if f"--user-data-dir={self.profile}".encode() in a
        }
        family, grew = set(browser), True
        while grew:
            more = {p for p, (pp, _) in procs.items() if pp in family} - family
            family |= more
            grew = bool(more)
        renderers = [p for p in family if b"--type=renderer" in procs[p][1]]
        assert browser and renderers, "no renderer of this browser found"
        for pid in renderers:
            os.kill(pid, signal.SIGKILL)

    def reopen(self):
        """After kill_tabs: the person taps the app's icon again, in the same browser."""
        for page in self.ctx.pages:
            page.close()
        self._watch(self.ctx.new_page())
        return self.open()

    def offline(self, value: bool = True):
        self.ctx.set_offline(value)

    def wait_controlled(self):
        self.page.evaluate("navigator.serviceWorker.ready")
        self.until("async () => navigator.serviceWorker.controller !== null")

    # -- the app --------------------------------------------------------------------------
    def login(self, username: str):
        p = self.page
        p.fill("input[name=username]", username)
        p.fill("input[name=password]", PASSWORD)
        p.click("button[type=submit]")
        # A desk-only person is not asked for a PIN (test_console_desk_session.py).
        p.wait_for_selector("input[name=pin2], [data-phase=open] .syncbar")
        if p.locator("input[name=pin2]").count():
            p.fill("input[name=pin]", PIN)
            p.fill("input[name=pin2]", PIN)
            p.click("button[type=submit]")
        p.wait_for_selector("[data-phase=open] .syncbar")

    def enter(self, username: str, **start):
        """Start the browser, open the app, log in and wait for the first sync."""
        self.start(**start)
        self.open()
        self.login(username)
        self.wait_synced()
        return self.page

    def unlock(self, pin: str = PIN):
        self.page.fill("input[name=pin]", pin)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("[data-phase=open] .syncbar")

    def until(self, script: str, arg=None, timeout: float = 60000):
        """Poll an async predicate with page.evaluate, which awaits it (wait_for_function
        would take the promise itself as a true answer)."""
        deadline = time.monotonic() + timeout / 1000
        while not self.page.evaluate(script, arg):
            if time.monotonic() > deadline:
                where = self.page.evaluate("location.hash")
                raise TimeoutError(f"not true within {timeout} ms at {where!r}: {script[:200]}")
            time.sleep(0.2)

    def wait_synced(self, timeout=60000):
        """Until every mutation on the phone has its answer and no sync is running (a
        mutation the server holds for its parent, "waiting", has its answer too)."""
        self.until(
            f"""async () => {{ {IDB}
              const d = await idb();
              const entries = await all(d, 'outbox');
              d.close();
              const button = document.querySelector('.syncbar button');
              return button && !button.disabled
                && entries.every((e) => ['done', 'attention', 'waiting'].includes(e.state));
            }}""",
            timeout=timeout,
        )

    def sync_now(self):
        self.page.click(".syncbar button")

    def report_clue(
        self, photos: list[bytes], matter: str, text: str, result: str | None, save=True
    ):
        p = self.page
        p.goto(self.url + "/#/report")
        p.wait_for_selector("input[name=photo]", state="attached")
        p.set_input_files(
            "input[name=photo]",
            files=[
                {"name": f"IMG_{i}.jpg", "mimeType": "image/jpeg", "buffer": b}
                for i, b in enumerate(photos)
            ],
        )
        self.until("async (n) => document.querySelectorAll('.thumb').length === n", len(photos))
        p.wait_for_selector(".fix")
        p.click(".actions button.primary")
        self.choose_matter(matter)
        p.fill("textarea[name=description]", text)
        p.click(".actions button.primary")
        if result and p.locator(f"input[name=done][value={result}]").count():
            p.check(f"input[name=done][value={result}]")  # not dissuaded, and why (现场无人)
        elif result:
            p.check("input[name=done] >> nth=0")
            p.select_option("select[name=result]", result)
        else:
            p.check("input[name=done] >> nth=1")
        if save:
            p.click(".actions button.primary")
            p.wait_for_selector("[data-clue]")

    def choose_matter(self, code: str):
        """On the report's second step: open the picker, search the code, take it."""
        p = self.page
        p.click("[data-action=pick-matter]")
        p.fill("[data-picker] input[name=matter_search]", code)
        p.click(f"[data-picker] [data-pick='{code}']")
        p.wait_for_selector("[data-picker]", state="detached")

    def report_offline(self, photos: list[bytes], matter: str, text: str, result: str | None):
        """Report with no network, then come back in range and sync: the new clue's id."""
        self.offline()
        self.report_clue(photos, matter, text, result)
        clue_id = self.page.get_attribute("[data-clue]", "data-clue")
        self.offline(False)
        self.sync_now()
        self.wait_synced()
        return clue_id

    def sign(self):
        """The party signs on the signature pad with a finger."""
        p = self.page
        p.locator(".signature canvas").scroll_into_view_if_needed()
        box = p.locator(".signature canvas").bounding_box()
        p.mouse.move(box["x"] + 40, box["y"] + 60)
        p.mouse.down()
        for step in range(1, 12):
            p.mouse.move(box["x"] + 40 + step * 22, box["y"] + 60 + (step % 3) * 25)
        p.mouse.up()

    def second_tab(self):
        """The app opened once more in another tab of the same browser (same IndexedDB), and
        unlocked: two tabs of one app, as a person who tapped the icon twice has."""
        page = self.ctx.new_page()
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(self.url + "/")
        page.wait_for_selector("[data-phase]:not([data-phase=loading])")
        if page.get_attribute("[data-phase]", "data-phase") == "locked":
            page.fill("input[name=pin]", PIN)
            page.click("button[type=submit]")
        page.wait_for_selector("[data-phase=open] .syncbar")
        return page

    def outbox_states(self) -> dict:
        return self.page.evaluate(
            f"""async () => {{ {IDB}
              const d = await idb();
              const out = {{
                entries: (await all(d, 'outbox')).map((e) => ({{
                  state: e.state, type: e.mutation.record_type, op: e.mutation.op,
                  id: e.mutation.record_id, mutation: e.mutation.id,
                  reason: e.result && e.result.reason,
                  replay: !!(e.result && e.result.replay) }})),
                files: (await all(d, 'files')).map((f) => ({{
                  key: f.key, state: f.state, sha256: f.sha256, tier: f.tier }})),
                version: d.version,
              }};
              d.close();
              return out;
            }}"""
        )

    def wait_files_held(self, count: int | None = None, timeout: float = 60000):
        """Until the server holds every photo on the phone (count: how many there are)."""
        self.until(
            f"""async (count) => {{ {IDB}
              const d = await idb();
              const files = await all(d, 'files');
              d.close();
              return files.length > 0 && (count === null || files.length === count)
                && files.every((f) => f.state === 'held');
            }}""",
            count,
            timeout=timeout,
        )
