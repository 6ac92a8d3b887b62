#!/usr/bin/env python3
"""What a recalled transfer costs the department's next pull (R11, ``sync.views``).

    .venv/bin/python bench/departure_bench.py [--clues 1000] [--notes 2] [--repeat 7]
                                              [--postgres-url URL]

Township A's grid worker reports ``--clues`` clues of a matter it holds no power for, each
with ``--notes`` notes; the command room transfers them all to the land department, whose
phone pulls them; then it recalls half of the transfers. Timed (in process, no HTTP, medians
of ``--repeat``): the department's next pull (tombstones for the recalled clues and their
notes: the departure feed), the same user's cold pull (what a new phone gets), and the
command room's next pull (no departure is its: it runs no departure query at all). Pushes go
through the engine like a phone's (``push_batch``), so the departures are the real ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from server import create_app
from server.accounts.models import User
from server.core import migrate
from server.core.db import db
from server.sync_api import pull as pulling
from server.sync_api.push import push_batch
from tests.server.sync_kit import new_clue, note, step
from tests.server.world import build_world


def full_pull(user, cursor=None):
    changes = 0
    while True:
        page = pulling.pull(user, cursor, 1000)
        changes += len(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            return cursor, changes


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def run(url: str, args) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "MEDIA_ROOT": tempfile.mkdtemp(),
        }
    )
    with app.app_context():
        migrate.upgrade()
        build_world()
        user = {
            u.username: u
            for u in db.session.scalars(
                sa.select(User).where(User.username.in_(["grid_a", "dispatcher_a", "department"]))
            )
        }
        now = dt.datetime.now(dt.UTC)

        def push(who, mutations):
            for i in range(0, len(mutations), 500):
                push_batch(user[who], None, mutations[i : i + 500], now)
                db.session.commit()

        clues = [new_clue(matter_code="ZR-001") for _ in range(args.clues)]
        push("grid_a", clues)
        push("grid_a", [note(c["record_id"], f"记录{k}") for c in clues for k in range(args.notes)])
        push("dispatcher_a", [step(c["record_id"], "transfer") for c in clues])
        dept_cursor, held = full_pull(user["department"])
        room_cursor, _ = full_pull(user["dispatcher_a"])
        recalled = clues[: args.clues // 2]
        push(
            "dispatcher_a",
            [step(c["record_id"], "recall_transfer", reason="移送有误") for c in recalled],
        )

        dept_ms, (_, gone) = timed(lambda: full_pull(user["department"], dept_cursor), args.repeat)
        cold_ms, (_, kept) = timed(lambda: full_pull(user["department"]), args.repeat)
        room_ms, (_, room) = timed(
            lambda: full_pull(user["dispatcher_a"], room_cursor), args.repeat
        )
        name = url.split(":")[0]
        print(f"{name}: department held {held} records; {len(recalled)} transfers recalled")
        print(f"  department's next pull: {gone} tombstones in {dept_ms:.1f} ms")
        print(f"  department's cold pull: {kept} records in {cold_ms:.1f} ms")
        print(f"  command room's next pull: {room} changes in {room_ms:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clues", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres-url", default=None)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    run(f"sqlite:///{folder}/bench.db", args)
    if args.postgres_url:
        run(args.postgres_url, args)


if __name__ == "__main__":
    main()
