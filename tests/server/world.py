"""A small county built through the same service code the app and the demo use.

    331123 遂昌县 (county)
    ├── 331123102 大柘镇 (township "A")
    │   └── 331123102201 大柘村 → 331123102201001 大柘村一网格
    └── 331123103 石练镇 (township "B")
        └── 331123103201 石练村 → 331123103201001 石练村一网格

Each township has one user per role; the county has a dispatcher and an admin.
Every password is PASSWORD.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from server.accounts import service
from server.catalogue.models import Empowerment, Matter
from server.clues import service as clues
from server.core.db import db
from server.units.models import AdminUnit, Department, UnitLevel

PASSWORD = "correct horse battery"
TODAY = dt.date.today()


@dataclass
class World:
    units: dict[str, AdminUnit] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)  # name -> id
    matters: dict[str, Matter] = field(default_factory=dict)
    clues: dict[str, uuid.UUID] = field(default_factory=dict)  # name -> id


def clue_payload(**overrides) -> dict:
    now = dt.datetime.now(dt.UTC)
    body = {
        "id": str(uuid.uuid4()),
        "matter_code": "SR-001",
        "location": {"lat": 28.59, "lng": 119.27, "accuracy_m": 8.0, "fix_time": now.isoformat()},
        "address": "大柘村村口",
        "description": "农户在田间焚烧秸秆",
        "dissuasion": {"done": True, "result": "stopped", "at": now.isoformat()},
        "device_time": now.isoformat(),
    }
    body.update(overrides)
    return body


def _unit(world, key, code, name, level, parent=None):
    unit = AdminUnit.create(code, name, level, world.units.get(parent))
    db.session.add(unit)
    db.session.flush()
    world.units[key] = unit
    return unit


def _user(world, name, unit_key, roles, **extra):
    if "officer" in roles:
        extra.setdefault("certificate_no", f"ZJ-{name}")
        extra.setdefault("certificate_valid_from", TODAY - dt.timedelta(days=365))
        extra.setdefault("certificate_valid_until", TODAY + dt.timedelta(days=365))
    user = service.create_user(
        username=name,
        display_name=name,
        password=PASSWORD,
        unit=world.units[unit_key],
        roles=roles,
        **extra,
    )
    world.users[name] = user.id
    return user


def build_world() -> World:
    w = World()
    _unit(w, "county", "331123", "遂昌县", UnitLevel.COUNTY)
    for key, code, town, village in (
        ("a", "331123102", "大柘镇", "大柘村"),
        ("b", "331123103", "石练镇", "石练村"),
    ):
        _unit(w, f"town_{key}", code, town, UnitLevel.TOWNSHIP, "county")
        _unit(w, f"village_{key}", code + "201", village, UnitLevel.VILLAGE, f"town_{key}")
        _unit(
            w, f"grid_{key}", code + "201001", village + "一网格", UnitLevel.GRID, f"village_{key}"
        )
    dept = Department(code="ZRZY", name="县自然资源和规划局", unit_id=w.units["county"].id)
    db.session.add(dept)
    # A second department: what is addressed to one is never the other's.
    other_dept = Department(code="SCJG", name="县市场监督管理局", unit_id=w.units["county"].id)
    db.session.add(other_dept)
    for code, name, domain in (
        ("SR-001", "露天焚烧秸秆", "生态环境"),
        ("CG-001", "占道经营", "市容环卫"),
        ("ZR-001", "未经批准占用土地建房", "自然资源"),
    ):
        matter = Matter(
            code=code,
            name=name,
            domain=domain,
            legal_basis="demo",
            penalty_range="",
            department=dept,
        )
        db.session.add(matter)
        w.matters[code] = matter
    db.session.flush()
    for key in ("a", "b"):
        for matter in ("SR-001", "CG-001"):
            db.session.add(
                Empowerment(unit_id=w.units[f"town_{key}"].id, matter_id=w.matters[matter].id)
            )
        _user(w, f"grid_{key}", f"grid_{key}", ["grid_worker"])
        _user(w, f"grid2_{key}", f"grid_{key}", ["grid_worker"])
        _user(w, f"officer_{key}", f"town_{key}", ["officer"])
        _user(w, f"dispatcher_{key}", f"town_{key}", ["dispatcher"])
        _user(w, f"reviewer_{key}", f"town_{key}", ["reviewer"])
        _user(w, f"leader_{key}", f"town_{key}", ["leader", "officer"])
        _user(w, f"admin_{key}", f"town_{key}", ["admin"])
    _user(w, "dispatcher_county", "county", ["dispatcher"])
    _user(w, "admin_county", "county", ["admin"])
    _user(w, "department", "county", ["department"], department=dept)
    _user(w, "department_b", "county", ["department"], department=other_dept)
    db.session.flush()

    db.session.commit()
    from server.accounts.models import User

    for key in ("a", "b"):
        reporter = db.session.get(User, w.users[f"grid_{key}"])
        result = clues.report_clue(clue_payload(), reporter, None)
        assert result["outcome"] == "applied", result
        w.clues[f"clue_{key}"] = uuid.UUID(result["record_id"])
    # Loaded now, so tests can read codes, ids and paths after the session has closed.
    for obj in (*w.units.values(), *w.matters.values()):
        db.session.refresh(obj)
    return w
