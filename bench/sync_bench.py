#!/usr/bin/env python3
"""Sync throughput and latency against the real server (gunicorn), on SQLite by default.

    .venv/bin/python bench/sync_bench.py [--database-url URL] [--workers N] [--quick]

Prints: push throughput (mutations/s) for batches of 100 and 500 with 1, 10 and 50
concurrent devices pushing back to back (saturation), the median and p95 batch latency
there and under a paced load, a cold pull of 10,000 records (time, records/s) and the
gzipped bytes on the wire per record. Everything runs on loopback and stops by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def analyse(url: str) -> None:
    import psycopg

    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute("ANALYZE")


def setup_database(env: dict, devices: int) -> None:
    """Migrate and create one township with ``devices`` grid workers and a dispatcher."""
    code = f"""
from server import create_app
from server.core import migrate
from server.core.db import db
from server.accounts import service
from server.catalogue.models import Matter
from server.units.models import AdminUnit, UnitLevel
app = create_app({{"PASSWORD_HASH_METHOD": "scrypt:2048:8:1"}})
with app.app_context():
    migrate.upgrade()
    county = AdminUnit.create("990000", "基准县", UnitLevel.COUNTY)
    town = AdminUnit.create("990000101", "基准镇", UnitLevel.TOWNSHIP, county)
    village = AdminUnit.create("990000101201", "基准村", UnitLevel.VILLAGE, town)
    db.session.add_all([county, town, village]); db.session.flush()
    db.session.add(Matter(code="B-1", name="基准事项", domain="市容环卫", legal_basis="-"))
    service.create_user(username="dispatch", display_name="调度", password={PASSWORD!r},
                        unit=town, roles=["dispatcher"])
    for i in range({devices}):
        grid = AdminUnit.create(f"990000101201{{i:03d}}", f"网格{{i}}", UnitLevel.GRID, village)
        db.session.add(grid); db.session.flush()
        service.create_user(username=f"grid{{i}}", display_name=f"网格员{{i}}",
                            password={PASSWORD!r}, unit=grid, roles=["grid_worker"])
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


class Client:
    """One device: a keep-alive HTTP connection and its tokens."""

    def __init__(self, port: int, username: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        body = self.call(
            "POST",
            "/api/v1/auth/login",
            {
                "username": username,
                "password": PASSWORD,
                "device_id": str(uuid.uuid4()),
                "device_name": "bench",
            },
        )[1]
        self.token = body["access_token"]

    def call(self, method: str, path: str, body=None) -> tuple[int, dict, bytes]:
        headers = {"Content-Type": "application/json"}
        if getattr(self, "token", None):
            headers["Authorization"] = f"Bearer {self.token}"
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {raw[:300]!r}")
        return response.status, json.loads(raw), raw


def clue_mutation(rng: random.Random) -> dict:
    now = dt.datetime.now(dt.UTC)
    return {
        "id": str(uuid.uuid4()),
        "record_type": "clue",
        "record_id": str(uuid.uuid4()),
        "op": "create",
        "device_time": now.isoformat(),
        "payload": {
            "matter_code": "B-1",
            # Spread over a county (half a degree square, about 2,700 km²): R8's search
            # still finds neighbours to link, at a density a day could really bring.
            "location": {
                "lat": 28.7 + rng.uniform(0, 0.5),
                "lng": 118.5 + rng.uniform(0, 0.5),
                "accuracy_m": 8.0,
                "fix_time": now.isoformat(),
            },
            "address": "基准村村口",
            "description": "基准测试线索：占道经营，已劝阻。",
            "dissuasion": {"done": True, "result": "stopped", "at": now.isoformat()},
        },
    }


def push_body(rng: random.Random, batch: int) -> bytes:
    mutations = [clue_mutation(rng) for _ in range(batch)]
    return json.dumps(
        {"device_now": dt.datetime.now(dt.UTC).isoformat(), "mutations": mutations}
    ).encode()


def push_run(clients: list[Client], batch: int, batches_each: int, pace_s: float = 0.0):
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    # Bodies are made before the clock starts: on two cores the client's own JSON work
    # would otherwise be billed to the server.
    bodies = {
        i: [push_body(random.Random(i * 1000 + b), batch) for b in range(batches_each)]
        for i in range(len(clients))
    }

    def device(client: Client, seed: int):
        rng = random.Random(seed)
        if pace_s:
            time.sleep(rng.uniform(0, 2 * pace_s))
        for body in bodies[seed]:
            start = time.perf_counter()
            try:
                _, answer, _ = client.call("POST", "/api/v1/sync/push", body)
                bad = [r for r in answer["results"] if r["outcome"] != "applied"]
                if bad:
                    errors.append(str(bad[0]))
            except Exception as exc:  # any failure is counted and shown below
                errors.append(repr(exc))
            with lock:
                latencies.append(time.perf_counter() - start)
            if pace_s:  # a random pause averaging pace_s, so phones do not march in step
                time.sleep(rng.uniform(0, 2 * pace_s))

    threads = [threading.Thread(target=device, args=(c, i)) for i, c in enumerate(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    total = len(clients) * batches_each * batch
    return total / elapsed, latencies, errors


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--quick", action="store_true", help="a smaller run (smoke test)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="fieldcase-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "FIELDCASE_LOG_LEVEL": "WARNING",  # the app's access lines would bury the figures
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.db'}",
        "FIELDCASE_SECRET_KEY": uuid.uuid4().hex * 2,
        "FIELDCASE_MEDIA_ROOT": str(tmp / "media"),
        "FIELDCASE_RATELIMIT_STORAGE_URI": f"fieldcase+sqlite:///{tmp / 'ratelimits.sqlite3'}",
        "FIELDCASE_LOGIN_RATE_LIMIT": "10000 per minute",
        "FIELDCASE_LOGIN_USER_RATE_LIMIT": "10000 per minute",
    }
    setup_database(env, devices=50)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "server:create_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        print(
            f"# fieldcase sync bench — {platform.node()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, gunicorn {args.workers} sync workers, "
            f"{'PostgreSQL' if args.database_url else 'SQLite (WAL)'}"
        )
        devices = [Client(port, f"grid{i}") for i in range(50)]
        scale = 0.2 if args.quick else 1.0

        print("\n## Push, devices pushing back to back (saturation)")
        print("batch  devices  mutations/s  median ms  p95 ms  errors")
        for batch in (100, 500):
            for n in (1, 10, 50):
                total = max(int(10_000 * scale), batch * n)
                each = max(1, total // (batch * n))
                rate, lat, errors = push_run(devices[:n], batch, each)
                print(
                    f"{batch:5d}  {n:7d}  {rate:11.0f}  {statistics.median(lat) * 1000:9.0f}"
                    f"  {pct(lat, 95) * 1000:6.0f}  {len(errors)}"
                )
                if errors:
                    print("   first error:", errors[0][:200])

        if args.database_url:
            # The pushes above loaded tens of thousands of rows in a minute; PostgreSQL's
            # autovacuum would analyse them within its naptime. Do it now, as it would.
            analyse(args.database_url)

        # A field day: 50 phones, each sending a batch of 100 about every 10 s (500
        # mutations/s offered, a third of what the server can take): what a phone waits.
        print("\n## Push latency, 50 devices each sending 100 mutations every ~10 s (paced)")
        rate, lat, errors = push_run(devices, 100, max(3, int(8 * scale)), pace_s=5.0)
        print(
            f"mutations/s {rate:.0f}  median {statistics.median(lat) * 1000:.0f} ms  "
            f"p95 {pct(lat, 95) * 1000:.0f} ms  errors {len(errors)}"
        )

        print("\n## Cold pull of 10,000 records")
        puller = Client(port, "dispatch")
        # The pushes above made enough; pull exactly the first 10,000 changes.
        target, got, pages = 10_000, 0, []
        cursor = None
        start = time.perf_counter()
        while got < target:
            query = f"/api/v1/sync/pull?limit={min(1000, target - got)}"
            if cursor:
                query += f"&cursor={cursor}"
            _, page, raw = puller.call("GET", query)
            got += len(page["changes"])
            pages.append(raw)
            cursor = page["cursor"]
            if not page["more"]:
                break
        elapsed = time.perf_counter() - start
        raw_bytes = sum(len(p) for p in pages)
        wire = sum(len(gzip.compress(p, 6)) for p in pages)
        print(
            f"records {got}  time {elapsed:.2f} s  records/s {got / elapsed:.0f}  "
            f"bytes/record {raw_bytes / got:.0f} raw, {wire / got:.0f} gzipped"
        )
        push_body = json.dumps(
            {"mutations": [clue_mutation(random.Random(1)) for _ in range(100)]}
        ).encode()
        print(
            f"push bytes/mutation {len(push_body) / 100:.0f} raw, "
            f"{len(gzip.compress(push_body, 6)) / 100:.0f} gzipped"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
