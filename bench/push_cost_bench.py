#!/usr/bin/env python3
"""What one push costs inside the server: the SQL statements it sends and its time, in
process (Flask's test client, no HTTP, no nginx), so a change to the engine or the store is
seen apart from the machine's queueing.

    .venv/bin/python bench/push_cost_bench.py [--postgres] [--batches 40]

A grid worker of the test world pushes ``--batches`` outboxes of 20 mutations, as the load
bench's phones do: 10 new clues spread over about 10 km (so few are neighbours) and an
evidence record on each. The first 5 warm the caches and are not counted. Prints the median
and p95 push time, the CPU time of this process per push (the server's Python: PostgreSQL's
own CPU is not in it), and the statements per push, most frequent first. On SQLite by
default; ``--postgres`` makes a fresh database on the PostgreSQL of ``--postgres-admin-url``
(dropped at the end).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import event  # noqa: E402

from server import create_app  # noqa: E402
from server.core import migrate  # noqa: E402
from server.core.db import db  # noqa: E402
from tests.server.evidence_kit import evidence_mutation  # noqa: E402
from tests.server.sync_kit import PUSH, QUIET, new_clue  # noqa: E402
from tests.server.world import PASSWORD, build_world  # noqa: E402

WARM = 5


def outboxes(batches: int, rng: random.Random) -> list[list[dict]]:
    boxes = []
    for _ in range(batches):
        box = []
        for _ in range(10):
            at = (QUIET[0] + rng.uniform(-0.05, 0.05), QUIET[1] + rng.uniform(-0.05, 0.05))
            clue = new_clue(at=at)
            box += [clue, evidence_mutation(clue["record_id"], rng.randbytes(2000))]
        boxes.append(box)
    return boxes


@contextlib.contextmanager
def database(args, tmp: str):
    if not args.postgres:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    name = "push_cost_" + uuid.uuid4().hex[:10]
    with psycopg.connect(args.postgres_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        base = args.postgres_admin_url.rsplit("/", 1)[0].split("://", 1)[1]
        yield f"postgresql+psycopg://{base}/{name}"
    finally:
        with psycopg.connect(args.postgres_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="on PostgreSQL, not SQLite")
    parser.add_argument("--postgres-admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp, database(args, tmp) as url:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": uuid.uuid4().hex,
                "MEDIA_ROOT": str(Path(tmp) / "media"),
                "RATELIMIT_ENABLED": False,
                "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                "ESEAL_KEYSTORE": str(Path(tmp) / "no-seal-keys"),
                "MAP_TILES_PACKAGE": "",
                "MAP_AREAS": "",
            }
        )
        with app.app_context():
            migrate.upgrade()
            build_world()
            statements: list[str] = []

            def seen(conn, cursor, statement, *rest):
                statements.append(" ".join(statement.split())[:90])

            event.listen(db.engine, "before_cursor_execute", seen)

        client = app.test_client()
        login = client.post(
            "/api/v1/auth/login",
            json={"username": "grid_a", "password": PASSWORD, "device_id": str(uuid.uuid4())},
        ).get_json()
        headers = {"Authorization": f"Bearer {login['access_token']}"}
        walls, cpus = [], []
        for i, box in enumerate(outboxes(args.batches + WARM, random.Random(args.seed))):
            if i == WARM:
                statements.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            r = client.post(PUSH, json={"mutations": box}, headers=headers)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            assert r.status_code == 200, r.get_json()
            outcomes = collections.Counter(x["outcome"] for x in r.get_json()["results"])
            assert outcomes["applied"] == len(box), outcomes
            if i >= WARM:
                walls.append(wall)
                cpus.append(cpu)
        with app.app_context():
            db.engine.dispose()

    walls.sort()
    n = len(walls)
    print(f"database: {url.split(':')[0]}, pushes: {n} of 20 mutations, cpus: {os.cpu_count()}")
    print(
        f"push median {statistics.median(walls) * 1000:.1f} ms, p95 "
        f"{walls[int(0.95 * (n - 1))] * 1000:.1f} ms; this process's CPU per push "
        f"{statistics.median(cpus) * 1000:.1f} ms (median)"
    )
    print(f"statements per push: {len(statements) / n:.1f}")
    for text, count in collections.Counter(statements).most_common():
        print(f"  {count / n:5.1f}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
