"""The closed loop's dashboard for a unit, as JSON for the console and as files for Excel."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import Response
from flask_smorest import Blueprint, abort
from marshmallow import validate

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404
from server.accounts.models import Role
from server.audit import chain as audit
from server.cases.api import SUPERVISING, IndicatorsQuerySchema
from server.console import copies, dashboard, departments, export
from server.core.api import BEARER
from server.core.db import begin_writing, db, utcnow
from server.units.models import AdminUnit, Department
from sync.cases import today

blp = Blueprint("console", __name__, description="The command room's closed-loop dashboard")


class DashboardQuerySchema(IndicatorsQuerySchema):
    """A period of China's days, both included (by default this year up to today), and how
    the rows are grouped."""

    by = ma.fields.String(load_default="unit", validate=validate.OneOf(dashboard.BY))


def _board(args: dict, code: str) -> dict:
    unit = get_visible_or_404(AdminUnit, code, current_user(), key=AdminUnit.code)
    return dashboard.dashboard(unit, args["from_"], args["to"], args["by"], utcnow())


@blp.route("/units/<code:code>/dashboard")
@login_required(roles=SUPERVISING)
@blp.arguments(DashboardQuerySchema, location="query")
@blp.doc(security=BEARER)
def unit_dashboard(args, code):
    """The closed loop over the clues reported in the period in the unit's subtree:
    response, median response time, disposal, satisfaction, overdue, dissuasion; in total,
    per row (``by``: township, officer who took the clue, or domain), and the province's
    4 × 100 %. The definitions: ``server/console/dashboard.py``."""
    return _board(args, code)


def _file(args: dict, code: str, extension: str, media_type: str, render) -> Response:
    begin_writing()  # the export is audited
    board = _board(args, code)
    body = render(board)
    audit.record(
        "dashboard.export",
        "unit",
        board["unit"],
        {
            "unit": board["unit"],
            "from": board["from"],
            "to": board["to"],
            "by": board["by"],
            "format": extension,
        },
    )
    db.session.commit()
    response = Response(body, mimetype=media_type)
    response.headers["Content-Disposition"] = export.content_disposition(board, extension)
    response.cache_control.no_store = True
    return response


@blp.route("/units/<code:code>/departments")
@login_required(roles=SUPERVISING)
@blp.arguments(IndicatorsQuerySchema, location="query")
@blp.doc(security=BEARER)
def unit_departments(args, code):
    """How the county's departments answered the unit's townships over the period (China's
    days, both included): collaboration requests answered, in time, refused, overdue;
    transfers accepted, sent back, concluded; and every request and transfer still open,
    the overdue first. The definitions: ``server/console/departments.py``."""
    unit = get_visible_or_404(AdminUnit, code, current_user(), key=AdminUnit.code)
    return departments.figures(
        unit, args["from_"], args["to"], today(utcnow()), shown=departments.OPEN_SHOWN
    )


@blp.route("/units/<code:code>/departments.xlsx")
@login_required(roles=SUPERVISING)
@blp.arguments(IndicatorsQuerySchema, location="query")
@blp.doc(security=BEARER)
def unit_departments_xlsx(args, code):
    """The departments' board as an Excel workbook: each department's figures (shares as
    percentages), and what is open. Audited, like the dashboard's files."""
    begin_writing()
    unit = get_visible_or_404(AdminUnit, code, current_user(), key=AdminUnit.code)
    board = departments.figures(unit, args["from_"], args["to"], today(utcnow()))
    body = export.departments_workbook(board)
    audit.record(
        "departments.export",
        "unit",
        unit.code,
        {"unit": unit.code, "from": board["from"], "to": board["to"], "format": "xlsx"},
    )
    db.session.commit()
    response = Response(
        body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response.headers["Content-Disposition"] = export.departments_disposition(board)
    response.cache_control.no_store = True
    return response


@blp.route("/units/<code:code>/dashboard.xlsx")
@login_required(roles=SUPERVISING)
@blp.arguments(DashboardQuerySchema, location="query")
@blp.doc(security=BEARER)
def unit_dashboard_xlsx(args, code):
    """The dashboard as an Excel workbook: a row per group and the totals (shares as
    percentages), the 4 × 100 % on a second sheet. Audited."""
    return _file(
        args,
        code,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export.workbook,
    )


@blp.route("/units/<code:code>/dashboard.csv")
@login_required(roles=SUPERVISING)
@blp.arguments(DashboardQuerySchema, location="query")
@blp.doc(security=BEARER)
def unit_dashboard_csv(args, code):
    """The dashboard's rows and totals as CSV, UTF-8 with a BOM (Excel). Audited."""
    return _file(args, code, "csv", "text/csv", export.csv_bytes)


class CopiesQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(1, copies.PAGE_MAX))
    offset = ma.fields.Integer(load_default=0, validate=validate.Range(0, 10**9))


@blp.route("/departments/<code:code>/copies")
@login_required(roles=(Role.DEPARTMENT, *SUPERVISING))
@blp.arguments(CopiesQuerySchema, location="query")
@blp.doc(security=BEARER)
def department_copies(args, code):
    """抄告: the cases of the county's townships on matters devolved from this department,
    once each has an outcome (decided, ended, transferred, handed to the police), the latest
    first; no step to take. For the department's own users and the county's staff; anyone
    else, or a department that does not exist, 404. ``server/console/copies.py``."""
    user = current_user()
    department = db.session.execute(
        sa.select(Department).where(Department.code == code)
    ).scalar_one_or_none()
    if department is None or not _reads_copies(user, department):
        abort(404, message="department not found")
    return copies.copies(department, args["limit"], args["offset"])


def _reads_copies(user, department: Department) -> bool:
    if user.department_id is not None:
        return user.department_id == department.id  # its inspectors, liaison and leader
    # The county's own staff (its command centre): a unit at or above the department's.
    county = db.session.get(AdminUnit, department.unit_id)
    return user.has_role(*SUPERVISING) and county.path.startswith(user.unit.path)
