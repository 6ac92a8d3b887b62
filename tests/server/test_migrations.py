"""Alembic's migrations, on SQLite and PostgreSQL alike: up to head, matching the models
exactly, down to nothing, and up again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import server.models  # noqa: F401  (every table on the metadata)
from server.core import migrate
from server.core.db import Base, db


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_migrations_go_up_match_the_models_go_down_to_nothing_and_up_again(make_app):
    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("head")
        assert _tables() == set(Base.metadata.tables) | {"alembic_version"}
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []

        migrate.downgrade("base")
        assert _tables() == {"alembic_version"}

        migrate.upgrade("head")
        assert _tables() == set(Base.metadata.tables) | {"alembic_version"}


def test_each_migration_steps_down_and_up_again_one_at_a_time(make_app):
    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("head")
        migrate.downgrade("0001")
        assert "sync_mutation" not in _tables() and "clue" in _tables()
        migrate.upgrade("head")
        assert "sync_mutation" in _tables()


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


def test_sqlite_runs_in_wal_mode_with_foreign_keys_enforced(make_app, db_url):
    if not db_url.startswith("sqlite"):
        return
    app = make_app()
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_cli_migrates_a_fresh_database(make_app):
    app = make_app(migrated=False)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "clue" in _tables()
