#!/usr/bin/env python3
"""R8 at a crowded spot: what one more report costs where many were already received.

    .venv/bin/python bench/link_bench.py [--postgres ADMIN_URL] [--repeats N]
                                         [--crowds 1,10,100,500]

For each crowd size n, n reports of one matter are pushed at one spot (in batches of 100),
then one more report is pushed there, timed, and withdrawn again (not timed), so the spot
keeps n live reports; that is repeated. Prints, per n, the median and p90 time of that push
(the whole request through the Flask test client, in this process: authentication, the
rules, the audit chain, R8's search and links), how many reports it was linked to and how
many clues it moved to the end of the change feed. SQLite in a temporary file by default;
``--postgres postgresql://postgres@127.0.0.1:5432/test`` makes and drops a database of its
own on that server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-123"
PUSH = "/api/v1/sync/push"
METRE = 1 / 111_195  # degrees of latitude


def make_world(app) -> None:
    from server.accounts import service
    from server.catalogue.models import Matter
    from server.core import migrate
    from server.core.db import db
    from server.units.models import AdminUnit, UnitLevel

    with app.app_context():
        migrate.upgrade()
        county = AdminUnit.create("990000", "基准县", UnitLevel.COUNTY)
        town = AdminUnit.create("990000101", "基准镇", UnitLevel.TOWNSHIP, county)
        village = AdminUnit.create("990000101201", "基准村", UnitLevel.VILLAGE, town)
        db.session.add_all([county, town, village])
        db.session.flush()
        db.session.add(Matter(code="B-1", name="基准事项", domain="市容环卫", legal_basis="-"))
        service.create_user(
            username="officer",
            display_name="队员",
            password=PASSWORD,
            unit=town,
            roles=["officer"],
        )
        db.session.commit()


def login(client) -> dict:
    r = client.post(
        "/api/v1/auth/login",
        json={"username": "officer", "password": PASSWORD, "device_id": str(uuid.uuid4())},
    )
    assert r.status_code == 200, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['access_token']}"}


def report(lat: float, lng: float) -> dict:
    now = dt.datetime.now(dt.UTC).isoformat()
    return {
        "id": str(uuid.uuid4()),
        "record_type": "clue",
        "record_id": str(uuid.uuid4()),
        "op": "create",
        "device_time": now,
        "payload": {
            "matter_code": "B-1",
            "location": {"lat": lat, "lng": lng, "accuracy_m": 8.0, "fix_time": now},
            "address": "基准村村口",
            "description": "基准测试线索：占道经营，已劝阻。",
            "dissuasion": {"done": True, "result": "stopped", "at": now},
        },
    }


def withdraw(record_id: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "record_type": "clue",
        "record_id": record_id,
        "op": "transition",
        "base_version": 1,
        "payload": {"name": "withdraw", "args": {}},
    }


def push(client, auth, mutations: list[dict]) -> list[dict]:
    r = client.post(PUSH, json={"mutations": mutations}, headers=auth)
    assert r.status_code == 200, r.get_json()
    results = r.get_json()["results"]
    assert all(x["outcome"] == "applied" for x in results), results[:1]
    return results


def change_counter(app) -> int:
    import sqlalchemy as sa

    from server.core.db import db

    with app.app_context():
        value = db.session.execute(
            sa.text("SELECT value FROM counter WHERE name = 'change'")
        ).scalar()
        db.session.remove()
        return int(value or 0)


def spot_of(i: int) -> tuple[float, float]:
    return 28.70 + 0.05 * i, 119.00  # 5.5 km apart: no two crowds ever meet


def run(app, crowds: list[int], repeats: int) -> list[tuple[int, float, float, float, float]]:
    client = app.test_client()
    auth = login(client)
    push(client, auth, [report(*spot_of(len(crowds)))])  # warm the caches before timing
    rows = []
    for i, n in enumerate(crowds):
        lat, lng = spot_of(i)
        # Within 20 m of the spot, so every report is a possible duplicate of every other.
        crowd = [report(lat + (k % 20) * METRE, lng) for k in range(n)]
        for start in range(0, n, 100):
            push(client, auth, crowd[start : start + 100])
        took, links, moved = [], [], []
        for _ in range(repeats):
            m = report(lat + 10 * METRE, lng)
            before = change_counter(app)
            t0 = time.perf_counter()
            [result] = push(client, auth, [m])
            took.append(time.perf_counter() - t0)
            # The feed's counter moved by one for the new clue, one per clue re-sequenced.
            moved.append(change_counter(app) - before - 1)
            links.append(len(result.get("possible_duplicates", [])))
            push(client, auth, [withdraw(m["record_id"])])
        took.sort()
        p90 = took[min(len(took) - 1, round(0.9 * (len(took) - 1)))]
        rows.append((n, statistics.median(took) * 1000, p90 * 1000, max(links), max(moved)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="an admin URL; a database is made and dropped there")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--crowds", default="1,10,100,500")
    args = parser.parse_args()
    crowds = [int(x) for x in args.crowds.split(",")]

    import psycopg
    import sqlalchemy as sa

    from server import create_app
    from server.core.db import db

    tmp = tempfile.TemporaryDirectory()
    name = None
    if args.postgres:
        admin = sa.make_url(args.postgres).set(drivername="postgresql")
        name = "link_bench_" + uuid.uuid4().hex[:10]
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        url = admin.set(database=name, drivername="postgresql+psycopg").render_as_string(
            hide_password=False
        )
    else:
        url = f"sqlite:///{tmp.name}/bench.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "MEDIA_ROOT": f"{tmp.name}/media",
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "LOG_LEVEL": "WARNING",  # the figures, not an access log line per push
        }
    )
    try:
        make_world(app)
        rows = run(app, crowds, args.repeats)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if name:
            with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        tmp.cleanup()

    backend = "PostgreSQL" if name else "SQLite"
    print(
        f"# fieldcase R8 link bench — {platform.node()}, {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}, {backend}, "
        f"{args.repeats} pushes per crowd"
    )
    head = ("reports at the spot", "median ms", "p90 ms", "linked to", "moved")
    print("{:>20} {:>10} {:>8} {:>10} {:>6}".format(*head))
    for n, median, p90, links, moved in rows:
        print(f"{n:>20} {median:>10.1f} {p90:>8.1f} {links:>10} {moved:>6}")
    first, last = rows[0], rows[-1]
    print(f"ratio, {last[0]} reports against {first[0]}: {last[1] / first[1]:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
