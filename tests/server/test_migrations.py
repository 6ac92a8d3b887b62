"""Alembic's migrations, on SQLite and PostgreSQL alike: up to head, matching the models
exactly, down to nothing, and up again; from Python and from ``flask --app server db``."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import server.models  # noqa: F401  (every table on the metadata)
from server.clues.models import Clue
from server.core import migrate
from server.core.db import Base, db

MODEL_TABLES = set(Base.metadata.tables)
HEAD = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def _revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_the_models_know_every_table_the_app_uses():
    assert {"user_account", "clue", "audit_entry", "audit_head", "sync_mutation"} <= MODEL_TABLES
    assert HEAD is not None


def test_migrations_go_up_match_the_models_go_down_to_nothing_and_up_again(make_app):
    app = make_app(migrated=False)
    with app.app_context():
        assert _tables() == set()

        migrate.upgrade("head")
        assert _tables() == MODEL_TABLES | {"alembic_version"}
        assert _revision() == HEAD
        assert _differences() == []

        migrate.downgrade("base")
        assert _tables() == {"alembic_version"}
        assert _revision() is None

        migrate.upgrade("head")
        assert _tables() == MODEL_TABLES | {"alembic_version"}
        assert _revision() == HEAD
        assert _differences() == []


def test_each_migration_steps_down_and_up_again_one_at_a_time(make_app):
    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("head")
        migrate.downgrade("0001")
        assert _revision() == "0001"
        assert "sync_mutation" not in _tables() and "clue" in _tables()
        migrate.upgrade("head")
        assert _revision() == HEAD
        assert _differences() == []


def test_the_second_migration_gives_clues_already_reported_their_grid_cell(make_app):
    from sync.checks import geo_cell

    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("0001")
        # Raw rows: the models describe head, this database is at 0001.
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO admin_unit (id, code, name, level, path) "
                    "VALUES (1, '3301', 'x', 'county', '/3301/')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO admin_unit (id, code, name, level, parent_id, path) "
                    "VALUES (2, '330101', 'y', 'township', 1, '/3301/330101/')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO user_account (id, username, display_name, password_hash, unit_id, "
                    "active, created_at, password_changed_at) VALUES "
                    "(1, 'u', 'u', 'h', 2, true, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO matter (id, code, name, domain, legal_basis, penalty_range, "
                    "summary_procedure_allowed, active) "
                    "VALUES (1, 'M', 'm', 'd', 'b', '', false, true)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO clue (id, code, unit_id, reporter_id, matter_id, lat, lng, "
                    "accuracy_m, fix_time, address, description, dissuasion_done, status, version, "
                    "seq, created_at, updated_at) VALUES ('0123456789abcdef0123456789abcdef', "
                    "'XS-1', 2, 1, 1, 28.61, 119.27, 5, '2026-01-01 00:00:00', '', '', false, "
                    "'reported', 1, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
        migrate.upgrade("head")
        cell = db.session.execute(sa.text("SELECT geo_cell FROM clue")).scalar_one()
        assert cell == geo_cell(28.61, 119.27)


# Values the two databases store differently, by their Python type (the rest: as they are).
_TYPES = {uuid.UUID: sa.Uuid(), dict: sa.JSON(), dt.datetime: sa.DateTime(timezone=True)}


def _insert(conn, table: str, **row) -> None:
    """A row as a past revision has it: the models describe head, not that revision."""
    columns = (sa.column(name, _TYPES.get(type(value))) for name, value in row.items())
    conn.execute(sa.table(table, *columns).insert().values(row))


def test_the_seventh_migration_gives_clues_their_loop_times_from_the_mutation_log(make_app):
    app = make_app(migrated=False)
    clue_id, other_id = uuid.UUID(int=1), uuid.UUID(int=2)
    t0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)
    with app.app_context():
        migrate.upgrade("0006")
        with db.engine.begin() as conn:
            _insert(conn, "admin_unit", id=1, code="3301", name="x", level="county", path="/3301/")
            _insert(
                conn,
                "user_account",
                id=1,
                username="u",
                display_name="u",
                password_hash="h",
                unit_id=1,
                active=True,
                created_at=t0,
                password_changed_at=t0,
            )
            _insert(
                conn,
                "matter",
                id=1,
                code="M",
                name="m",
                domain="d",
                legal_basis="b",
                penalty_range="",
                summary_procedure_allowed=False,
                active=True,
            )
            for n, ident in enumerate((clue_id, other_id)):
                _insert(
                    conn,
                    "clue",
                    id=ident,
                    code=f"XS-{n}",
                    unit_id=1,
                    reporter_id=1,
                    matter_id=1,
                    lat=28.6,
                    lng=119.2,
                    geo_cell=1,
                    accuracy_m=5,
                    fix_time=t0,
                    address="",
                    description="",
                    dissuasion_done=False,
                    status="closed",
                    version=5,
                    seq=n + 1,
                    created_at=t0,
                    updated_at=t0,
                )
            # (clue, op, transition, outcome, hours after t0), in no particular order.
            for record_id, op, name, outcome, hours in (
                (clue_id, "transition", "close", "applied", 9),
                (clue_id, "transition", "handle", "applied", 5),
                (clue_id, "transition", "accept", "applied", 2),
                (clue_id, "transition", "close", "rejected", 4),  # not applied: no time
                (clue_id, "transition", "handle", "applied", 7),  # handled again: the first
                (clue_id, "update", "accept", "applied", 1),  # not a transition
                (other_id, "transition", "transfer", "applied", 3),
            ):
                _insert(
                    conn,
                    "sync_mutation",
                    id=uuid.uuid4(),
                    user_id=1,
                    record_type="clue",
                    record_id=record_id,
                    op=op,
                    payload={"name": name, "args": {}},
                    received_at=t0 + hours * hour,
                    outcome=outcome,
                    result={},
                )
        migrate.upgrade("head")
        times = {
            row.id: tuple(row[1:])
            for row in db.session.execute(
                sa.select(Clue.id, Clue.responded_at, Clue.handled_at, Clue.closed_at)
            )
        }
        assert times[clue_id] == (t0 + 2 * hour, t0 + 5 * hour, t0 + 9 * hour)
        assert times[other_id] == (t0 + 3 * hour, None, None)


def test_sqlite_runs_in_wal_mode_with_foreign_keys_enforced(make_app, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite pragmas")
    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("head")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_row_pointing_at_nothing_is_refused_by_the_database(app):
    insert = sa.text("INSERT INTO department (id, code, name, unit_id) VALUES (1, 'D', 'd', 999)")
    with (
        app.app_context(),
        pytest.raises(sa.exc.IntegrityError),
        db.engine.begin() as connection,
    ):
        connection.execute(insert)


def test_the_cli_migrates_a_fresh_database_to_head(make_app):
    app = make_app(migrated=False)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at head" in result.output
    with app.app_context():
        assert _tables() == MODEL_TABLES | {"alembic_version"}
        assert _revision() == HEAD
        assert _differences() == []
    again = runner.invoke(args=["db", "upgrade"])  # nothing left to do
    assert again.exit_code == 0, again.output


def test_migration_0038_marks_reports_picked_on_the_map_and_leaves_the_rest_gps(make_app):
    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("0037")
        at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        picked, fixed = uuid.uuid4(), uuid.uuid4()
        with db.engine.begin() as conn:
            _insert(conn, "admin_unit", id=1, code="3301", name="x", level="county", path="/3301/")
            _insert(
                conn,
                "admin_unit",
                id=2,
                code="330101",
                name="y",
                level="township",
                parent_id=1,
                path="/3301/330101/",
            )
            _insert(
                conn,
                "user_account",
                id=1,
                username="u",
                display_name="u",
                password_hash="h",
                unit_id=2,
                active=True,
                created_at=at,
                password_changed_at=at,
            )
            _insert(
                conn,
                "matter",
                id=1,
                code="M",
                name="m",
                domain="d",
                legal_basis="b",
                penalty_range="",
                summary_procedure_allowed=False,
                active=True,
            )
            for n, clue_id in enumerate((picked, fixed), 1):
                _insert(
                    conn,
                    "clue",
                    id=clue_id,
                    code=f"XS-{n}",
                    unit_id=2,
                    reporter_id=1,
                    matter_id=1,
                    lat=28.61,
                    lng=119.27,
                    geo_cell=1,
                    accuracy_m=100.0 if clue_id == picked else 5.0,
                    fix_time=at,
                    address="",
                    description="",
                    dissuasion_done=False,
                    status="reported",
                    version=1,
                    seq=n,
                    created_at=at,
                    updated_at=at,
                )
            _insert(
                conn,
                "clue_note",
                id=uuid.uuid4(),
                clue_id=picked,
                author_id=1,
                kind="note",
                text="定位提示：未获得手机定位，位置为上报人在地图上手工选点（约 100 米）",
                late=False,
                version=1,
                seq=3,
                created_at=at,
            )
        migrate.upgrade("0038")
        sources = dict(db.session.execute(sa.select(Clue.id, Clue.location_source)).all())
        assert sources == {picked: "map", fixed: "gps"}
        db.session.rollback()
        migrate.downgrade("0037")  # nothing address-only: it steps down
        assert _revision() == "0037"


def test_migration_0044_gives_accounts_a_place_for_their_signing_key_and_takes_it_away(make_app):
    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("0044")
        with db.engine.begin() as conn:
            _insert(conn, "admin_unit", id=1, code="3301", name="x", level="county", path="/3301/")
            at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            _insert(
                conn,
                "user_account",
                id=1,
                username="u",
                display_name="u",
                password_hash="h",
                unit_id=1,
                active=True,
                created_at=at,
                password_changed_at=at,
                signing_p12=b"\x30\x82 encrypted",
                signing_certificate=b"\x30\x82 der",
            )
        held = db.session.execute(sa.text("SELECT signing_p12 FROM user_account")).scalar_one()
        assert bytes(held) == b"\x30\x82 encrypted"
        db.session.rollback()
        migrate.downgrade("0040")
        assert _revision() == "0040"
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("user_account")}
        assert not {"signing_p12", "signing_certificate"} & columns
        assert db.session.execute(sa.text("SELECT username FROM user_account")).scalar_one() == "u"
        db.session.rollback()


def test_migration_0041_adds_reservations_and_offline_copies_and_takes_them_away(make_app):
    """Issue 22's tables come and go whole: a downgrade leaves no trace of them."""
    app = make_app()
    with app.app_context():
        names = set(sa.inspect(db.engine).get_table_names())
        assert {"document_reservation", "offline_document"} <= names
        migrate.downgrade("0040")
        assert _revision() == "0040"
        names = set(sa.inspect(db.engine).get_table_names())
        assert not {"document_reservation", "offline_document"} & names
        migrate.upgrade("0041")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("offline_document")}
        assert {"reservation_id", "sha256", "size", "document_id"} <= columns


def test_migration_0042_lets_a_township_import_hang_evidence_and_steps_down_without_it(make_app):
    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("0042")
        at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        imported = uuid.uuid4()
        with db.engine.begin() as conn:
            _insert(
                conn, "admin_unit", id=1, code="3301", name="x", level="township", path="/3301/"
            )
            _insert(
                conn,
                "user_account",
                id=1,
                username="u",
                display_name="u",
                password_hash="h",
                unit_id=1,
                active=True,
                created_at=at,
                password_changed_at=at,
            )
            row = {
                "author_id": 1,
                "kind": "video",
                "original_sha256": "a" * 64,
                "original_size": 10,
                "original_media_type": "video/mp4",
                "captured_at": at,
                "status": "included",
                "disagreements": "[]",
                "late": False,
                "field_meta": "{}",
                "version": 1,
                "seq": 1,
                "created_at": at,
            }
            _insert(conn, "evidence", id=imported, import_unit_id=1, **row)
            _insert(
                conn,
                "bodycam_import",
                evidence_id=imported,
                file_name="20261203_101500_DSJ1.MP4",
                imported_by=1,
                imported_at=at,
                origin="{}",
            )
        # Evidence with no parent at all is still refused.
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            _insert(conn, "evidence", id=uuid.uuid4(), **{**row, "seq": 2})
        migrate.downgrade("0040")
        assert "bodycam_import" not in _tables() and "case_clip" not in _tables()
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("evidence")}
        assert "import_unit_id" not in columns
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM evidence")).scalar_one() == 0
        migrate.upgrade("head")
        assert _differences() == []


def test_migration_0043_adds_the_electronic_service_table_and_takes_it_away(make_app):
    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("0043")
        assert "electronic_service" in _tables()
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("electronic_service")}
        assert {"delivered_at", "opened_at", "served_on", "serve_outcome"} <= columns
        migrate.downgrade("0040")
        assert "electronic_service" not in _tables() and "party_copy_link" in _tables()
        migrate.upgrade("head")
        assert _differences() == []
