"""Administrative units and departments."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask_smorest import Blueprint

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404, scoped
from server.core.api import BEARER
from server.core.db import db
from server.units.models import AdminUnit, Department

blp = Blueprint("units", __name__, description="Administrative units and departments")


class UnitSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    level = ma.fields.String()
    path = ma.fields.String()
    parent_code = ma.fields.Function(lambda u: u.parent.code if u.parent else None)


class DepartmentSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


@blp.route("/units")
@login_required
@blp.response(200, UnitSchema(many=True))
@blp.doc(security=BEARER)
def list_units():
    """The caller's unit and everything under it, parents before children."""
    return (
        db.session.execute(scoped(AdminUnit, current_user()).order_by(AdminUnit.path))
        .scalars()
        .all()
    )


@blp.route("/units/<code:code>")
@login_required
@blp.response(200, UnitSchema)
@blp.doc(security=BEARER)
def get_unit(code):
    return get_visible_or_404(AdminUnit, code, current_user(), key=AdminUnit.code)


@blp.route("/departments")
@login_required
@blp.response(200, DepartmentSchema(many=True))
@blp.doc(security=BEARER)
def list_departments():
    """County departments that receive transfers (移送) and collaboration requests."""
    return db.session.execute(sa.select(Department).order_by(Department.code)).scalars().all()
