"""The demo county (``flask --app server seed-demo``): 衢州市柯城区 with 航埠镇 and 石梁镇, the
two townships its 2023 reform empowered (see shared/seeds), people in every role, a slice of
the catalogue and a few dozen clues in different states.

Everything goes through the same service code as the API, so the demo is what a real
county looks like after a few weeks of use, audit log included.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from server.accounts import service as accounts
from server.accounts.models import User
from server.cases import documents
from server.catalogue.models import Empowerment, Matter
from server.core.db import db, utcnow
from server.demo import authority, inspections
from server.demo.data import (
    COUNTY,
    DEMO_PASSWORD,
    DEPARTMENTS,
    MATTERS,
    TOWNSHIPS,
)
from server.sync_api.push import push_batch
from server.units.models import AdminUnit, Department, UnitLevel
from sync import cases
from sync.workflow import WORKFLOW


def has_data() -> bool:
    return db.session.execute(sa.select(AdminUnit.id).limit(1)).first() is not None


def _unit(code, name, level, parent=None) -> AdminUnit:
    unit = AdminUnit.create(code, name, level, parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def _person(logins, username, name, unit, roles, **extra) -> User:
    user = accounts.create_user(
        username=username,
        display_name=name,
        password=DEMO_PASSWORD,
        unit=unit,
        roles=roles,
        **extra,
    )
    logins.append((username, name, "+".join(roles), unit.name))
    return user


def seed(rng: random.Random | None = None) -> list[tuple[str, str, str, str]]:
    """Load the demo; returns (username, name, roles, unit) for each login."""
    rng = rng or random.Random(2026)
    today = utcnow().date()
    logins: list[tuple[str, str, str, str]] = []

    county = _unit(COUNTY["code"], COUNTY["name"], UnitLevel.COUNTY)
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code] = Department(code=code, name=name, unit_id=county.id)
        db.session.add(departments[code])
    matters = {}
    for m in MATTERS:
        matters[m["code"]] = Matter(
            code=m["code"],
            name=m["name"],
            short_name=m["short"],
            domain=m["domain"],
            legal_basis=m["basis"],
            penalty_basis=m["penalty_basis"],
            penalty_range=m["penalty"],
            summary_procedure_allowed=m["summary"],
            discretion=m.get("discretion", []),
            department=departments[m["department"]],
        )
        db.session.add(matters[m["code"]])
    db.session.flush()

    _person(logins, "admin", "系统管理员", county, ["admin"])
    _person(logins, "county_dispatch", "区指挥中心 周敏", county, ["dispatcher"])
    desks: dict[str, User] = {}
    # Two departments that take transfers and collaboration requests, and the 综合行政执法局
    # whose powers the townships hold (赋权): it reads the copies of their outcomes (抄告).
    for code, name in [*DEPARTMENTS[:2], DEPARTMENTS[-1]]:
        desks[code] = _person(
            logins,
            f"dept_{code.lower()}",
            name + " 联络员",
            county,
            ["department"],
            department=departments[code],
        )

    reporters: dict[str, list[User]] = {}
    staff: dict[str, tuple[User, User]] = {}
    crews: dict[str, tuple[User, User, User]] = {}
    for town in TOWNSHIPS:
        township = _unit(town["code"], town["name"], UnitLevel.TOWNSHIP, county)
        for matter_code in town["empowered"]:
            db.session.add(Empowerment(unit_id=township.id, matter_id=matters[matter_code].id))
        p = town["prefix"]
        people = town["people"]
        dispatcher = _person(
            logins, f"{p}_dispatch", people["dispatcher"], township, ["dispatcher"]
        )
        leader = _person(
            logins,
            f"{p}_leader",
            people["leader"],
            township,
            ["leader", "officer"],
            certificate_no=f"浙执{town['code'][-3:]}0001",
            certificate_valid_from=today - dt.timedelta(days=700),
            certificate_valid_until=today + dt.timedelta(days=400),
        )
        _person(
            logins,
            f"{p}_review",
            people["reviewer"],
            township,
            ["reviewer"],
            legal_qualification_no=f"A2021330{town['code'][-3:]}0001",  # 法律职业资格 (art. 58)
        )
        officers = []
        for i, officer in enumerate(people["officers"], start=2):
            officers.append(
                _person(
                    logins,
                    f"{p}_officer{i - 1}",
                    officer,
                    township,
                    ["officer"],
                    certificate_no=f"浙执{town['code'][-3:]}{i:04d}",
                    certificate_valid_from=today - dt.timedelta(days=300 + 50 * i),
                    certificate_valid_until=today + dt.timedelta(days=200 + 90 * i),
                )
            )
        staff[town["code"]] = (dispatcher, officers[0])
        crews[town["code"]] = (officers[0], officers[1], leader)
        grid_no = 0
        for village_code, village_name, worker_names in town["villages"]:
            village = _unit(village_code, village_name, UnitLevel.VILLAGE, township)
            for n, worker in enumerate(worker_names, start=1):
                grid_no += 1
                grid = _unit(
                    f"{village_code}{n:03d}", f"{village_name}第{n}网格", UnitLevel.GRID, village
                )
                user = _person(
                    logins,
                    f"{p}_grid{grid_no}",
                    worker,
                    grid,
                    ["grid_worker"],
                    phone=f"1390570{len(logins):04d}",
                )
                reporters.setdefault(town["code"], []).append(user)
    db.session.commit()
    taken = _report_clues(rng, reporters, staff)
    _open_cases(crews, taken)
    _transfers(reporters, staff, desks)
    inspections.seed(rng, county, TOWNSHIPS, logins, _person)
    return logins


def _transfers(reporters, staff, desks) -> None:
    """Matters a township holds no power for, transferred (移送) to the county department
    the catalogue names: in 石梁镇, felling trees (林业, not devolved to it) accepted by
    区自然资源和规划局 with its own case number, and building on farmland (农业农村) still
    waiting for 区农业农村局 in its inbox."""
    from server.demo.data import TRANSFER_STORIES

    now = utcnow()
    for town_code, matter_code, description, address, answer in TRANSFER_STORIES:
        dispatcher, _ = staff[town_code]
        reporter = reporters[town_code][0]
        lat0, lng0 = next(t["centre"] for t in TOWNSHIPS if t["code"] == town_code)
        seen = now - dt.timedelta(days=3)
        clue_id = uuid.uuid4()
        payload = {
            "matter_code": matter_code,
            "location": {"lat": lat0 + 0.004, "lng": lng0 - 0.003, "accuracy_m": 8.0,
                         "fix_time": seen.isoformat()},
            "address": reporter.unit.parent.name + address,
            "description": description,
            "dissuasion": {"done": True, "result": "refused",
                           "at": (seen + dt.timedelta(minutes=5)).isoformat()},
        }  # fmt: skip
        _push(reporter, clue_id, "create", payload, seen + dt.timedelta(minutes=7))
        note = {"note": "本镇未获该事项行政处罚权，依法移送。"}
        _push(dispatcher, clue_id, "transition", {"name": "transfer", "args": note}, None)
        if answer:
            department = desks[answer[0]]
            step = {"name": "accept_transfer", "args": {"case_no": answer[1]}}
            _push(department, clue_id, "transition", step, None)


# Where each demo clue ends up in the loop; every step is a real workflow transition.
_JOURNEYS = [
    [],
    [],
    [],
    ["accept"],
    ["accept", "assign"],
    ["accept", "assign", "take"],
    ["accept", "assign", "take", "handle"],
    ["accept", "assign", "take", "handle", "close", "rate"],
    ["accept", "assign", "take", "handle", "close"],
    ["reject"],
    ["withdraw"],
    ["accept", "assign", "take", "handle", "close", "rate"],
]


def _report_clues(rng, reporters, staff) -> dict[str, list[uuid.UUID]]:
    """Each township's clues through their journeys; returns the ones an officer has taken
    (the demo's cases come from them)."""
    from server.demo.data import CLUE_STORIES

    now = utcnow()
    taken: dict[str, list[uuid.UUID]] = {}
    for town in TOWNSHIPS:
        lat0, lng0 = town["centre"]
        dispatcher, officer = staff[town["code"]]
        for i in range(18):
            reporter = reporters[town["code"]][i % len(reporters[town["code"]])]
            matter_code, description, address = CLUE_STORIES[
                (i * 5 + len(town["name"])) % len(CLUE_STORIES)
            ]
            seen = now - dt.timedelta(days=rng.uniform(0, 28), minutes=rng.uniform(0, 600))
            result = rng.choice(["stopped", "stopped", "refused", "nobody_present"])
            clue_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            accuracy = rng.choice([4, 6, 8, 12, 25, 60]) * rng.uniform(0.8, 1.2)
            payload = {
                "matter_code": matter_code,
                "location": {
                    "lat": round(lat0 + rng.uniform(-0.02, 0.02), 6),
                    "lng": round(lng0 + rng.uniform(-0.02, 0.02), 6),
                    "accuracy_m": round(accuracy, 1),
                    "fix_time": seen.isoformat(),
                },
                "address": reporter.unit.parent.name + address,
                "description": description,
                "call_back": i % 3 != 2,  # most agree to be rung by the officer
                "dissuasion": {"done": False}
                if not i % 4
                # Nobody there: nobody to dissuade (未劝阻：现场无人), never "dissuaded".
                else {"done": False, "result": result}
                if result == "nobody_present"
                else {
                    "done": True,
                    "result": result,
                    "at": (seen + dt.timedelta(minutes=5)).isoformat(),
                },
            }
            _push(reporter, clue_id, "create", payload, seen + dt.timedelta(minutes=7))
            journey = _JOURNEYS[i % len(_JOURNEYS)]
            if journey and journey[-1] == "take":
                taken.setdefault(town["code"], []).append(clue_id)
            for step in journey:
                actor, args = {
                    "accept": (dispatcher, {}),
                    "reject": (dispatcher, {"reason": "经核查不属于执法事项，已转村委会协调。"}),
                    "withdraw": (reporter, {"reason": "已自行协调解决，无需处理。"}),
                    "assign": (
                        dispatcher,
                        {
                            "assignee_id": officer.id,
                            "deadline": (now + dt.timedelta(days=3)).isoformat(),
                        },
                    ),
                    "take": (officer, {}),
                    "handle": (
                        officer,
                        {
                            "outcome": "corrected_on_spot",
                            "note": "当事人已当场整改，现场恢复原状。",
                        },
                    ),
                    "close": (dispatcher, {"feedback": "已处置完毕，感谢您的上报。"}),
                    "rate": (reporter, {"rating": rng.choice([4, 5, 5]), "comment": "处理及时"}),
                }[step]
                _push(actor, clue_id, "transition", {"name": step, "args": args}, None)
    return taken


def _open_cases(crews, taken) -> None:
    """Two general-procedure cases a township is working on, from clues its officer took:
    one opened, inspected by two certified officers and notified (art. 42, 44), one opened
    with a collaboration request out to a county department (seeds 004). Every step is a
    real workflow step; a step the working calendar cannot count yet (a year with no
    notice published) ends that case's story there rather than the demo."""
    from server.demo.data import CASE_EXITS, CASE_STORIES

    today = cases.today(utcnow()).isoformat()
    for town in TOWNSHIPS:
        officer, partner, leader = crews[town["code"]]
        for clue_id, story in zip(taken.get(town["code"], []), CASE_STORIES, strict=False):
            case_id = uuid.uuid4()
            steps = [
                (officer, "case", case_id, "create", _story_case(story, town, today)),
                (leader, "case", case_id, "transition", {"name": "approve_opening", "args": {}}),
            ]
            if story.get("penalty_fen"):
                start = utcnow() - dt.timedelta(hours=2)
                inspection = {
                    "officers": [officer.id, partner.id],
                    "started_at": start.isoformat(),
                    "ended_at": (start + dt.timedelta(minutes=40)).isoformat(),
                    "place": story["place"],
                    "findings": story["case"]["facts"],
                    "certificates_shown": True,
                    "party_present": True,
                }
                notice = {"penalty": {"kind": "fine", "amount_fen": story["penalty_fen"]},
                          "discretion_level": story["discretion_level"],
                          "notified_on": today}  # fmt: skip
                record_id = uuid.uuid4()
                confirmed = {"name": "confirm_presence", "args": {}}  # art. 42: his partner
                steps += [
                    (officer, "inspection", record_id, "create", inspection, case_id),
                    (partner, "inspection", record_id, "transition", confirmed),
                    (officer, "case", case_id, "transition", {"name": "notify", "args": notice}),
                ]
            if story.get("ask"):
                ask = {**story["ask"], "sent_on": today}
                steps.append((officer, "collaboration", uuid.uuid4(), "create", ask, case_id))
            _walk(steps, clue_id)
        # The ways a case ends without a penalty (art. 57), from the first clue taken.
        for story in CASE_EXITS if taken.get(town["code"]) else ():
            case_id = uuid.uuid4()
            name, args = story["end"]
            wants = WORKFLOW["case"]["transitions"][name]["args"]
            args = {
                **args,
                **({"decided_on": today} if "decided_on" in wants else {}),
                **({"received_at": utcnow().isoformat()} if "received_at" in wants else {}),
            }
            _walk(
                [
                    (officer, "case", case_id, "create", {**story["case"], "violation_on": today}),
                    (leader, "case", case_id, "transition", {"name": "approve_opening", "args": {}}),
                    (leader, "case", case_id, "transition", {"name": name, "args": args}),
                ],
                taken[town["code"]][0],
            )  # fmt: skip


def _story_case(story: dict, town: dict, today: str) -> dict:
    """A story's case as its township's officer records it: the party lives in the
    township's first village."""
    case = {**story["case"], "violation_on": today}
    party = case["party"]
    if "address" in party:
        case["party"] = {
            **party,
            "address": party["address"].format(village=town["villages"][0][1]),
        }
    return case


def _walk(steps, parent) -> None:
    """A case's steps in order; a step the working calendar cannot count yet (a year with
    no notice) ends the story there."""
    for actor, record_type, record_id, op, payload, *under in steps:
        result = _send(actor, record_type, record_id, op, payload, under[0] if under
                       else parent if op == "create" else None)  # fmt: skip
        if result.get("reason") == "calendar_missing":
            break


def _send(user: User, record_type, record_id, op, payload, parent_id=None, device_time=None):
    [result] = push_batch(
        user,
        None,
        [
            {
                "id": str(uuid.uuid4()),
                "record_type": record_type,
                "record_id": str(record_id),
                "op": op,
                "payload": payload,
                "parent_id": str(parent_id) if parent_id else None,
                "device_time": device_time.isoformat() if device_time else None,
            }
        ],
        None,
    )
    if result["outcome"] not in ("applied", "merged") and result.get("reason") != (
        "calendar_missing"
    ):
        raise RuntimeError(f"demo step refused: {result}")
    return result


def _push(user: User, clue_id: uuid.UUID, op: str, payload: dict, device_time) -> None:
    _send(user, "clue", clue_id, op, payload, device_time=device_time)


def seal_keys() -> authority.Authority | None:
    """A test authority's seal keys for the demo's townships, in the configured keystore,
    unless it holds keys already (a real deployment's, or an earlier run's)."""
    keystore = Path(current_app.config["ESEAL_KEYSTORE"])
    if any(keystore.glob("*.p12")):
        return None
    townships = db.session.execute(
        sa.select(AdminUnit).where(AdminUnit.level == UnitLevel.TOWNSHIP)
    ).scalars()
    return authority.make(
        keystore.parent / "authority",
        {t.code: documents.agency(t) for t in townships},
        current_app.config["ESEAL_PASSPHRASE"],
        keystore=keystore,
    )


def logins_in_database() -> list[tuple[str, str, str, str]]:
    users = db.session.execute(sa.select(User).where(User.active).order_by(User.id)).scalars()
    return [(u.username, u.display_name, "+".join(sorted(u.roles)), u.unit.name) for u in users]


def format_logins(logins: list[tuple[str, str, str, str]]) -> str:
    lines = [f"Demo logins (every demo password: {DEMO_PASSWORD})", ""]
    width = max((len(u) for u, *_ in logins), default=8)
    for username, name, roles, unit in logins:
        lines.append(f"  {username:<{width}}  {roles:<18} {unit}  {name}")
    return "\n".join(lines)


__all__ = ["format_logins", "has_data", "logins_in_database", "seed"]
