#!/usr/bin/env python3
"""The closed-loop dashboard on a county's three years of clues, on PostgreSQL.

    .venv/bin/python bench/dashboard_bench.py [--database-url URL] [--clues 1000000]
        [--runs 20] [--keep] [--reuse] [--seed-only] [--explain]

Makes the database (default postgresql://postgres@127.0.0.1:5432/fieldcase_bench; dropped
first, and at the end unless ``--keep``; ``--reuse`` times a database a ``--keep`` run left),
migrates it with the app's own Alembic migrations, and seeds a county of 20 townships, each
with 10 villages of 3 grids, 50 officers and 50 grid workers, and ``--clues`` clues over the
last three years (1095 days), streamed in with PostgreSQL's COPY. The clues are in a
realistic mix of states for their age (most old ones closed, some rejected, duplicates,
transfers, a few overdue; recent ones still moving), with the loop's times in order, the
dissuasion results, ratings on most closed ones. Then ``VACUUM ANALYZE``, as autovacuum
would after such a load.

Through the Flask test client (the whole request: login check, query parsing, the
queries, JSON), as the county's dispatcher and as a township's, it times the dashboard for
this month, this year and all three years by unit, officer and category, the 4 × 100 %
indicators and the departments' board for the same periods, and the exports of the year
and of the three years (Excel and CSV by unit, Excel by officer): one warm-up, then
``--runs`` runs each. It prints the
median and p95 per query, with the machine, the versions and the seed time. Target: p95
under 300 ms at 1,000,000 clues.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import logging
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.core import migrate  # noqa: E402
from server.core.db import db  # noqa: E402
from sync.cases import CHINA  # noqa: E402
from sync.checks import geo_cell  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/fieldcase_bench"
PASSWORD = "bench-password-123"
COUNTY = ("331199", "基准县")
TOWNSHIPS, VILLAGES, GRIDS, OFFICERS, GRID_WORKERS = 20, 10, 3, 50, 50
DAYS = 1095
TARGET_MS = 300
DOMAINS = {  # domain → its matters' codes
    "生态环境": ["ST-1", "ST-2", "ST-3"],
    "市容环卫": ["SR-1", "SR-2", "SR-3", "SR-4"],
    "城乡规划": ["GH-1", "GH-2"],
    "农业农村": ["NY-1", "NY-2"],
    "林业": ["LY-1"],
    "水利": ["SL-1", "SL-2"],
    "自然资源": ["ZR-1", "ZR-2"],
}
# (status, weight) for clues older than two days, and for the last two days.
OLD_MIX = [
    ("closed", 68),
    ("handled", 3),
    ("transferred", 6),
    ("rejected", 9),
    ("duplicate", 4),
    ("withdrawn", 2),
    ("in_progress", 3),
    ("assigned", 3),
    ("accepted", 1),
    ("reported", 1),
]
NEW_MIX = [
    ("reported", 25),
    ("accepted", 10),
    ("assigned", 20),
    ("in_progress", 20),
    ("handled", 10),
    ("closed", 5),
    ("rejected", 5),
    ("duplicate", 2),
    ("transferred", 2),
    ("withdrawn", 1),
]
ANSWERED = {"accepted", "rejected", "duplicate", "transferred"}
ASSIGNED = {"assigned", "in_progress", "handled", "closed"}
TAKEN = {"in_progress", "handled", "closed"}


def plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def app_url(url: str) -> str:
    return plain_url(url).replace("postgresql://", "postgresql+psycopg://", 1)


def admin_url(url: str) -> tuple[str, str]:
    parsed = sa.make_url(plain_url(url))
    return parsed.set(database="postgres").render_as_string(hide_password=False), parsed.database


def recreate(url: str) -> None:
    admin, name = admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(url: str) -> None:
    admin, name = admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str, media: str):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app_url(url),
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "MEDIA_ROOT": media,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "LOG_LEVEL": "WARNING",
        }
    )
    logging.getLogger("fieldcase.access").setLevel(logging.WARNING)
    return app


# -- seeding ------------------------------------------------------------------------------


def seed_people(app) -> dict:
    """Units, matters, the department and people: a few hundred rows, through the models;
    the two dispatchers who log in get a real password."""
    from server.accounts import service
    from server.accounts.models import User, UserRole
    from server.catalogue.models import Empowerment, Matter
    from server.units.models import AdminUnit, Department, UnitLevel

    world: dict = {"townships": []}
    with app.app_context():
        county = AdminUnit.create(*COUNTY, UnitLevel.COUNTY)
        db.session.add(county)
        db.session.flush()
        dept = Department(code="ZRZY", name="县自然资源和规划局", unit_id=county.id)
        db.session.add(dept)
        matters = []
        for domain, codes in DOMAINS.items():
            for code in codes:
                matters.append(
                    Matter(code=code, name=f"{domain}事项{code}", domain=domain, legal_basis="-")
                )
        db.session.add_all(matters)
        db.session.flush()
        # A township holds most matters; ZR-* stay with the department (transfers).
        rng = random.Random(7)
        officers_by_town, workers_by_grid = {}, {}
        for t in range(TOWNSHIPS):
            town = AdminUnit.create(
                f"{COUNTY[0]}{101 + t:03d}", f"基准{t + 1}镇", UnitLevel.TOWNSHIP, county
            )
            db.session.add(town)
            db.session.flush()
            centre = (28.2 + 0.6 * rng.random(), 118.8 + 0.8 * rng.random())
            grids = []
            for v in range(VILLAGES):
                village = AdminUnit.create(
                    f"{town.code}{201 + v:03d}", f"{t + 1}镇{v + 1}村", UnitLevel.VILLAGE, town
                )
                db.session.add(village)
                db.session.flush()
                for g in range(GRIDS):
                    grid = AdminUnit.create(
                        f"{village.code}{g + 1:03d}",
                        f"{t + 1}镇{v + 1}村{g + 1}网格",
                        UnitLevel.GRID,
                        village,
                    )
                    db.session.add(grid)
                    db.session.flush()
                    spot = (centre[0] + 0.05 * rng.random(), centre[1] + 0.05 * rng.random())
                    grids.append((grid.id, spot))
            for m in matters:
                if not m.code.startswith("ZR"):
                    db.session.add(Empowerment(unit_id=town.id, matter_id=m.id))
            people = []
            for i in range(OFFICERS + GRID_WORKERS):
                officer = i < OFFICERS
                user = User(
                    username=f"t{t + 1}{'o' if officer else 'g'}{i}",
                    display_name=f"{t + 1}镇{'队员' if officer else '网格员'}{i + 1}",
                    password_hash="!",  # nobody logs in as them
                    unit_id=town.id if officer else grids[i % len(grids)][0],
                    certificate_no=f"ZJ-B{t:02d}{i:03d}" if officer else None,
                )
                user.role_rows.append(UserRole(role="officer" if officer else "grid_worker"))
                people.append(user)
            db.session.add_all(people)
            db.session.flush()
            officers_by_town[town.id] = [u.id for u in people[:OFFICERS]]
            for u in people[OFFICERS:]:
                workers_by_grid.setdefault(u.unit_id, []).append(u.id)
            world["townships"].append(
                {"id": town.id, "code": town.code, "path": town.path, "grids": grids}
            )
        service.create_user(
            username="county_dispatcher",
            display_name="县调度",
            password=PASSWORD,
            unit=county,
            roles=["dispatcher"],
        )
        first = db.session.get(AdminUnit, world["townships"][0]["id"])
        service.create_user(
            username="town_dispatcher",
            display_name="镇调度",
            password=PASSWORD,
            unit=first,
            roles=["dispatcher"],
        )
        db.session.commit()
        world.update(
            county=county.code,
            department=dept.id,
            matters=[(m.id, m.code) for m in matters],
            officers=officers_by_town,
            workers=workers_by_grid,
        )
    return world


def _pick(rng: random.Random, mix: list[tuple[str, int]]):
    states, weights = zip(*mix, strict=True)
    cumulative = list(itertools.accumulate(weights))
    return lambda: rng.choices(states, cum_weights=cumulative)[0]


def _ts(value: dt.datetime | None) -> str:
    return "\\N" if value is None else value.isoformat()


def _hours(rng: random.Random, median: float) -> dt.timedelta:
    """A lognormal duration: most close to the median, a long tail."""
    return dt.timedelta(hours=median * math.exp(rng.gauss(0, 0.9)))


def clue_lines(world: dict, n: int, now: dt.datetime, seed: int = 1):
    """Yield the clue table's rows as COPY text, in batches of lines."""
    rng = random.Random(seed)
    old, new = _pick(rng, OLD_MIX), _pick(rng, NEW_MIX)
    matters = world["matters"]
    towns = world["townships"]
    numbers: dict[tuple[str, int], int] = {}
    previous: dict[int, str] = {}
    batch: list[str] = []
    # Oldest first: a table grows in the order clues are reported, and so do its pages.
    ages = sorted((rng.uniform(0, DAYS * 86400) for _ in range(n)), reverse=True)
    for seq, age in enumerate(ages, start=1):
        town = towns[rng.randrange(len(towns))]
        grid_id, (lat0, lng0) = town["grids"][rng.randrange(len(town["grids"]))]
        lat = round(lat0 + rng.uniform(-0.01, 0.01), 6)
        lng = round(lng0 + rng.uniform(-0.01, 0.01), 6)
        created = now - dt.timedelta(seconds=age)
        status = new() if now - created < dt.timedelta(days=2) else old()
        matter_id, matter_code = matters[rng.randrange(len(matters))]
        if status == "transferred":
            matter_id, matter_code = next(m for m in matters if m[1].startswith("ZR"))
        elif matter_code.startswith("ZR") and status != "reported":
            matter_id = matters[0][0]
        year = created.astimezone(CHINA).year
        number = numbers[(town["code"], year)] = numbers.get((town["code"], year), 0) + 1
        ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        reporter = rng.choice(world["workers"][grid_id])
        dissuaded = rng.random() < 0.8
        result = rng.choice(("stopped", "stopped", "refused", "nobody_present"))
        # Nobody there: nobody dissuaded (未劝阻：现场无人), as the rules keep it.
        dissuaded = dissuaded and result != "nobody_present"

        responded = handled = closed = deadline = taken_at = None
        taken_by = rating = None
        version = 1
        if status in ANSWERED | ASSIGNED:
            responded = min(created + _hours(rng, 2), now)
            version += 1
        if status in ASSIGNED:
            deadline = responded + dt.timedelta(days=3)
            taken_by = rng.choice(world["officers"][town["id"]])
            version += 1
        if status in TAKEN:
            taken_at = min(responded + _hours(rng, 3), now)
            version += 1
        if status in ("handled", "closed"):
            handled = min(taken_at + _hours(rng, 30), now)
            version += 1
        if status == "closed":
            closed = min(handled + _hours(rng, 8), now)
            version += 1
            if rng.random() < 0.6:
                rating = rng.choices((5, 4, 3, 2, 1), (60, 25, 8, 4, 3))[0]
                version += 1
        batch.append(
            "\t".join(
                (
                    ident,
                    f"XS-{town['code']}-{year}-{number:05d}",
                    str(grid_id),
                    str(reporter),
                    str(matter_id),
                    str(lat),
                    str(lng),
                    str(geo_cell(lat, lng)),
                    "8.0",
                    created.isoformat(),
                    "某村某路口",
                    "现场发现疑似违法行为",
                    "t" if dissuaded else "f",
                    result if dissuaded or result == "nobody_present" else "\\N",
                    created.isoformat() if dissuaded else "\\N",
                    status,
                    "不属实" if status == "rejected" else "\\N",
                    previous.get(town["id"], ident) if status == "duplicate" else "\\N",
                    str(taken_by) if taken_by else "\\N",
                    _ts(deadline),
                    str(taken_by) if status in TAKEN else "\\N",
                    _ts(taken_at),
                    "corrected_on_spot" if handled else "\\N",
                    "已整改" if closed else "\\N",
                    str(rating) if rating else "\\N",
                    str(world["department"]) if status == "transferred" else "\\N",
                    "{}",
                    str(version),
                    str(seq),
                    created.isoformat(),
                    (closed or handled or taken_at or responded or created).isoformat(),
                    _ts(responded),
                    _ts(handled),
                    _ts(closed),
                )
            )
        )
        previous[town["id"]] = ident
        if len(batch) == 10_000:
            yield "\n".join(batch) + "\n"
            batch = []
    if batch:
        yield "\n".join(batch) + "\n"


CLUE_COLUMNS = (
    "id, code, unit_id, reporter_id, matter_id, lat, lng, geo_cell, accuracy_m, fix_time, "
    "address, description, dissuasion_done, dissuasion_result, dissuasion_at, status, "
    "reject_reason, duplicate_of, assignee_id, deadline, taken_by, taken_at, handling_outcome, "
    "feedback, rating, transferred_to_id, field_meta, version, seq, created_at, updated_at, "
    "responded_at, handled_at, closed_at"
)


def seed_clues(url: str, world: dict, n: int, now: dt.datetime) -> None:
    with psycopg.connect(plain_url(url)) as conn:
        with conn.cursor().copy(f"COPY clue ({CLUE_COLUMNS}) FROM STDIN") as copy:
            for chunk in clue_lines(world, n, now):
                copy.write(chunk)
        conn.execute(
            "INSERT INTO counter (name, value) VALUES ('change', %s) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (n,),
        )
        conn.commit()
    with psycopg.connect(plain_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")  # the load's writes flushed now, not during the timings


# -- timing -------------------------------------------------------------------------------


def login(client, username: str) -> dict:
    r = client.post(
        "/api/v1/auth/login",
        json={
            "username": username,
            "password": PASSWORD,
            "device_id": str(uuid.uuid4()),
            "device_name": "bench",
        },
    )
    assert r.status_code == 200, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['access_token']}"}


def periods(today: dt.date) -> dict[str, dict[str, str]]:
    return {
        "month": {"from": today.replace(day=1).isoformat(), "to": today.isoformat()},
        "year": {"from": today.replace(month=1, day=1).isoformat(), "to": today.isoformat()},
        "3 years": {
            "from": (today - dt.timedelta(days=DAYS - 1)).isoformat(),
            "to": today.isoformat(),
        },
    }


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank


def timed(client, headers: dict, path: str, query: dict, runs: int) -> tuple[list[float], dict]:
    r = client.get(path, query_string=query, headers=headers)  # warm-up
    assert r.status_code == 200, (path, r.status_code, r.get_data()[:300])
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        r = client.get(path, query_string=query, headers=headers)
        r.get_data()
        samples.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200
    return samples, (r.get_json() if r.is_json else {})


def explain(app, unit_code: str, query: dict, by: str) -> None:
    """The plans of the dashboard's statements on clues (what the database did)."""
    from server.console import dashboard as board
    from server.core.db import utcnow
    from server.units.models import AdminUnit

    statements: list[tuple[str, dict]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM clue" in statement:
            statements.append((statement, parameters))

    with app.app_context():
        unit = db.session.execute(
            sa.select(AdminUnit).where(AdminUnit.code == unit_code)
        ).scalar_one()
        start, end = dt.date.fromisoformat(query["from"]), dt.date.fromisoformat(query["to"])
        sa.event.listen(db.engine, "before_cursor_execute", capture)
        try:
            board.dashboard(unit, start, end, by, utcnow())
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", capture)
        cursor = db.session.connection().connection.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            print("\n".join(row[0] for row in cursor.fetchall()), "\n")
        db.session.rollback()


def rollups(app, url: str) -> None:
    """The month roll-ups: built from every clue (``flask rollup``, or the first dashboard
    that needs a whole month), then brought up to date after a burst of changes: 200 clues
    of the last days and 20 old ones written again (a new change sequence, as a sync
    push's write gives them)."""
    from server.console import rollup

    with app.app_context():
        started = time.perf_counter()
        months = rollup.refresh(full=True)
        built_s = time.perf_counter() - started
        rows = db.session.scalar(sa.text("SELECT count(*) FROM clue_rollup"))
    with psycopg.connect(plain_url(url), autocommit=True) as conn:
        conn.execute(
            "WITH changed AS ("
            " (SELECT id FROM clue WHERE created_at > now() - interval '2 days' LIMIT 200)"
            " UNION ALL (SELECT id FROM clue TABLESAMPLE SYSTEM (1) LIMIT 20))"
            " UPDATE clue SET seq = (SELECT max(seq) FROM clue) + 1 WHERE id IN"
            " (SELECT id FROM changed)"
        )
    with app.app_context():
        started = time.perf_counter()
        again = rollup.refresh()
        again_ms = (time.perf_counter() - started) * 1000
    print(
        f"roll-ups: built in {built_s:.1f} s ({months} unit-months, {rows:,} rows); "
        f"after 220 clues changed, {again} unit-months counted again in {again_ms:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--clues", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time a database kept before")
    parser.add_argument("--explain", action="store_true", help="print the query plans too")
    parser.add_argument("--seed-only", action="store_true", help="seed and keep; time nothing")
    args = parser.parse_args()
    url = args.database_url
    now = dt.datetime.now(dt.UTC)

    with tempfile.TemporaryDirectory() as media:
        seed_s = None
        if not args.reuse:
            recreate(url)
        app = make_app(url, media)
        try:
            if not args.reuse:
                started = time.perf_counter()
                with app.app_context():
                    migrate.upgrade()
                world = seed_people(app)
                people_s = time.perf_counter() - started
                seed_clues(url, world, args.clues, now)
                seed_s = time.perf_counter() - started
            with app.app_context():
                counts = dict(
                    db.session.execute(
                        sa.text("SELECT status, count(*) FROM clue GROUP BY status")
                    ).all()
                )
                server = db.session.execute(sa.text("SHOW server_version")).scalar_one()
                size = db.session.execute(
                    sa.text("SELECT pg_size_pretty(pg_total_relation_size('clue'))")
                ).scalar_one()
                town = (
                    db.session.execute(
                        sa.text(
                            "SELECT code FROM admin_unit WHERE level = 'township' ORDER BY code"
                        )
                    )
                    .scalars()
                    .first()
                )
            print(
                f"# fieldcase dashboard bench — {platform.node()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}, PostgreSQL {server}, SQLAlchemy "
                f"{sa.__version__}, psycopg {psycopg.__version__}"
            )
            total = sum(counts.values())
            mix = ", ".join(f"{s} {n / total:.1%}" for s, n in sorted(counts.items()))
            print(f"clues: {total:,} (clue table with indexes: {size}); {mix}")
            if seed_s is not None:
                print(
                    f"seed: {seed_s:.1f} s (migrations and people {people_s:.1f} s, "
                    f"clues by COPY and VACUUM ANALYZE {seed_s - people_s:.1f} s)"
                )

            if args.seed_only:
                args.keep = True
                return
            rollups(app, url)
            client = app.test_client()
            who = {
                "county": (login(client, "county_dispatcher"), COUNTY[0]),
                "township": (login(client, "town_dispatcher"), town),
            }
            today = now.astimezone(CHINA).date()
            print(f"\n{args.runs} runs each after a warm-up; target p95 < {TARGET_MS} ms")
            print(
                f"{'who':9} {'query':38} {'period':8} {'clues':>9} {'median ms':>10} {'p95 ms':>8}"
            )
            misses = []
            for name, (headers, code) in who.items():
                for period, query in periods(today).items():
                    cases = [
                        (f"dashboard by={by}", f"/api/v1/units/{code}/dashboard", {"by": by})
                        for by in ("unit", "officer", "category")
                    ]
                    cases.append(("indicators", f"/api/v1/units/{code}/indicators", {}))
                    # How the departments answered the unit's transfers (部门协同).
                    cases.append(("departments", f"/api/v1/units/{code}/departments", {}))
                    if period != "month":
                        cases += [
                            (
                                f"export {ext} by={by}",
                                f"/api/v1/units/{code}/dashboard.{ext}",
                                {"by": by},
                            )
                            for ext, by in (("xlsx", "unit"), ("csv", "unit"), ("xlsx", "officer"))
                        ]
                    for label, path, extra in cases:
                        samples, body = timed(client, headers, path, {**query, **extra}, args.runs)
                        reported = body.get("totals", {}).get("reported", "")
                        med, high = statistics.median(samples), p95(samples)
                        if high >= TARGET_MS:
                            misses.append((name, label, period, high))
                        print(
                            f"{name:9} {label:38} {period:8} {reported!s:>9} "
                            f"{med:10.1f} {high:8.1f}"
                        )
                    if args.explain:
                        explain(app, code, query, "unit")
            print(
                "\nall p95 under target"
                if not misses
                else f"\n{len(misses)} p95 over {TARGET_MS} ms: {misses}"
            )
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            if not args.keep:
                drop(url)


if __name__ == "__main__":
    main()
