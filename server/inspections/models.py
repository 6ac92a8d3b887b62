"""The records of 双随机一公开 and 综合查一次: the county's register of inspection objects
(检查对象名录库), the plans that inspect them (抽查计划), each plan's one draw (抽取结果) and
the visits (检查任务) the draw makes, some merged into one joint visit (联合检查)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, Synced, utcnow

RISK_GRADES = ("high", "medium", "low")  # 风险等级: 高, 中, 低 (sync.draw.GRADES)


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"  # 草拟
    APPROVED = "approved"  # 已审批: a leader approved it
    DRAWN = "drawn"  # 已抽取
    PUBLISHED = "published"  # 已公示 (一公开)


class VisitStatus(enum.StrEnum):
    PLANNED = "planned"
    DONE = "done"
    MERGED = "merged"  # folded into a joint visit (综合查一次), which is the one done


def _known(column: str, values) -> sa.CheckConstraint:
    return sa.CheckConstraint(sa.column(column).in_(list(values)), name=f"{column}_known")


class InspectionObject(Base):
    """A business or site of the county that may be inspected (检查对象)."""

    __tablename__ = "inspection_object"
    __table_args__ = (
        _known("risk_grade", RISK_GRADES),
        sa.UniqueConstraint("county_id", "credit_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    # The township it lies in (所属乡镇): a township's plans draw from its own objects only;
    # none: only the county's departments inspect it.
    township_id: Mapped[int | None] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    # 统一社会信用代码, or a sole trader's 身份证号 (server.inspections.identifiers).
    credit_code: Mapped[str] = mapped_column(sa.String(18))
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300))
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lng: Mapped[float | None] = mapped_column(sa.Float)
    matter_codes: Mapped[list] = mapped_column(sa.JSON)  # sorted
    risk_grade: Mapped[str] = mapped_column(sa.String(8))
    departments: Mapped[list] = mapped_column(sa.JSON)  # department codes concerned, sorted
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InspectionRecusal(Base):
    """An officer who must not inspect an object (回避: kin, a former employer, a stake)."""

    __tablename__ = "inspection_recusal"

    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    object_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inspection_object.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(sa.String(300))


class InspectionPlan(Base):
    """A random-inspection plan (抽查计划) of a township or of a county department."""

    __tablename__ = "inspection_plan"
    __table_args__ = (
        _known("status", [s.value for s in PlanStatus]),
        # Exactly one owner: a township unit or a department.
        sa.CheckConstraint("(unit_id IS NULL) <> (department_id IS NULL)", name="one_owner"),
        sa.CheckConstraint("object_count >= 0", name="count_positive"),
        sa.CheckConstraint("period_start <= period_end", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    matter_codes: Mapped[list] = mapped_column(sa.JSON)
    object_count: Mapped[int]
    shares: Mapped[dict] = mapped_column(sa.JSON)  # risk grade → share, as written
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    period_end: Mapped[dt.date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(12), default=PlanStatus.DRAFT.value)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None]
    # Fixed at approval (sync.draw: committed before it is drawn): the seed, secret until the
    # draw, and its commitment, shown from approval on; the registers it will be drawn from
    # and their hashes.
    seed: Mapped[str | None] = mapped_column(sa.String(64))
    seed_commitment: Mapped[str | None] = mapped_column(sa.String(64))
    registers: Mapped[dict | None] = mapped_column(sa.JSON)
    register_hashes: Mapped[dict | None] = mapped_column(sa.JSON)

    unit = relationship("AdminUnit", foreign_keys=[unit_id], lazy="joined")
    department = relationship("Department", lazy="joined")
    draw = relationship("InspectionDraw", back_populates="plan", uselist=False, lazy="selectin")

    @property
    def owner_label(self) -> str:
        return self.unit.name if self.unit is not None else self.department.name

    @property
    def owner_code(self) -> str:
        return self.unit.code if self.unit is not None else self.department.code


class InspectionDraw(Base):
    """A plan's draw (双随机): the seed, the hashes of the registers it read, the public
    rows of those registers (so anyone can redraw: ``sync.draw``), and the result."""

    __tablename__ = "inspection_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_plan.id"), unique=True)
    seed: Mapped[str] = mapped_column(sa.String(64))
    hashes: Mapped[dict] = mapped_column(sa.JSON)
    registers: Mapped[dict] = mapped_column(sa.JSON)  # objects, officers, recusals (public)
    result: Mapped[dict] = mapped_column(sa.JSON)
    drawn_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    drawn_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)

    plan = relationship(InspectionPlan, back_populates="draw", lazy="joined")


class InspectionVisit(Base):
    """One visit to one object (检查任务) by a pair of officers; a joint visit (联合检查)
    serves several plans at once, its checklist each item marked with its department."""

    __tablename__ = "inspection_visit"
    __table_args__ = (_known("status", [s.value for s in VisitStatus]),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    object_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_object.id"), index=True)
    plan_ids: Mapped[list] = mapped_column(sa.JSON)
    officers: Mapped[list] = mapped_column(sa.JSON)  # two user ids
    joint: Mapped[bool] = mapped_column(default=False)
    departments: Mapped[list] = mapped_column(sa.JSON)  # owner codes (department or township)
    checklist: Mapped[list] = mapped_column(sa.JSON)  # [{matter_code, item, department}]
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    period_end: Mapped[dt.date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(8), default=VisitStatus.PLANNED.value)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection_visit.id"))
    findings: Mapped[str | None] = mapped_column(sa.Text)
    done_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    object = relationship(InspectionObject, lazy="joined")


class VisitRecord(Synced, Base):
    """A visit's record (检查记录), made on the phone of one of its two drawn officers,
    offline if need be, and synced like a report (``sync.workflow.visit_record``): each
    item's result, the findings, the party's signature or refusal. Never edited. The first
    to arrive makes its visit done; a second one of the same visit is kept in a conflict
    (``sync.visits``). Every field as the workflow holds it is in ``data``; those lists and
    the jurisdiction rule read are columns too."""

    __tablename__ = "visit_record"
    __table_args__ = (
        sa.CheckConstraint("version >= 1", name="version_positive"),
        # The pull of each of the pair: the records of the visits he was drawn for.
        sa.Index("ix_visit_record_reporter_seq", "reporter_id", "seq"),
        sa.Index("ix_visit_record_partner_seq", "partner_id", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # made on the device
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_visit.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("admin_unit.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    # The pair's other officer: he sees the record his partner made of their visit.
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(sa.String(12))
    done_on: Mapped[dt.date] = mapped_column(sa.Date)
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    field_meta: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    unit = relationship("AdminUnit", lazy="joined")
    visit = relationship(InspectionVisit)
