"""Registers, plans and draws for the inspection tests, made through the API as a county
would: a workbook imported, a plan drafted, approved, drawn."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from server.accounts import service as accounts
from server.core.db import db
from server.inspections.identifiers import CREDIT_ALPHABET, CREDIT_WEIGHTS
from server.inspections.register import COLUMNS
from server.units.models import AdminUnit, Department
from tests.server.world import PASSWORD, TODAY

HEADER = list(COLUMNS)
GRADES_ZH = ("高", "中", "低")
# Within the world's certificates (valid a year either side of today).
PERIOD = {
    "period_start": (TODAY + dt.timedelta(days=30)).isoformat(),
    "period_end": (TODAY + dt.timedelta(days=120)).isoformat(),
}


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015) for a made-up business number ``n``."""
    body = f"9133112{n:010d}"
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return body + CREDIT_ALPHABET[(31 - total % 31) % 31]


def row(n: int, **overrides) -> list:
    values = {
        "统一社会信用代码": credit_code(n),
        "名称": f"遂昌县测试商户{n}号",
        "地址": f"遂昌县妙高街道{n}号",
        "纬度": 28.59 + n / 10_000,
        "经度": 119.27 + n / 10_000,
        "检查事项": "SR-001、CG-001" if n % 2 else "ZR-001,CG-001",
        "风险等级": GRADES_ZH[n % 3],
        "涉及部门": "",
        "所属乡镇": "大柘镇",  # township A
    }
    values.update(overrides)
    return [values[h] for h in HEADER]


def workbook(rows: list[list], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header or HEADER)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_register(session, count: int = 30, township: str = "331123102", first: int = 1):
    """``count`` objects of ``township`` (by default A), numbered from ``first``."""
    body = workbook([row(n, **{"所属乡镇": township}) for n in range(first, first + count)])
    return session.post("/api/v1/inspection-objects/import", data=body)


def plan_body(**overrides) -> dict:
    return {
        "title": "2027年春季燃放与占道专项抽查",
        "matter_codes": ["CG-001"],
        "object_count": 10,
        "shares": {"high": "0.5", "medium": "0.3", "low": "0.2"},
        **PERIOD,
        **overrides,
    }


def department_people(app, world) -> dict[str, str]:
    """A leader and three certified inspectors of the world's department (县自然资源和规划局)."""
    names = {}
    with app.app_context():
        county = db.session.get(AdminUnit, world.units["county"].id)
        dept = db.session.query(Department).filter_by(code="ZRZY").one()
        for name, roles in (
            ("dept_leader", ["leader"]),
            ("dept_inspector1", ["department"]),
            ("dept_inspector2", ["department"]),
            ("dept_inspector3", ["department"]),
        ):
            user = accounts.create_user(
                username=name,
                display_name=name,
                password=PASSWORD,
                unit=county,
                roles=roles,
                department=dept,
                certificate_no=f"ZJ-{name}" if "inspector" in name else None,
                certificate_valid_from=TODAY - dt.timedelta(days=365),
                certificate_valid_until=TODAY + dt.timedelta(days=365),
            )
            world.users[name] = user.id
            names[name] = name
        db.session.commit()
    return names


def drawn_plan(login, township: str = "a", **overrides) -> dict:
    """A township plan drafted by its dispatcher, approved by its leader, drawn."""
    dispatcher, leader = login(f"dispatcher_{township}"), login(f"leader_{township}")
    code = {"a": "331123102", "b": "331123103"}[township]
    made = dispatcher.post("/api/v1/inspection-plans", json=plan_body(unit_code=code, **overrides))
    assert made.status_code == 201, made.get_json()
    plan_id = made.get_json()["id"]
    approved = leader.post(f"/api/v1/inspection-plans/{plan_id}/approve")
    assert approved.status_code == 200, approved.get_json()
    drawn = dispatcher.post(f"/api/v1/inspection-plans/{plan_id}/draw")
    assert drawn.status_code == 201, drawn.get_json()
    return drawn.get_json()
