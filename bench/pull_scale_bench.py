#!/usr/bin/env python3
"""A grid worker's pull when the county wrote 100,000 changes elsewhere since his cursor.

    .venv/bin/python bench/pull_scale_bench.py [--before main] [--postgres-url URL]
                                                [--elsewhere 100000] [--repeat 15]

One county of 10 townships, 5 villages each, 10 grids a village (500 grids, a grid worker
in each). The grid worker measured has 200 clues in his grid (with notes) that he has
already pulled. Then 100,000 changes land elsewhere (clues, notes and photos of other
grids, interleaved), and 20 of his own among them: 12 clues in his grid, 4 notes and
4 photos on them. His next pull should cost what those 20 cost.

The same world is built twice on each database, once with the pull of ``--before`` (a git
revision, main by default: its schema and its code, from ``git archive``) and once with
this working tree's, and the pull (in process, no HTTP: the query is what is measured) is
timed ``--repeat`` times; medians are printed with the ratio. Rows are written straight into
the tables (not pushed): what is measured is the pull alone, and both sides get the same.
PostgreSQL runs in a fresh database per side (``--postgres-url`` names the server; skip it
with ``--no-postgres``), ANALYZEd after the load as autovacuum would; SQLite is ANALYZEd
too, as ``PRAGMA optimize`` does for the app's connections.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs inside a child process whose sys.path starts with one version's source tree.
CHILD = r"""
import datetime as dt, json, random, statistics, sys, time, uuid
import sqlalchemy as sa
from server import create_app
from server.core import migrate
from server.core.db import db, Counter
from server.accounts import service
from server.accounts.models import User
from server.catalogue.models import Matter
from server.clues.models import Clue, ClueNote
from server.evidence.models import Evidence
from server.units.models import AdminUnit, UnitLevel
from server.sync_api import pull as pulling

args = json.loads(sys.argv[1])
app = create_app({"SQLALCHEMY_DATABASE_URI": args["url"], "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                  "SECRET_KEY": "bench-" + uuid.uuid4().hex, "MEDIA_ROOT": args["media"]})
rng = random.Random(7)
NOW = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
seq = 0

def next_seq():
    global seq
    seq += 1
    return seq

def clue_row(unit_id, reporter_id, matter_id, n):
    lat, lng = 28.7 + rng.uniform(0, 0.5), 118.5 + rng.uniform(0, 0.5)
    return dict(id=uuid.uuid4(), code=f"XS-B-{n:07d}", unit_id=unit_id,
                reporter_id=reporter_id, matter_id=matter_id, lat=lat, lng=lng,
                geo_cell=int(lat * 1000) * 100000 + int(lng * 1000), accuracy_m=8.0,
                fix_time=NOW, address="基准村村口", description="基准测试线索：占道经营，已劝阻。",
                dissuasion_done=True, dissuasion_result="stopped", dissuasion_at=NOW,
                status="reported", field_meta={}, updated_at=NOW, version=1, seq=next_seq(),
                created_at=NOW)

def note_row(clue_id, author_id):
    return dict(id=uuid.uuid4(), clue_id=clue_id, author_id=author_id, kind="note",
                text="补充：当事人已离开。", late=False, version=1, seq=next_seq(), created_at=NOW)

def evidence_row(clue_id, author_id):
    sha = uuid.uuid4().hex * 2
    return dict(id=uuid.uuid4(), clue_id=clue_id, author_id=author_id, kind="photo",
                original_sha256=sha, original_size=2_000_000, original_media_type="image/jpeg",
                captured_at=NOW, status="included", disagreements=[], late=False, field_meta={},
                version=1, seq=next_seq(), created_at=NOW)

def insert(rows_by_table):
    for model, rows in rows_by_table:
        for i in range(0, len(rows), 5000):
            db.session.execute(sa.insert(model), rows[i : i + 5000])

def full_pull(user, cursor):
    while True:
        page = pulling.pull(user, cursor, 1000)
        cursor = page["cursor"]
        if not page["more"]:
            return cursor, page

with app.app_context():
    migrate.upgrade()
    county = AdminUnit.create("990000", "基准县", UnitLevel.COUNTY)
    db.session.add(county)
    grids, workers = [], []
    for t in range(10):
        town = AdminUnit.create(f"990000{t:03d}", f"镇{t}", UnitLevel.TOWNSHIP, county)
        for v in range(5):
            village = AdminUnit.create(f"{town.code}{v:03d}", f"村{v}", UnitLevel.VILLAGE, town)
            for g in range(10):
                grids.append(AdminUnit.create(f"{village.code}{g:03d}", f"网格{g}",
                                              UnitLevel.GRID, village))
    db.session.add_all(grids)
    matter = Matter(code="B-1", name="基准事项", domain="市容环卫", legal_basis="-")
    db.session.add(matter)
    db.session.flush()
    # Users straight into the table: 500 password hashes would take longer than the bench.
    hashed = service.create_user(username="gw0", display_name="网格员0",
                                 password="bench-password-123", unit=grids[0],
                                 roles=["grid_worker"]).password_hash
    for i, grid in enumerate(grids[1:], start=1):
        u = User(username=f"gw{i}", display_name=f"网格员{i}", password_hash=hashed, unit=grid)
        db.session.add(u)
        db.session.flush()
        workers.append(u)
    from server.accounts.models import UserRole
    db.session.add_all([UserRole(user_id=u.id, role="grid_worker") for u in workers])
    me = db.session.scalar(sa.select(User).where(User.username == "gw0"))
    workers.insert(0, me)
    db.session.flush()
    # Plain ids: the pulls below end the session's transactions, and with them the entities.
    grids = [g.id for g in grids]
    workers = [u.id for u in workers]
    me_id, matter_id = me.id, matter.id

    n = 0
    clues, notes, photos = [], [], []
    # Before his cursor: 200 clues of his grid with a note each, and 10,000 elsewhere.
    for i in range(10_200):
        grid_i = 0 if i % 51 == 0 else rng.randrange(1, 500)
        c = clue_row(grids[grid_i], workers[grid_i], matter_id, n); n += 1
        clues.append(c)
        notes.append(note_row(c["id"], workers[grid_i]))
    insert([(Clue, clues), (ClueNote, notes)])
    db.session.execute(sa.insert(Counter).values(name="change", value=seq))
    db.session.commit()
    cursor, _ = full_pull(db.session.get(User, me_id), None)

    # Then 100,000 changes elsewhere and 20 of his own, interleaved in sequence order.
    elsewhere = args["elsewhere"]
    mine_at = set(rng.sample(range(1, elsewhere + 20), 19)) | {0}  # his first change: a clue
    mine = ["clue"] * 12 + ["note"] * 4 + ["photo"] * 4
    mine_clues, other_clues = [], []
    clues, notes, photos = [], [], []
    for i in range(elsewhere + 20):
        if i in mine_at:
            kind = mine.pop(0)
            if kind == "clue":
                c = clue_row(grids[0], me_id, matter_id, n); n += 1
                clues.append(c); mine_clues.append(c)
            elif kind == "note":
                notes.append(note_row(rng.choice(mine_clues)["id"], me_id))
            else:
                photos.append(evidence_row(rng.choice(mine_clues)["id"], me_id))
            continue
        grid_i = rng.randrange(1, 500)
        r = rng.random()
        if r < 0.6 or not other_clues:
            c = clue_row(grids[grid_i], workers[grid_i], matter_id, n); n += 1
            clues.append(c); other_clues.append(c)
        elif r < 0.85:
            notes.append(note_row(rng.choice(other_clues)["id"], workers[grid_i]))
        else:
            photos.append(evidence_row(rng.choice(other_clues)["id"], workers[grid_i]))
    # Clue rows first: a note names its clue (the foreign key), whatever the seq order.
    insert([(Clue, clues), (ClueNote, notes), (Evidence, photos)])
    db.session.execute(sa.update(Counter).where(Counter.name == "change").values(value=seq))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    db.session.remove()
    me = db.session.get(User, me_id)

    times, got = [], None
    for _ in range(args["repeat"]):
        start = time.perf_counter()
        page = pulling.pull(me, cursor, 1000)
        times.append(time.perf_counter() - start)
        got = len(page["changes"])
        db.session.rollback()
    print(json.dumps({"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000,
                      "changes": got, "more": page["more"]}))
"""


def export(ref: str, into: Path) -> Path:
    """The source tree of a git revision, to run its own code."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "server", "sync", "pyproject.toml"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    import psycopg
    import sqlalchemy as sa

    name = "pull_scale_" + uuid.uuid4().hex[:10]
    admin = sa.make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name, drivername="postgresql+psycopg")
    return name, url.render_as_string(hide_password=False)


def drop_postgres(admin_url: str, name: str) -> None:
    import psycopg
    import sqlalchemy as sa

    admin = sa.make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(tree: Path, url: str, tmp: Path, args) -> dict:
    child_args = {
        "url": url,
        "media": str(tmp / "media"),
        "elsewhere": args.elsewhere,
        "repeat": args.repeat,
    }
    env = {**os.environ, "PYTHONPATH": str(tree), "FIELDCASE_LOG_LEVEL": "WARNING"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(child_args)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"the {tree} side failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision measured as 'before'")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "FIELDCASE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--elsewhere", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pull-scale-"))
    before_tree = export(args.before, tmp / "before")
    sides = [(f"before ({args.before})", before_tree), ("after (this tree)", ROOT)]
    print(
        f"# grid worker's pull, {args.elsewhere:,} changes elsewhere + 20 his since his cursor"
        f" — {platform.node()}, {os.cpu_count()} cores, {platform.machine()},"
        f" Python {platform.python_version()}; median of {args.repeat} pulls (limit 1000)"
    )
    print(f"{'database':10}  {'side':22}  {'median ms':>9}  {'min ms':>7}  changes")
    try:
        backends = ["sqlite"] + ([] if args.no_postgres else ["postgresql"])
        for backend in backends:
            medians = []
            for label, tree in sides:
                dropped = None
                if backend == "sqlite":
                    url = f"sqlite:///{tmp / (uuid.uuid4().hex + '.db')}"
                else:
                    dropped, url = fresh_postgres(args.postgres_url)
                try:
                    result = run(tree, url, tmp, args)
                finally:
                    if dropped:
                        drop_postgres(args.postgres_url, dropped)
                medians.append(result["median_ms"])
                print(
                    f"{backend:10}  {label:22}  {result['median_ms']:9.1f}  "
                    f"{result['min_ms']:7.1f}  {result['changes']}"
                )
            print(f"{backend:10}  {'ratio before/after':22}  {medians[0] / medians[1]:9.1f}×")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
