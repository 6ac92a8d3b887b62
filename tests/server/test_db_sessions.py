"""PostgreSQL sessions run in UTC, so psycopg hands out timestamps no one converts again."""

from __future__ import annotations

import sqlalchemy as sa

from server.core.db import db, engine_options


def test_a_postgresql_session_is_in_utc(make_app):
    app = make_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            assert db.session.scalar(sa.text("SHOW timezone")) == "UTC"


def test_the_utc_option_keeps_the_options_the_url_names():
    url = "postgresql+psycopg://u@h/d?options=-c%20statement_timeout%3D5000"
    assert engine_options(url) == {
        "connect_args": {"options": "-c statement_timeout=5000 -c timezone=UTC"}
    }
    assert engine_options("postgresql+psycopg://u@h/d") == {
        "connect_args": {"options": "-c timezone=UTC"}
    }
    assert engine_options("sqlite:///x.db") == {}
