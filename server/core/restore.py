"""A restore from a backup folder of ``ops/backup.sh``, as one step (docs/BACKUP.md): check the
backup, put the database back, bring it to the code's revision, start a new server
generation (R12, ``server.sync_api.generation``), and put back the evidence files the
store lacks. Every app server must be stopped: a restore under a running app would mix two
histories.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import sqlalchemy as sa

from server.core import migrate
from server.core.db import db
from server.evidence.storage import Store
from server.sync_api import generation


class RestoreError(Exception):
    """The backup cannot be restored as it is; nothing was changed unless it says so."""


def check_manifest(folder: Path) -> int:
    """The backup is whole: every file of its ``SHA256SUMS`` has its hash (a folder without
    the manifest is a backup that did not finish). Returns the files checked."""
    manifest = folder / "SHA256SUMS"
    if not manifest.is_file():
        raise RestoreError(f"{folder}: no SHA256SUMS: an unfinished backup, use another")
    bad = []
    lines = [line for line in manifest.read_text().splitlines() if line.strip()]
    for line in lines:
        expected, _, name = line.partition("  ")
        path = folder / name
        digest = hashlib.sha256()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
        except FileNotFoundError:
            bad.append(f"missing {name}")
            continue
        if digest.hexdigest() != expected:
            bad.append(f"altered {name}")
    if bad:
        raise RestoreError(f"{folder}: the backup is damaged: {', '.join(bad[:5])}")
    return len(lines)


def _restore_postgresql(dump: Path, url: sa.URL) -> None:
    program = shutil.which("pg_restore")
    if program is None:
        raise RestoreError("pg_restore is needed (the PostgreSQL client, its server's version)")
    # Empty the database first: a table the dump does not have (made by a newer migration)
    # would otherwise stay, and the migrations after the restore would meet it.
    with db.engine.begin() as conn:
        tables = sa.inspect(conn).get_table_names()
        if tables:
            quoted = ", ".join(conn.dialect.identifier_preparer.quote(t) for t in tables)
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {quoted} CASCADE")
    db.engine.dispose()
    env = dict(os.environ)
    if url.password:  # not on the command line, where `ps` shows it
        env["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run(  # noqa: S603 (our arguments; the URL is the app's own setting)
        [
            program,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={libpq}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RestoreError(f"pg_restore failed: {done.stderr.strip()[-2000:]}")


def _restore_sqlite(copy: Path, url: sa.URL) -> None:
    target = Path(url.database or "")
    db.engine.dispose()
    # Beside the target, then renamed over it: a restore cut short leaves the old file whole.
    incoming = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, incoming)
    # A leftover WAL belongs to the old file: SQLite would apply it to the copy.
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(incoming, target)


def restore_database(folder: Path) -> None:
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        dump = folder / "database.dump"
        if not dump.is_file():
            raise RestoreError(f"{folder}: no database.dump for this PostgreSQL database")
        _restore_postgresql(dump, url)
    elif url.get_backend_name() == "sqlite":
        copy = folder / "fieldcase.db"
        if not copy.is_file():
            raise RestoreError(f"{folder}: no fieldcase.db for this SQLite database")
        _restore_sqlite(copy, url)
    else:
        raise RestoreError(f"cannot restore a {url.get_backend_name()} database")
    db.session.remove()


def restore_files(folder: Path, store: Store) -> int:
    """Put back the evidence files of the backup's ``media/`` the store lacks; nothing is
    deleted or overwritten (a file is the same wherever it is found: its name is its hash).
    Returns the files copied. A bucket is mirrored by hand (docs/BACKUP.md)."""
    media = folder / "media"
    copied = 0
    if not media.is_dir():
        return copied
    for path in sorted(media.rglob("*")):
        if not path.is_file():
            continue
        key = path.relative_to(media).as_posix()
        if not store.exists(key):
            with path.open("rb") as f:
                store.put(key, f)
            copied += 1
    return copied


def restore(folder: Path, store: Store) -> tuple[generation.ServerGeneration, int]:
    """The whole restore; returns the new generation and the evidence files put back."""
    check_manifest(folder)
    restore_database(folder)
    migrate.upgrade()  # a backup made by older code
    started = generation.begin("restore", source=folder.name)
    db.session.commit()
    return started, restore_files(folder, store)
