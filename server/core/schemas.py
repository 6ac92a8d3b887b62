"""Schema plumbing shared by every feature."""

from __future__ import annotations

import datetime as dt
import re

import marshmallow as ma
import sqlalchemy as sa

from server.core.db import db
from sync.values import bidi_problem


class StrictSchema(ma.Schema):
    """Unknown fields are an error that names them, not silently dropped."""

    class Meta:
        unknown = ma.RAISE


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FreeText(ma.fields.String):
    """Free text (a note, a title): lines and tabs, but no NUL (PostgreSQL text cannot hold
    one: a 500 instead of a 422) and no bidirectional controls (``sync.values``)."""

    default_error_messages = {"nul": "must not contain NUL characters"}

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in result:
            raise self.make_error("nul")
        if problem := bidi_problem(result):
            raise ma.ValidationError(problem)
        return result


class Text(FreeText):
    """A name or code: no control characters at all."""

    default_error_messages = {"control": "must not contain control characters"}

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if _CONTROL.search(result):
            raise self.make_error("control")
        return result


class AwareDateTime(ma.fields.AwareDateTime):
    """An ISO 8601 time that must carry its offset (a device's local time is ambiguous)."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=None, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.astimezone(dt.UTC)


MAX_OFFSET = 1_000_000


def paginate(stmt: sa.Select, pagination_parameters) -> list:
    """Fill in smorest's pagination header and return one page of ``stmt``'s rows."""
    return db.session.execute(page_of(stmt, pagination_parameters)).unique().scalars().all()


def page_of(stmt: sa.Select, pagination_parameters) -> sa.Select:
    """Fill in smorest's pagination header and return ``stmt`` cut to the page asked."""
    if pagination_parameters.first_item > MAX_OFFSET:
        # A database offset this large is an attack or a bug, never a person paging.
        from flask_smorest import abort

        abort(422, errors={"query": {"page": [f"too far: at most {MAX_OFFSET} items in"]}})
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    pagination_parameters.item_count = total
    return stmt.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
