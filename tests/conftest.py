"""Fixtures shared by every test.

Server tests run on SQLite by default and on PostgreSQL as well when
FIELDCASE_TEST_POSTGRES_URL is set (CI sets it and fails rather than skipping without it):
``db_url`` is parametrised over the backends, so one test body serves both.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

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
                "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                # No seal keys unless a test gives some (tests/server/seal_kit.py): the
                # instance folder's are the demo's, whatever a developer ran before.
                "ESEAL_KEYSTORE": str(tmp_path / "no-seal-keys"),
                # Nor the demo's base map and areas (`make run` builds them there).
                "MAP_TILES_PACKAGE": "",
                "MAP_AREAS": "",
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


@pytest.fixture
def world(app):
    from tests.server.world import build_world

    with app.app_context():
        return build_world()


class Session:
    """A logged-in API client: ``as_(name)`` logs a world user in from a new device."""

    def __init__(self, client, token, refresh, device_id):
        self.client, self.token, self.refresh, self.device_id = client, token, refresh, device_id

    def _headers(self, kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def get(self, url, **kwargs):
        return self.client.get(url, headers=self._headers(kwargs), **kwargs)

    def post(self, url, **kwargs):
        return self.client.post(url, headers=self._headers(kwargs), **kwargs)

    def patch(self, url, **kwargs):
        return self.client.patch(url, headers=self._headers(kwargs), **kwargs)

    def put(self, url, **kwargs):
        return self.client.put(url, headers=self._headers(kwargs), **kwargs)

    def delete(self, url, **kwargs):
        return self.client.delete(url, headers=self._headers(kwargs), **kwargs)


@pytest.fixture
def login(client, world):
    from tests.server.world import PASSWORD

    def as_(username, password=PASSWORD, device_id=None):
        device_id = device_id or str(uuid.uuid4())
        r = client.post(
            "/api/v1/auth/login",
            json={
                "username": username,
                "password": password,
                "device_id": device_id,
                "device_name": "test phone",
            },
        )
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        return Session(client, body["access_token"], body["refresh_token"], device_id)

    return as_


# -- the browser (tests marked ``browser``) -----------------------------------------------
# Debian's Chromium: no browser can be downloaded here (Debian's package; see the README).
CHROMIUM = os.environ.get("FIELDCASE_CHROMIUM", "/usr/bin/chromium")
PWA_DIST = Path(__file__).resolve().parents[1] / "pwa" / "dist"
CHROMIUM_ARGS = [
    "--disable-quic",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_missing() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set FIELDCASE_CHROMIUM)"
    if not (PWA_DIST / "index.html").is_file():
        return f"the field app is not built ({PWA_DIST}): run `make pwa`"
    return None


def pytest_collection_modifyitems(config, items):
    """Without Chromium or a built app, browser tests are skipped with a loud reason on a
    developer's machine; in CI (``CI=true``) that is a failure: ``make test`` sets up both."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    why = _browser_missing() if browser else None
    if why is None:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI must run the browser tests: {why}")
    for item in browser:
        item.add_marker(pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: {why}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
