"""The rule of a visit's record (检查记录, ``sync.workflow.visit_record``): what one of the
two officers drawn for an inspection may record, offline on his phone, and what the server
does when the pair's other officer recorded the same visit first.

A visit is the server's (``server.inspections``: drawn, merged into a joint visit, never
made on a phone); the device names it by its number and the rules ask the store what it is
(``Refs.visit``). Decisions taken here:

- Only an officer the draw named records the visit; any other answer would tell a stranger
  which visits exist, so an unknown visit and one drawn for others are the same refusal.
- The record's day lies in the plan's period and is not after today (China's day at the
  server); both drawn officers' certificates hold that day (art. 42 行政处罚法: 执法人员不得
  少于两人; the draw named two), and they showed them.
- Every item of the visit's checklist has one result, each for its department: a joint
  visit's findings go to every department whose items it checked.
- A party present signs the record or refuses, and the refusal is written down (现场检查
  笔录 practice: 当事人拒绝签字的, 执法人员在笔录上注明); a party absent leaves neither.
- The pair's other officer may have recorded the visit first (both phones offline at the
  site). The second record is not thrown away: it is kept whole in a conflict for a
  supervisor (``Superseded``), and the visit keeps the first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sync import legal
from sync.cases import Refused, _certified, today
from sync.types import Actor, RecordState

# A visit's states as the store reports them (``server.inspections.models.VisitStatus``).
OPEN = "planned"


class Superseded(Refused):
    """The record cannot take effect, and is kept whole in a conflict for a person."""


def record_visit(record: RecordState, args, actor: Actor, ctx) -> dict[str, Any]:
    """The fields the server adds to a visit's record: the pair, the departments its items
    answer to, and those that found a violation. Raises ``Refused`` (``Superseded``)."""
    f = record.fields
    visit = ctx.refs.visit(f["visit_id"])
    if visit is None or actor.user_id not in visit["officers"]:
        raise Refused("invalid", fields={"visit_id": ["no such visit drawn for you"]})
    if visit["unit_path"] != record.unit_path:
        raise Refused("invalid", fields={"unit_code": ["not the unit of this visit"]})
    if visit["status"] != OPEN:
        raise Superseded("visit_done", visit_id=f["visit_id"], status=visit["status"])
    day = dt.date.fromisoformat(f["done_on"])
    start, end = visit["period"]
    if not start <= day <= end:
        raise Refused(
            "invalid",
            fields={"done_on": [f"within the plan's period, {start} to {end}"]},
        )
    if day > today(ctx.now):
        raise Refused("date_in_future", fields={"done_on": ["must not be later than today"]})
    if not f["certificates_shown"]:
        raise Refused("certificate_not_shown")
    _certified(ctx.refs, list(visit["officers"]), day, legal.OFFICERS_MINIMUM)
    wanted = [(i["matter_code"], i["department"]) for i in visit["checklist"]]
    given = [(i["matter_code"], i["department"]) for i in f["items"]]
    if len(set(given)) != len(given) or set(given) != set(wanted):
        raise Refused(
            "invalid", fields={"items": ["one result for every item of the visit's checklist"]}
        )
    _party(f)
    return {
        "officers": sorted(visit["officers"]),
        "departments": sorted({d for _m, d in wanted}),
        "violations": sorted({i["department"] for i in f["items"] if i["result"] == "violation"}),
    }


def _party(f) -> None:
    errors: dict[str, list[str]] = {}
    if f["party_present"]:
        if not f.get("party_name"):
            errors["party_name"] = ["required when the party is present"]
        if bool(f.get("party_signature")) == bool(f.get("party_refusal")):
            errors["party_signature"] = [
                "the party present signs, or his refusal to sign is written down (one of them)"
            ]
    else:
        for name in ("party_name", "party_signature", "party_refusal"):
            if f.get(name):
                errors[name] = ["must be empty when the party is not present"]
    if errors:
        raise Refused("invalid", fields=errors)
