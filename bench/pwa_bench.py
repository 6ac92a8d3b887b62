#!/usr/bin/env python3
"""The field app's weight and load time: what a grid worker's phone downloads and how fast
the app opens with no network, on a slow phone (Debian's Chromium, the CPU slowed 4×).

    .venv/bin/python bench/pwa_bench.py [--runs N] [--skip-lighthouse]

Prints the machine, then:

- size: the JS and CSS the first load needs (the script, stylesheet and modulepreload URLs
  ``pwa/dist/index.html`` references), per file and in total, gzipped at level 9 (and with
  brotli when the ``brotli`` module is installed), against the 150 kB budget (1 kB = 1000
  bytes); and the whole of ``pwa/dist`` (what the service worker precaches, at most);
- offline open: the real server on a loopback port with the demo county loaded; a phone
  (a Chromium profile) logs in as ``hb_grid1`` and sets its PIN online, once; then, N times,
  the browser is started again on that profile with no network and the CPU slowed 4×, and
  opens ``/``: the time from ``goto`` until the unlock screen's PIN field is visible (the
  first usable screen offline; target: median < 1.5 s), first-contentful-paint and the
  navigation timing, and, separately, from submitting the PIN until the home screen shows
  (the Argon2id key derivation, 32 MiB, is in it). The page must come from the service worker;
- Lighthouse 12, mobile preset (its own simulated slow phone and network), performance and
  accessibility, three times on a fresh profile (so it sees the login screen, as a first
  visit does): both scores (target ≥ 95), the median performance score, the key metrics, and
  every audit that does not pass, with the elements it names. Lighthouse is installed into
  ``bench/node_modules`` by ``npm install --no-save`` when missing (``bench/package-lock.json``);
- Lighthouse on the console, desktop preset, as a dispatcher's desk opens it: logged in as
  ``hb_dispatch`` in one tab (``bench/lighthouse_console.mjs``, puppeteer-core), then the inbox,
  the map and the dashboard loaded in that tab with storage kept (a desk's repeat visit: its
  session lives in the tab), three runs: both scores per screen, medians, failing audits.

The built app is copied first (``make pwa`` builds it when missing), so a rebuild during the
run changes nothing. Ends with one JSON line holding every figure. Everything runs on
loopback, in a temporary folder, and stops by itself.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DIST = ROOT / "pwa" / "dist"
sys.path[:0] = [str(ROOT), str(BENCH)]

from evidence_bench import cpu_model  # noqa: E402

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the tests' browser, as run)

try:
    import brotli
except ImportError:  # optional: gzip is what the budget is measured with
    brotli = None

LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
USERNAME, PASSWORD, PIN = "hb_grid1", "fieldcase-demo", "246813579024"
VIEWPORT = {"width": 390, "height": 780}
CPU_SLOWDOWN = 4
KB = 1000
SIZE_BUDGET_KB = 150  # compressed JS + CSS of the first load
OPEN_BUDGET_S = 1.5  # median offline open, CPU slowed 4×
LIGHTHOUSE_TARGET = 95
LIGHTHOUSE_RUNS = 3
UNLOCK_SCREEN = "input[name=pin]"
HOME_SCREEN = "[data-phase=open] .syncbar"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# -- the machine and the build ----------------------------------------------------------------


def chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def ensure_built() -> None:
    if not (DIST / "index.html").is_file():
        print("# pwa/dist/index.html is missing: make pwa", flush=True)
        subprocess.run(["make", "pwa"], cwd=ROOT, check=True)


def snapshot(tmp: Path) -> Path:
    """A copy of the built app: others may rebuild pwa/dist while the bench runs."""
    copy = tmp / "dist"
    shutil.copytree(DIST, copy)
    return copy


# -- size -------------------------------------------------------------------------------------


class FirstLoad(HTMLParser):
    """The same-origin scripts, stylesheets and module preloads a page references."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = set((a.get("rel") or "").lower().split())
        if tag == "script" and a.get("src"):
            self.add(a["src"])
        elif tag == "link" and a.get("href") and rel & {"stylesheet", "modulepreload"}:
            self.add(a["href"])

    def add(self, url: str):
        if url.startswith("/") and not url.startswith("//") and url not in self.urls:
            self.urls.append(url)


def first_load_files(dist: Path) -> list[Path]:
    parser = FirstLoad()
    parser.feed((dist / "index.html").read_text(encoding="utf-8"))
    files = [dist / url.split("?")[0].split("#")[0].lstrip("/") for url in parser.urls]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise SystemExit(f"index.html references files that are not in dist: {missing}")
    if not files:
        raise SystemExit("index.html references no script or stylesheet")
    return files


def compressed(data: bytes) -> tuple[int, int | None]:
    gz = len(gzip.compress(data, compresslevel=9))
    br = len(brotli.compress(data, quality=11)) if brotli else None
    return gz, br


def size_report(dist: Path) -> dict:
    print(f"\n## First load: JS + CSS referenced by index.html (kB = {KB} bytes)")
    print(f"{'file':40s} {'raw kB':>8s} {'gzip-9 kB':>10s} {'brotli kB':>10s}")
    raw_total = gz_total = br_total = 0
    for path in first_load_files(dist):
        data = path.read_bytes()
        gz, br = compressed(data)
        raw_total, gz_total = raw_total + len(data), gz_total + gz
        br_total += br or 0
        br_text = f"{br / KB:10.1f}" if br is not None else f"{'-':>10s}"
        name = str(path.relative_to(dist))
        print(f"{name:40s} {len(data) / KB:8.1f} {gz / KB:10.1f} {br_text}")
    br_text = f"{br_total / KB:10.1f}" if brotli else f"{'-':>10s}"
    print(f"{'total':40s} {raw_total / KB:8.1f} {gz_total / KB:10.1f} {br_text}")
    if not brotli:
        print("(brotli not measured: the `brotli` module is not installed)")
    print(
        f"budget ≤ {SIZE_BUDGET_KB} kB gzipped: {gz_total / KB:.1f} kB  "
        f"{verdict(gz_total <= SIZE_BUDGET_KB * KB)}"
    )
    files = [p for p in dist.rglob("*") if p.is_file()]
    precache = sum(p.stat().st_size for p in files)
    print(f"\nall of pwa/dist (precached at most): {len(files)} files, {precache / KB:.1f} kB raw")
    return {
        "first_load_raw_kb": round(raw_total / KB, 1),
        "first_load_gzip_kb": round(gz_total / KB, 1),
        "first_load_brotli_kb": round(br_total / KB, 1) if brotli else None,
        "first_load_budget_kb": SIZE_BUDGET_KB,
        "first_load_pass": gz_total <= SIZE_BUDGET_KB * KB,
        "dist_files": len(files),
        "dist_kb": round(precache / KB, 1),
    }


# -- the server -------------------------------------------------------------------------------


def start_app(tmp: Path, dist: Path):
    """The real app with the demo county, on a threaded server on a free loopback port."""
    from werkzeug.serving import make_server

    from server import create_app, demo
    from server.core import migrate
    from server.core.db import db

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "MEDIA_ROOT": f"{tmp}/media",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,  # PyJWT warns below 32 bytes
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "PWA_DIST": str(dist),
        }
    )
    with app.app_context():
        migrate.upgrade()
        demo.seed()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


# -- offline open -----------------------------------------------------------------------------


class Phone:
    """One Chromium profile: what a phone keeps (IndexedDB, caches, the service worker)
    survives each relaunch."""

    def __init__(self, chromium, profile: Path, url: str):
        self.chromium, self.profile, self.url = chromium, str(profile), url
        self.ctx = self.page = None
        self.errors: list[str] = []

    def start(self, offline: bool):
        self.ctx = self.chromium.launch_persistent_context(
            self.profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            locale="zh-CN",
            bypass_csp=True,  # only so that Playwright may evaluate its wait predicates
        )
        self.ctx.grant_permissions(["geolocation"], origin=self.url)
        if offline:
            self.ctx.set_offline(True)
        self.page = self.ctx.pages[0] if self.ctx.pages else self.ctx.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        return self.page

    def stop(self):
        # Leave the app first: closing a page while offline briefly lifts the emulation and
        # the dying page could send (BROWSER-TESTING.md).
        self.page.goto("about:blank")
        self.ctx.close()
        self.ctx = self.page = None


def set_up_phone(phone: Phone) -> None:
    """Online, once: log in, set the PIN, reach the home screen, be controlled by the SW."""
    page = phone.start(offline=False)
    page.goto(phone.url + "/")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=pin]", PIN)
    page.fill("input[name=pin2]", PIN)
    page.click("button[type=submit]")
    page.wait_for_selector(HOME_SCREEN, state="visible")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.stop()


TIMINGS_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0] || {};
  const fcp = performance.getEntriesByType('paint')
    .find((e) => e.name === 'first-contentful-paint');
  return {
    fcp: fcp ? fcp.startTime : null,
    worker_start: nav.workerStart, response_start: nav.responseStart,
    response_end: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd, transfer_size: nav.transferSize,
    controlled: navigator.serviceWorker.controller !== null,
  };
}"""


def cold_offline_open(phone: Phone) -> dict:
    """A new browser process, no network, CPU slowed 4×: open the app and unlock it."""
    page = phone.start(offline=True)
    cdp = phone.ctx.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    start = time.perf_counter()
    response = page.goto(phone.url + "/", wait_until="commit")
    page.wait_for_selector(UNLOCK_SCREEN, state="visible")
    unlock_screen = time.perf_counter() - start
    if response is None or not response.from_service_worker:
        raise SystemExit("the offline navigation was not served by the service worker")
    timings = page.evaluate(TIMINGS_JS)
    page.fill(UNLOCK_SCREEN, PIN)
    start = time.perf_counter()
    page.click("button[type=submit]")
    page.wait_for_selector(HOME_SCREEN, state="visible")
    home = time.perf_counter() - start
    phone.stop()
    return {"unlock_screen_s": unlock_screen, "home_after_pin_s": home, **timings}


def ms(value, width: int) -> str:
    return (f"{value:.0f}" if value is not None else "-").rjust(width)


def open_report(chromium, tmp: Path, url: str, runs: int) -> dict:
    print(
        f"\n## Offline open: a new browser process, no network, CPU slowed {CPU_SLOWDOWN}× "
        f"({runs} runs)"
    )
    phone = Phone(chromium, tmp / "profile", url)
    set_up_phone(phone)
    print(
        "run  PIN screen ms  FCP ms  SW start ms  response ms  DOMContentLoaded ms  "
        "load ms  PIN→home ms"
    )
    results = []
    for i in range(runs):
        r = cold_offline_open(phone)
        results.append(r)
        print(
            f"{i + 1:3d}  {ms(r['unlock_screen_s'] * 1000, 13)}  {ms(r['fcp'], 6)}  "
            f"{ms(r['worker_start'], 11)}  {ms(r['response_end'], 11)}  "
            f"{ms(r['dom_content_loaded'], 19)}  {ms(r['load'], 7)}  "
            f"{ms(r['home_after_pin_s'] * 1000, 11)}"
        )
    if phone.errors:
        print("page errors:", *sorted(set(phone.errors)), sep="\n  ")
    screen = [r["unlock_screen_s"] for r in results]
    home = [r["home_after_pin_s"] for r in results]
    fcp = [r["fcp"] for r in results if r["fcp"] is not None]
    median = statistics.median(screen)
    print(
        f"PIN screen usable: median {median * 1000:.0f} ms, max {max(screen) * 1000:.0f} ms  "
        f"(target median < {OPEN_BUDGET_S * 1000:.0f} ms)  {verdict(median < OPEN_BUDGET_S)}"
    )
    if fcp:
        print(f"first-contentful-paint: median {statistics.median(fcp):.0f} ms")
    print(
        f"home after the PIN (Argon2id 32 MiB): median {statistics.median(home) * 1000:.0f}"
        f" ms, max {max(home) * 1000:.0f} ms  (no target)"
    )
    return {
        "offline_runs": runs,
        "offline_cpu_slowdown": CPU_SLOWDOWN,
        "offline_pin_screen_ms_median": round(median * 1000),
        "offline_pin_screen_ms_max": round(max(screen) * 1000),
        "offline_pin_screen_ms_all": [round(s * 1000) for s in screen],
        "offline_pin_screen_target_ms": round(OPEN_BUDGET_S * 1000),
        "offline_pin_screen_pass": median < OPEN_BUDGET_S,
        "offline_fcp_ms_median": round(statistics.median(fcp)) if fcp else None,
        "offline_home_after_pin_ms_median": round(statistics.median(home) * 1000),
        "offline_home_after_pin_ms_max": round(max(home) * 1000),
        "offline_from_service_worker": True,
    }


# -- Lighthouse -------------------------------------------------------------------------------


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        print("# installing Lighthouse into bench/node_modules (npm install --no-save)", flush=True)
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=BENCH,
            check=True,
        )


def lighthouse_once(url: str, out: Path) -> dict:
    flags = "--headless=new --no-sandbox " + " ".join(CHROMIUM_ARGS)
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url + "/",
            f"--chrome-flags={flags}",
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        timeout=300,
    )
    return json.loads(out.read_text())


METRICS = {
    "first-contentful-paint": ("FCP", "ms"),
    "largest-contentful-paint": ("LCP", "ms"),
    "total-blocking-time": ("TBT", "ms"),
    "cumulative-layout-shift": ("CLS", ""),
    "speed-index": ("Speed Index", "ms"),
}


def detail_lines(details: dict) -> list[str]:
    """What an audit's details name: elements (selector, snippet, why) or URLs (savings)."""
    lines: list[str] = []
    if details.get("type") == "list":
        for sub in details.get("items") or []:
            if isinstance(sub, dict) and sub.get("type") in ("table", "opportunity", "list"):
                lines += detail_lines(sub)
        return lines
    if details.get("type") not in ("table", "opportunity"):
        return lines
    for item in details.get("items") or []:
        node = item.get("node") or {}
        if node.get("type") == "node":
            lines.append(f"{node.get('selector')}  {node.get('snippet')}")
            for line in (node.get("explanation") or "").splitlines():
                lines.append(f"    {line}")
        elif item.get("url"):
            line = item["url"]
            if item.get("wastedBytes"):
                line += f"  (saves {item['wastedBytes'] / 1024:.0f} KiB"
                if item.get("totalBytes"):
                    line += f" of {item['totalBytes'] / 1024:.0f} KiB"
                line += ")"
            elif item.get("wastedMs"):
                line += f"  ({item['wastedMs']:.0f} ms)"
            lines.append(line)
            for sub in (item.get("subItems") or {}).get("items") or []:
                if sub.get("signal"):
                    where = sub.get("location") or {}
                    lines.append(
                        f"    {sub['signal']} (line {where.get('line')}, col {where.get('column')})"
                    )
    return lines


def failing(report: dict, category: str) -> list[dict]:
    """The category's audits that do not pass (performance: below 0.9), with what they name.
    The metrics themselves are printed above; Lighthouse's 'hidden' group repeats others."""
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        mode, score = audit.get("scoreDisplayMode"), audit.get("score")
        if ref["id"] in METRICS or ref.get("group") == "hidden":
            continue
        if mode in ("notApplicable", "manual", "informative") or score is None:
            continue
        if score >= (1 if category == "accessibility" else 0.9):
            continue
        savings = {k: v for k, v in (audit.get("metricSavings") or {}).items() if v}
        found.append(
            {
                "id": ref["id"],
                "title": audit["title"],
                "score": score,
                "display": audit.get("displayValue"),
                "savings": savings,
                "lines": detail_lines(audit.get("details") or {}),
            }
        )
    return found


def print_failing(title: str, audits: list[dict]) -> None:
    print(f"\n{title}: {len(audits) or 'none'}")
    for a in audits:
        extra = f" — {a['display']}" if a["display"] else ""
        if a["savings"]:
            extra += " (" + ", ".join(f"{k} {v:g}" for k, v in a["savings"].items()) + ")"
        print(f"- {a['id']} (score {a['score']}): {a['title']}{extra}")
        for line in a["lines"][:20]:
            print(f"    {line}")


def lighthouse_report(url: str, tmp: Path) -> dict:
    ensure_lighthouse()
    version = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(
        f"\n## Lighthouse {version}, mobile preset (simulated slow 4G, CPU 4×), "
        f"{LIGHTHOUSE_RUNS} runs on a fresh profile (the login screen)"
    )
    names = [name for name, _ in METRICS.values()]
    print(f"run  performance  accessibility  {'  '.join(n.rjust(6) for n in names)}")
    reports = []
    for i in range(LIGHTHOUSE_RUNS):
        report = lighthouse_once(url, tmp / f"lh{i + 1}.json")
        reports.append(report)
        values = "  ".join(
            f"{report['audits'][k]['numericValue']:.{3 if unit == '' else 0}f}".rjust(
                max(6, len(name))
            )
            for k, (name, unit) in METRICS.items()
        )
        print(
            f"{i + 1:3d}  {score(report, 'performance'):11d}  "
            f"{score(report, 'accessibility'):13d}  {values}"
        )
    ordered = sorted(reports, key=lambda r: score(r, "performance"))
    middle = ordered[len(ordered) // 2]
    performance = score(middle, "performance")
    accessibility = round(statistics.median(score(r, "accessibility") for r in reports))
    print(
        f"performance (median): {performance}  (target ≥ {LIGHTHOUSE_TARGET})  "
        f"{verdict(performance >= LIGHTHOUSE_TARGET)}"
    )
    print(
        f"accessibility (median): {accessibility}  (target ≥ {LIGHTHOUSE_TARGET})  "
        f"{verdict(accessibility >= LIGHTHOUSE_TARGET)}"
    )
    print(
        "metrics of the median run (Lighthouse's score for each):",
        ", ".join(
            f"{name} {middle['audits'][k]['displayValue']} ({middle['audits'][k]['score']:.2f})"
            for k, (name, _) in METRICS.items()
        ),
    )
    # An audit failing in any run is worth knowing: the union, by id, from the first run
    # that failed it.
    a11y: dict[str, dict] = {}
    perf: dict[str, dict] = {}
    for report in reports:
        for a in failing(report, "accessibility"):
            a11y.setdefault(a["id"], a)
        for a in failing(report, "performance"):
            perf.setdefault(a["id"], a)
    print_failing("accessibility audits failing", list(a11y.values()))
    print_failing("performance audits below 0.9", list(perf.values()))
    if "uses-text-compression" in perf:
        print(
            "note: this is Flask's own server, which compresses nothing; Lighthouse's slow 4G"
            " then carries the raw JS (a compressing front such as nginx would gzip it)"
        )
    return {
        "lighthouse_version": version,
        "lighthouse_runs": LIGHTHOUSE_RUNS,
        "lighthouse_performance_median": performance,
        "lighthouse_performance_all": [score(r, "performance") for r in reports],
        "lighthouse_accessibility": accessibility,
        "lighthouse_target": LIGHTHOUSE_TARGET,
        "lighthouse_performance_pass": performance >= LIGHTHOUSE_TARGET,
        "lighthouse_accessibility_pass": accessibility >= LIGHTHOUSE_TARGET,
        "lighthouse_metrics": {
            name: round(middle["audits"][k]["numericValue"], 3 if unit == "" else None)
            for k, (name, unit) in METRICS.items()
        },
        "lighthouse_accessibility_failing": sorted(a11y),
        "lighthouse_performance_failing": sorted(perf),
    }


CONSOLE_USER = "hb_dispatch"
CONSOLE_ROUTES = {"inbox": "#/console", "map": "#/map", "dashboard": "#/dashboard"}


def console_lighthouse_report(url: str, tmp: Path) -> dict:
    print(
        f"\n## Lighthouse, desktop preset, the console as {CONSOLE_USER} opens it (logged in, "
        f"storage kept), {LIGHTHOUSE_RUNS} runs"
    )
    flags = " ".join(CHROMIUM_ARGS)
    runs: list[dict[str, dict]] = []
    for i in range(LIGHTHOUSE_RUNS):
        out = tmp / f"console{i + 1}"
        out.mkdir()
        subprocess.run(
            [
                "node",
                str(BENCH / "lighthouse_console.mjs"),
                *(url, CONSOLE_USER, PASSWORD, str(out)),
                *CONSOLE_ROUTES.values(),
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM, "CHROME_FLAGS": flags},
            check=True,
            timeout=600,
        )
        runs.append(
            {
                name: json.loads((out / f"console-{route.strip('#/')}.json").read_text())
                for name, route in CONSOLE_ROUTES.items()
            }
        )
    print("screen     performance (runs)  accessibility (runs)")
    figures: dict = {}
    for name in CONSOLE_ROUTES:
        perf = [score(r[name], "performance") for r in runs]
        a11y = [score(r[name], "accessibility") for r in runs]
        print(f"{name:10s} {perf!s:19s} {a11y}")
        medians = round(statistics.median(perf)), round(statistics.median(a11y))
        figures[name] = {
            "performance_median": medians[0],
            "accessibility_median": medians[1],
            "performance_all": perf,
            "accessibility_all": a11y,
        }
        print(
            f"{name}: performance (median) {medians[0]}, accessibility (median) {medians[1]}  "
            f"(target ≥ {LIGHTHOUSE_TARGET})  {verdict(min(medians) >= LIGHTHOUSE_TARGET)}"
        )
        a11y_failing: dict[str, dict] = {}
        for r in runs:
            for a in failing(r[name], "accessibility"):
                a11y_failing.setdefault(a["id"], a)
        print_failing(f"{name}: accessibility audits failing", list(a11y_failing.values()))
        figures[name]["accessibility_failing"] = sorted(a11y_failing)
        middle = sorted(runs, key=lambda r: score(r[name], "performance"))[len(runs) // 2][name]
        print(
            f"{name}: metrics of the median run:",
            ", ".join(
                f"{label} {middle['audits'][k]['displayValue']}"
                for k, (label, _) in METRICS.items()
            ),
        )
        print_failing(f"{name}: performance audits below 0.9", failing(middle, "performance"))
    return {"console_lighthouse": figures}


def score(report: dict, category: str) -> int:
    return round((report["categories"][category]["score"] or 0) * 100)


# -- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold offline opens (default 7)")
    parser.add_argument("--skip-lighthouse", action="store_true", help="no Lighthouse runs")
    args = parser.parse_args()
    os.environ.setdefault("FIELDCASE_LOG_LEVEL", "WARNING")  # access lines would bury the figures
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"no Chromium at {CHROMIUM}: apt-get install chromium")

    from playwright.sync_api import sync_playwright

    ensure_built()
    tmp = Path(tempfile.mkdtemp(prefix="fieldcase-pwa-bench-"))
    server = None
    try:
        dist = snapshot(tmp)
        print(
            f"# fieldcase PWA bench — {platform.node()}, {cpu_model()}, {os.cpu_count()} cores, "
            f"{chromium_version()}, Python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        figures = size_report(dist)
        server, url = start_app(tmp, dist)
        with sync_playwright() as p:
            figures |= open_report(p.chromium, tmp, url, args.runs)
        if not args.skip_lighthouse:
            figures |= lighthouse_report(url, tmp)
            figures |= console_lighthouse_report(url, tmp)
        print("\n## All figures (JSON)")
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if server is not None:
            server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
