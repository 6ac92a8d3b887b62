"""Schema plumbing shared by every feature."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
import sqlalchemy as sa

from server.core.db import db


class StrictSchema(ma.Schema):
    """Unknown fields are an error that names them, not silently dropped."""

    class Meta:
        unknown = ma.RAISE


class AwareDateTime(ma.fields.AwareDateTime):
    """An ISO 8601 time that must carry its offset (a device's local time is ambiguous)."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=None, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.astimezone(dt.UTC)


def paginate(stmt: sa.Select, pagination_parameters) -> list:
    """Fill in smorest's pagination header and return one page of ``stmt``'s rows."""
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    pagination_parameters.item_count = total
    page = stmt.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
    return db.session.execute(page).unique().scalars().all()
