"""The closed loop's dashboard, built from clues taken through the loop by the sync path, and
each figure checked against a count made here from the rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
import statistics
import uuid
from urllib.parse import unquote

import openpyxl
import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.audit.models import AuditEntry
from server.catalogue.models import Matter
from server.clues.models import Clue
from server.console import rollup
from server.console.rollup import BINS
from server.core.db import db, next_counter
from server.units.models import AdminUnit
from sync.cases import CHINA
from tests.server.sync_kit import new_clue, now, push, push_one, step

BY = ("unit", "officer", "category")
RATES = ("response", "disposal", "satisfaction", "open_overdue", "handled_late")


def _at(n: int) -> tuple[float, float]:
    """Clues far enough apart that R8 links none of them."""
    return (28.40 + n * 0.01, 119.10)


def _report(session, n: int, **overrides) -> str:
    result = push_one(session, new_clue(at=_at(n), **overrides))
    assert result["outcome"] == "applied", result
    return result["record_id"]


def _steps(session, clue_id, *steps) -> None:
    results = push(session, *(step(clue_id, name, **args) for name, args in steps))
    assert [r["outcome"] for r in results] == ["applied"] * len(steps), results


def _deadline(hours: float) -> dict:
    """A deadline ``hours`` from now; one in the past is refused (deadline_past), so an
    overdue task is assigned an hour ahead and moved back by hand (``_overdue``)."""
    return {"deadline": (now() + dt.timedelta(hours=max(hours, 1))).isoformat()}


def _overdue(app, clue_id, hours: float) -> None:
    with app.app_context():
        db.session.get(Clue, uuid.UUID(str(clue_id))).deadline = now() + dt.timedelta(hours=hours)
        db.session.commit()


@pytest.fixture
def app(make_app):
    # Many people log in from one test client: lift the per-address login limit.
    return make_app(LOGIN_RATE_LIMIT="1000 per minute")


@pytest.fixture
def loop(app, world, login):
    """Clues of townships A and B in every state of the loop; a few reported hours before
    the command room answered (the server stamps created_at: moved back by hand)."""
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    officer, leader = login("officer_a"), login("leader_a")
    officer_id, leader_id = world.users["officer_a"], world.users["leader_a"]
    made = {}
    before = now()

    def through_loop(name, n, *, taker, deadline_h, rating=None, close=True, **report):
        clue = made[name] = _report(grid, n, **report)
        session = officer if taker == officer_id else leader
        _steps(
            dispatcher,
            clue,
            ("accept", {}),
            ("assign", {"assignee_id": taker, **_deadline(deadline_h)}),
        )
        if deadline_h < 0:
            _overdue(app, clue, deadline_h)
        _steps(session, clue, ("take", {}), ("handle", {"outcome": "corrected_on_spot"}))
        if close:
            _steps(dispatcher, clue, ("close", {"feedback": "已整改"}))
        if rating is not None:
            _steps(grid, clue, ("rate", {"rating": rating}))

    through_loop("on_time", 1, taker=officer_id, deadline_h=48, rating=5)
    through_loop("late", 2, taker=officer_id, deadline_h=-1, rating=3, matter_code="CG-001")
    through_loop("by_leader", 3, taker=leader_id, deadline_h=24, close=False)
    made["overdue"] = _report(grid, 4)
    _steps(dispatcher, made["overdue"], ("accept", {}), ("assign", _deadline(-2)))
    _overdue(app, made["overdue"], -2)
    made["in_progress"] = _report(grid, 5, matter_code="CG-001")
    _steps(
        dispatcher,
        made["in_progress"],
        ("accept", {}),
        ("assign", {"assignee_id": officer_id, **_deadline(24)}),
    )
    _steps(officer, made["in_progress"], ("take", {}))
    made["rejected"] = _report(grid, 6)
    _steps(dispatcher, made["rejected"], ("reject", {"reason": "不属实"}))
    made["duplicate"] = _report(grid, 7)
    _steps(dispatcher, made["duplicate"], ("mark_duplicate", {"duplicate_of": made["on_time"]}))
    made["transferred"] = _report(grid, 8, matter_code="ZR-001")
    _steps(dispatcher, made["transferred"], ("transfer", {}))
    made["withdrawn"] = _report(grid, 9)
    _steps(grid, made["withdrawn"], ("withdraw", {}))
    refused = {"done": True, "result": "refused", "at": now().isoformat()}
    made["refused"] = _report(grid, 10, dissuasion=refused)
    made["last_year"] = _report(grid, 11)

    grid_b, dispatcher_b, officer_b = login("grid_b"), login("dispatcher_b"), login("officer_b")
    made["b_closed"] = _report(grid_b, 12)
    _steps(
        dispatcher_b,
        made["b_closed"],
        ("accept", {}),
        ("assign", {"assignee_id": world.users["officer_b"], **_deadline(24)}),
    )
    _steps(officer_b, made["b_closed"], ("take", {}), ("handle", {"outcome": "no_violation"}))
    _steps(dispatcher_b, made["b_closed"], ("close", {"feedback": "不构成违法"}))
    _steps(grid_b, made["b_closed"], ("rate", {"rating": 4}))
    made["b_reported"] = _report(grid_b, 13, matter_code="CG-001")
    after = now()

    with app.app_context():
        # The loop's times are the server's, stamped by the transitions themselves.
        rows = {str(c.id): c for c in db.session.execute(sa.select(Clue)).scalars()}
        for name in ("on_time", "late", "overdue", "rejected", "duplicate", "transferred"):
            assert before <= rows[made[name]].responded_at <= after, name
        assert rows[made["refused"]].responded_at is None
        assert before <= rows[made["by_leader"]].handled_at <= after
        assert rows[made["by_leader"]].closed_at is None
        assert rows[made["on_time"]].closed_at >= rows[made["on_time"]].handled_at
        assert rows[made["late"]].handled_at > rows[made["late"]].deadline
        # Reported hours before they were answered; one reported last year.
        shifts = (
            ("by_leader", 1),
            ("on_time", 2),
            ("b_closed", 3),
            ("overdue", 4),
            ("in_progress", 5),
            ("late", 7),
            ("rejected", 30),
        )
        for name, hours in shifts:
            _move(rows[made[name]], dt.timedelta(hours=hours))
        _move(rows[made["last_year"]], dt.timedelta(days=400))
        db.session.commit()
    return made


def _move(clue: Clue, back: dt.timedelta) -> None:
    """Report a clue earlier, as a write of it: with a new change sequence, as every write
    of a clue takes (what the month roll-ups follow)."""
    clue.created_at -= back
    clue.seq = next_counter("change")


def _period() -> dict:
    today = dt.datetime.now(CHINA).date()
    return {"from": (today - dt.timedelta(days=3)).isoformat(), "to": today.isoformat()}


def _board(session, code: str, **query) -> dict:
    r = session.get(f"/api/v1/units/{code}/dashboard", query_string={**_period(), **query})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _share(count: int, of: int) -> dict:
    return {"count": count, "of": of, "share": round(count / of, 4) if of else None}


def _median_from_bins(hours: list[float]) -> float | None:
    """The documented reading of a median off the response-time histogram, done here over
    the plain values: linear within the bin that holds the middle answer."""
    if not hours:
        return None
    edges = [*BINS, math.inf]
    half = len(hours) / 2
    below = 0
    for lo, hi in itertools.pairwise(edges):
        inside = sum(lo <= h < hi or (lo == 0 and h < 0) for h in hours)
        if inside and below + inside >= half:
            return round(lo if hi == math.inf else lo + (hi - lo) * (half - below) / inside, 2)
        below += inside
    raise AssertionError(hours)


def _expected(rows: list[dict], as_of: dt.datetime) -> dict:
    """The dashboard's definitions, applied here to plain rows."""
    rows = [r for r in rows if r["status"] != "withdrawn"]
    answered = [r for r in rows if r["responded_at"] is not None]
    hours = [(r["responded_at"] - r["created_at"]).total_seconds() / 3600 for r in answered]
    to_dispose = [r for r in rows if r["status"] not in ("rejected", "duplicate")]
    rated = [r for r in rows if r["rating"] is not None]
    open_ = [r for r in rows if r["status"] in ("assigned", "in_progress")]
    handled = [r for r in rows if r["handled_at"] is not None and r["deadline"] is not None]
    return {
        "reported": len(rows),
        "response": _share(len(answered), len(rows)),
        "median_response_hours": _median_from_bins(hours),
        "disposal": _share(
            sum(r["status"] in ("handled", "closed", "transferred") for r in to_dispose),
            len(to_dispose),
        ),
        "satisfaction": _share(sum(r["rating"] >= 4 for r in rated), len(rated)),
        "open_overdue": _share(sum(r["deadline"] < as_of for r in open_), len(open_)),
        "handled_late": _share(sum(r["handled_at"] > r["deadline"] for r in handled), len(handled)),
        "stopped_by_dissuasion": _share(
            sum(r["dissuasion_result"] == "stopped" for r in rows), len(rows)
        ),
    }


def _rows(app, unit_code: str, since: str | None = None) -> list[dict]:
    """The clues of the period under a unit, read with plain SQL."""
    since = since or _period()["from"]
    lo = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), CHINA)
    with app.app_context():
        result = db.session.execute(
            sa.text(
                "SELECT c.id, c.status, c.created_at, c.responded_at, c.handled_at, "
                "c.deadline, c.rating, c.dissuasion_result, c.taken_by, m.domain, u.path "
                "FROM clue c JOIN admin_unit u ON u.id = c.unit_id "
                "JOIN matter m ON m.id = c.matter_id"
            )
        ).mappings()
        unit = db.session.execute(
            sa.select(AdminUnit).where(AdminUnit.code == unit_code)
        ).scalar_one()
        times = ("created_at", "responded_at", "handled_at", "deadline")
        rows = []
        for row in result:
            row = dict(row)
            for name in times:  # SQLite gives text, PostgreSQL aware datetimes
                value = row[name]
                if isinstance(value, str):
                    value = dt.datetime.fromisoformat(value)
                if value is not None and value.tzinfo is None:
                    value = value.replace(tzinfo=dt.UTC)
                row[name] = value
            if row["path"].startswith(unit.path) and row["created_at"] >= lo:
                rows.append(row)
        return rows


def test_every_figure_matches_a_count_made_from_the_rows(app, world, login, loop):
    county, town_a, town_b = (world.units[k] for k in ("county", "town_a", "town_b"))
    dispatcher = login("dispatcher_county")
    board = _board(dispatcher, county.code)
    as_of = dt.datetime.fromisoformat(board["as_of"])
    rows = _rows(app, county.code)

    assert board["totals"] == _expected(rows, as_of)
    # What the fixture made, counted by hand: 13 clues of township A this period (its
    # world clue and 12 reported, less the withdrawn one and last year's), 3 of B.
    assert board["totals"]["reported"] == 10 + 3
    assert board["totals"]["response"] == {"count": 8 + 1, "of": 13, "share": 0.6923}
    # Answered at once (the duplicate, the transfer), then 1, 2, 3, 4, 5, 7 and 30 hours
    # after report: the median of nine is the fifth, B's 3 hours, in the bin 3–4 hours.
    answered = [r for r in rows if r["responded_at"] and r["status"] != "withdrawn"]
    hours = [(r["responded_at"] - r["created_at"]).total_seconds() / 3600 for r in answered]
    assert 2.99 <= statistics.median(hours) <= 3.01
    assert 3 <= board["totals"]["median_response_hours"] <= 4
    assert board["totals"]["satisfaction"] == {"count": 2, "of": 3, "share": 0.6667}
    assert board["totals"]["open_overdue"] == {"count": 1, "of": 2, "share": 0.5}
    assert board["totals"]["handled_late"] == {"count": 1, "of": 4, "share": 0.25}
    assert board["totals"]["stopped_by_dissuasion"]["count"] == 12
    # The province's 4 × 100 % as the indicators count them, clue disposal included.
    alone = dispatcher.get(f"/api/v1/units/{county.code}/indicators", query_string=_period())
    assert board["indicators"] == alone.get_json()
    assert board["indicators"]["clue_disposal"] == board["totals"]["disposal"]
    assert board["totals"]["disposal"] == {"count": 5, "of": 11, "share": 0.4545}

    # by township: both, each as its own rows say.
    assert [r["key"] for r in board["rows"]] == [town_a.code, town_b.code]
    assert [r["label"] for r in board["rows"]] == [town_a.name, town_b.name]
    for row, town in zip(board["rows"], (town_a, town_b), strict=True):
        figures = {k: v for k, v in row.items() if k not in ("key", "label")}
        assert figures == _expected(_rows(app, town.code), as_of), town.code

    # by officer: who took each clue; the clues nobody took last.
    by_officer = _board(dispatcher, county.code, by="officer")
    assert by_officer["totals"] == board["totals"]
    names = {world.users[n]: n for n in ("officer_a", "leader_a", "officer_b")}
    assert [r["key"] for r in by_officer["rows"]] == [
        *sorted(names, key=lambda i: names[i]),
        None,
    ]
    for row in by_officer["rows"]:
        assert row["label"] == names.get(row["key"])
        mine = [r for r in rows if r["taken_by"] == row["key"]]
        figures = {k: v for k, v in row.items() if k not in ("key", "label")}
        assert figures == _expected(mine, as_of), row["label"]

    # by domain (the catalogue's Chinese names).
    by_category = _board(dispatcher, county.code, by="category")
    assert [r["key"] for r in by_category["rows"]] == sorted({"生态环境", "市容环卫", "自然资源"})
    for row in by_category["rows"]:
        assert row["label"] == row["key"]
        mine = [r for r in rows if r["domain"] == row["key"]]
        figures = {k: v for k, v in row.items() if k not in ("key", "label")}
        assert figures == _expected(mine, as_of), row["key"]


def test_whole_months_are_read_from_roll_ups_that_follow_every_change(app, world, login, loop):
    """A year: its whole months from the month roll-ups, the days of this month from the
    clues; the figures are the rows' all the same, and stay so as old clues move on."""
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    older = {days: _report(grid, 20 + i) for i, days in enumerate((40, 75, 110, 300))}
    _steps(dispatcher, older[75], ("accept", {}))
    _steps(dispatcher, older[300], ("reject", {"reason": "不属实"}))
    with app.app_context():
        for days, clue_id in older.items():
            _move(db.session.get(Clue, uuid.UUID(clue_id)), dt.timedelta(days=days))
        db.session.commit()
    today = dt.datetime.now(CHINA).date()
    year = {"from": str(today - dt.timedelta(days=364)), "to": str(today)}
    county = world.units["county"]
    county_desk = login("dispatcher_county")

    def check() -> dict:
        rows = _rows(app, county.code, since=year["from"])
        boards = {by: _board(county_desk, county.code, by=by, **year) for by in BY}
        as_of = dt.datetime.fromisoformat(boards["unit"]["as_of"])
        for board in boards.values():
            assert board["totals"] == _expected(rows, as_of)
        for row in boards["category"]["rows"]:
            mine = [r for r in rows if r["domain"] == row["key"]]
            assert {k: v for k, v in row.items() if k not in ("key", "label")} == _expected(
                mine, as_of
            )
        for row in boards["officer"]["rows"]:
            mine = [r for r in rows if r["taken_by"] == row["key"]]
            assert {k: v for k, v in row.items() if k not in ("key", "label")} == _expected(
                mine, as_of
            )
        return boards["unit"]["totals"]

    before = check()
    assert before["reported"] == 13 + 4
    with app.app_context():  # the months before this one came from the roll-ups
        rolled = db.session.execute(
            sa.select(rollup.clue_rollup.c.month, sa.func.sum(rollup.clue_rollup.c.reported))
            .where(rollup.clue_rollup.c.dim == "matter")
            .group_by(rollup.clue_rollup.c.month)
        ).all()
    assert sum(n for month, n in rolled if month < today.replace(day=1)) >= 3

    # Two old clues answered now, one accepted, one rejected: the months they were
    # reported in are counted again, and the figures are still the rows'.
    _steps(dispatcher, older[110], ("accept", {}))
    _steps(dispatcher, older[40], ("reject", {"reason": "重复上报"}))
    after = check()
    assert after["response"]["count"] == before["response"]["count"] + 2
    assert after["disposal"]["of"] == before["disposal"]["of"] - 1

    # Rebuilt from nothing (``flask rollup``), the same figures.
    result = app.test_cli_runner().invoke(args=["rollup"])
    assert result.exit_code == 0 and "unit-months counted" in result.output, result.output
    assert check() == after


def test_a_period_splits_into_whole_months_and_the_days_at_either_end():
    day = dt.date.fromisoformat
    assert rollup.split(day("2026-01-01"), day("2026-12-31")) == (
        [dt.date(2026, m, 1) for m in range(1, 13)],
        [],
    )
    assert rollup.split(day("2026-01-15"), day("2026-03-10")) == (
        [day("2026-02-01")],
        [(day("2026-01-15"), day("2026-01-31")), (day("2026-03-01"), day("2026-03-10"))],
    )
    assert rollup.split(day("2026-02-02"), day("2026-02-27")) == (
        [],
        [(day("2026-02-02"), day("2026-02-27"))],
    )
    assert rollup.split(day("2024-02-01"), day("2024-02-29")) == ([day("2024-02-01")], [])
    assert rollup.split(day("2025-12-01"), day("2026-01-01")) == (
        [day("2025-12-01")],
        [(day("2026-01-01"), day("2026-01-01"))],
    )


def test_the_median_is_read_off_the_histogram_within_the_middle_answers_bin():
    def hist(*hours):
        counts = {name: 0 for name in rollup.HIST}
        for h in hours:
            i = max(i for i, edge in enumerate(BINS) if h >= edge or i == 0)
            counts[rollup.HIST[i]] += 1
        return counts

    assert rollup.median_hours(hist()) is None
    assert rollup.median_hours(hist(0.1)) == 0.125  # half the one answer: mid-bin [0, 0.25)
    assert rollup.median_hours(hist(1.5, 1.5)) == 1.5  # [1, 2): half of two answers
    assert rollup.median_hours(hist(10, 10, 10, 800)) == 8 + 4 * 2 / 3  # 2 of 3 in [8, 12)
    assert rollup.median_hours(hist(800, 900)) == 720  # the open bin: its lower edge


def test_a_township_sees_itself_and_never_the_other(app, world, login, loop):
    town_a, town_b = world.units["town_a"], world.units["town_b"]
    for who in ("dispatcher_a", "leader_a", "reviewer_a", "admin_a"):
        board = _board(login(who), town_a.code)
        assert [r["key"] for r in board["rows"]] == [town_a.code]
        assert board["rows"][0]["reported"] == board["totals"]["reported"] == 10
    dispatcher = login("dispatcher_a")
    for path in ("dashboard", "dashboard.xlsx", "dashboard.csv"):
        foreign = dispatcher.get(f"/api/v1/units/{town_b.code}/{path}")
        unknown = dispatcher.get(f"/api/v1/units/331123199/{path}")
        assert foreign.status_code == unknown.status_code == 404
        assert foreign.get_json() == unknown.get_json()
        assert login("officer_a").get(f"/api/v1/units/{town_a.code}/{path}").status_code == 403
    # Last year's clue is in last year's figures, alone.
    today = dt.datetime.now(CHINA).date()
    long_ago = {
        "from": str(today - dt.timedelta(days=800)),
        "to": str(today - dt.timedelta(days=100)),
    }
    old = _board(dispatcher, town_a.code, **long_ago)
    assert old["totals"]["reported"] == 1
    assert old["totals"]["response"] == {"count": 0, "of": 1, "share": 0.0}
    assert old["totals"]["satisfaction"] == {"count": 0, "of": 0, "share": None}
    # A period without clues: nothing counted, no share, no median, the township still there.
    empty = _board(dispatcher, town_a.code, **{"from": "2020-01-01", "to": "2020-12-31"})
    assert empty["totals"]["reported"] == empty["rows"][0]["reported"] == 0
    assert empty["totals"]["response"] == {"count": 0, "of": 0, "share": None}
    assert empty["totals"]["median_response_hours"] is None
    assert [r["key"] for r in empty["rows"]] == [town_a.code]


def test_bad_query_values_are_refused_naming_the_field(world, login):
    leader = login("leader_a")
    town = world.units["town_a"].code
    for query, field in (
        ("by=village", "by"),
        ("by=", "by"),
        ("from=2026-05-01&to=2026-04-01", "to"),
        ("from=yesterday", "from"),
        ("format=xlsx", "format"),
    ):
        for path in ("dashboard", "dashboard.csv"):
            r = leader.get(f"/api/v1/units/{town}/{path}?{query}")
            assert r.status_code == 422, (path, query, r.get_json())
            assert list(r.get_json()["fields"]) == [field], (path, query, r.get_json())


def _filename(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="dashboard-' in disposition  # an ASCII name for old clients
    return unquote(disposition.split("filename*=UTF-8''")[1])


def _exports(app) -> list[dict]:
    with app.app_context():
        entries = db.session.execute(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "dashboard.export")
            .order_by(AuditEntry.seq)
        ).scalars()
        return [{"actor_id": e.actor_id, "record_id": e.record_id, **e.detail} for e in entries]


def _as_number(text: str):
    if text == "":
        return None
    if text.endswith("%"):
        return round(float(text[:-1]) / 100, 4)
    return float(text) if "." in text else int(text)


def test_the_excel_and_csv_exports_hold_the_dashboards_figures_and_are_audited(
    app, world, login, loop
):
    county = world.units["county"]
    dispatcher = login("dispatcher_county")
    board = _board(dispatcher, county.code, by="officer")
    expected_lines = [
        *((r["key"], r["label"] or "未接单", r) for r in board["rows"]),
        (county.code, f"合计（{county.name}）", board["totals"]),
    ]

    def values(figures: dict) -> list:
        return [
            figures["reported"],
            figures["response"]["count"],
            figures["response"]["share"],
            figures["median_response_hours"],
            figures["disposal"]["of"],
            figures["disposal"]["count"],
            figures["disposal"]["share"],
            figures["satisfaction"]["of"],
            figures["satisfaction"]["count"],
            figures["satisfaction"]["share"],
            figures["open_overdue"]["of"],
            figures["open_overdue"]["count"],
            figures["open_overdue"]["share"],
            figures["handled_late"]["of"],
            figures["handled_late"]["count"],
            figures["handled_late"]["share"],
            figures["stopped_by_dissuasion"]["count"],
            figures["stopped_by_dissuasion"]["share"],
        ]

    r = dispatcher.get(
        f"/api/v1/units/{county.code}/dashboard.xlsx",
        query_string={**_period(), "by": "officer"},
    )
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert _filename(r).startswith(f"线索闭环看板-{county.name}-") and _filename(r).endswith(
        "执法队员.xlsx"
    )
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    sheet = book.worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    # A title row as the printed dashboard has: what, whose, which days.
    title = f"线索闭环看板 · {county.name} · {board['from']} 至 {board['to']}"
    assert table[0][0] == title and not any(table[0][1:])
    assert table[1][:4] == ["代码", "执法队员", "上报线索", "已响应"]
    assert len(table[1]) == 2 + 18
    assert table[2:] == [[key, label, *values(f)] for key, label, f in expected_lines]
    assert sheet.cell(3, 5).number_format == "0.00%"  # 响应率, a number shown as a percentage
    four = [list(row) for row in book.worksheets[1].iter_rows(values_only=True)]
    indicators = board["indicators"]
    assert four[0][0] == title
    # Named as the screen names them (board["names"]): 平台出件率, not another word in Excel.
    screen = board["names"]["indicators"]
    assert screen["issued_on_platform"]["zh-CN"] == "平台出件率"
    assert four[2:6] == [
        [screen[k]["zh-CN"], indicators[k]["count"], indicators[k]["of"], indicators[k]["share"]]
        for k in ("coded", "e_signed", "issued_on_platform", "clue_disposal")
    ]

    r = dispatcher.get(
        f"/api/v1/units/{county.code}/dashboard.csv",
        query_string={**_period(), "by": "officer"},
    )
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert _filename(r).endswith("执法队员.csv")
    assert r.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    lines = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert lines[0] == [str(v) for v in table[1]]
    assert [
        [None if line[0] == "" else line[0], line[1], *(_as_number(v) for v in line[2:])]
        for line in lines[1:]
    ] == [
        [None if key is None else str(key), label, *values(f)] for key, label, f in expected_lines
    ]

    me = world.users["dispatcher_county"]
    period = _period()
    assert _exports(app) == [
        {
            "actor_id": me,
            "record_id": county.code,
            "unit": county.code,
            "from": period["from"],
            "to": period["to"],
            "by": "officer",
            "format": fmt,
        }
        for fmt in ("xlsx", "csv")
    ]
    # Looking at the dashboard is not an export.
    _board(dispatcher, county.code)
    assert len(_exports(app)) == 2


def test_the_category_rows_name_every_domain_the_period_has(app, world, login, loop):
    with app.app_context():
        domains = set(db.session.execute(sa.select(Matter.domain)).scalars())
    board = _board(login("leader_b"), world.units["town_b"].code, by="category")
    assert {r["key"] for r in board["rows"]} <= domains
    assert sum(r["reported"] for r in board["rows"]) == board["totals"]["reported"] == 3
    assert uuid.UUID(loop["b_closed"])  # the fixture's ids are the clues' own


HOSTILE = ['=HYPERLINK("http://x.example","看")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def test_names_that_begin_a_formula_are_exported_as_text_never_as_formulas(app, world, login, loop):
    # Units and people are named by an admin; a name beginning with = + - @ tab or CR was
    # written as a formula into the county's workbook and read as one from the CSV.
    with app.app_context():
        townships = db.session.execute(
            sa.select(AdminUnit).where(AdminUnit.level == "township").order_by(AdminUnit.code)
        ).scalars()
        for unit, start in zip(townships, HOSTILE[:2], strict=True):
            unit.name = start + unit.name
        for name, start in zip(("officer_a", "leader_a", "officer_b"), HOSTILE[2:5], strict=True):
            user = db.session.get(User, world.users[name])
            user.display_name = start + user.display_name
        for matter in db.session.execute(sa.select(Matter)).scalars():
            matter.domain = HOSTILE[5] + matter.domain
        db.session.commit()
    dispatcher = login("dispatcher_county")
    county = world.units["county"].code
    seen = set()
    for by in BY:
        query = {**_period(), "by": by}

        r = dispatcher.get(f"/api/v1/units/{county}/dashboard.xlsx", query_string=query)
        book = openpyxl.load_workbook(io.BytesIO(r.data))
        labels = {row[1].value: row[1].data_type for row in book.worksheets[0].iter_rows(min_row=3)}
        # (XML may read a CR back as LF: the workbook's "\r=1" can come back as "\n=1".)
        hostile = {label for label in labels if label and label[0] in "=+-@\t\r\n"}
        assert {labels[label] for label in hostile} == {"s"}, labels
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert not [c.value for c in cells if c.data_type == "f"]

        r = dispatcher.get(f"/api/v1/units/{county}/dashboard.csv", query_string=query)
        lines = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"), newline="")))
        quoted = {line[1][1:] for line in lines if line[1].startswith("'")}
        assert len(quoted) == len(hostile), (quoted, hostile)
        starts = ("=", "+", "-", "@", "\t", "\r")
        assert not [v for line in lines for v in line if v.startswith(starts)]
        seen |= {label[0] for label in quoted}
    assert seen == {"=", "+", "-", "@", "\t", "\r"}
