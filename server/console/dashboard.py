"""The closed loop's dashboard (闭环看板): how a unit's command room answered, handled and
closed the clues reported in a period, in total and per township, officer or domain.

The clues counted are those reported (``created_at``) in the period, China's days, both
included, in the unit's subtree; withdrawn clues (已撤回, a reporter's tombstone) are not
counted at all. Over them:

- reported (上报): how many;
- response (响应率): those the command room answered (``responded_at`` set: accepted,
  rejected, marked duplicate or transferred) over reported;
- median response hours (响应时长中位数): the median of ``responded_at − created_at`` in
  hours over the answered ones, read off a histogram of them (``server.console.rollup``:
  linear within the bin that holds the middle answer, so it is exact to within its bin's
  width; bins of a quarter hour near the start, wider as the hours grow; null when none
  was answered);
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
``category`` the catalogue domain of each clue's matter. The whole months of the period
are read from the month roll-ups, the days at either end and what is open from the clues;
the database does the counting, no clue is loaded into Python. The rows always cover every
clue counted (a clue lies in a township or below it, has a matter, was taken or not), so
the totals are their sums.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from server.accounts.models import User
from server.cases.indicators import bounds, indicators, share
from server.catalogue.models import Matter
from server.clues.models import OPEN_CLUE, Clue
from server.console import names, rollup
from server.core.db import db
from server.inspections.figures import inspection_figures
from server.units.models import AdminUnit, UnitLevel

BY = ("unit", "officer", "category")


def _figures(n: Tally) -> dict[str, Any]:
    """The figures of one row of counts."""
    hours = rollup.median_hours(n)
    return {
        "reported": n["reported"],
        "response": share(n["responded"], n["reported"]),
        "median_response_hours": round(hours, 2) if hours is not None else None,
        "disposal": share(n["disposed"], n["to_dispose"]),
        "satisfaction": share(n["satisfied"], n["rated"]),
        "open_overdue": share(n["open_overdue"], n["open"]),
        "handled_late": share(n["handled_late"], n["handled"]),
        "stopped_by_dissuasion": share(n["stopped"], n["reported"]),
    }


class _Key:
    """What a row is, for a statement over clues and for one over the roll-ups."""

    def __init__(self, unit: AdminUnit, by: str):
        self.by, self.townships = by, []
        if by == "unit":
            self.townships = _townships(unit)
            member, township = aliased(AdminUnit), aliased(AdminUnit)
            self.in_row = (
                sa.select(member.id.label("unit_id"), township.code.label("key"))
                .join(
                    township,
                    sa.func.substr(member.path, 1, sa.func.length(township.path)) == township.path,
                )
                .where(township.id.in_([t.id for t in self.townships]))
                .subquery()
            )

    def _domain(self) -> sa.ColumnElement:
        # Grouped by the bytes (a Chinese collation is slow to sort by) and sorted here.
        postgres = db.session.get_bind().dialect.name == "postgresql"
        return Matter.domain.collate("C" if postgres else "BINARY")

    def clues(self, query: Callable[[sa.ColumnElement], sa.Select]) -> sa.Select:
        if self.by == "unit":
            return (
                query(self.in_row.c.key)
                .select_from(Clue)
                .join(self.in_row, Clue.unit_id == self.in_row.c.unit_id)
            )
        if self.by == "officer":
            return query(Clue.taken_by).select_from(Clue)
        return query(self._domain()).select_from(Clue).join(Matter, Clue.matter_id == Matter.id)

    def rollups(self, query: Callable[[sa.ColumnElement], sa.Select]) -> sa.Select:
        table = rollup.clue_rollup
        r = table.c
        if self.by == "unit":
            return (
                query(self.in_row.c.key)
                .select_from(table)
                .join(self.in_row, r.unit_id == self.in_row.c.unit_id)
                .where(r.dim == "matter")
            )
        if self.by == "officer":
            return query(r.key).select_from(table).where(r.dim == "officer")
        return (
            query(self._domain())
            .select_from(table)
            .join(Matter, r.key == Matter.id)
            .where(r.dim == "matter")
        )


def _townships(unit: AdminUnit) -> list[AdminUnit]:
    """A county: its townships, those without clues too. A township or a unit below: itself."""
    if unit.level != UnitLevel.COUNTY:
        return [unit]
    return list(
        db.session.execute(
            sa.select(AdminUnit).where(AdminUnit.parent_id == unit.id).order_by(AdminUnit.code)
        ).scalars()
    )


def _counted(
    unit: AdminUnit, start: dt.date, end: dt.date, by: str, now: dt.datetime
) -> tuple[_Key, dict[Any, Tally]]:
    """Every row's counts: the whole months from the roll-ups, the days at either end from
    the clues, and the open ones (and the overdue of them) from the open clues."""
    key = _Key(unit, by)
    subtree = (
        sa.select(AdminUnit.id)
        .where(AdminUnit.path.startswith(unit.path, autoescape=True))
        .scalar_subquery()
    )
    rows: dict[Any, Tally] = {}

    def add(result) -> None:
        for r in result.mappings():
            rows.setdefault(r["key"], Tally()).update(
                {k: v for k, v in r.items() if k != "key" and v}
            )

    # The roll-ups are per township: a village's or a grid's clues are counted from the rows.
    rolled = unit.level in (UnitLevel.COUNTY, UnitLevel.TOWNSHIP)
    months, edges = rollup.split(start, end) if rolled else ([], [(start, end)])
    if months:
        rollup.refresh()  # its own transaction, when there is anything to count again
    if db.session.get_bind().dialect.name == "postgresql":
        # Measured with bench/dashboard_bench.py: JIT compiling took longer than it saved;
        # once psycopg prepares these statements (from their sixth run on a connection),
        # PostgreSQL's generic plan, made without the period or the unit, took 1.5 × as long.
        for setting in ("jit = off", "plan_cache_mode = force_custom_plan"):
            db.session.execute(sa.text(f"SET LOCAL {setting}"))
    if months:
        r = rollup.clue_rollup.c
        sums = [sa.func.sum(getattr(r, name)).label(name) for name in rollup.COLUMNS]
        add(
            db.session.execute(
                key.rollups(lambda k: sa.select(k.label("key"), *sums).group_by(k)).where(
                    r.unit_id.in_(subtree), r.month.in_(months)
                )
            )
        )
    for first, last in edges:
        lo, hi = bounds(first, last)
        rollup.fold(
            db.session.execute(
                key.clues(rollup.binned).where(
                    Clue.unit_id.in_(subtree),
                    Clue.created_at >= lo,
                    Clue.created_at < hi,
                    Clue.status != "withdrawn",
                )
            ),
            rows,
        )
    lo, hi = bounds(start, end)
    add(
        db.session.execute(
            key.clues(
                lambda k: sa.select(
                    k.label("key"),
                    sa.func.count().label("open"),
                    sa.func.count().filter(Clue.deadline < now).label("open_overdue"),
                ).group_by(k)
            ).where(
                OPEN_CLUE,  # as the partial index says it, so the index serves it
                Clue.unit_id.in_(subtree),
                Clue.created_at >= lo,
                Clue.created_at < hi,
            )
        )
    )
    return key, rows


def dashboard(
    unit: AdminUnit, start: dt.date, end: dt.date, by: str, now: dt.datetime
) -> dict[str, Any]:
    key, counted = _counted(unit, start, end, by, now)
    totals = sum(counted.values(), Tally())
    if by == "unit":
        rows = [
            {"key": t.code, "label": t.name, **_figures(counted.get(t.code, Tally()))}
            for t in key.townships
        ]
    elif by == "officer":
        people = dict(
            db.session.execute(
                sa.select(User.id, User.display_name).where(
                    User.id.in_([k for k in counted if k is not None])
                )
            ).all()
        )
        rows = sorted(
            ({"key": k, "label": people.get(k), **_figures(n)} for k, n in counted.items()),
            key=lambda r: (r["key"] is None, r["label"] or "", r["key"] or 0),
        )
    else:
        # The catalogue names its domains in Chinese (e.g. 市容环卫): the key and the label.
        rows = [{"key": k, "label": k, **_figures(counted[k])} for k in sorted(counted)]
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
        # 双随机一公开 and 综合查一次 over plans in the period (server.inspections.figures).
        "inspections": inspection_figures(unit, start, end),
        # What the screen calls them: the names the Excel file uses (server.console.names).
        "names": names.as_json(),
    }
