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
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        fn(cfg, *args, **kwargs)


def upgrade(revision: str = "head") -> None:
    _run(command.upgrade, revision)


def downgrade(revision: str) -> None:
    _run(command.downgrade, revision)


def revision(message: str) -> None:
    _run(command.revision, message=message, autogenerate=True)


def current() -> None:
    _run(command.current, verbose=True)
