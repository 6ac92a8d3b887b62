"""Reporting a clue (上报线索)."""

from __future__ import annotations

import sqlalchemy as sa

from server.accounts.jurisdiction import unit_in_jurisdiction
from server.accounts.models import Device, User
from server.audit import chain as audit
from server.catalogue.models import Matter
from server.clues.models import Clue, ClueStatus
from server.core.api import DomainError
from server.core.db import db, next_counter
from server.units.models import AdminUnit, UnitLevel

# A clue belongs to the place it happened: a township or something under it.
CLUE_UNIT_LEVELS = {UnitLevel.TOWNSHIP, UnitLevel.VILLAGE, UnitLevel.GRID}


def _invalid(field: str, message: str, code: str = "invalid") -> DomainError:
    return DomainError(f"{field}: {message}", code=code, status=422, fields={field: [message]})


def _content(data: dict) -> dict:
    """What a device said, in a form two reports of the same clue compare equal in."""
    loc, dis = data["location"], data["dissuasion"]
    return {
        "unit": data["unit"].id,
        "matter": data["matter"].id,
        "lat": loc["lat"],
        "lng": loc["lng"],
        "accuracy_m": loc["accuracy_m"],
        "fix_time": loc["fix_time"],
        "address": data["address"],
        "description": data["description"],
        "dissuasion_done": dis["done"],
        "dissuasion_result": dis["result"],
        "dissuasion_at": dis["at"],
    }


def _stored_content(clue: Clue) -> dict:
    return {
        "unit": clue.unit_id,
        "matter": clue.matter_id,
        "lat": clue.lat,
        "lng": clue.lng,
        "accuracy_m": clue.accuracy_m,
        "fix_time": clue.fix_time,
        "address": clue.address,
        "description": clue.description,
        "dissuasion_done": clue.dissuasion_done,
        "dissuasion_result": clue.dissuasion_result,
        "dissuasion_at": clue.dissuasion_at,
    }


def report_clue(data: dict, reporter: User, device: Device | None) -> tuple[Clue, bool]:
    """Store a reported clue. Returns (clue, created).

    Resending the same report (a retry after a lost response) returns the stored clue;
    the same id with different content is a conflict and changes nothing.
    """
    if data.get("unit_code"):
        unit = db.session.execute(
            sa.select(AdminUnit).where(AdminUnit.code == data["unit_code"])
        ).scalar_one_or_none()
        if unit is None or not unit_in_jurisdiction(reporter, unit):
            raise _invalid("unit_code", "no such unit in your jurisdiction")
    else:
        unit = reporter.unit
    if unit.level not in CLUE_UNIT_LEVELS:
        raise _invalid("unit_code", "choose the township, village or grid where it happened")

    matter = db.session.execute(
        sa.select(Matter).where(Matter.code == data["matter_code"], Matter.active)
    ).scalar_one_or_none()
    if matter is None:
        raise _invalid("matter_code", "no such matter in the catalogue")
    content = _content({**data, "unit": unit, "matter": matter})

    existing = db.session.get(Clue, data["id"])
    if existing is not None:
        if existing.reporter_id == reporter.id and _stored_content(existing) == content:
            return existing, False
        raise DomainError(
            "a clue with this id already exists with other content",
            code="id_conflict",
            status=409,
            fields={"id": ["already used"]},
        )

    township = unit.ancestor_at(UnitLevel.TOWNSHIP)
    year = data["location"]["fix_time"].year
    number = next_counter(f"clue:{township}:{year}")
    clue = Clue(
        id=data["id"],
        code=f"XS-{township}-{year}-{number:05d}",
        unit=unit,
        reporter=reporter,
        matter=matter,
        lat=content["lat"],
        lng=content["lng"],
        accuracy_m=content["accuracy_m"],
        fix_time=content["fix_time"],
        address=content["address"],
        description=content["description"],
        dissuasion_done=content["dissuasion_done"],
        dissuasion_result=content["dissuasion_result"],
        dissuasion_at=content["dissuasion_at"],
        status=ClueStatus.REPORTED.value,
        version=1,
        seq=next_counter("change"),
        device_id=device.id if device else None,
        device_time=data.get("device_time"),
    )
    db.session.add(clue)
    db.session.flush()
    audit.record(
        "clue.report",
        "clue",
        clue.id,
        {"code": clue.code, "matter": matter.code},
        actor_id=reporter.id,
        device_id=device.id if device else None,
    )
    return clue, True
