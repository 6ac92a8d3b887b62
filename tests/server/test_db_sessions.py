"""PostgreSQL sessions run in UTC, so psycopg hands out timestamps no one converts again."""

from __future__ import annotations

import sqlalchemy as sa

from server.core.db import db, engine_options, read


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


def test_rows_read_in_binary_are_the_rows_read_as_text(app, world):
    """``db.read`` (a pull's rows, in PostgreSQL's binary format) gives the same values as
    text: timestamps, UUIDs, floats, JSON, booleans and NULLs alike."""
    from server.audit.models import AuditEntry
    from server.clues.models import Clue

    with app.app_context():
        for model in (Clue, AuditEntry):
            stmt = sa.select(*model.__table__.c).order_by(model.__table__.c[0])
            as_text = db.session.execute(stmt).all()
            assert as_text
            assert read(stmt).all() == as_text
