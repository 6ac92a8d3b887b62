"""The township a unit lies in, by name: what lists of a county's records show beside each
(the departments board, the copies a department reads)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from server.core.db import db
from server.units.models import AdminUnit, UnitLevel
from sync.types import township_path


def township_of() -> Callable[[str], str]:
    """A function from a unit's path to its township's name ("" for a unit above the
    townships). The townships are read once, in one query: a few hundred at most."""
    names = dict(
        db.session.execute(
            sa.select(AdminUnit.path, AdminUnit.name).where(
                AdminUnit.level == UnitLevel.TOWNSHIP.value
            )
        ).all()
    )
    return lambda path: names.get(township_path(path), "")
