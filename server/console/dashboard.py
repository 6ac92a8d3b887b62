"""The closed loop's dashboard (闭环看板): how a unit's command room answered, handled and
closed the clues reported in a period, in total and per township, officer or domain.

The clues counted are those reported (``created_at``) in the period, China's days, both
included, in the unit's subtree; withdrawn clues (已撤回, a reporter's tombstone) are not
counted at all. Over them:

- reported (上报): how many;
- response (响应率): those the command room answered (``responded_at`` set: accepted,
  rejected, marked duplicate or transferred) over reported;
- median response hours (响应时长中位数): the median of ``responded_at − created_at`` in
  hours over the answered ones, the mean of the middle two for an even count (null when
  none was);
- disposal (处置率): handled, closed or transferred over reported less rejected and
  duplicates (the indicators' own clue disposal, ``server.cases.indicators``);
- satisfaction (满意率): rated 4 or 5 over rated;
- open overdue (在办超期): assigned or in progress with a deadline already past at the time
  of asking (``as_of``), over those assigned or in progress;
- handled late (超期处置): handled after the deadline (``handled_at > deadline``) over those
  handled with a deadline;
- stopped by dissuasion (劝阻制止): the grid worker's dissuasion stopped the violation, over
  reported.

Each share is ``{count, of, share}``; the share of an empty base is null, not 100 %.

Rows: ``unit`` gives a county's townships (a township or a unit below it is its own row),
``officer`` the officer who took each clue (the clues nobody took: one row, key null),
``category`` the catalogue domain of each clue's matter. Every figure is counted by the
database in one grouped statement (two on SQLite); no clue is loaded into Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from server.accounts.models import User
from server.cases.indicators import DISPOSED, NOT_COUNTED, _bounds, _share, indicators
from server.catalogue.models import Matter
from server.clues.models import Clue
from server.core.db import db
from server.units.models import AdminUnit, UnitLevel

BY = ("unit", "officer", "category")
OPEN = ("assigned", "in_progress")  # 已交办, 处置中: a deadline is running
SATISFIED = 4  # a rating of 4 or 5 (满意)


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _hours_median(start, end) -> sa.ColumnElement:
    """The median of ``end − start`` in hours over a group's rows (nulls left out):
    percentile_cont on PostgreSQL, the ``median`` aggregate the app gives SQLite."""
    if _postgres():
        # date_part, not EXTRACT: a double, where EXTRACT's numeric is slower to sort.
        hours = sa.func.date_part("epoch", end - start) / 3600.0
        return sa.func.percentile_cont(0.5).within_group(hours)
    return sa.func.median((sa.func.julianday(end) - sa.func.julianday(start)) * 24.0)


def _counts(now: dt.datetime) -> list[sa.ColumnElement]:
    """Every count the figures are made of, as one row of aggregates."""
    count = sa.func.count
    return [
        count().label("reported"),
        count().filter(Clue.responded_at.is_not(None)).label("responded"),
        _hours_median(Clue.created_at, Clue.responded_at).label("response_hours"),
        count().filter(Clue.status.not_in(NOT_COUNTED)).label("to_dispose"),
        count().filter(Clue.status.in_(DISPOSED)).label("disposed"),
        count().filter(Clue.rating.is_not(None)).label("rated"),
        count().filter(Clue.rating >= SATISFIED).label("satisfied"),
        count().filter(Clue.status.in_(OPEN)).label("open"),
        count().filter(Clue.status.in_(OPEN), Clue.deadline < now).label("open_overdue"),
        count().filter(Clue.handled_at.is_not(None), Clue.deadline.is_not(None)).label("handled"),
        count().filter(Clue.handled_at > Clue.deadline).label("handled_late"),
        count().filter(Clue.dissuasion_result == "stopped").label("stopped"),
    ]


def _figures(row: Any | None) -> dict[str, Any]:
    """The figures of one row of counts (None: a township without clues)."""

    def n(name: str) -> int:
        return (getattr(row, name) if row is not None else 0) or 0

    hours = row.response_hours if row is not None else None
    return {
        "reported": n("reported"),
        "response": _share(n("responded"), n("reported")),
        "median_response_hours": round(float(hours), 2) if hours is not None else None,
        "disposal": _share(n("disposed"), n("to_dispose")),
        "satisfaction": _share(n("satisfied"), n("rated")),
        "open_overdue": _share(n("open_overdue"), n("open")),
        "handled_late": _share(n("handled_late"), n("handled")),
        "stopped_by_dissuasion": _share(n("stopped"), n("reported")),
    }


def _grouped(clues: sa.Select, key: sa.ColumnElement) -> tuple[Any, dict[Any, Any]]:
    """The totals and one row of counts per ``key``, read once. PostgreSQL counts both in
    one pass (GROUPING SETS: a county's three years are a million rows); SQLite, which has
    no grouping sets, in two statements. The rows always cover every clue counted (a clue
    lies in a township or below it, and has a matter), so the totals are theirs too."""
    if not _postgres():
        grouped = db.session.execute(clues.add_columns(key.label("key")).group_by(key)).all()
        return db.session.execute(clues).one(), {r.key: r for r in grouped}
    both = db.session.execute(
        clues.add_columns(key.label("key"), sa.func.grouping(key).label("is_total")).group_by(
            sa.func.grouping_sets(key, sa.tuple_())
        )
    ).all()
    totals = next((r for r in both if r.is_total), None)
    return totals, {r.key: r for r in both if not r.is_total}


def dashboard(
    unit: AdminUnit, start: dt.date, end: dt.date, by: str, now: dt.datetime
) -> dict[str, Any]:
    lo, hi = _bounds(start, end)
    if _postgres():
        # Measured with bench/dashboard_bench.py: the medians sort every answered clue of
        # the period (in memory, not on disk); JIT compiling took longer than it saved; and
        # once psycopg prepares these statements (from their sixth run on a connection),
        # PostgreSQL's generic plan, made without the period or the unit, took 1.5 × as long.
        for setting in ("work_mem = '64MB'", "jit = off", "plan_cache_mode = force_custom_plan"):
            db.session.execute(sa.text(f"SET LOCAL {setting}"))
    subtree = (
        sa.select(AdminUnit.id)
        .where(AdminUnit.path.startswith(unit.path, autoescape=True))
        .scalar_subquery()
    )
    clues = (
        sa.select(*_counts(now))
        .select_from(Clue)
        .where(
            Clue.unit_id.in_(subtree),
            Clue.created_at >= lo,
            Clue.created_at < hi,
            Clue.status != "withdrawn",
        )
    )
    totals, rows = {"unit": _by_unit, "officer": _by_officer, "category": _by_category}[by](
        unit, clues
    )
    figures = _figures(totals)
    return {
        "unit": unit.code,
        "unit_name": unit.name,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "by": by,
        "as_of": now.isoformat(),
        "totals": figures,
        "rows": rows,
        # The same clues, the same definition: counted once.
        "indicators": indicators(unit, start, end, clue_disposal=figures["disposal"]),
    }


def _by_unit(unit: AdminUnit, clues: sa.Select) -> tuple[Any, list[dict]]:
    """A county: one row per township, those without clues too. A township or a unit
    below it: itself."""
    if unit.level == UnitLevel.COUNTY:
        townships = list(
            db.session.execute(
                sa.select(AdminUnit).where(AdminUnit.parent_id == unit.id).order_by(AdminUnit.code)
            ).scalars()
        )
    else:
        townships = [unit]
    # Each unit of the subtree → the row it counts in (a small join of units alone).
    member, township = aliased(AdminUnit), aliased(AdminUnit)
    in_row = (
        sa.select(member.id.label("unit_id"), township.code.label("key"))
        .join(
            township,
            sa.func.substr(member.path, 1, sa.func.length(township.path)) == township.path,
        )
        .where(township.id.in_([t.id for t in townships]))
        .subquery()
    )
    totals, grouped = _grouped(clues.join(in_row, Clue.unit_id == in_row.c.unit_id), in_row.c.key)
    return totals, [
        {"key": t.code, "label": t.name, **_figures(grouped.get(t.code))} for t in townships
    ]


def _by_officer(unit: AdminUnit, clues: sa.Select) -> tuple[Any, list[dict]]:
    """The officer who took each clue (接单); the clues nobody took last, key null."""
    totals, grouped = _grouped(clues, Clue.taken_by)
    names = dict(
        db.session.execute(
            sa.select(User.id, User.display_name).where(
                User.id.in_([k for k in grouped if k is not None])
            )
        ).all()
    )
    rows = [{"key": k, "label": names.get(k), **_figures(r)} for k, r in grouped.items()]
    return totals, sorted(rows, key=lambda r: (r["key"] is None, r["label"] or "", r["key"] or 0))


def _by_category(unit: AdminUnit, clues: sa.Select) -> tuple[Any, list[dict]]:
    """The catalogue domain of each clue's matter. The catalogue names its domains in
    Chinese (e.g. 市容环卫): the name is the key and the label. Grouped by the bytes (a
    Chinese collation is slow to sort a million rows by) and sorted here."""
    domain = Matter.domain.collate("C" if _postgres() else "BINARY")
    totals, grouped = _grouped(clues.join(Matter, Clue.matter_id == Matter.id), domain)
    return totals, [{"key": k, "label": k, **_figures(grouped[k])} for k in sorted(grouped)]
