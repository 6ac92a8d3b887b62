"""The restore drill of docs/BACKUP.md: a county with photos is backed up the documented way
(``ops/backup.sh``: pg_dump or sqlite3's online backup, then the evidence folder; an S3
bucket mirrored to another), both are wiped, and both are restored. The server is then
whole again: the audit chain verifies with every entry, every table has its rows, every
evidence file is in the store intact (``flask evidence verify-store``), a photo is served;
and the checks catch a damaged photo and an edited audit entry. On SQLite and PostgreSQL,
with a local folder and with S3 (moto).

The restore is one command (``flask --app server restore``) that also starts a new server
generation (R12): phones that pulled after the backup are reset, and no clue number the lost
server gave out is given again."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from server import demo
from server.audit.models import AuditEntry
from server.core import migrate
from server.core.db import Base, db
from server.demo.data import DEMO_PASSWORD, TOWNSHIPS
from server.evidence.models import Blob
from server.evidence.storage import original_key
from server.sync_api.generation import ServerGeneration
from tests.conftest import POSTGRES_URL, Session
from tests.server.evidence_kit import (
    compressed_copy,
    patch,
    phone_photo,
    record_evidence,
    sha,
    start_upload,
    upload,
)
from tests.server.s3_server import CREDENTIALS, new_bucket, s3_client, s3_endpoint  # noqa: F401
from tests.server.sync_kit import push
from tests.server.world import PASSWORD, build_world, clue_payload

BACKUP_SCRIPT = Path(__file__).resolve().parents[2] / "ops" / "backup.sh"
PHOTOS = [phone_photo(seed=11), phone_photo(seed=12, orientation=1)]


# -- the county ------------------------------------------------------------------------------


def log_in(client, username: str, password: str = DEMO_PASSWORD) -> Session:
    device_id = str(uuid.uuid4())
    r = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password, "device_id": device_id},
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    return Session(client, body["access_token"], body["refresh_token"], device_id)


def clue_mutation(clue_id: uuid.UUID, op: str, payload: dict) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "record_type": "clue",
        "record_id": str(clue_id),
        "op": op,
        "base_version": None,
        "payload": payload,
        "device_time": None,
    }


def build_county(app) -> dict[str, bytes]:
    """The demo county, then a day's work through the API: a clue reported from a phone
    with two photos (one sent as a compressed copy first), accepted by the dispatcher, an
    original viewed. Returns evidence id -> original bytes."""
    with app.app_context():
        demo.seed()
    client = app.test_client()
    grid, dispatcher = log_in(client, "hb_grid1"), log_in(client, "hb_dispatch")
    lat, lng = TOWNSHIPS[0]["centre"]
    clue_id, now = uuid.uuid4(), dt.datetime.now(dt.UTC).isoformat()
    report = {
        "matter_code": "ST-0119-01",
        "location": {"lat": lat, "lng": lng, "accuracy_m": 6.0, "fix_time": now},
        "address": "北二村村东稻田",
        "description": "田间有人焚烧秸秆，已上前劝阻。",
        "dissuasion": {"done": True, "result": "stopped", "at": now},
    }
    [reported] = push(grid, clue_mutation(clue_id, "create", report))
    assert reported["outcome"] == "applied", reported

    first = record_evidence(grid, clue_id, PHOTOS[0])
    assert upload(grid, first, PHOTOS[0], chunk=100_000).status_code == 204
    copy = compressed_copy(PHOTOS[1])
    second = record_evidence(grid, clue_id, PHOTOS[1], copy=copy)
    assert upload(grid, second, copy).status_code == 204
    assert upload(grid, second, PHOTOS[1]).status_code == 204

    accept = {"name": "accept", "args": {}}
    [accepted] = push(dispatcher, clue_mutation(clue_id, "transition", accept))
    assert accepted["outcome"] == "applied", accepted
    assert dispatcher.get(f"/api/v1/evidence/{first}/files/original").data == PHOTOS[0]
    return {first: PHOTOS[0], second: PHOTOS[1]}


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in Base.metadata.sorted_tables
        }


def database_revision(app) -> str | None:
    with app.app_context(), db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def newest_revision() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def audit_entries_verified(app) -> int:
    result = cli(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    return int(re.search(r"(\d+) entries verified", result.output).group(1))


# -- the database: back up, wipe, restore, as docs/BACKUP.md says -----------------------------


def libpq_url(db_url: str) -> str:
    return db_url.replace("postgresql+psycopg://", "postgresql://")


def sqlite_path(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def needs_tool(name: str) -> None:
    if shutil.which(name) is None:
        pytest.skip(f"the drill needs the {name} command (apt-get install it)")


def run_backup(app, db_url: str, dest: Path, store_url: str = "") -> Path:
    needs_tool("pg_dump" if db_url.startswith("postgresql") else "sqlite3")
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "FIELDCASE_MEDIA_ROOT": app.config["MEDIA_ROOT"],
        "FIELDCASE_EVIDENCE_STORE": store_url,
    }
    done = subprocess.run(
        [str(BACKUP_SCRIPT), str(dest)], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip().splitlines()[-1])
    # The backup checks itself before anything is restored from it.
    subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=folder, check=True)
    return folder


def stop(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def wipe_database(db_url: str) -> None:
    if db_url.startswith("postgresql"):
        name = sa.make_url(db_url).database
        admin = sa.make_url(POSTGRES_URL).set(drivername="postgresql")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):  # a stale WAL must not be replayed on the copy
            Path(f"{sqlite_path(db_url)}{suffix}").unlink(missing_ok=True)
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
    finally:
        engine.dispose()


def restore_command(app, folder: Path):
    """The restore of docs/BACKUP.md: one command."""
    done = cli(app, "restore", "--yes", str(folder))
    assert done.exit_code == 0, done.output
    return done


def restore_by_hand(db_url: str, folder: Path) -> None:
    """A restore without the command (the documented one before server generations)."""
    if db_url.startswith("postgresql"):
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={libpq_url(db_url)}",
                str(folder / "database.dump"),
            ],
            check=True,
            capture_output=True,
        )
    else:
        subprocess.run(["cp", str(folder / "fieldcase.db"), str(sqlite_path(db_url))], check=True)


# -- the evidence store: a folder, or a bucket mirrored to another -----------------------------


@pytest.fixture
def aws_env(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@pytest.fixture(params=["folder", "s3"])
def store_config(request) -> dict[str, str]:
    if request.param == "folder":
        return {}
    request.getfixturevalue("aws_env")
    endpoint = request.getfixturevalue("s3_endpoint")
    return {
        "EVIDENCE_STORE": f"s3://{new_bucket(endpoint)}/evidence",
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": CREDENTIALS["region_name"],
    }


def mirror(client, source: tuple[str, str], target: tuple[str, str]) -> int:
    """What ``mc mirror`` / ``aws s3 sync`` do: copy every object under one prefix to
    another, server side."""
    (src_bucket, src_prefix), (dst_bucket, dst_prefix) = source, target
    copied = 0
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=src_bucket, Prefix=src_prefix
    ):
        for obj in page.get("Contents", []):
            client.copy_object(
                Bucket=dst_bucket,
                Key=dst_prefix + obj["Key"][len(src_prefix) :],
                CopySource={"Bucket": src_bucket, "Key": obj["Key"]},
            )
            copied += 1
    return copied


def empty_bucket(client, bucket: str) -> None:
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=obj["Key"])


# -- the drill ----------------------------------------------------------------------------------


def test_a_wiped_server_restored_from_its_backup_has_every_row_every_photo_and_its_audit_chain(
    make_app, db_url, store_config, tmp_path
):
    app = make_app(**store_config)
    photos = build_county(app)
    counts = row_counts(app)
    entries = audit_entries_verified(app)
    stored = app.extensions["evidence_store"].keys("")
    # The demo's 38 clues and one more.
    assert counts["evidence_blob"] == 3 and counts["evidence"] == 2 and counts["clue"] == 39

    # Back up: the database first, then the store (the script copies a folder; a bucket is
    # mirrored to another bucket).
    store_url = store_config.get("EVIDENCE_STORE", "")
    folder = run_backup(app, db_url, tmp_path / "backups", store_url)
    if store_url:
        s3 = s3_client(store_config["S3_ENDPOINT_URL"])
        bucket, prefix = store_url.removeprefix("s3://").split("/", 1)
        backup_bucket = new_bucket(store_config["S3_ENDPOINT_URL"])
        assert mirror(s3, (bucket, prefix + "/"), (backup_bucket, folder.name + "/")) == len(stored)
    else:
        assert sorted(p.name for p in folder.iterdir()) == [
            "SHA256SUMS",
            "database.dump" if db_url.startswith("postgresql") else "fieldcase.db",
            "media",
        ]

    # Wipe both.
    stop(app)
    wipe_database(db_url)
    if store_url:
        empty_bucket(s3, bucket)
    else:
        shutil.rmtree(app.config["MEDIA_ROOT"])
    assert app.extensions["evidence_store"].keys("") == []

    # Restore both (the command puts back a folder's files; a bucket is mirrored back), and
    # start a server on them.
    restored = make_app(migrated=False, **store_config)
    if store_url:
        mirror(s3, (backup_bucket, folder.name + "/"), (bucket, prefix + "/"))
    done = restore_command(restored, folder)
    assert f"{0 if store_url else len(stored)} evidence files put back" in done.output

    assert database_revision(restored) == newest_revision()  # what `flask db current` shows
    assert audit_entries_verified(restored) == entries
    assert row_counts(restored) == {**counts, "server_generation": 2}  # the restore's own
    assert restored.extensions["evidence_store"].keys("") == stored
    verified = cli(restored, "evidence", "verify-store")
    assert verified.exit_code == 0, verified.output
    assert "3 files in the database, 3 intact, 0 missing, 0 altered" in verified.output
    assert "warning" not in verified.output and "note" not in verified.output

    grid = log_in(restored.test_client(), "hb_grid1")
    for evidence_id, photo in photos.items():
        served = grid.get(f"/api/v1/evidence/{evidence_id}/files/original")
        assert served.status_code == 200 and served.data == photo
        # Copies were not backed up (nor needed): they are made on first view.
        assert grid.get(f"/api/v1/evidence/{evidence_id}/files/thumb").status_code == 200

    # The checks would have caught a restore that lost or changed something.
    store = restored.extensions["evidence_store"]
    first, second = (original_key(sha(photo)) for photo in photos.values())
    store.put(first, PHOTOS[0][:-1] + b"\x00")
    store.delete(second)
    damaged = cli(restored, "evidence", "verify-store")
    assert damaged.exit_code == 1
    assert f"altered  {first}" in damaged.output and f"missing  {second}" in damaged.output
    assert "1 intact, 1 missing, 1 altered" in damaged.output

    with restored.app_context():
        edited = db.session.execute(
            sa.select(AuditEntry).order_by(AuditEntry.id).offset(entries // 2).limit(1)
        ).scalar_one()
        edited.ip = "10.0.0.9"
        db.session.commit()
        chain, seq = edited.chain, edited.seq
    tampered = cli(restored, "audit", "verify")
    assert tampered.exit_code == 1
    assert f"AUDIT CHAIN BROKEN: chain {chain}" in tampered.output
    assert f"at entry {seq}: entry was altered" in tampered.output


# -- verify-store on its own --------------------------------------------------------------------


def test_a_file_stored_after_the_database_backup_is_noted_as_harmless(app, world, login):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTOS[0])
    assert upload(grid, evidence_id, PHOTOS[0]).status_code == 204
    newer = phone_photo(seed=99)
    app.extensions["evidence_store"].put(original_key(sha(newer)), newer)

    result = cli(app, "evidence", "verify-store")

    assert result.exit_code == 0, result.output
    assert "1 files in the database, 1 intact" in result.output
    assert "note: 1 stored files have no row in the database" in result.output


def test_a_record_whose_file_row_is_gone_fails_verify_store(app, world, login):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTOS[0])
    assert upload(grid, evidence_id, PHOTOS[0]).status_code == 204
    with app.app_context():
        db.session.execute(sa.delete(Blob))
        db.session.commit()

    result = cli(app, "evidence", "verify-store")

    assert result.exit_code == 1
    assert f"held but no file row  evidence {evidence_id} original" in result.output


def test_an_upload_whose_pieces_the_restore_lost_is_a_warning_and_is_purged_so_the_phone_restarts(
    app, world, login
):
    grid = login("grid_a")
    store = app.extensions["evidence_store"]
    cut, whole = PHOTOS
    locations = []
    for photo in (cut, whole):
        evidence_id = record_evidence(grid, world.clues["clue_a"], photo)
        created = start_upload(grid, evidence_id, photo)
        assert created.status_code == 201
        location = created.headers["Location"]
        assert patch(grid, location, 0, photo[:50_000]).status_code == 204
        locations.append(location)
    lost = locations[0].rsplit("/", 1)[-1]
    store.delete_prefix(f"uploads/{lost}/")

    checked = cli(app, "evidence", "verify-store")
    assert checked.exit_code == 0, checked.output
    assert f"warning: unfinished upload {lost} has lost pieces" in checked.output
    assert locations[1].rsplit("/", 1)[-1] not in checked.output

    purged = cli(app, "evidence", "purge-uploads", "--lost-pieces")
    assert purged.exit_code == 0 and "1 uploads with lost pieces discarded" in purged.output
    assert grid.client.head(locations[0], headers=head_headers(grid)).status_code == 404
    kept = grid.client.head(locations[1], headers=head_headers(grid))
    assert kept.status_code == 200 and kept.headers["Upload-Offset"] == "50000"
    assert "warning" not in cli(app, "evidence", "verify-store").output


def test_an_upload_started_but_sent_no_byte_is_neither_broken_nor_a_crash(app, world, login):
    """A phone that lost its signal right after creating the upload (found by
    bench/chaos_sync.py: the piece check crashed on an upload with no pieces)."""
    grid = login("grid_a")
    photo = phone_photo(seed=98)
    created = start_upload(grid, record_evidence(grid, world.clues["clue_a"], photo), photo)
    assert created.status_code == 201 and created.headers["Upload-Offset"] == "0"

    checked = cli(app, "evidence", "verify-store")

    assert checked.exit_code == 0, checked.output
    assert "warning" not in checked.output


def head_headers(session: Session) -> dict[str, str]:
    return {"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {session.token}"}


# -- R12: a restore starts a new server generation -----------------------------------------


def pull(session: Session, cursor: str | None = None) -> dict:
    r = session.get("/api/v1/sync/pull", query_string={"cursor": cursor} if cursor else {})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def work_lost_with_the_server(app, db_url, tmp_path) -> tuple[Path, dict, str, str]:
    """A world backed up, then work the backup lacks: a clue reported, and a phone that
    pulled past it. Returns the backup, the lost clue, a cursor given out before the backup
    and one after it."""
    with app.app_context():
        build_world()
    grid = log_in(app.test_client(), "grid_a", PASSWORD)
    before = pull(grid)["cursor"]
    folder = run_backup(app, db_url, tmp_path / "backups")
    lost = grid.post("/api/v1/clues", json=clue_payload()).get_json()
    after = pull(grid, before)
    assert lost["id"] in [c["id"] for c in after["changes"]]
    stop(app)
    wipe_database(db_url)
    return folder, lost, before, after["cursor"]


def test_a_restore_starts_a_new_generation_that_resets_every_phone_and_never_repeats_a_code(
    make_app, db_url, tmp_path
):
    app = make_app()
    folder, lost, before, after = work_lost_with_the_server(app, db_url, tmp_path)
    documented = (BACKUP_SCRIPT.parents[1] / "docs" / "BACKUP.md").read_text()
    assert "flask --app server restore" in documented and "UPDATE counter" not in documented

    restored = make_app(migrated=False)
    done = restore_command(restored, folder)

    grid = log_in(restored.test_client(), "grid_a", PASSWORD)
    assert grid.get(f"/api/v1/clues/{lost['id']}").status_code == 404
    new = grid.post("/api/v1/clues", json=clue_payload()).get_json()
    assert new["code"] != lost["code"]  # the lost clue's number may have been read out
    full = pull(grid)
    assert full["generation"] in done.output and not full["reset"]
    old_style = "c1." + ".".join(before.split(".")[2:])  # before generations existed
    for cursor in (after, before, old_style):  # after the backup, before it, long before it
        reset = pull(grid, cursor)
        assert reset["reset"] is True and reset["reset_reason"] == "generation", cursor
        assert reset["generation"] == full["generation"] not in cursor
        assert [c["id"] for c in reset["changes"]] == [c["id"] for c in full["changes"]]
        assert new["id"] in [c["id"] for c in reset["changes"]]
        assert lost["id"] not in [c["id"] for c in reset["changes"]]
        # Once caught up, the next pull is an ordinary one of the new generation.
        assert pull(grid, reset["cursor"])["reset"] is False


def test_a_cursor_ahead_of_a_database_restored_by_hand_resets_the_phone(make_app, db_url, tmp_path):
    """Restored without the command, the database keeps its generation and its counter is
    behind the phones that pulled after the backup: such a cursor cannot be trusted."""
    app = make_app()
    folder, lost, _, after = work_lost_with_the_server(app, db_url, tmp_path)

    restore_by_hand(db_url, folder)
    restored = make_app(migrated=False)

    grid = log_in(restored.test_client(), "grid_a", PASSWORD)
    reset = pull(grid, after)
    assert reset["generation"] == after.split(".")[1]  # the same generation: restored by hand
    assert reset["reset"] is True and reset["reset_reason"] == "ahead"
    assert lost["id"] not in [c["id"] for c in reset["changes"]]
    assert reset["changes"] == pull(grid)["changes"]


def test_a_cursor_given_out_before_generations_existed_goes_on_where_it_was(app, world, login):
    """An app update must not reset every phone: the database's first generation is the
    history such a cursor was given out in."""
    grid = login("grid_a")
    first = pull(grid)
    seq, fingerprint = first["cursor"].split(".")[2:]
    new = grid.post("/api/v1/clues", json=clue_payload()).get_json()

    going_on = pull(grid, f"c1.{seq}.{fingerprint}")

    assert going_on["reset"] is False and going_on["generation"] == first["generation"]
    assert new["id"] in [c["id"] for c in going_on["changes"]]
    assert going_on == pull(grid, first["cursor"])


def test_a_damaged_backup_is_refused_before_the_database_is_touched(make_app, db_url, tmp_path):
    app = make_app()
    with app.app_context():
        build_world()
    folder = run_backup(app, db_url, tmp_path / "backups")
    counts = row_counts(app)
    dump = next(p for p in folder.iterdir() if p.name in ("database.dump", "fieldcase.db"))
    data = dump.read_bytes()
    dump.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))

    refused = cli(app, "restore", "--yes", str(folder))

    assert refused.exit_code == 1
    assert f"the backup is damaged: altered ./{dump.name}" in refused.output
    assert row_counts(app) == counts
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServerGeneration)) == 1


def test_a_backup_made_before_generations_is_restored_into_the_second_one(
    make_app, db_url, tmp_path
):
    """The first restore after this version is deployed is of a backup made by the one
    before: the command brings it to the code's revision, then starts a new generation."""
    before = ScriptDirectory.from_config(migrate.alembic_config()).get_revision("0014")
    app = make_app()
    with app.app_context():
        # The world is built by today's models, so at head; then taken back to the revision
        # before generations (the later migrations' rows went with it), as that code left it.
        build_world()
        db.session.remove()  # its connection's lock (SQLite) is the migration's to take
        migrate.downgrade(before.down_revision)
    folder = run_backup(app, db_url, tmp_path / "backups")
    with app.app_context():
        migrate.upgrade()  # this version is deployed; work goes on, then the server is lost
    grid = log_in(app.test_client(), "grid_a", PASSWORD)
    lost = grid.post("/api/v1/clues", json=clue_payload()).get_json()

    restore_command(app, folder)

    assert database_revision(app) == newest_revision()
    with app.app_context():
        generations = db.session.scalars(
            sa.select(ServerGeneration).order_by(ServerGeneration.number)
        ).all()
    assert [(g.number, g.reason, g.source) for g in generations] == [
        (1, "first", None),
        (2, "restore", folder.name),
    ]
    grid = log_in(app.test_client(), "grid_a", PASSWORD)
    assert grid.get(f"/api/v1/clues/{lost['id']}").status_code == 404
    assert grid.post("/api/v1/clues", json=clue_payload()).get_json()["code"] != lost["code"]
    assert pull(grid)["generation"] == generations[1].id
