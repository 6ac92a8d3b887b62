"""The demo county's inspections: a register of 200 businesses, two departments' random
inspection plans (自然资源和规划局, 农业农村局), approved, drawn, published, and the visits
both plans make to the same farm stays merged, one of them confirmed as a joint visit
(综合查一次), so a new user sees the whole of issue 21's inspection side.

Made through the same service calls as the console's buttons; the seeds come from the demo's
random generator so the demo is the same each time it is loaded (the API's seeds never do).
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from server.accounts.models import User
from server.core.db import db, utcnow
from server.inspections import service
from server.inspections.identifiers import CREDIT_ALPHABET, CREDIT_WEIGHTS
from server.inspections.models import (
    InspectionObject,
    InspectionPlan,
    InspectionVisit,
    VisitStatus,
)
from server.units.models import AdminUnit, Department

# (kind of business, the matters that apply to it, weights of high/medium/low risk)
KINDS = [
    ("农家乐", ["GH-0065-01", "NY-0078-01", "ST-0118-01"], (2, 5, 3)),
    ("民宿", ["GH-0065-01", "NY-0078-01"], (1, 5, 4)),
    ("建材加工厂", ["GH-0065-01", "SR-0026-01"], (3, 4, 3)),
    ("木材加工厂", ["LY-0076-01", "ST-0119-01"], (3, 4, 3)),
    ("生猪养殖场", ["NY-0078-01", "ST-0119-01"], (4, 4, 2)),
    ("沿街餐饮店", ["ST-0118-01", "SR-0036-01", "SR-0011-01"], (1, 3, 6)),
    ("农资经营部", ["SR-0036-02", "SR-0011-01"], (1, 3, 6)),
    ("砂石料场", ["SL-0044-01", "SR-0026-01"], (4, 4, 2)),
]
PLACES = ["航埠", "北二", "刘家", "石梁", "静岩", "坎底", "下村", "塘边", "双溪", "樟树"]
GRADES = ("high", "medium", "low")
OBJECTS = 200
PLANS = [
    # department, title, matters, how many objects
    ("ZRZY", "自然资源领域双随机抽查（违法搭建、滥伐林木）", ["GH-0065-01", "LY-0076-01"], 30),
    ("NYNC", "农村宅基地双随机抽查", ["NY-0078-01"], 30),
]
SHARES = {"high": "0.3", "medium": "0.4", "low": "0.3"}


def credit_code(n: int) -> str:
    """A 统一社会信用代码 of the district (330802) with a valid check character (GB 32100);
    the organisation part carries letters (MA…), as codes issued since 2015 do."""
    body = f"91330802MA2{n:06X}"
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return body + CREDIT_ALPHABET[(31 - total % 31) % 31]


def _register(rng: random.Random, county: AdminUnit, townships: list[dict]) -> None:
    ids = dict(
        db.session.execute(
            sa.select(AdminUnit.code, AdminUnit.id).where(
                AdminUnit.code.in_([t["code"] for t in townships])
            )
        ).all()
    )
    for n in range(1, OBJECTS + 1):
        kind, matters, weights = KINDS[n % len(KINDS)]
        town = townships[n % len(townships)]
        lat, lng = town["centre"]
        place = rng.choice(PLACES)
        db.session.add(
            InspectionObject(
                county_id=county.id,
                township_id=ids[town["code"]],
                credit_code=credit_code(n),
                name=f"柯城区{place}{kind}（{n:03d}）",
                address=f"{town['name']}{place}村{rng.randint(1, 99)}号",
                lat=round(lat + rng.uniform(-0.03, 0.03), 6),
                lng=round(lng + rng.uniform(-0.03, 0.03), 6),
                matter_codes=sorted(matters),
                risk_grade=rng.choices(GRADES, weights)[0],
                departments=[],
            )
        )


def _department_people(logins: list, person, county: AdminUnit, today: dt.date) -> dict:
    """Per department: a leader who approves its plans and two certified inspectors."""
    people = {}
    for code, _title, _matters, _count in PLANS:
        dept = db.session.execute(sa.select(Department).where(Department.code == code)).scalar_one()
        leader = person(
            logins,
            f"dept_{code.lower()}_leader",
            f"{dept.name} 分管领导",
            county,
            ["leader"],
            department=dept,
        )
        for i in (1, 2):
            person(
                logins,
                f"dept_{code.lower()}_inspector{i}",
                f"{dept.name} 执法员{'甲乙'[i - 1]}",
                county,
                ["department"],
                department=dept,
                certificate_no=f"浙执{code}{i:04d}",
                certificate_valid_from=today - dt.timedelta(days=500),
                certificate_valid_until=today + dt.timedelta(days=500),
            )
        people[code] = (dept, leader)
    return people


def seed(rng: random.Random, county: AdminUnit, townships: list[dict], logins: list, person):
    today = utcnow().date()
    _register(rng, county, townships)
    people = _department_people(logins, person, county, today)
    db.session.flush()
    start = today.replace(day=1)
    for code, title, matters, count in PLANS:
        dept, leader = people[code]
        # The department's liaison drafts (the demo's dept_<code> login).
        drafter = db.session.execute(
            sa.select(User).where(User.username == f"dept_{code.lower()}")
        ).scalar_one()
        plan = InspectionPlan(
            county_id=county.id,
            department_id=dept.id,
            title=title,
            matter_codes=sorted(matters),
            object_count=count,
            shares=SHARES,
            period_start=start,
            period_end=start + dt.timedelta(days=90),
            created_by_id=drafter.id,
        )
        db.session.add(plan)
        db.session.flush()
        service.approve(plan, leader, seed=rng.randbytes(32).hex())
        service.make_draw(plan, drafter)
        service.publish(plan)
    db.session.flush()
    visits = db.session.execute(sa.select(InspectionVisit)).scalars().all()
    proposals = service.proposals(visits)
    if proposals:  # the first one confirmed; the rest left for the user to confirm
        by_id = {v.id: v for v in visits}
        service.merge([by_id[i] for i in proposals[0]["visit_ids"]])
    # A few of the departments' other visits already done, for the dashboard's figures.
    for visit in visits[::4]:
        if visit.status == VisitStatus.PLANNED and not visit.joint:
            visit.status = VisitStatus.DONE.value
            visit.findings = "现场检查未发现违法行为。"
            visit.done_at = utcnow()
    db.session.commit()
