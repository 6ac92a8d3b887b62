#!/usr/bin/env python3
"""Evidence photos: the server's processing time per 12-megapixel photo, and upload throughput
through the real server (gunicorn) with tus, on SQLite and the local media folder.

    .venv/bin/python bench/evidence_bench.py [--photos N] [--chunk BYTES] [--workers N] [--quick]

Prints the machine and the settings, then:

- processing per photo, in this process: the pipeline a finished upload goes through
  (``open_verified``: the full verifying decode, all a phone waits for), then what the first
  view of each copy costs (display copy, thumbnail, watermarked print copy, each decoded from
  the original at the scale it needs), median and p95 per stage, in ms;
- uploads, one phone at a time on loopback, each photo's evidence record pushed first and
  then sent with tus in chunks, timed from the POST to the last answer (so the server's
  verification is in it): with plain ``requests`` (per-request breakdown), with
  the ``tuspy`` client, the same bytes sent by another township's grid worker (the server must
  receive them again), and the same bytes declared again by their sender (held: nothing to
  send), with the ratio of the two.

Photos are made like the tests' (``tests/server/evidence_kit.phone_photo``): 4000 × 3000 JPEG,
quality 90, with a phone's EXIF, noise so they weigh what a phone's do (3–4 MB). Everything
runs on loopback, in a temporary folder, and stops by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import io
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import PIL  # noqa: E402
import requests  # noqa: E402
from PIL import features  # noqa: E402
from sync_bench import free_port, pct  # noqa: E402
from tusclient import client as tus_client  # noqa: E402
from tusclient.exceptions import TusCommunicationError  # noqa: E402

from server.evidence import images  # noqa: E402
from tests.server.evidence_kit import (  # noqa: E402
    SHOT_AT,
    TUS,
    UPLOADS,
    WHERE,
    evidence_mutation,
    metadata,
    phone_photo,
    sha,
)
from tests.server.sync_kit import PUSH  # noqa: E402

WIDTH, HEIGHT, QUALITY = 4000, 3000, 90
DEMO_PASSWORD = "fieldcase-demo"
MAX_PIXELS = 64_000_000  # the server's default IMAGE_MAX_PIXELS
BEIJING = dt.timezone(dt.timedelta(hours=8))  # the default EXIF_DEFAULT_UTC_OFFSET_MINUTES
MB = 1_000_000


class ServerError(Exception):
    """The server answered something a working server would not."""


def expect(response: requests.Response, *statuses: int) -> requests.Response:
    if response.status_code not in statuses:
        request = response.request
        raise ServerError(
            f"{request.method} {request.url}: {response.status_code} "
            f"(expected {', '.join(map(str, statuses))})\n"
            f"  headers: {dict(response.headers)}\n  body: {response.text[:1000]!r}"
        )
    return response


# -- the machine ------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


# -- processing in this process ---------------------------------------------------------------


def make_photos(seeds: range) -> list[bytes]:
    photos = [phone_photo(WIDTH, HEIGHT, seed=s, quality=QUALITY) for s in seeds]
    assert len({sha(p) for p in photos}) == len(photos), "photos must be distinct"
    return photos


def watermark_lines(photo: bytes) -> list[str]:
    """Lines like ``service.watermark_lines`` writes (time, place, who, codes, hash)."""
    return [
        f"拍摄时间 {SHOT_AT.astimezone(BEIJING):%Y-%m-%d %H:%M:%S} (北京时间，设备时钟)",
        f"地点 {WHERE[0]:.6f}, {WHERE[1]:.6f} ±6米 北二村村东稻田",
        "采集人 网格员 徐秀英",
        f"线索编号 XS-330802101-2026-00012  证据 {uuid.uuid4().hex[:8]}",
        f"SHA-256 {sha(photo)}",
    ]


def process(photo: bytes, font: str) -> dict[str, float]:
    """One photo through the server's pipeline; seconds per stage."""
    lines = watermark_lines(photo)
    t0 = time.perf_counter()
    verified = images.open_verified(
        io.BytesIO(photo), "image/jpeg", max_pixels=MAX_PIXELS, default_offset=BEIJING
    )
    t1 = time.perf_counter()
    stages = {"verify": t1 - t0}
    del verified
    for variant, (side, quality) in images.COPIES.items():
        t = time.perf_counter()
        images.jpeg(images.upright(io.BytesIO(photo), side), quality)
        stages[variant] = time.perf_counter() - t
    t = time.perf_counter()
    images.print_copy(images.upright(io.BytesIO(photo), images.PRINT_SIDE), lines, font)
    stages["print"] = time.perf_counter() - t
    # Part of the verification, timed on its own: the walk to the JPEG's end (polyglots).
    trailing = getattr(images, "_refuse_trailing_data", None)
    if trailing is not None:
        t = time.perf_counter()
        trailing(io.BytesIO(photo), "image/jpeg")
        stages["trailing"] = time.perf_counter() - t
    return stages


# -- the server -------------------------------------------------------------------------------


def seed_demo(env: dict) -> dict[str, list[str]]:
    """Migrate and load the demo county; grid workers' usernames by township prefix."""
    flask = [sys.executable, "-m", "flask", "--app", "server"]
    try:
        subprocess.run(
            [*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        out = subprocess.run(
            [*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    except subprocess.CalledProcessError as error:
        raise ServerError(
            f"{' '.join(error.cmd[2:])}: exit {error.returncode}\n{error.stderr!s:.3000}"
        ) from None
    grid: dict[str, list[str]] = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) >= 2 and words[1] == "grid_worker":
            grid.setdefault(words[0].split("_")[0], []).append(words[0])
    if len(grid) < 2:
        raise ServerError(f"seed-demo printed fewer than two townships' grid workers:\n{out}")
    return grid


class Phone:
    """One grid worker's phone: a keep-alive session with its bearer token."""

    def __init__(self, base: str, username: str):
        self.base, self.username = base, username
        self.http = requests.Session()
        body = expect(
            self.http.post(
                base + "/api/v1/auth/login",
                json={
                    "username": username,
                    "password": DEMO_PASSWORD,
                    "device_id": str(uuid.uuid4()),
                    "device_name": "evidence bench",
                },
            ),
            200,
        ).json()
        self.token = body["access_token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def clues(self) -> list[str]:
        """His own clues still in the loop (any he can see if none)."""
        answer = expect(self.http.get(self.base + "/api/v1/clues", params={"mine": "true"}), 200)
        clues = answer.json()
        if not clues:
            clues = expect(self.http.get(self.base + "/api/v1/clues"), 200).json()
        live = [c for c in clues if c.get("status") not in ("withdrawn", "rejected", "closed")]
        ids = [c["id"] for c in live or clues]
        if not ids:
            raise ServerError(f"{self.username} sees no clue: {answer.text[:300]!r}")
        return ids

    def push_evidence(self, clue_id: str, photo: bytes) -> tuple[str, float]:
        mutation = evidence_mutation(clue_id, photo)
        body = {"device_now": dt.datetime.now(dt.UTC).isoformat(), "mutations": [mutation]}
        start = time.perf_counter()
        response = expect(self.http.post(self.base + PUSH, json=body), 200)
        elapsed = time.perf_counter() - start
        [result] = response.json()["results"]
        if result.get("outcome") != "applied":
            raise ServerError(f"POST {PUSH}: evidence record not applied: {result}")
        return mutation["record_id"], elapsed


@dataclass
class Sent:
    """One photo's upload: seconds from the POST to the last answer, and its parts."""

    size: int
    push: float
    total: float
    post: float = 0.0
    patches: list[tuple[int, float]] = field(default_factory=list)  # (bytes, seconds)


def upload_plain(phone: Phone, evidence_id: str, data: bytes, chunk: int) -> Sent:
    """tus by hand with ``requests``: POST, then PATCH chunk after chunk."""
    start = time.perf_counter()
    created = expect(
        phone.http.post(
            phone.base + UPLOADS,
            headers={
                **TUS,
                "Upload-Length": str(len(data)),
                "Upload-Metadata": metadata(evidence_id=evidence_id, sha256=sha(data)),
            },
        ),
        201,
    )
    sent = Sent(len(data), 0.0, 0.0, post=time.perf_counter() - start)
    # A path unless the server is told its public origin: resolve it as a tus client does.
    location = urllib.parse.urljoin(phone.base + UPLOADS, created.headers["Location"])
    offset = int(created.headers["Upload-Offset"])
    while offset < len(data):
        body = data[offset : offset + chunk]
        t = time.perf_counter()
        try:
            answer = expect(
                phone.http.patch(
                    location,
                    data=body,
                    headers={
                        **TUS,
                        "Upload-Offset": str(offset),
                        "Content-Type": "application/offset+octet-stream",
                    },
                ),
                204,
            )
        except ServerError as error:
            which = "the last chunk" if offset + len(body) == len(data) else "not the last"
            raise ServerError(
                f"PATCH at offset {offset} of {len(data)}, {len(body)} bytes ({which}), "
                f"after {len(sent.patches)} PATCH(es) answered 204: {error}"
            ) from None
        sent.patches.append((len(body), time.perf_counter() - t))
        offset = int(answer.headers["Upload-Offset"])
    sent.total = time.perf_counter() - start
    if offset != len(data):
        raise ServerError(f"upload ended at offset {offset} of {len(data)}")
    return sent


def upload_tuspy(phone: Phone, evidence_id: str, data: bytes, chunk: int) -> Sent:
    """The same with the tuspy client (a new connection per request, as it does)."""
    start = time.perf_counter()
    tus = tus_client.TusClient(
        phone.base + UPLOADS, headers={"Authorization": f"Bearer {phone.token}"}
    )
    uploader = tus.uploader(
        file_stream=io.BytesIO(data),
        chunk_size=chunk,
        metadata={"evidence_id": evidence_id, "sha256": sha(data)},
    )
    try:
        uploader.upload()
    except TusCommunicationError as error:  # TusUploadFailed too
        raise ServerError(
            f"tuspy upload to {uploader.url or UPLOADS}, at offset {uploader.offset} of "
            f"{len(data)} (chunk {chunk}): {error.status_code} "
            f"{(error.response_content or b'')[:1000]!r}"
        ) from None
    sent = Sent(len(data), 0.0, time.perf_counter() - start)
    if uploader.offset != len(data):
        raise ServerError(f"tuspy upload ended at offset {uploader.offset} of {len(data)}")
    return sent


def run(phone: Phone, clues: list[str], photos: list[bytes], send, chunk: int) -> list[Sent]:
    results = []
    for i, photo in enumerate(photos):
        try:
            evidence_id, push_s = phone.push_evidence(clues[i % len(clues)], photo)
            sent = send(phone, evidence_id, photo, chunk)
        except ServerError as error:
            raise ServerError(
                f"{phone.username}, photo {i + 1} of {len(photos)} ({len(photo)} bytes): {error}"
            ) from None
        sent.push = push_s
        results.append(sent)
    return results


def report_run(name: str, results: list[Sent]) -> tuple[float, float]:
    totals = [r.total for r in results]
    size = sum(r.size for r in results)
    rate = size / MB / sum(totals)
    print(
        f"{name:<44} {len(results):6d}  {statistics.median(totals):8.3f}  {pct(totals, 95):6.3f}"
        f"  {rate:9.1f}  {statistics.median(r.push for r in results) * 1000:8.0f}"
    )
    return statistics.median(totals), rate


def report_parts(name: str, results: list[Sent]) -> None:
    """For the hand-made uploads: POST, the PATCHes before the last (the bytes going in,
    each piece stored and its offset committed), and the last PATCH (last chunk, then the
    hash, verification and storing)."""
    post = [r.post for r in results]
    early = [p for r in results for p in r.patches[:-1]]
    last = [r.patches[-1][1] for r in results if r.patches]
    line = f"{name:<44} POST median {statistics.median(post) * 1000:5.1f} ms"
    if early:
        moved = sum(b for b, _ in early) / MB / sum(s for _, s in early)
        per = [s * 1000 for _, s in early]
        line += (
            f" | PATCH before last: {moved:6.1f} MB/s, median {statistics.median(per):5.1f} ms"
            f" per chunk"
        )
    if last:
        line += f" | last PATCH median {statistics.median(last):6.3f} s, p95 {pct(last, 95):6.3f} s"
    print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, help="photos per run (default 10, --quick 3)")
    parser.add_argument("--chunk", type=int, default=1024 * 1024, help="tus chunk, bytes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--quick", action="store_true", help="a smaller run (smoke test)")
    args = parser.parse_args()
    n = args.photos or (3 if args.quick else 10)

    font = images.cjk_font_path(os.environ.get("FIELDCASE_WATERMARK_FONT") or None)
    jpeg = (
        f"libjpeg-turbo {features.version('libjpeg_turbo')}"
        if features.check_feature("libjpeg_turbo")
        else f"libjpeg {features.version('jpg')}"
    )
    print(
        f"# fieldcase evidence bench — {platform.node()}, {os.cpu_count()} cores "
        f"({cpu_model()}), Python {platform.python_version()}, Pillow {PIL.__version__} "
        f"({jpeg}), gunicorn {version('gunicorn')}, tuspy {version('tuspy')}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at start"
    )

    start = time.perf_counter()
    photos = make_photos(range(1, n + 1))
    others = make_photos(range(1001, 1001 + n))  # for the tuspy run: new bytes again
    made = time.perf_counter() - start
    sizes = [len(p) / MB for p in photos + others]
    middleware = ""
    print(
        f"settings: {n} photos per run, {WIDTH}×{HEIGHT} JPEG q{QUALITY} with phone EXIF "
        f"(orientation 6, GPS, time), {min(sizes):.2f}–{max(sizes):.2f} MB "
        f"(median {statistics.median(sizes):.2f}), {2 * n} made in {made:.1f} s; "
        f"tus chunk {args.chunk} bytes; gunicorn {args.workers} sync workers"
        f"{middleware}; "
        f"SQLite (WAL) and local media folder under {tempfile.gettempdir()}; "
        f"watermark font {font}"
    )

    print(f"\n## Processing per {WIDTH * HEIGHT / 1e6:.0f}-megapixel photo, in process")
    process(photos[0], font)  # warm-up (imports, font file in the page cache), not counted
    timings = [process(p, font) for p in photos]
    print("stage                                     median ms   p95 ms")
    for key, label in (
        ("verify", "open_verified (verifying decode + EXIF)"),
        ("trailing", "  of which: walk to the JPEG's end"),
        ("display", "first view: display copy (1600)"),
        ("thumb", "first view: thumbnail (320)"),
        ("print", "first view: print copy (2048, watermark)"),
    ):
        values = [t[key] * 1000 for t in timings if key in t]
        if values:
            print(f"{label:<41} {statistics.median(values):9.0f} {pct(values, 95):8.0f}")
    print("(the walk to the JPEG's end is part of open_verified, timed again on its own)")

    tmp = Path(tempfile.mkdtemp(prefix="fieldcase-evidence-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FIELDCASE_LOG_LEVEL": "WARNING",  # the app's access lines would bury the figures
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "FIELDCASE_SECRET_KEY": uuid.uuid4().hex * 2,
        "FIELDCASE_MEDIA_ROOT": str(tmp / "media"),
        "FIELDCASE_LOGIN_RATE_LIMIT": "10000 per minute",
        "FIELDCASE_LOGIN_USER_RATE_LIMIT": "10000 per minute",
        "FIELDCASE_ACCESS_TOKEN_TTL_SECONDS": "3600",
    }
    server = None
    stderr_path = tmp / "gunicorn.stderr"
    failures: list[tuple[str, str]] = []
    target = ["server:create_app()"]
    try:
        grid = seed_demo(env)
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        with stderr_path.open("wb") as stderr:
            server = subprocess.Popen(
                [
                    gunicorn,
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--timeout",
                    "120",
                    "--log-level",
                    "warning",
                    *target,
                ],
                cwd=ROOT,
                env=env,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
            )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        towns = sorted(grid)
        sender = Phone(base, grid[towns[0]][0])
        stranger = Phone(base, grid[towns[1]][0])
        own, foreign = sender.clues(), stranger.clues()

        print(
            f"\n## Uploads through gunicorn, one phone at a time (record pushed, then tus;"
            f" {sender.username} of one township, {stranger.username} of the other)"
        )
        print(
            f"{'run (time from tus POST to the last answer)':<44} photos  median s   p95 s"
            f"       MB/s  push ms"
        )

        def attempt(label, phone, clues, batch, send):
            try:
                results = run(phone, clues, batch, send, args.chunk)
            except ServerError as error:
                failures.append((label, str(error)))
                print(f"{label:<44} FAILED (below)")
                return None, (0.0, 0.0)
            return results, report_run(label, results)

        a, (a_median, a_rate) = attempt(
            f"A. new photos, requests ({sender.username})", sender, own, photos, upload_plain
        )
        attempt(f"B. new photos, tuspy ({sender.username})", sender, own, others, upload_tuspy)
        c, _ = attempt(
            f"C. A's bytes, another township ({stranger.username})",
            stranger,
            foreign,
            photos,
            upload_plain,
        )
        # The same bytes on a second record of each clue (the next clue along): held.
        d, (d_median, d_rate) = attempt(
            f"D. A's bytes again, same user ({sender.username})",
            sender,
            own[1:] + own[:1],
            photos,
            upload_plain,
        )
        print("MB/s: the photos' bytes over the summed upload times (MB = 10^6 bytes)")

        parts = [
            (label, results)
            for label, results in (
                ("A. new photos", a),
                ("C. A's bytes, another township", c),
                ("D. A's bytes again, same user", d),
            )
            if results
        ]
        if parts:
            print("\nwhere the time goes (plain requests, keep-alive):")
            for name, results in parts:
                report_parts(name, results)
        if a and d:
            print(
                f"\nupload incl. processing (A) median {a_median:.3f} s, {a_rate:.1f} MB/s; "
                f"re-upload of known bytes (D) median {d_median * 1000:.1f} ms, "
                f"{d_rate:.0f} MB/s; ratio A/D {a_median / d_median:.0f}×"
            )
    except ServerError as error:
        failures.append(("setup", str(error)))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log = stderr_path.read_text(errors="replace") if stderr_path.exists() else ""
        lines = log.splitlines()
        print(f"\nserver stderr (log level warning): {len(lines)} lines" + (":" if lines else ""))
        if lines:
            print("\n".join(lines[-60:]))
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("\n## SERVER MISBEHAVED")
        for label, error in failures:
            print(f"{label}: {error}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
