#!/usr/bin/env python3
"""Push throughput when several townships push at once: on PostgreSQL, through gunicorn.

    .venv/bin/python bench/push_townships_bench.py [--admin-url URL] [--workers 8]
        [--devices 8] [--batch 50] [--batches 8] [--rounds 3] [--quick]

It makes a fresh PostgreSQL database on 127.0.0.1:5432 (``--admin-url`` names the server;
the database is dropped at the end), a county of ``--devices`` townships, each with its own
grid workers, and starts gunicorn on it. Each round has two runs of the same work: the same
number of devices pushing at once, back to back, each ``--batches`` batches of ``--batch``
new clues (the same mutations ``bench/sync_bench.py`` sends):

  one township     every device is a grid worker of one township
  N townships      each device belongs to a township of its own

The only difference is how the devices spread over townships, so the ratio (N townships /
one township) shows what pushes of different townships gain from not waiting on each
other. It can approach the cores the machine has (printed, with its load when the run
began: other work on the machine takes cores from it), never more. Prints, per run, the
mutations/s and the median and p95 batch latency; then the medians over the rounds and the
ratio; the last line is every figure as JSON. Runs alternate order (ABBA) so that the
database growing during the bench favours neither.
"""

from __future__ import annotations

import argparse
import json
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
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from evidence_bench import cpu_model, version  # noqa: E402
from sync_bench import PASSWORD, Client, free_port, pct, push_run  # noqa: E402

COUNTY = "990000"


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    import psycopg
    import sqlalchemy as sa

    name = "fc_townships_" + uuid.uuid4().hex[:12]
    admin = sa.make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, admin.set(database=name).render_as_string(hide_password=False)


def drop_postgres(admin_url: str, name: str) -> None:
    import psycopg
    import sqlalchemy as sa

    admin = sa.make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def township_code(t: int) -> str:
    return f"{COUNTY}{101 + t:03d}"


def setup_world(database_url: str, townships: int, devices: int) -> None:
    """Migrate and make ``townships`` townships, each with a village, and ``devices`` grid
    workers in the first township (the one-township run) and one in each of the others."""
    from server import create_app
    from server.accounts import service
    from server.catalogue.models import Matter
    from server.core import migrate
    from server.core.db import db
    from server.units.models import AdminUnit, UnitLevel

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PASSWORD_HASH_METHOD": "scrypt:2048:8:1",
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        migrate.upgrade()
        county = AdminUnit.create(COUNTY, "基准县", UnitLevel.COUNTY)
        db.session.add(county)
        db.session.add(Matter(code="B-1", name="基准事项", domain="市容环卫", legal_basis="-"))
        for t in range(townships):
            town = AdminUnit.create(township_code(t), f"基准镇{t}", UnitLevel.TOWNSHIP, county)
            village = AdminUnit.create(
                township_code(t) + "201", f"基准村{t}", UnitLevel.VILLAGE, town
            )
            db.session.add_all([town, village])
            db.session.flush()
            for i in range(devices if t == 0 else 1):
                grid = AdminUnit.create(
                    f"{village.code}{i:03d}", f"网格{t}-{i}", UnitLevel.GRID, village
                )
                db.session.add(grid)
                db.session.flush()
                service.create_user(
                    username=f"grid{t}_{i}",
                    display_name=f"网格员{t}-{i}",
                    password=PASSWORD,
                    unit=grid,
                    roles=["grid_worker"],
                )
        db.session.commit()
    with app.app_context():
        db.engine.dispose()


def start_gunicorn(database_url: str, workers: int, tmp: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "FIELDCASE_LOG_LEVEL": "WARNING",  # the app's access lines would bury the figures
        "DATABASE_URL": database_url,
        "FIELDCASE_SECRET_KEY": uuid.uuid4().hex * 2,
        "FIELDCASE_MEDIA_ROOT": str(tmp / "media"),
        "FIELDCASE_LOGIN_RATE_LIMIT": "10000 per minute",
        "FIELDCASE_LOGIN_USER_RATE_LIMIT": "10000 per minute",
    }
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "server:create_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def code_revision() -> str:
    """The commit the server runs (and whether its files differ from it)."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "server", "sync"], capture_output=True, text=True
    )
    return head.stdout.strip() + (" (modified)" if dirty.stdout.strip() else "")


def postgres_version(database_url: str) -> str:
    import psycopg

    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--admin-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL database to create the bench's own from",
    )
    parser.add_argument("--workers", type=int, default=8, help="gunicorn sync workers")
    parser.add_argument("--devices", type=int, default=8, help="devices (and townships)")
    parser.add_argument("--batch", type=int, default=50, help="mutations a push")
    parser.add_argument("--batches", type=int, default=8, help="pushes each device makes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smaller run (smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.batches = 1, 2
    n = args.devices

    tmp = Path(tempfile.mkdtemp(prefix="fieldcase-townships-"))
    name, url = fresh_postgres(args.admin_url)
    database_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    server = None
    try:
        setup_world(database_url, townships=n, devices=n)
        server, port = start_gunicorn(database_url, args.workers, tmp)
        load = os.getloadavg()
        print(
            f"# fieldcase push by township — {platform.node()}, {os.cpu_count()} cores "
            f"({cpu_model()}), load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start, "
            f"Python {platform.python_version()}, gunicorn {version('gunicorn')} "
            f"({args.workers} sync workers), PostgreSQL {postgres_version(url)}, "
            f"code {code_revision()}"
        )
        print(
            f"# {n} devices pushing at once, each {args.batches} batches of {args.batch} "
            f"new clues ({n * args.batches * args.batch} mutations a run), {args.rounds} rounds"
        )
        one_township = [Client(port, f"grid0_{i}") for i in range(n)]
        own_townships = [Client(port, f"grid{t}_0") for t in range(n)]
        # Every worker imports, connects and warms its caches before the clock starts.
        push_run(one_township + own_townships[1:], 5, 1)

        runs = {"one township": one_township, f"{n} townships": own_townships}
        rates: dict[str, list[float]] = {label: [] for label in runs}
        latencies: dict[str, list[float]] = {label: [] for label in runs}
        print("\nround  run            mutations/s  median ms  p95 ms  errors")
        for r in range(args.rounds):
            order = list(runs) if r % 2 == 0 else list(reversed(runs))
            for label in order:
                rate, lat, errors = push_run(runs[label], args.batch, args.batches)
                rates[label].append(rate)
                latencies[label] += lat
                print(
                    f"{r + 1:5d}  {label:13s}  {rate:11.0f}  {statistics.median(lat) * 1000:9.0f}"
                    f"  {pct(lat, 95) * 1000:6.0f}  {len(errors)}"
                )
                if errors:
                    print("   first error:", errors[0][:200])
        summary = {
            label: {
                "mutations_per_s": round(statistics.median(rates[label])),
                "median_batch_ms": round(statistics.median(latencies[label]) * 1000),
                "p95_batch_ms": round(pct(latencies[label], 95) * 1000),
            }
            for label in runs
        }
        one, many = (summary[label]["mutations_per_s"] for label in runs)
        print("\nmedian over rounds")
        for label, figures in summary.items():
            print(
                f"  {label:13s}  {figures['mutations_per_s']:6d} mutations/s  "
                f"median batch {figures['median_batch_ms']} ms  p95 {figures['p95_batch_ms']} ms"
            )
        print(f"  ratio {n} townships / one township: {many / one:.2f}× ({os.cpu_count()} cores)")
        print(
            json.dumps(
                {
                    "cores": os.cpu_count(),
                    "load_at_start": [round(x, 2) for x in load],
                    "devices": n,
                    "batch": args.batch,
                    "batches_each": args.batches,
                    "rounds": args.rounds,
                    "runs": summary,
                    "ratio": round(many / one, 2),
                },
                ensure_ascii=False,
            )
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        drop_postgres(args.admin_url, name)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
