"""Administrative units (行政区划) and the county departments (县级部门).

Units form a tree county → township → village → grid. Each unit stores its materialised
path of codes ("/331127/331127101/331127101201/"), so "everything under this township" is
one indexed prefix match on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base


class UnitLevel(enum.StrEnum):
    COUNTY = "county"  # 县
    TOWNSHIP = "township"  # 乡镇/街道
    VILLAGE = "village"  # 村/社区
    GRID = "grid"  # 网格


LEVEL_ORDER = (UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE, UnitLevel.GRID)


class AdminUnit(Base):
    __tablename__ = "admin_unit"
    __table_args__ = (
        sa.CheckConstraint(
            sa.column("level").in_([lv.value for lv in UnitLevel]), name="level_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    level: Mapped[str] = mapped_column(sa.String(16))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(255), index=True)

    parent = relationship("AdminUnit", remote_side=[id])

    @classmethod
    def create(cls, code: str, name: str, level: UnitLevel, parent: AdminUnit | None = None):
        if parent is None and level != UnitLevel.COUNTY:
            raise ValueError("only a county has no parent")
        if (
            parent is not None
            and LEVEL_ORDER.index(level) != LEVEL_ORDER.index(UnitLevel(parent.level)) + 1
        ):
            raise ValueError(f"a {level} cannot sit under a {parent.level}")
        path = (parent.path if parent else "/") + code + "/"
        return cls(code=code, name=name, level=level.value, parent=parent, path=path)

    def contains(self, other: AdminUnit) -> bool:
        return other.path.startswith(self.path)

    def ancestor_at(self, level: UnitLevel) -> str | None:
        """The code of the ancestor at ``level`` (or self), from the path."""
        codes = self.path.strip("/").split("/")
        index = LEVEL_ORDER.index(level)
        return codes[index] if index < len(codes) else None


class Department(Base):
    """A county department that holds enforcement matters (e.g. 县自然资源和规划局)."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
