"""PostgreSQL sessions run in UTC, so psycopg hands out timestamps no one converts again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.core.db import among, db, engine_options, read


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


def test_among_finds_the_rows_of_a_long_list_and_nothing_of_an_empty_one(app, world):
    """``db.among``: on PostgreSQL a list of seqs is bound as an array's text, cast to an
    array by the statement; the rows found are those an IN finds, on both databases."""
    from server.clues.models import Clue

    seq = Clue.__table__.c.seq
    with app.app_context():
        every = db.session.scalars(sa.select(seq).order_by(seq)).all()
        assert every
        wanted = [*every[::2], 2**62, -1]  # beyond any seq, and below
        stmt = sa.select(seq).where(among(seq, None, "page")).order_by(seq)
        assert read(stmt, {"page": wanted}).scalars().all() == every[::2]
        assert read(stmt, {"page": []}).scalars().all() == []
        if db.engine.dialect.name == "postgresql":  # only numbers reach the array's text
            with pytest.raises(sa.exc.StatementError, match="invalid literal for int"):
                read(stmt, {"page": ["1}, {2"]}).all()
