"""Fixtures shared by every test.

Server tests run on SQLite by default and on PostgreSQL as well when
FIELDCASE_TEST_POSTGRES_URL is set (CI sets it and fails rather than skipping without it):
``db_url`` is parametrised over the backends, so one test body serves both.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from server import create_app
from server.core import migrate
from server.core.db import db, utcnow
from server.sync_api.generation import new_generation_id

POSTGRES_URL = os.environ.get("FIELDCASE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
if os.environ.get("CI") == "true" and not POSTGRES_URL:
    raise RuntimeError("CI runs the server tests on PostgreSQL: set FIELDCASE_TEST_POSTGRES_URL")


def _postgres_admin(*statements: str) -> None:
    """Statements outside any transaction on the server's admin database (CREATE and DROP
    DATABASE)."""
    admin = sa.make_url(POSTGRES_URL).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _fresh_postgres_database() -> tuple[str, str]:
    """A new empty database per test, so tests never see each other's rows."""
    name = "fc_" + uuid.uuid4().hex[:16]
    _postgres_admin(f'CREATE DATABASE "{name}"')
    url = sa.make_url(POSTGRES_URL).set(database=name, drivername="postgresql+psycopg")
    return name, url.render_as_string(hide_password=False)


def _drop_postgres_database(name: str) -> None:
    _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    name, url = _fresh_postgres_database()
    yield url
    _drop_postgres_database(name)


def _app_config(db_url: str, tmp_path: Path, **config) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # No seal keys unless a test gives some (tests/server/seal_kit.py): the instance
        # folder's are the demo's, whatever a developer ran before.
        "ESEAL_KEYSTORE": str(tmp_path / "no-seal-keys"),
        # Nor the demo's base map and areas (`make run` builds them there).
        "MAP_TILES_PACKAGE": "",
        "MAP_AREAS": "",
        **config,
    }


class Templates:
    """Databases built once a session, that a test's database starts as a copy of: a file
    copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL. ``migrated`` is Alembic's
    head, which is what migrating the test's database would give, in a tenth of the time
    (the migrations themselves run step by step, up and down, in test_migrations.py); a
    template with a ``fill`` is head plus what ``fill`` writes in an app context (the browser
    tests' demo county)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: dict[tuple[str, str], str] = {}

    def _template(self, backend: str, name: str, fill: Callable[[], None] | None) -> str:
        key = (backend, name)
        if key not in self.made:
            if backend == "sqlite":
                path = self.folder / f"{len(self.made)}.db"
                url = made = f"sqlite:///{path}"
            else:
                made, url = _fresh_postgres_database()
            self.made[key] = made
            app = create_app(_app_config(url, self.folder))
            with app.app_context():
                migrate.upgrade()
                if fill is not None:
                    fill()
                    db.session.commit()
                db.session.remove()
                db.engine.dispose()
            if backend == "sqlite":
                with contextlib.closing(sqlite3.connect(path)) as conn:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.made[key]

    def copy_to(self, db_url: str, name: str = "migrated", fill=None) -> None:
        url = sa.make_url(db_url)
        backend = url.get_backend_name()
        template = self._template(backend, name, fill)
        if backend == "sqlite":
            shutil.copyfile(sa.make_url(template).database, url.database)
        else:
            _drop_postgres_database(url.database)
            _postgres_admin(f'CREATE DATABASE "{url.database}" TEMPLATE "{template}"')
        # Each migrated database starts its own line of history (migration 0014): so does
        # each copy, as if it had been migrated on its own.
        engine = sa.create_engine(db_url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    sa.text("UPDATE server_generation SET id = :id, started_at = :now"),
                    {"id": new_generation_id(), "now": utcnow()},
                )
        finally:
            engine.dispose()

    def drop(self) -> None:
        for (backend, _), made in self.made.items():
            if backend == "postgresql":
                _drop_postgres_database(made)


@pytest.fixture
def demo_county() -> tuple[str, Callable[[], None]]:
    """The template of the demo county (``make_app(template=demo_county)``): seeded once a
    session, and again should the date change meanwhile (its cases are dated by China's, its
    certificates by UTC's), with a working calendar for the years around today."""
    from server import demo
    from server.catalogue.models import CalendarNotice
    from sync.cases import today

    now = utcnow()
    day = today(now)

    def fill():
        # Weekends only for a year around today no State Council notice covers (the
        # migration loads 2026's): the demo's cases count working days, and a test must not
        # depend on the date it runs.
        covered = set(db.session.scalars(sa.select(CalendarNotice.year)))
        db.session.add_all(
            CalendarNotice(year=y, holidays=[], workdays=[], source="test: weekends only")
            for y in {day.year - 1, day.year, day.year + 1} - covered
        )
        demo.seed()

    return f"demo county {day} {now.date()}", fill


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.drop()


@pytest.fixture
def make_app(db_url, tmp_path, templates):
    """Build an app on the test database; ``migrated`` (the default) gives it a database at
    Alembic's head: a copy of a session template (``template``: its name and fill, see
    Templates) when it is the test's first app, else the app runs the migrations itself (a
    test that built an unmigrated one first)."""
    apps = []

    def build(migrated: bool = True, template=("migrated", None), **config):
        copied = migrated and not apps and "SQLALCHEMY_DATABASE_URI" not in config
        if copied:
            templates.copy_to(db_url, *template)
        app = create_app(_app_config(db_url, tmp_path, **config))
        if migrated and not copied:
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


def browser_backend(item) -> str:
    """The one database a browser test runs on, of those configured: half of them run on
    each, the same half every run (chosen by the test's name). The browser tests are about
    the phone and the console; the server's own tests run every rule on both databases, and
    a browser test on each database doubled the suite's longest part (a CI run has 90
    minutes). ``FIELDCASE_BROWSER_BACKENDS=all`` runs each on every database."""
    name = f"{item.path.name}::{item.originalname}"
    return BACKENDS[zlib.crc32(name.encode()) % len(BACKENDS)]


def _elsewhere(item) -> bool:
    backend = getattr(item, "callspec", None) and item.callspec.params.get("db_url")
    return backend is not None and backend != browser_backend(item)


def pytest_collection_modifyitems(config, items):
    """Each browser test runs on one database (``browser_backend``). Without Chromium or a
    built app, browser tests are skipped with a loud reason on a developer's machine; in CI
    (``CI=true``) that is a failure: ``make test`` sets up both."""
    if os.environ.get("FIELDCASE_BROWSER_BACKENDS") != "all":
        elsewhere = {i for i in items if i.get_closest_marker("browser") and _elsewhere(i)}
        if elsewhere:
            config.hook.pytest_deselected(items=list(elsewhere))
            items[:] = [i for i in items if i not in elsewhere]
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
