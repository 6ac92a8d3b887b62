"""The rate limits' shared file (server/core/limits.py), as gunicorn's workers meet it: all
of them booting at the same moment on a file none has made yet."""

from __future__ import annotations

import multiprocessing
import sqlite3

from server.core.limits import SharedFileStorage, shared_storage_uri

WORKERS = 6
ROUNDS = 20


def _boot(uri: str, barrier, answers) -> None:
    barrier.wait()
    try:
        SharedFileStorage(uri)
        answers.put(None)
    except Exception as exc:  # what a worker would die of, reported to the test
        answers.put(repr(exc))


def test_workers_booting_together_on_a_new_file_all_come_up(tmp_path):
    """Each worker puts the new file in WAL mode as it starts. Before, SQLite answered all
    but one of them "database is locked" at once (no busy timeout for that), and a worker
    failed to boot: found as a red CI run (tests/server/test_observability.py's two
    workers); here it failed 6 times in 30 rounds of 6."""
    forked = multiprocessing.get_context("fork")
    failures = []
    for n in range(ROUNDS):
        uri = shared_storage_uri(tmp_path / f"round-{n}")
        (tmp_path / f"round-{n}").mkdir()
        barrier, answers = forked.Barrier(WORKERS), forked.Queue()
        workers = [
            forked.Process(target=_boot, args=(uri, barrier, answers)) for _ in range(WORKERS)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        failures += [a for a in (answers.get(timeout=5) for _ in workers) if a is not None]
        with sqlite3.connect(tmp_path / f"round-{n}" / "ratelimits.sqlite3") as db:
            assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert not failures, failures


def test_counts_are_shared_and_expire(tmp_path):
    """Two storages on one file (two workers) count together; a window that ended counts
    nothing."""
    uri = shared_storage_uri(tmp_path)
    one, other = SharedFileStorage(uri), SharedFileStorage(uri)
    assert one.incr("login:1.2.3.4", expiry=60) == 1
    assert other.incr("login:1.2.3.4", expiry=60) == 2
    assert one.get("login:1.2.3.4") == 2
    assert other.incr("gone", expiry=-1) == 1  # a window already over
    assert one.get("gone") == 0
    other.clear("login:1.2.3.4")
    assert one.get("login:1.2.3.4") == 0
