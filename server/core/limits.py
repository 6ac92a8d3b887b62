"""Rate limits (Flask-Limiter). The default storage is a SQLite file in the instance folder,
shared by every worker process of one server (``memory://`` counted per worker: with two
workers, ten failed logins passed a limit of five); Redis when several app servers share
the limits (FIELDCASE_RATELIMIT_STORAGE_URI=redis://...)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

SHARED_SCHEME = "fieldcase+sqlite"


def shared_storage_uri(folder: Path) -> str:
    return f"{SHARED_SCHEME}:///{folder / 'ratelimits.sqlite3'}"


class SharedFileStorage(Storage):
    """Fixed-window counters in a SQLite file, one transaction per count, so that the
    worker processes of one server count together. A connection per call: a worker forked
    from a master that had one open must not share it."""

    STORAGE_SCHEME = [SHARED_SCHEME]

    # How long a worker booting beside others tries to put the file in WAL mode.
    WAL_WAIT_S = 10.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = (uri or "").split("://", 1)[1]
        db = self._connect()
        try:
            self._use_wal(db)
            db.execute(
                "CREATE TABLE IF NOT EXISTS counter"
                " (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
            )
        finally:
            db.close()

    def _use_wal(self, db: sqlite3.Connection) -> None:
        """WAL, once, when the storage is made: the mode stays with the file. Workers
        booting together all ask at once, and SQLite answers all but one "database is
        locked" straight away, without waiting out the busy timeout (each held the file
        shared and wanted it whole); a worker failed to boot so. Asked again until it
        takes. (Asked on every connection before, as each count opened one.)"""
        deadline = time.monotonic() + self.WAL_WAIT_S
        while True:
            try:
                db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5, isolation_level=None)

    def _live(self, key: str) -> tuple[int, float] | None:
        db = self._connect()
        try:
            row = db.execute("SELECT count, expires FROM counter WHERE key = ?", (key,)).fetchone()
        finally:
            db.close()
        return row if row and row[1] > time.time() else None

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time: no count is lost
            db.execute("DELETE FROM counter WHERE expires <= ?", (now,))
            db.execute(
                "INSERT INTO counter (key, count, expires) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET count = count + excluded.count",
                (key, amount, now + expiry),
            )
            (count,) = db.execute("SELECT count FROM counter WHERE key = ?", (key,)).fetchone()
            db.execute("COMMIT")
        finally:
            db.close()
        return count

    def get(self, key: str) -> int:
        live = self._live(key)
        return live[0] if live else 0

    def get_expiry(self, key: str) -> float:
        live = self._live(key)
        return live[1] if live else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        db = self._connect()
        try:
            return db.execute("DELETE FROM counter").rowcount
        finally:
            db.close()

    def clear(self, key: str) -> None:
        db = self._connect()
        try:
            db.execute("DELETE FROM counter WHERE key = ?", (key,))
        finally:
            db.close()


def login_username() -> str:
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    return "user:" + (name.strip().lower() if isinstance(name, str) else "")


def login_ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_user_limit() -> str:
    return current_app.config["LOGIN_USER_RATE_LIMIT"]


def push_refused_limit() -> str:
    return current_app.config["PUSH_REFUSED_RATE_LIMIT"]


def push_device() -> str:
    """Refusals count per device (per user when the token names none)."""
    device = g.get("device")
    return f"device:{device.id}" if device is not None else f"user:{g.user.id}"


def refused_in_push() -> int:
    """What a push costs against the refusal limit: its refused mutations (one, before it
    runs: a device already over the limit is stopped before anything is decided)."""
    return max(g.get("refused", 1), 1)


def push_refused(_response) -> bool:
    return g.get("refused", 0) > 0


def passphrase_guess_limit() -> str:
    return current_app.config["SIGNING_PASSPHRASE_RATE_LIMIT"]


def passphrase_targets() -> str:
    """Wrong passphrases count against the officers whose keys they were tried on (the
    request's ``officer_passphrases``), whoever sends them: an officer's key is not guessed
    at online, from one account or many."""
    body = request.get_json(silent=True)
    given = body.get("officer_passphrases") if isinstance(body, dict) else None
    return "signing:" + ",".join(sorted(map(str, given))) if isinstance(given, dict) else "signing:"


def signing_key_target() -> str:
    """A key put on an account at the desk (``PUT /users/<id>/signing-key``): wrong
    passphrases count against that officer's account, whoever sends them, under the same
    limit as those tried on his key when a document is issued."""
    return f"signing:{(request.view_args or {}).get('user_id', '')}"


def wrong_passphrase(_response) -> bool:
    return bool(g.get("wrong_passphrase"))
