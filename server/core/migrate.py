"""Alembic, driven from the app (``flask --app server db upgrade``) and from the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from server.core.db import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _run(fn, *args, **kwargs) -> None:
    cfg = alembic_config()
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite cannot alter a constraint: batch mode rebuilds the table, dropping the
            # old one, which rows pointing at it refuse while foreign keys are on. SQLite's
            # own procedure: keys off outside any transaction, rebuild, check, keys on
            # (https://www.sqlite.org/lang_altertable.html#otheralter).
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                fn(cfg, *args, **kwargs)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:  # rolls the migration back
                        raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def upgrade(revision: str = "head") -> None:
    _run(command.upgrade, revision)


def downgrade(revision: str) -> None:
    _run(command.downgrade, revision)


def revision(message: str) -> None:
    _run(command.revision, message=message, autogenerate=True)


def current() -> None:
    _run(command.current, verbose=True)
