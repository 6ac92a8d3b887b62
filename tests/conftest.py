"""Fixtures shared by every test.

Server tests run on SQLite by default and on PostgreSQL as well when
FIELDCASE_TEST_POSTGRES_URL is set (CI sets it and fails rather than skipping without it):
``db_url`` is parametrised over the backends, so one test body serves both.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
import sqlalchemy as sa

from server import create_app
from server.core import migrate
from server.core.db import db

POSTGRES_URL = os.environ.get("FIELDCASE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
if os.environ.get("CI") == "true" and not POSTGRES_URL:
    raise RuntimeError("CI runs the server tests on PostgreSQL: set FIELDCASE_TEST_POSTGRES_URL")


def _fresh_postgres_database() -> tuple[str, str]:
    """A new empty database per test, so tests never see each other's rows."""
    name = "fc_" + uuid.uuid4().hex[:16]
    admin = sa.make_url(POSTGRES_URL).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, admin.set(database=name, drivername="postgresql+psycopg").render_as_string(
        hide_password=False
    )


def _drop_postgres_database(name: str) -> None:
    admin = sa.make_url(POSTGRES_URL).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    name, url = _fresh_postgres_database()
    yield url
    _drop_postgres_database(name)


@pytest.fixture
def make_app(db_url, tmp_path):
    """Build an app on the test database; ``migrated`` runs Alembic to head first."""
    apps = []

    def build(migrated: bool = True, **config):
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": db_url,
                "SECRET_KEY": "test-" + uuid.uuid4().hex,
                "MEDIA_ROOT": str(tmp_path / "media"),
                "RATELIMIT_STORAGE_URI": "memory://",
                **config,
            }
        )
        if migrated:
            with app.app_context():
                migrate.upgrade()
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()
