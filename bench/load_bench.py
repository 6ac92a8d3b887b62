#!/usr/bin/env python3
"""A shift start in a county, through the production stack: every grid worker's phone logs
in, pulls its jurisdiction, pushes its outbox (clues and evidence records) and sends the
photos by tus, then pulls again. Real nginx (TLS) in front of gunicorn instances, on
PostgreSQL, on loopback (``tests/nginx/stack.py``).

    .venv/bin/python bench/load_bench.py [--devices 500] [--records 20] [--photos 10]
        [--batch-size 100] [--instances 2] [--workers 2] [--upload-instances 1]
        [--upload-workers 2] [--upload-nice 10] [--pull-instances 1] [--pull-workers 2]
        [--pull-nice 5] [--ramp 60] [--concurrency 0]
        [--phased] [--own-grids] [--database-url URL] [--password-hash METHOD] [--quick]

Before the clock starts it makes a fresh PostgreSQL database on 127.0.0.1:5432 (dropped at
the end; ``--database-url`` names an empty one instead, SQLite allowed with a warning), loads
the demo county, adds one grid worker per device, spread over the demo's 7 grid units (or,
``--own-grids``, each in a grid of his own), with passwords hashed by ``--password-hash``
(the stored hash decides what a login costs: the tests' cheap scrypt unless told), and builds
every outbox: ``--records`` records, ``--photos`` of them evidence records with a real JPEG
each (1280 × 960, 80–150 kB, a phone's EXIF; each photo's EXIF is its own, so are its bytes
and hash: the server's deduplication gives nothing away).

Each device is a keep-alive TLS connection (aiohttp, HTTP/1.1) from its own loopback address
(127.0.0.2, 127.0.0.3, …), so nginx's login limit per address and the app's see one phone
each, as in the field. Devices arrive evenly over ``--ramp`` seconds, at most
``--concurrency`` in flight (0: no cap); ``--phased`` instead lets every device finish a
phase before any starts the next, so each phase is measured alone. A device's phases:

  login        POST /auth/login
  pull         GET /sync/pull from no cursor, page by page (its jurisdiction, cold)
  push         POST /sync/push, its outbox in batches of ``--batch-size`` (the app's 100)
  upload       per photo POST /uploads, then PATCH in 256 KiB chunks (the app's); the last
               chunk is answered once the server has verified the photo and made its copies
  final pull   GET /sync/pull from its cursor: its records must be there, its photos held

Prints the machine, the versions and the configuration; per phase the requests, errors by
status, throughput and latency p50/p95/p99/max as the phones saw it (photos also POST to last
answer); the time each kind of request spent inside a worker (the app's access log: the rest
is queueing); where the CPU went (app, PostgreSQL, nginx, this client, anything else running);
then checks the database and the store (every pushed clue and evidence record exactly once,
every photo held, the audit chain intact) and the logs. The last line is every figure as
JSON. Everything runs on loopback in a temporary folder and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import os
import platform
import random
import resource
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import aiohttp  # noqa: E402  (tuspy's dependency; httpx is not installed)
import sqlalchemy as sa  # noqa: E402
from evidence_bench import cpu_model, version  # noqa: E402
from PIL import ExifTags, Image, TiffImagePlugin  # noqa: E402
from sync_bench import pct  # noqa: E402

from tests.nginx.stack import NGINX, Stack  # noqa: E402
from tests.server.evidence_kit import TUS, evidence_mutation, metadata  # noqa: E402

PASSWORD = "load-bench-password"
FAST_HASH = "scrypt:1024:8:1"  # what the tests use; production keeps werkzeug's "scrypt"
CHUNK = 256 * 1024  # pwa/src/sync.js
APP_BATCH = 100  # pwa/src/sync.js
PAGE = 500  # the pull's default page
BEIJING = dt.timezone(dt.timedelta(hours=8))
API = "/api/v1"
PHASES = ("login", "pull", "push", "upload", "final pull")


# -- the world ---------------------------------------------------------------------------------


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = "fc_load_" + uuid.uuid4().hex[:12]
    admin = sa.make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, admin.set(database=name).render_as_string(hide_password=False)


def drop_postgres(admin_url: str, name: str) -> None:
    import psycopg

    admin = sa.make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(database_url: str, media: Path, password_hash: str):
    from server import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MEDIA_ROOT": str(media),
            "SECRET_KEY": "load-bench-setup-" + uuid.uuid4().hex,
            "PASSWORD_HASH_METHOD": password_hash,
            "LOG_LEVEL": "WARNING",  # migrations and the seed talk at INFO
        }
    )


def setup_world(app, devices: int, own_grids: bool) -> list[dict]:
    """Migrate, load the demo county and add ``devices`` grid workers, spread round-robin
    over the demo's grid units, or (``own_grids``) each in a grid of his own under the
    demo's villages, made the way the demo makes its own. Returns who each is."""

    from server import demo
    from server.accounts import service
    from server.core import migrate
    from server.core.db import db
    from server.demo.data import TOWNSHIPS
    from server.units.models import AdminUnit, UnitLevel

    with app.app_context():
        migrate.upgrade()
        demo.seed()
        db.session.commit()
        grids = (
            db.session.execute(
                sa.select(AdminUnit)
                .where(AdminUnit.level == UnitLevel.GRID)
                .order_by(AdminUnit.code)
            )
            .scalars()
            .all()
        )
        towns = {t["code"]: t for t in TOWNSHIPS}
        villages = sorted({g.parent for g in grids}, key=lambda v: v.code)
        people = []
        for i in range(devices):
            grid = grids[i % len(grids)]
            if own_grids:
                village = villages[i % len(villages)]
                n = 100 + i // len(villages)  # after the demo's own grids (001, 002)
                grid = AdminUnit.create(
                    f"{village.code}{n:03d}", f"{village.name}第{n}网格", UnitLevel.GRID, village
                )
                db.session.add(grid)
                db.session.flush()
            service.create_user(
                username=f"load_grid{i:04d}",
                display_name=f"网格员 压测{i:04d}",
                password=PASSWORD,
                unit=grid,
                roles=["grid_worker"],
            )
            town = towns[grid.code[:9]]
            people.append(
                {"username": f"load_grid{i:04d}", "grid": grid.code, "township": town["code"]}
            )
            if i % 100 == 99:
                db.session.commit()
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:  # statistics, as autovacuum would have them
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        db.session.remove()
        db.engine.dispose()
    return people


def hash_cost(method: str) -> float:
    """Seconds one password check takes with ``method`` (what a login spends on it)."""
    from werkzeug.security import check_password_hash, generate_password_hash

    stored = generate_password_hash(PASSWORD, method=method)
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        check_password_hash(stored, PASSWORD)
        runs.append(time.perf_counter() - t)
    return min(runs)


# -- photos and outboxes -----------------------------------------------------------------------


def base_pictures(count: int) -> list[bytes]:
    """Pictures with a phone photo's texture (smooth shapes, sensor grain), JPEG-encoded
    once without EXIF; each photo adds its own EXIF segment to one of them."""
    out = []
    for seed in range(count):
        rng = random.Random(seed)
        w, h = 1280, 960
        image = Image.effect_noise((w // 16, h // 16), 60).convert("RGB").resize((w, h))
        tint = Image.new("RGB", (w, h), tuple(rng.randrange(60, 200) for _ in range(3)))
        image = Image.blend(image, tint, 0.5)
        image = Image.blend(image, Image.effect_noise((w, h), 12).convert("RGB"), 0.15)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=72 + seed % 17)
        out.append(buffer.getvalue())
    return out


def _dms(value: float) -> tuple:
    value = abs(value)
    d, m = int(value), int((value - int(value)) * 60)
    s = round(((value - d) * 60 - m) * 60 * 10000)
    r = TiffImagePlugin.IFDRational
    return (r(d, 1), r(m, 1), r(s, 10000))


def phone_photo(picture: bytes, unique: str, taken: dt.datetime, where: tuple) -> bytes:
    """``picture`` with a phone's EXIF (make, model, orientation 6, time with its offset,
    GPS) and a unique id, spliced in after the JFIF header: no re-encoding."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Model] = "HUAWEI nova 9"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.ImageUniqueID] = unique
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    local = taken.astimezone(BEIJING)
    sub[ExifTags.Base.DateTimeOriginal] = local.strftime("%Y:%m:%d %H:%M:%S")
    sub[ExifTags.Base.OffsetTimeOriginal] = "+08:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1], gps[2], gps[3], gps[4] = "N", _dms(where[0]), "E", _dms(where[1])
    raw = exif.tobytes()
    assert picture[2:4] == b"\xff\xe0", "a JFIF picture"
    end = 4 + int.from_bytes(picture[4:6], "big")
    return picture[:end] + b"\xff\xe1" + (len(raw) + 2).to_bytes(2, "big") + raw + picture[end:]


@dataclass
class Outbox:
    batches: list[bytes]  # push bodies
    mutations: int
    clue_ids: set[str]
    evidence_ids: set[str]
    photos: list[tuple[str, bytes, str]]  # (evidence id, bytes, sha256)


def build_outbox(person: dict, records: int, photos: int, rng, pictures, batch_size) -> Outbox:
    from server.demo.data import CLUE_STORIES, TOWNSHIPS

    town = next(t for t in TOWNSHIPS if t["code"] == person["township"])
    stories = [s for s in CLUE_STORIES if s[0] in town["empowered"]]
    now = dt.datetime.now(dt.UTC)
    clues = max(1, records - photos)
    mutations, clue_ids, evidence_ids, files = [], [], set(), []
    spots = []
    for _ in range(clues):
        matter, description, address = rng.choice(stories)
        seen = now - dt.timedelta(minutes=rng.uniform(20, 600))
        # A township is some 10 km across: spread so R8 links the occasional neighbour.
        lat = round(town["centre"][0] + rng.uniform(-0.05, 0.05), 6)
        lng = round(town["centre"][1] + rng.uniform(-0.05, 0.05), 6)
        clue_id = str(uuid.uuid4())
        clue_ids.append(clue_id)
        spots.append((lat, lng, seen))
        mutations.append(
            {
                "id": str(uuid.uuid4()),
                "record_type": "clue",
                "record_id": clue_id,
                "op": "create",
                "device_time": (seen + dt.timedelta(minutes=6)).isoformat(),
                "payload": {
                    "matter_code": matter,
                    "location": {
                        "lat": lat,
                        "lng": lng,
                        "accuracy_m": rng.choice([4.0, 6.0, 8.0, 12.0]),
                        "fix_time": seen.isoformat(),
                    },
                    "address": address,
                    "description": description,
                    "dissuasion": {
                        "done": True,
                        "result": rng.choice(["stopped", "refused"]),
                        "at": (seen + dt.timedelta(minutes=5)).isoformat(),
                    },
                },
            }
        )
    for k in range(photos if records > photos else records - 1):
        lat, lng, seen = spots[k % clues]
        evidence_id = uuid.uuid4()
        taken = seen + dt.timedelta(minutes=2)
        data = phone_photo(rng.choice(pictures), evidence_id.hex, taken, (lat, lng))
        m = evidence_mutation(
            clue_ids[k % clues],
            data,
            captured_at=taken,
            location=(lat, lng),
            evidence_id=evidence_id,
        )
        m["id"] = str(uuid.uuid4())
        mutations.append(m)
        evidence_ids.add(str(evidence_id))
        files.append((str(evidence_id), data, m["payload"]["original"]["sha256"]))
    bodies = [
        json.dumps(
            {"device_now": now.isoformat(), "mutations": mutations[i : i + batch_size]},
            ensure_ascii=False,
        ).encode()
        for i in range(0, len(mutations), batch_size)
    ]
    return Outbox(bodies, len(mutations), set(clue_ids), evidence_ids, files)


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Sample:
    phase: str
    kind: str
    started: float
    seconds: float
    label: str  # the status, or what went wrong
    ok: bool
    sent: int = 0


@dataclass
class Log:
    samples: list[Sample] = field(default_factory=list)
    photos: list[float] = field(default_factory=list)  # POST to last answer, per photo
    problems: Counter = field(default_factory=Counter)  # push outcomes, final pull checks
    examples: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0
    pulled: Counter = field(default_factory=Counter)  # records per pull phase

    def note(self, text: str) -> None:
        if len(self.examples) < 6:
            self.examples.append(text[:400])


class Failed(Exception):
    """The device cannot go on (no token, no outbox answer)."""


class Device:
    def __init__(self, n: int, person: dict, outbox: Outbox, base: str, tls, log: Log):
        self.n, self.person, self.outbox, self.base, self.log = n, person, outbox, base, log
        # Its own loopback address: 127.0.0.2, 127.0.0.3, … (Linux routes 127/8 to lo).
        a = n + 2
        self.address = f"127.{a >> 16 & 255}.{a >> 8 & 255}.{a & 255}"
        self.tls = tls
        self.http: aiohttp.ClientSession | None = None
        self.token = self.cursor = None
        self.failed = False

    async def open(self) -> None:
        connector = aiohttp.TCPConnector(
            ssl=self.tls, local_addr=(self.address, 0), limit=1, keepalive_timeout=120
        )
        self.http = aiohttp.ClientSession(
            connector=connector,
            trust_env=False,
            timeout=aiohttp.ClientTimeout(total=300),
        )

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()

    async def call(self, phase, kind, method, url, expect, *, body=None, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if not url.startswith("https://"):
            url = self.base + url
        started = time.perf_counter()
        try:
            async with self.http.request(method, url, data=body, headers=headers) as r:
                raw = await r.read()
                status, answer_headers = r.status, r.headers
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            took = time.perf_counter() - started
            self.log.samples.append(Sample(phase, kind, started, took, type(exc).__name__, False))
            self.log.note(f"{method} {url}: {exc!r}")
            raise Failed from exc
        took = time.perf_counter() - started
        ok = status in expect
        sent = len(body) if body else 0
        self.log.samples.append(Sample(phase, kind, started, took, str(status), ok, sent))
        if not ok:
            self.log.note(f"{method} {url}: {status} {raw[:300]!r}")
            raise Failed
        return status, answer_headers, raw

    # -- the phases --------------------------------------------------------------------------

    async def login(self) -> None:
        body = json.dumps(
            {
                "username": self.person["username"],
                "password": PASSWORD,
                "device_id": str(uuid.uuid4()),
                "device_name": f"压测终端 {self.n}",
            },
            ensure_ascii=False,
        ).encode()
        _, _, raw = await self.call(
            "login", "login", "POST", f"{API}/auth/login", (200,), body=body, headers=JSON
        )
        self.token = json.loads(raw)["access_token"]

    async def pull(self, phase: str = "pull") -> list[dict]:
        changes = []
        while True:
            query = f"{API}/sync/pull?limit={PAGE}"
            if self.cursor:
                query += f"&cursor={self.cursor}"
            _, _, raw = await self.call(phase, "page", "GET", query, (200,))
            page = json.loads(raw)
            changes += page["changes"]
            self.cursor = page["cursor"]
            if not page["more"]:
                break
        self.log.pulled[phase] += len(changes)
        return changes

    async def push(self) -> None:
        for body in self.outbox.batches:
            _, _, raw = await self.call(
                "push", "batch", "POST", f"{API}/sync/push", (200,), body=body, headers=JSON
            )
            for result in json.loads(raw)["results"]:
                if result["outcome"] != "applied":
                    label = f"{result['outcome']}:{result.get('reason')}"
                    self.log.problems["push " + label] += 1
                    self.log.note(f"push result: {result}")

    async def upload(self) -> None:
        for evidence_id, data, sha in self.outbox.photos:
            started = time.perf_counter()
            _, answer, _ = await self.call(
                "upload",
                "create",
                "POST",
                f"{API}/uploads",
                (201,),
                headers={
                    **TUS,
                    "Upload-Length": str(len(data)),
                    "Upload-Metadata": metadata(evidence_id=evidence_id, sha256=sha),
                },
            )
            location, offset = answer["Location"], int(answer["Upload-Offset"])
            while offset < len(data):
                piece = data[offset : offset + CHUNK]
                last = offset + len(piece) == len(data)
                _, answer, _ = await self.call(
                    "upload",
                    "last chunk" if last else "chunk",
                    "PATCH",
                    location,
                    (204,),
                    body=piece,
                    headers={
                        **TUS,
                        "Upload-Offset": str(offset),
                        "Content-Type": "application/offset+octet-stream",
                    },
                )
                offset = int(answer["Upload-Offset"])
            self.log.photos.append(time.perf_counter() - started)

    async def final_pull(self) -> None:
        changes = await self.pull("final pull")
        seen = {(c["record_type"], c["id"]): c for c in changes}
        missing = [i for i in self.outbox.clue_ids if ("clue", i) not in seen]
        missing += [i for i in self.outbox.evidence_ids if ("evidence", i) not in seen]
        if missing:
            self.log.problems["final pull: own record missing"] += len(missing)
        unheld = [
            i
            for i, *_ in self.outbox.photos
            if ("evidence", i) in seen and not seen[("evidence", i)]["data"]["original"]["held"]
        ]
        if unheld:
            self.log.problems["final pull: photo not held"] += len(unheld)

    async def step(self, name: str) -> None:
        if self.failed:
            return
        try:
            if name == "login":
                await self.open()
                await self.login()
            elif name == "pull":
                await self.pull()
            elif name == "push":
                await self.push()
            elif name == "upload":
                await self.upload()
            else:
                await self.final_pull()
        except Failed:
            self.failed = True
        except Exception as exc:  # an answer the client could not use: counted, shown
            self.failed = True
            self.log.problems[f"{name}: {type(exc).__name__}"] += 1
            self.log.note(f"{self.person['username']} {name}: {exc!r}")


JSON = {"Content-Type": "application/json"}


async def run_devices(devices: list[Device], ramp: float, cap: int, phased: bool, log: Log):
    gate = asyncio.Semaphore(cap) if cap else None
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    async def arrive(device: Device, steps: tuple[str, ...], at: float) -> None:
        await asyncio.sleep(max(0.0, t0 + at - loop.time()))
        if gate:
            await gate.acquire()
        log.in_flight += 1
        log.peak = max(log.peak, log.in_flight)
        try:
            for name in steps:
                await device.step(name)
        finally:
            log.in_flight -= 1
            if gate:
                gate.release()

    def at(i: int) -> float:
        return ramp * i / len(devices)

    try:
        if phased:
            for k, name in enumerate(PHASES):
                t0 = loop.time()
                await asyncio.gather(
                    *(arrive(d, (name,), at(i) if k == 0 else 0.0) for i, d in enumerate(devices))
                )
        else:
            await asyncio.gather(*(arrive(d, PHASES, at(i)) for i, d in enumerate(devices)))
    finally:
        await asyncio.gather(*(d.close() for d in devices))


# -- where the CPU went ------------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[str, int, int, int]]:
    """pid → (name, parent, own ticks, reaped children's ticks)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        rest = raw[raw.rindex(")") + 2 :].split()
        own = int(rest[11]) + int(rest[12])
        reaped = int(rest[13]) + int(rest[14])
        table[int(entry)] = (name, int(rest[1]), own, reaped)
    return table


def cpu_snapshot(stack: Stack, database: str | None) -> dict[str, float]:
    """CPU seconds so far of each part: the gunicorn instances, nginx, PostgreSQL (the
    backends serving ``database`` and the shared background processes), Redis, this client;
    the kernel's interrupt time; and the machine's busy and total time."""
    tick = os.sysconf("SC_CLK_TCK")
    table = _proc_table()
    children = defaultdict(list)
    for pid, (_n, parent, _o, _r) in table.items():
        children[parent].append(pid)

    def tree(root: int) -> float:
        if root not in table:
            return 0.0
        total, todo = table[root][3], [root]
        while todo:
            pid = todo.pop()
            total += table[pid][2]
            todo += children.get(pid, [])
        return total / tick

    def ours(pid: int) -> bool:  # a backend names its database in its title
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return False
        shared = ("checkpointer", "background writer", "walwriter", "launcher")
        return bool(database) and (f" {database} " in title or any(k in title for k in shared))

    postgres = sum(table[p][2] for p in table if table[p][0] == "postgres" and ours(p)) / tick
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # user nice system idle iowait irq softirq steal: softirq (loopback traffic) is billed
    # to no process.
    cpu = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = cpu[3] + cpu[4]
    return {
        "app": sum(tree(a.process.pid) for a in stack.apps + stack.uploaders + stack.pullers),
        "nginx": tree(stack.nginx.pid),
        "postgres": postgres,
        "redis": sum(table[p][2] for p in table if table[p][0] == "redis-server") / tick,
        "client": usage.ru_utime + usage.ru_stime,
        "kernel irq, softirq": (cpu[5] + cpu[6]) / tick,
        "machine busy": (sum(cpu[:8]) - idle) / tick,
        "machine total": sum(cpu[:8]) / tick,
    }


# -- report ------------------------------------------------------------------------------------


def figures_of(samples: list[Sample], mutations: int = 0) -> dict:
    if not samples:
        return {"requests": 0}
    window = max(s.started + s.seconds for s in samples) - min(s.started for s in samples)
    lat = [s.seconds for s in samples]
    figures = {
        "requests": len(samples),
        "errors": dict(Counter(s.label for s in samples if not s.ok)),
        "window_s": round(window, 2),
        "req_per_s": round(len(samples) / window, 1) if window else None,
        "p50_ms": round(pct(lat, 50) * 1000, 1),
        "p95_ms": round(pct(lat, 95) * 1000, 1),
        "p99_ms": round(pct(lat, 99) * 1000, 1),
        "max_ms": round(max(lat) * 1000, 1),
    }
    if mutations:
        figures["mutations_per_s"] = round(mutations / window, 1)
    sent = sum(s.sent for s in samples)
    if sent > 10_000_000:
        figures["MB_per_s_sent"] = round(sent / window / 1e6, 2)
    return figures


HEADER = (
    f"{'':<19} {'requests':>8} {'errors':>6} {'by status':<10} {'window s':>8} "
    f"{'throughput':>18} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
)


def row(name: str, f: dict, rate: str | None = None) -> str:
    if not f.get("requests"):
        return f"{name:<19} {'-':>8}"
    errors = sum(f["errors"].values())
    by = ",".join(f"{k}:{v}" for k, v in sorted(f["errors"].items())) or "-"
    if rate is None:
        rate = f"{f['req_per_s']:.1f} req/s"
        if "mutations_per_s" in f:
            rate = f"{f['mutations_per_s']:.0f} mutations/s"
        elif "MB_per_s_sent" in f:
            rate = f"{f['MB_per_s_sent']:.1f} MB/s"
    return (
        f"{name:<19} {f['requests']:>8} {errors:>6} {by:<10} {f['window_s']:>8.1f} "
        f"{rate:>18} {f['p50_ms']:>7.0f} {f['p95_ms']:>7.0f} {f['p99_ms']:>7.0f} "
        f"{f['max_ms']:>7.0f}"
    )


ROUTES = {  # the app's access log names routes; the phases they serve
    ("POST", "/api/v1/auth/login"): "login",
    ("GET", "/api/v1/sync/pull"): "pull (both)",
    ("POST", "/api/v1/sync/push"): "push",
    ("POST", "/api/v1/uploads"): "upload create",
    ("PATCH", "/api/v1/uploads/<uuid:upload_id>"): "upload chunk",
}


def time_in_app(stack: Stack) -> dict[str, dict]:
    """From the instances' access logs (JSON lines with ``route`` and ``duration_ms``): how
    long each kind of request spent inside a worker, and its share of all worker time. The
    rest of what the phone waited is the queue in front of the workers."""
    durations: dict[str, list[float]] = defaultdict(list)
    for path in stack.folder.glob("app-*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if '"duration_ms"' not in line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            name = ROUTES.get((entry.get("method"), entry.get("route")), "other")
            durations[name].append(entry["duration_ms"])
    total = sum(sum(v) for v in durations.values()) or 1.0
    return {
        name: {
            "requests": len(v),
            "p50_ms": round(pct(v, 50), 1),
            "p95_ms": round(pct(v, 95), 1),
            "max_ms": round(max(v), 1),
            "worker_s": round(sum(v) / 1000, 1),
            "share": round(sum(v) / total, 3),
        }
        for name, v in sorted(durations.items(), key=lambda kv: -sum(kv[1]))
    }


def verify_database(app, people, outboxes, media: Path) -> tuple[dict, list[str]]:
    """What the database and the store hold for the bench's users, against what was sent."""

    from server.accounts.models import User
    from server.audit import chain
    from server.clues.models import Clue
    from server.core.db import db
    from server.evidence.models import Evidence
    from server.evidence.storage import original_key
    from server.sync_api.models import SyncMutation

    sent_clues = set().union(*(o.clue_ids for o in outboxes))
    sent_evidence = set().union(*(o.evidence_ids for o in outboxes))
    photos = {e: sha for o in outboxes for e, _d, sha in o.photos}
    with app.app_context():
        users = sa.select(User.id).where(User.username.in_([p["username"] for p in people]))
        clues = [
            str(r.id)
            for r in db.session.execute(sa.select(Clue.id).where(Clue.reporter_id.in_(users)))
        ]
        evidence_rows = db.session.execute(
            sa.select(Evidence.id, Evidence.original_at).where(Evidence.author_id.in_(users))
        ).all()
        evidence = [str(r.id) for r in evidence_rows]
        held = {str(r.id) for r in evidence_rows if r.original_at is not None}
        logged = db.session.execute(
            sa.select(sa.func.count())
            .select_from(SyncMutation)
            .where(SyncMutation.user_id.in_(users))
        ).scalar_one()
        audit = chain.verify()
        db.session.remove()
        db.engine.dispose()
    in_store = sum((media / original_key(sha)).is_file() for sha in photos.values())
    counts = {
        "clues_sent": len(sent_clues),
        "clues_stored": len(clues),
        "clues_distinct": len(set(clues)),
        "evidence_sent": len(sent_evidence),
        "evidence_stored": len(evidence),
        "photos_uploaded": len(photos),
        "photos_held": len(held & set(photos)),
        "originals_in_store": in_store,
        "mutations_sent": sum(o.mutations for o in outboxes),
        "mutations_logged": logged,
        "audit_entries": audit.checked,
        "audit_intact": audit.ok,
    }
    problems = []
    if set(clues) != sent_clues or len(clues) != len(set(clues)):
        problems.append("the clues stored are not the clues pushed, once each")
    if set(evidence) != sent_evidence or len(evidence) != len(set(evidence)):
        problems.append("the evidence stored is not the evidence pushed, once each")
    if counts["photos_held"] != len(photos):
        problems.append(f"{len(photos) - counts['photos_held']} photos not held")
    if in_store != len(photos):
        problems.append(f"{len(photos) - in_store} originals missing from the store")
    if logged != counts["mutations_sent"]:
        problems.append("the mutation log does not hold every mutation pushed")
    if not audit.ok:
        problems.append(f"audit chain broken at {audit.first_bad_seq}: {audit.problem}")
    return counts, problems


def scan_logs(stack: Stack) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(errors, warnings): app lines at ERROR or worse and tracebacks; nginx's error log."""
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    for path in sorted(stack.folder.glob("app-*.log")):
        bad = [
            x
            for x in path.read_text(errors="replace").splitlines()
            if any(
                k in x
                for k in ("Traceback", '"level": "ERROR"', '"level": "CRITICAL"', "WORKER TIMEOUT")
            )
        ]
        if bad:
            errors[path.name] = bad
    nginx_log = stack.folder / "nginx" / "logs" / "error.log"
    lines = nginx_log.read_text(errors="replace").splitlines() if nginx_log.exists() else []
    bad = [x for x in lines if any(f"[{k}]" in x for k in ("error", "crit", "alert", "emerg"))]
    if bad:
        errors["nginx error.log"] = bad
    warned = [x for x in lines if "[warn]" in x]
    if warned:
        warnings["nginx error.log"] = warned
    return errors, warnings


def loopback_aliases_work() -> bool:
    try:
        with socket.socket() as s:
            s.bind(("127.0.1.2", 0))
        return True
    except OSError:
        return False


def git_state() -> str:
    def git(*a: str) -> str:
        return subprocess.run(
            ["git", *a], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    changed = len(git("status", "--porcelain", "--untracked-files=no").splitlines())
    return git("rev-parse", "--short", "HEAD") + (f" + {changed} changed files" if changed else "")


def redis_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


# -- main --------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--records", type=int, default=20, help="outbox records per device")
    parser.add_argument("--photos", type=int, default=10, help="of which evidence with a photo")
    parser.add_argument("--batch-size", type=int, default=APP_BATCH, help="mutations per push")
    parser.add_argument("--instances", type=int, default=2, help="gunicorn instances")
    parser.add_argument("--workers", type=int, default=2, help="sync workers per instance")
    parser.add_argument(
        "--upload-instances",
        type=int,
        default=1,
        help="gunicorn instances for photo uploads alone, niced (0: uploads share the others)",
    )
    parser.add_argument("--upload-workers", type=int, default=2, help="sync workers each")
    parser.add_argument(
        "--upload-nice",
        type=int,
        default=10,
        help="their CPU priority (nice); a niced upload holding its township's audit head "
        "makes pushes wait behind a process served last",
    )
    parser.add_argument(
        "--pull-instances",
        type=int,
        default=1,
        help="gunicorn instances for pulls alone, niced less than uploads, as nginx/README.md "
        "deploys them (0: pulls share the records' workers)",
    )
    parser.add_argument("--pull-workers", type=int, default=2, help="sync workers each")
    parser.add_argument("--pull-nice", type=int, default=5, help="their CPU priority (nice)")
    parser.add_argument("--ramp", type=float, help="seconds over which devices arrive (60)")
    parser.add_argument("--concurrency", type=int, default=0, help="devices in flight (0: any)")
    parser.add_argument("--phased", action="store_true", help="each phase done by all first")
    parser.add_argument(
        "--own-grids",
        action="store_true",
        help="each grid worker in a grid of his own (default: the demo's 7 grid units shared)",
    )
    parser.add_argument("--database-url", help="default: a fresh PostgreSQL database")
    parser.add_argument("--postgres-admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--password-hash", default=FAST_HASH, help="werkzeug hash method")
    parser.add_argument("--seed", type=int, default=2026, help="content of the outboxes")
    parser.add_argument("--quick", action="store_true", help="50 devices arriving over 6 s")
    args = parser.parse_args()
    if args.quick and args.devices == 500:
        args.devices = 50
    if args.ramp is None:
        args.ramp = 6.0 if args.quick else 60.0
    if not 1 <= args.devices <= 3000:
        parser.error("--devices: 1 to 3,000 (one loopback address and grid code each)")
    if args.photos >= args.records:
        parser.error("--photos must be fewer than --records (a photo hangs from a clue)")
    return args


def main() -> int:
    args = arguments()
    if not loopback_aliases_work():
        print("cannot bind 127.0.1.2: the devices cannot have their own addresses", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="fieldcase-load-"))
    created_db, stack = None, None
    database_url = args.database_url
    try:
        if database_url is None:
            created_db, database_url = fresh_postgres(args.postgres_admin_url)
        backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
        database_name = None
        if backend == "postgresql":
            database_name = sa.make_url(database_url).database
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
        print(
            f"# fieldcase load bench (a shift start) — {platform.node()}, {cpu_model()}, "
            f"{os.cpu_count()} cores, {memory:.0f} GiB; load average before "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
            f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; code {git_state()}"
        )
        if backend == "sqlite":
            print("WARNING: SQLite: one writer for every instance; not the production setup")
        app = make_app(database_url, tmp / "stack" / "media", args.password_hash)
        nginx_version = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr
        nginx_version = nginx_version.strip().replace("nginx version: ", "")
        with app.app_context():
            from server.core.db import db

            database_version = db.session.execute(
                sa.text(
                    "show server_version" if backend == "postgresql" else "select sqlite_version()"
                )
            ).scalar_one()
            db.session.remove()
        database_version = ("PostgreSQL " if backend == "postgresql" else "SQLite ") + (
            database_version
        )
        print(
            f"versions: {nginx_version}; {database_version}; Python "
            f"{platform.python_version()}; gunicorn {version('gunicorn')}; Flask "
            f"{version('flask')}; Pillow {version('pillow')}; client aiohttp {version('aiohttp')}"
        )

        # -- the world and the outboxes, before the clock starts
        t = time.perf_counter()
        people = setup_world(app, args.devices, args.own_grids)
        setup_s = time.perf_counter() - t
        bench_cost, production_cost = hash_cost(args.password_hash), hash_cost("scrypt")
        rng = random.Random(args.seed)
        pictures = base_pictures(min(40, args.devices * args.photos)) if args.photos else []
        outboxes = [
            build_outbox(p, args.records, args.photos, rng, pictures, args.batch_size)
            for p in people
        ]
        sizes = sorted(len(d) for o in outboxes for _e, d, _s in o.photos)
        grids = Counter(p["grid"] for p in people)
        n_mutations = sum(o.mutations for o in outboxes)
        print(
            f"world: the demo county + {args.devices} grid workers in {len(grids)} grid units "
            + (
                "(one each, under the demo's villages)"
                if args.own_grids
                else f"(the demo’s: {min(grids.values())}–{max(grids.values())} a grid, who all "
                "see each other's clues)"
            )
            + f", made in {setup_s:.1f} s"
        )
        print(
            f"passwords: {args.password_hash}, a check costs {bench_cost * 1000:.1f} ms here "
            f"(production's werkzeug scrypt default: {production_cost * 1000:.0f} ms a login, "
            f"CPU; the login phase below is measured apart from push, with "
            f"{args.password_hash})"
        )
        photos = f"{len(sizes)} photos"
        if sizes:
            photos += (
                f", 1280 × 960 JPEG {sizes[0] / 1000:.0f}–{sizes[-1] / 1000:.0f} kB (median "
                f"{sizes[len(sizes) // 2] / 1000:.0f} kB, {sum(sizes) / 1e6:.0f} MB in all), "
                f"in {CHUNK // 1024} KiB tus chunks"
            )
        print(
            f"outboxes: {args.records} records a device ({args.records - args.photos} clues, "
            f"{args.photos} evidence), pushed in batches of {args.batch_size}: "
            f"{n_mutations} mutations; {photos}"
        )

        # -- the stack
        limits = "redis://127.0.0.1:6379" if redis_running() else "memory://"
        env = {
            "FIELDCASE_LOGIN_RATE_LIMIT": "100000 per minute",
            "FIELDCASE_LOGIN_USER_RATE_LIMIT": "100000 per minute",
            "FIELDCASE_RATELIMIT_STORAGE_URI": limits,
        }
        stack = Stack(
            tmp / "stack",
            database_url,
            args.instances,
            args.workers,
            upload_instances=args.upload_instances,
            upload_workers=args.upload_workers,
            pull_instances=args.pull_instances,
            pull_workers=args.pull_workers,
            pull_nice=args.pull_nice,
            upload_nice=args.upload_nice,
            env=env,
        )
        stack.start()
        uploads = (
            f"photo uploads to {args.upload_instances} instance(s) of their own × "
            f"{args.upload_workers} workers under nice {stack.upload_nice}"
            if args.upload_instances
            else "photo uploads to the same instances"
        )
        if args.pull_instances:
            uploads += (
                f", pulls to {args.pull_instances} instance(s) of their own × "
                f"{args.pull_workers} workers under nice {stack.pull_nice}"
            )
        print(
            f"stack: nginx (TLS; nginx/fieldcase.conf.template as it is; 2 worker processes) → "
            f"{args.instances} gunicorn instances × {args.workers} sync workers for the rest, "
            f"{uploads} → "
            f"{database_version.split(' (')[0]}; media on local disk; the app's login limits "
            f"raised to 100000/min ({limits})"
        )
        tls = ssl.create_default_context(cafile=str(stack.cert))
        base = f"https://127.0.0.1:{stack.https_port}"
        log = Log()
        devices = [
            Device(i, p, o, base, tls, log)
            for i, (p, o) in enumerate(zip(people, outboxes, strict=True))
        ]
        print(
            f"logins: each device connects (HTTP/1.1, keep-alive) from its own address, "
            f"{devices[0].address} … {devices[-1].address}: nginx's login limit (10/min, burst "
            f"5, per address) and the app's see one login per address, as from real phones"
        )
        how = (
            "phased: every device finishes a phase before any starts the next; "
            if args.phased
            else "each device logs in, pulls, pushes, uploads, pulls again; "
        )
        how += f"arrivals evenly over {args.ramp:g} s ({args.devices / max(args.ramp, 1e-9):.1f}/s)"
        how += f", at most {args.concurrency} in flight" if args.concurrency else ", no cap"
        print("load: " + how)
        for _ in range(4 * args.instances * args.workers):  # every worker up and connected
            stack.get(f"{API}/workflow")

        before = cpu_snapshot(stack, database_name)
        t = time.perf_counter()
        asyncio.run(run_devices(devices, args.ramp, args.concurrency, args.phased, log))
        wall = time.perf_counter() - t
        after = cpu_snapshot(stack, database_name)
        load_after = os.getloadavg()
        return report(args, app, stack, people, outboxes, log, wall, before, after, load_after, {
            "nginx": nginx_version,
            "database": database_version,
            "hash_check_ms": round(bench_cost * 1000, 2),
            "production_hash_check_ms": round(production_cost * 1000, 1),
        })  # fmt: skip
    finally:
        if stack is not None:
            stack.stop()
        if created_db:
            drop_postgres(args.postgres_admin_url, created_db)
        shutil.rmtree(tmp, ignore_errors=True)


def report(args, app, stack, people, outboxes, log, wall, before, after, load_after, facts) -> int:
    n_mutations = sum(o.mutations for o in outboxes)
    by_phase = defaultdict(list)
    for s in log.samples:
        by_phase[s.phase].append(s)
    figures = {
        name: figures_of(by_phase[name], n_mutations if name == "push" else 0) for name in PHASES
    }
    kinds = {
        kind: figures_of([s for s in by_phase["upload"] if s.kind == kind])
        for kind in ("create", "chunk", "last chunk")
        if any(s.kind == kind for s in by_phase["upload"])
    }
    photo = {}
    if log.photos:
        photo = {
            "requests": len(log.photos),
            "errors": {},
            "window_s": figures["upload"]["window_s"],
            "photos_per_s": round(len(log.photos) / figures["upload"]["window_s"], 1),
            "p50_ms": round(pct(log.photos, 50) * 1000, 1),
            "p95_ms": round(pct(log.photos, 95) * 1000, 1),
            "p99_ms": round(pct(log.photos, 99) * 1000, 1),
            "max_ms": round(max(log.photos) * 1000, 1),
        }
    print(f"\n## Phases, as the phones saw them ({wall:.1f} s in all, peak {log.peak} in flight)")
    print(HEADER)
    for name in PHASES:
        print(row(name, figures[name]))
        if name == "upload":
            for kind, f in kinds.items():
                print(row(f"  {kind}", f))
            if photo:
                print(row("  photo, POST→end", photo, f"{photo['photos_per_s']} photos/s"))
    print(
        f"records pulled: cold {log.pulled['pull']} ({log.pulled['pull'] / args.devices:.0f} "
        f"a device), final {log.pulled['final pull']} "
        f"({log.pulled['final pull'] / args.devices:.0f} a device)"
    )
    if log.problems:
        print("problems: " + ", ".join(f"{k} ×{v}" for k, v in log.problems.items()))
    for example in log.examples:
        print("  e.g. " + example)

    in_app = time_in_app(stack)
    if in_app:
        print("\n## Inside the app (its access log: time in a worker; the rest is the queue)")
        print(f"{'':<19} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} worker-s share")
        for name, f in in_app.items():
            print(
                f"{name:<19} {f['requests']:>8} {f['p50_ms']:>7.0f} {f['p95_ms']:>7.0f} "
                f"{f['max_ms']:>7.0f} {f['worker_s']:>8.1f} {100 * f['share']:>4.0f}%"
            )

    spent = {k: round(after[k] - before[k], 1) for k in before}
    busy, total = spent.pop("machine busy"), spent.pop("machine total")
    spent["other programs"] = round(max(0.0, busy - sum(spent.values())), 1)
    print(
        f"\n## CPU during the run: {busy:.0f} of {total:.0f} CPU-s busy "
        f"({100 * busy / total:.0f}%); load average after {load_after[0]:.2f}"
    )
    for part, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{part:<24} {seconds:>7.1f} CPU-s {100 * seconds / max(busy, 1e-9):>4.0f}%")
    if spent["other programs"] > 0.1 * busy:
        print("WARNING: something else used the machine during the run; figures are pessimistic")
    if log.photos:
        print(
            f"app CPU a photo (all app CPU / photos): "
            f"{spent['app'] / len(log.photos) * 1000:.0f} ms"
        )

    counts, problems = verify_database(app, people, outboxes, stack.media)
    print("\n## Database and store after the run")
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    print("OK" if not problems else "MISMATCH: " + "; ".join(problems))
    log_errors, log_warnings = scan_logs(stack)
    for name, lines in log_errors.items():
        print(f"ERRORS in {name}: {len(lines)} lines, first: {lines[0][:300]}")
    for name, lines in log_warnings.items():
        print(f"warnings in {name}: {len(lines)} lines, first: {lines[0][:300]}")
    if not log_errors and not log_warnings:
        print("logs: no errors or warnings (app instances, nginx)")

    errors = sum(sum(f.get("errors", {}).values()) for f in figures.values())
    errors += sum(log.problems.values()) + len(problems) + sum(map(len, log_errors.values()))
    p95_push = figures["push"].get("p95_ms")
    met = p95_push is not None and p95_push < 500
    print(
        f"\nverdict: {errors} errors; push p95 {p95_push} ms, "
        f"{'under' if met else 'NOT under'} the 500 ms target"
    )
    print(
        json.dumps(
            {
                "bench": "load",
                "machine": {
                    "host": platform.node(),
                    "cpu": cpu_model(),
                    "cores": os.cpu_count(),
                    "load_after": round(load_after[0], 2),
                },
                "code": git_state(),
                "config": {
                    **{k: v for k, v in vars(args).items() if k != "postgres_admin_url"},
                    **facts,
                },
                "wall_s": round(wall, 1),
                "peak_in_flight": log.peak,
                "phases": figures,
                "upload_requests": kinds,
                "photo": photo,
                "pulled": dict(log.pulled),
                "problems": dict(log.problems),
                "in_app": in_app,
                "cpu_s": {**spent, "busy": busy, "available": total},
                "database": counts,
                "database_problems": problems,
                "log_errors": {k: len(v) for k, v in log_errors.items()},
                "log_warnings": {k: len(v) for k, v in log_warnings.items()},
                "errors": errors,
                "push_p95_target_met": met,
            },
            ensure_ascii=False,
        )
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
