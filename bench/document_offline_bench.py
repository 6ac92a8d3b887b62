#!/usr/bin/env python3
"""The phone's time to make an enforcement document offline, on a slow phone: Debian's
Chromium with the CPU slowed 4× (CDP ``Emulation.setCPUThrottlingRate``).

    .venv/bin/python bench/document_offline_bench.py [--runs N]

For each kind, the test document (``tests/server/test_documents.py``'s ``sample``, as the
phone holds it: ISO times, signature PNGs as data URLs) is composed from the declarations the
workflow export carries and laid out as its HTML page by ``pwa/src/documents.js``, loaded as
it is in the source tree (an import map names ``qrcode-generator``): the median and p95 (ms)
of N runs of ``compose`` + ``documentHtml`` (what issuing offline computes), and of the page
shown in an iframe until it has loaded (what the officer waits for before printing). A
Python section, not a Node script, because the tests' Chromium is driven by Playwright from
Python here (``tests/conftest.py``). Everything runs on loopback and stops by itself.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import platform
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from sync.workflow import export  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.server.document_cases_kit import sample  # noqa: E402
from tests.vectors.make_vectors import _json  # noqa: E402

CPU_SLOWDOWN = 4
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{"imports": {"qrcode-generator":
  "/node_modules/qrcode-generator/dist/qrcode.mjs"}}</script></head><body>
<script type="module">
import { compose, documentHtml } from '/src/documents.js';
window.documents = { compose, documentHtml };
window.ready = true;
</script></body></html>"""

# In the page: N runs of one kind, each composed and written (and, separately, shown).
MEASURE = """async ([kind, data, spec, runs]) => {
  const { compose, documentHtml } = window.documents;
  const made = [], shown = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const html = documentHtml(compose(kind, data, spec), { paper: 'A4' });
    made.push(performance.now() - t0);
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width:800px;height:1100px';
    const loaded = new Promise((r) => (frame.onload = r));
    const t1 = performance.now();
    frame.srcdoc = html;
    document.body.append(frame);
    await loaded;
    frame.contentDocument.body.getBoundingClientRect();
    shown.push(performance.now() - t1 + made[i]);
    frame.remove();
  }
  return { made, shown };
}"""


def serve(folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/bench.html":
                body = PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    handler = functools.partial(Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    spec = export()["documents"]
    url, server = serve(ROOT / "pwa")
    figures = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(
                f"{platform.processor() or platform.machine()}, {browser.version}, "
                f"CPU slowed {CPU_SLOWDOWN}×, {args.runs} runs a kind"
            )
            page = browser.new_page()
            page.goto(f"{url}/bench.html")
            page.wait_for_function("window.ready === true")
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            print(
                f"{'kind':<26}{'compose+html median':>20}{'p95':>9}{'shown median':>15}{'p95':>9}"
            )
            for kind in sorted(spec["kinds"]):
                data = _json(sample(kind))
                page.evaluate(MEASURE, [kind, data, spec, 2])  # warm: parse, JIT
                out = page.evaluate(MEASURE, [kind, data, spec, args.runs])
                made, shown = out["made"], out["shown"]
                figures[kind] = {
                    "made_median_ms": round(statistics.median(made), 2),
                    "made_p95_ms": round(p95(made), 2),
                    "shown_median_ms": round(statistics.median(shown), 1),
                    "shown_p95_ms": round(p95(shown), 1),
                }
                f = figures[kind]
                print(
                    f"{kind:<26}{f['made_median_ms']:>17.2f} ms{f['made_p95_ms']:>6.2f} ms"
                    f"{f['shown_median_ms']:>12.1f} ms{f['shown_p95_ms']:>6.1f} ms"
                )
            browser.close()
    finally:
        server.shutdown()
    print(json.dumps({"cpu_slowdown": CPU_SLOWDOWN, "runs": args.runs, "kinds": figures}))


if __name__ == "__main__":
    main()
