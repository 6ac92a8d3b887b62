"""The production stack on loopback: Debian's nginx with our configuration in front of two
gunicorn instances on one database (SQLite, and PostgreSQL when configured). Skipped loudly
without nginx on a developer's machine; in CI (``CI=true``) that is a failure."""

from __future__ import annotations

import os
import shutil

import pytest

from server.core.db import db
from tests.nginx.stack import NGINX, Stack


def pytest_collection_modifyitems(config, items):
    missing = [
        name for name, path in (("nginx", NGINX), ("envsubst", shutil.which("envsubst")))
        if not (path and os.access(path, os.X_OK))
    ]  # fmt: skip
    if not missing:
        return
    why = f"{', '.join(missing)} not installed (apt-get install nginx gettext-base)"
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI must run the nginx tests: {why}")
    skip = pytest.mark.skip(reason=f"NGINX TESTS SKIPPED: {why}")
    for item in items:
        if "tests/nginx" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def stack(make_app, db_url, tmp_path, demo_county):
    """Migrated and seeded with the demo county, then served by two instances behind nginx."""
    app = make_app(template=demo_county)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    running = Stack(tmp_path / "stack", db_url)
    running.start()
    yield running
    running.stop()
