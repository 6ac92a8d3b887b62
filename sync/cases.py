"""The case rules: what R5 checks on a case (案件) besides who may act and from which status.

``sync.workflow`` names a check on each step of a case (``"check": "decide"``); ``run``
applies it to the record and the step's cleaned arguments. A check either refuses, raising
``Refused`` with a reason code the workflow's ``REASONS`` explains (and the article), or
answers the fields the step sets besides its arguments: the dates the law starts counting
(the 90 days of art. 60, the 5 working days of art. 64), what the step found (the grounds for
a hearing), and for an inspection record, what its case now knows.

Pure: the law is ``sync.legal``; the server's data (certificates, the catalogue, the working
calendar) comes through ``ctx.refs``. Days are China's calendar days (Asia/Shanghai), as the
documents print them. A day an act took place is given by the device (it may have been
offline), never later than today and never before the step it follows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sync import legal
from sync.types import Actor, RecordState, township_path
from sync.workflow import WORKFLOW

CHINA = ZoneInfo("Asia/Shanghai")


class Refused(Exception):
    """The law forbids the step; ``reason`` is a code in ``sync.workflow.REASONS``."""

    def __init__(self, reason: str, **detail: Any):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def today(now: dt.datetime) -> dt.date:
    return now.astimezone(CHINA).date()


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _on(args: Mapping[str, Any], name: str, now: dt.datetime, *, not_before=None) -> dt.date:
    """The day an act took place: not in the future, not before the step it follows."""
    day = dt.date.fromisoformat(args[name])
    if day > today(now):
        raise Refused("date_in_future", fields={name: ["must not be later than today"]})
    if not_before is not None and day < not_before:
        raise Refused(
            "date_before_step",
            fields={name: [f"must not be earlier than {not_before.isoformat()}"]},
        )
    return day


def _penalty(penalty: Mapping[str, Any], field: str = "penalty") -> None:
    """Only money penalties carry an amount, and they must carry one."""
    paid = penalty["kind"] in ("fine", *legal.CONFISCATIONS)
    if paid and penalty["amount_fen"] <= 0:
        raise Refused("penalty_amount", fields={field: {"amount_fen": ["must be above 0"]}})
    if not paid and penalty["amount_fen"] != 0:
        raise Refused("penalty_amount", fields={field: {"amount_fen": ["must be 0"]}})


def combined_penalties_art_9(args: Mapping[str, Any]) -> list[dict[str, Any]]:
    """行政处罚法 第九条 (art. 9) lists the kinds of penalty, and a matter's provision may
    impose more than one together (并处: a warning and a fine, a fine and the confiscation of
    illegal gains). A notice or decision names its ``penalty`` and any ``additional`` ones,
    each checked on its own; no kind twice (art. 29: 不得给予两次以上罚款)."""
    penalties = [args["penalty"], *(args.get("additional") or [])]
    _penalty(penalties[0])
    for extra in penalties[1:]:
        _penalty(extra, "additional")
    kinds = [p["kind"] for p in penalties]
    if len(set(kinds)) != len(kinds):
        raise Refused("penalty_kind_twice", fields={"additional": ["each kind once"]})
    return penalties


def _fine_of(penalties: list[dict[str, Any]]) -> dict[str, Any]:
    """The fine among a decision's penalties (the one a discretion standard and art. 29
    read), or its first penalty."""
    return next((p for p in penalties if p["kind"] == "fine"), penalties[0])


def owed_fen(fields: Mapping[str, Any]) -> tuple[int, int]:
    """What a decision makes the party pay (its fine and the money confiscated), and the
    part of it that is the fine, on which alone art. 72's surcharge (加处罚款) runs."""
    decided = [fields.get("penalty") or {}, *(fields.get("additional_penalties") or [])]
    total = sum(p.get("amount_fen", 0) for p in decided)
    return total, sum(p.get("amount_fen", 0) for p in decided if p.get("kind") == "fine")


def owed_on_art_72(fields: Mapping[str, Any], day: dt.date) -> dict[str, Any]:
    """行政处罚法 第七十二条 (and 行政强制法 第四十五条: 加处罚款…的数额不得超出金钱给付义务的
    数额): what the party still owes on ``day``, the object of an application to the court
    (申请强制执行标的, 行政强制法 第五十五条（四）). Each part not paid (the whole decision, or
    each instalment of an approved plan not yet paid, art. 66) with the surcharge it has run
    up since its own last day, 3% of its fine a day and never more than that fine, counted
    as ``pay`` would count it that day. Nothing for a decision already paid."""
    total, fine = owed_fen(fields)
    plan = (fields.get("payment_plan") or {}).get("instalments")
    if plan:
        left = plan[len(fields.get("payments") or []) :]
        unpaid = [(i["amount_fen"], min(i["amount_fen"], fine), i["due_on"]) for i in left]
    elif fields.get("paid_on") or total <= 0:
        unpaid = []
    else:
        unpaid = [(total, fine, fields.get("payment_due"))]
    parts = []
    for amount, surcharged, due in unpaid:
        late = legal.days_late(dt.date.fromisoformat(due), day) if due else 0
        parts.append(
            {
                "amount_fen": amount,
                "due_on": due,
                "days_late": late,
                "surcharge_fen": legal.late_surcharge(surcharged, late),
            }
        )
    principal = sum(p["amount_fen"] for p in parts)
    surcharge = sum(p["surcharge_fen"] for p in parts)
    return {
        "parts": parts,
        "unpaid_fen": principal,
        "surcharge_fen": surcharge,
        "owed_fen": principal + surcharge,
    }


def document_waits(doc: Mapping[str, Any], fields: Mapping[str, Any], day: dt.date) -> str | None:
    """Why a case's document (``WORKFLOW["case"]["documents"][kind]``) cannot be issued on
    ``day`` (China's), or None when it can: ``after``, the step that records the field it
    follows has not been taken; ``from`` / ``until``, the day the document bears (its
    ``dated`` field once recorded, else ``day``) falls before or after the days those fields
    hold. The application to the court is dated within its window (行政强制法 第五十三条、
    第五十四条: ten working days after the demand, within three months of the party's time to
    sue): the server refuses it outside, and the phone offers it only inside (the PWA's copy,
    ``documentWaits``, is held to vectors made from this function)."""
    if not fields.get(doc["after"]):
        return "after"
    dated = fields.get(doc.get("dated") or "") or day.isoformat()
    first = doc.get("from") and fields.get(doc["from"])
    last = doc.get("until") and fields.get(doc["until"])
    if doc.get("from") and (not first or dated < first):
        return "from"
    if doc.get("until") and (not last or dated > last):
        return "until"
    return None


def facts(state: RecordState, penalties=None) -> legal.CaseFacts:
    """What the law's rules need to know about a case, from its record (``penalties``: the
    ones a step is about to notify or decide)."""
    f = state.fields
    grounds = set(f.get("review_grounds") or ())
    if penalties is None:
        if f.get("penalty"):
            penalties = [f["penalty"], *(f.get("additional_penalties") or [])]
        elif f.get("proposed_penalty"):
            penalties = [f["proposed_penalty"], *(f.get("proposed_additional") or [])]
        else:
            penalties = []
    elif isinstance(penalties, Mapping):
        penalties = [penalties]
    return legal.CaseFacts(
        party_kind=f["party"]["kind"],
        penalties=tuple(penalties),
        hearing_requested=bool(f.get("hearing_requested_on")),
        hearing_held=bool(f.get("heard_on")),
        major_public_interest="major_public_interest" in grounds,
        major_rights="major_rights" in grounds,
        complex_case="complex_case" in grounds,
        review_required_by_law="required_by_law" in grounds,
        complex_or_major_violation=bool(f.get("major_violation")),
        large_amount_fen=(f.get("thresholds") or {}).get("large_amount_fen"),
        major_fine_fen=(f.get("thresholds") or {}).get("major_fine_fen"),
    )


def done_steps(state: RecordState) -> set[str]:
    """The steps of ``legal.PROCEDURE`` this case has been through."""
    f = state.fields
    marks = {
        "case_opened": f.get("opened_at"),
        "investigation": f.get("inspections"),
        "evidence_preservation": f.get("preserved_on"),
        "prior_notice": f.get("notified_on"),
        "hearing": f.get("heard_on"),
        "legal_review": f.get("reviewed_by") and state.status in ("reviewed", "discussed"),
        "collective_discussion": f.get("discussed_on"),
        "decision": f.get("decided_on"),
        "service": f.get("served_on"),
        # Paid, or enforced by the people's court to the end (行政强制法 第五十七条).
        "execution": f.get("paid_on") or f.get("enforcement_done_on"),
    }
    return {step for step, mark in marks.items() if mark}


def _opened_on(state: RecordState) -> dt.date:
    return dt.datetime.fromisoformat(state.fields["opened_at"]).astimezone(CHINA).date()


def _missing(step: str, state: RecordState, penalty=None) -> None:
    missing = legal.missing_before(step, done_steps(state), facts(state, penalty))
    if missing:
        raise Refused("steps_missing", missing=missing)


def _art33(state: RecordState, penalty: Mapping[str, Any]) -> None:
    """Art. 33: minor, corrected in time and harmless is not penalised, not even warned."""
    f = state.fields
    ground = legal.no_penalty_ground(
        minor=bool(f.get("minor")),
        corrected_in_time=bool(f.get("corrected_in_time")),
        consequence=f.get("consequence") or "harmful",
        first_violation=bool(f.get("first_violation")),
    )
    if ground == "must_not_penalise":
        raise Refused("no_penalty_required", penalty=penalty["kind"])


def _limitation(state: RecordState, later: dt.date) -> bool:
    """Art. 36 (违法行为在二年内未被发现的，不再给予行政处罚): counted from the violation to
    its discovery, the case's ``discovered_on`` (its clue's arrival); ``later``, the day of
    the step, only for a case proposed before the discovery day was kept."""
    f = state.fields
    return legal.limitation_expired(
        dt.date.fromisoformat(f["violation_on"]),
        _day(f.get("discovered_on")) or later,
        five_years=bool(f.get("life_health_finance")),
    )


def one_fine_per_act_art_29(state: RecordState, penalty: Mapping[str, Any], ctx) -> None:
    """行政处罚法 第二十九条 (art. 29): 对当事人的同一个违法行为，不得给予两次以上罚款的行政
    处罚. The same act is the same party (by id number or 统一社会信用代码), the same matter,
    the same day of the violation and the same township (the same matter a day apart, or in
    the next township, is another act); a second fine for it is refused, naming the first
    case. A party with no id recorded cannot be matched, and is not refused on a guess."""
    if penalty["kind"] != "fine":
        return
    ident = ((state.fields.get("party") or {}).get("id_number") or "").strip().upper()
    if not ident:
        return
    first = ctx.refs.fined_before(
        ident, state.fields["matter_code"], state.fields["violation_on"], state.unit_path, state.id
    )
    if first:
        raise Refused("fined_twice", case_code=first)


def _certified(refs, officers: list[int], on: dt.date, minimum: int) -> None:
    """Art. 42: each officer's certificate valid that day, and at least ``minimum`` of them."""
    held = {c[0]: c for c in refs.certificates(officers)}
    certs = [held.get(o, (o, "", dt.date.max, dt.date.min)) for o in officers]
    refusal = legal.officers_refusal(certs, on, minimum)
    if refusal is not None:
        raise Refused(refusal.code, officers=list(refusal.officers), on=on.isoformat())


# -- the checks ------------------------------------------------------------------------------


def _discovered(state: RecordState, ctx) -> dt.datetime:
    """When the violation was discovered: its clue's arrival at the server (R9: the server's
    clock), or now for a case whose clue the server cannot date."""
    reported = ctx.refs.reported_at(state.parent_id) if state.parent_id else None
    return reported or ctx.now


def power_to_act_art_24_38(state: RecordState, discovered: dt.datetime, ctx) -> None:
    """行政处罚法 第二十四条、第三十八条 (arts. 24, 38): a township penalises only in the
    matters the province gave it (赋权清单), and a penalty by a body without the power is void
    (行政处罚无效). So a township proposes a case only for a matter it was empowered for when
    the violation was discovered; otherwise the clue is transferred (移送, ``transfer``) to
    the department that holds the power. The county's own bureau (a unit above the
    townships) holds its powers by law, not by grant."""
    township = township_path(state.unit_path)
    if township == state.unit_path and township.count("/") <= 2:
        return  # the county: no grant to check
    if not ctx.refs.empowered(state.fields["matter_code"], township, at=discovered):
        raise Refused(
            "not_empowered",
            matter_code=state.fields["matter_code"],
            discovered_on=today(discovered).isoformat(),
            fields={"matter_code": ["the township was not empowered for it when discovered"]},
        )


def propose(state, args, actor, ctx) -> dict[str, Any]:
    """Proposing a case (立案申请) from a clue, by a unit empowered for its matter on the day
    it was discovered (arts. 24, 38). Art. 36: the proposal is kept, but marked when the
    violation was discovered past its limitation, so that nobody opens it unknowingly."""
    if state.fields["violation_on"] > today(ctx.now).isoformat():
        raise Refused("date_in_future", fields={"violation_on": ["must not be later than today"]})
    matter = ctx.refs.matter_facts(state.fields["matter_code"])
    if state.fields["procedure"] == "summary" and not (matter and matter["summary_allowed"]):
        raise Refused("summary_not_allowed_for_matter")
    discovered = _discovered(state, ctx)
    power_to_act_art_24_38(state, discovered, ctx)
    day = today(discovered)
    return {
        "discovered_on": day.isoformat(),
        "limitation_expired": _limitation(state, day),
        "inspections": 0,
    }


def approve_opening(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 54 (立案) and art. 60: the 90 days run from the day the case is opened. Art. 36:
    a violation discovered past its limitation is not opened on; one discovered in time is,
    however long the proposal waited."""
    opened = today(ctx.now)
    if _limitation(state, opened):
        raise Refused("limitation_expired", violation_on=state.fields["violation_on"])
    # The province's amounts in force today judge this case to its end (art. 63, 58).
    return {
        "decision_due": legal.decision_due(opened).isoformat(),
        "thresholds": ctx.refs.thresholds(),
    }


def decide_on_spot(state, args, actor, ctx) -> dict[str, Any]:
    """Arts. 51–52 (简易程序): a warning, or a fine up to 200 yuan for a person or 3,000 for
    an organisation, with the officer's certificate shown and valid today."""
    penalty = args["penalty"]
    _penalty(penalty)
    refusal = legal.summary_procedure_refusal(
        state.fields["party"]["kind"], penalty, facts_conclusive=True
    )
    if refusal:
        raise Refused(
            refusal, limit_fen=legal.SUMMARY_FINE_LIMIT_FEN[state.fields["party"]["kind"]]
        )
    if not args["certificate_shown"]:
        raise Refused("certificate_not_shown")
    day = today(ctx.now)
    officers = list(dict.fromkeys(args["officers"]))
    if actor.user_id not in officers:
        raise Refused("decider_not_among_officers", fields={"officers": ["must name you"]})
    _not_recused(state, officers, "officers")
    _certified(ctx.refs, officers, day, minimum=legal.OFFICERS_MINIMUM)
    _art33(state, penalty)
    one_fine_per_act_art_29(state, penalty, ctx)
    discretion = _discretion(state, args, ctx, penalty)
    if _limitation(state, day):
        raise Refused("limitation_expired", violation_on=state.fields["violation_on"])
    heard = heard_on_the_spot_art_44_45(state, args, actor, day)
    filing, guessed = legal.team_deadline(
        lambda start, calendar: calendar.add_working_days(start, ctx.refs.summary_filing_days()),
        day,
        ctx.refs.calendar(),
    )
    return {
        "decided_on": day.isoformat(),
        "discretion": discretion,
        "filing_due": filing.isoformat(),
        **_estimated(state, "filing_due", guessed),
        **heard,
    }


def file_summary(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 52: the on-the-spot decision is filed (备案) with the unit, once, on a day not
    before it nor in the future; one filed after the days the unit's rules set is kept as
    filed, marked late."""
    if state.fields.get("filed_on"):
        raise Refused("already_filed", filed_on=state.fields["filed_on"])
    day = _on(args, "filed_on", ctx.now, not_before=_day(state.fields.get("decided_on")))
    due = _day(state.fields.get("filing_due"))
    return {"filed_late": bool(due and day > due)}


def preserve(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 56 (先行登记保存): the decision on what was kept is due within 7 working days."""
    if state.fields.get("preserved_on"):
        raise Refused("already_preserved")
    opened = _opened_on(state)
    day = _on(args, "preserved_on", ctx.now, not_before=opened)
    due, guessed = legal.team_deadline(legal.preservation_decision_due, day, ctx.refs.calendar())
    return {"preservation_due": due.isoformat(), **_estimated(state, "preservation_due", guessed)}


def decide_preserved(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 56: 应当在七日内及时作出处理决定. A late decision is refused: the evidence is
    released by law, and the case must not rely on it."""
    preserved = _day(state.fields.get("preserved_on"))
    if preserved is None:
        raise Refused("nothing_preserved")
    if state.fields.get("preservation_decided_on"):
        raise Refused("already_decided")
    day = _on(args, "decided_on", ctx.now, not_before=preserved)
    due = dt.date.fromisoformat(state.fields["preservation_due"])
    if day > due:
        raise Refused("preservation_decision_late", due=due.isoformat())
    return {}


def order_correction(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 28: 行政机关实施行政处罚时，应当责令当事人改正或者限期改正违法行为. Ordered
    once (its notice, 责令改正通知书, is issued once), on a day since the case was opened,
    with a day to correct by that is not before it (the same day: correct at once)."""
    if state.fields.get("correction_ordered_on"):
        raise Refused("correction_already_ordered")
    ordered = _on(args, "ordered_on", ctx.now, not_before=_opened_on(state))
    if dt.date.fromisoformat(args["correct_by"]) < ordered:
        raise Refused(
            "correction_deadline_before_order",
            fields={"correct_by": [f"must not be earlier than {ordered.isoformat()}"]},
        )
    return {}


def minors_art_30(state: RecordState, args: Mapping[str, Any], ctx) -> bool:
    """Art. 30, read from the party's id number on the day of the act: under 14, no penalty
    at all (监护人加以管教); 14 to 18, 从轻或者减轻: where the matter publishes a discretion
    standard (art. 34), only its lightest level, or below it. True for a party of 14 to 18."""
    party = state.fields.get("party") or {}
    if party.get("kind") != "person":
        return False
    age = legal.age_on(
        party.get("id_number") or "", dt.date.fromisoformat(state.fields["violation_on"])
    )
    ground = legal.minor_ground(age)
    if ground == "under_14":
        raise Refused("minor_under_14", age=age)
    if ground == "under_18":
        levels = (ctx.refs.matter_facts(state.fields["matter_code"]) or {}).get("discretion") or []
        if levels and args.get("discretion_level") not in (None, levels[0]["level"]):
            raise Refused(
                "minor_lighter",
                age=age,
                fields={"discretion_level": [f"a party of {age}: {levels[0]['level']} at most"]},
            )
    return ground == "under_18"


def _discretion(state: RecordState, args, ctx, penalty) -> dict[str, Any] | None:
    """Art. 34: the fine within the level of the matter's published standard the officer
    names, a level the case's recorded circumstances allow (arts. 30–32, 49:
    ``circumstances_art_31_32``); what is kept: the level, its circumstances and its range,
    the case's grounds, and whether the fine was lightened below the range (减轻)."""
    minor = minors_art_30(state, args, ctx)
    matter = ctx.refs.matter_facts(state.fields["matter_code"]) or {}
    levels = matter.get("discretion") or []
    level = args.get("discretion_level")
    grounds = list(state.fields.get("circumstances") or [])
    reducible = circumstances_art_31_32(levels, level, penalty, grounds, minor)
    refusal = legal.discretion_refusal(levels, level, penalty, reducible)
    if refusal:
        reason, detail = refusal
        field = "penalty" if reason == "outside_discretion" else "discretion_level"
        message = (
            f"{detail['min_fen'] / 100:g}–{detail['max_fen'] / 100:g} yuan for {level}"
            if field == "penalty"
            else "one of " + ", ".join(detail["levels"])
        )
        raise Refused(reason, fields={field: [message]}, **detail)
    chosen = next((lv for lv in levels if lv["level"] == level), None)
    if not chosen or penalty["kind"] != "fine":
        return None
    return {
        **chosen,
        "circumstances": grounds,
        "reduced": penalty["amount_fen"] < chosen["fine_fen"][0],
    }


def circumstances_art_31_32(
    levels: list, level: str | None, penalty: Mapping[str, Any], grounds: list[str], minor: bool
) -> bool:
    """行政处罚法 第三十一条、第三十二条 (arts. 31, 32; art. 49 for 从重): the mitigating and
    aggravating grounds recorded on the case (``circumstances``) decide the levels of the
    standard a fine may take (``legal.discretion_allowed_art_31_32``); a level they exclude is
    refused, naming those they allow. Answers whether the fine may go below the range."""
    if not levels or penalty["kind"] != "fine" or not level:
        return False
    allowed, reducible = legal.discretion_allowed_art_31_32(levels, grounds, minor)
    if level in {lv["level"] for lv in levels} and level not in allowed:
        raise Refused(
            "circumstances_level",
            allowed=allowed,
            circumstances=grounds,
            fields={"discretion_level": ["one of " + ", ".join(allowed)]},
        )
    return reducible


def notify(state, args, actor, ctx) -> dict[str, Any]:
    """Arts. 44–45, 62–64: the prior notice of the facts, reasons, basis and the proposed
    penalty, after an investigation; it says whether a hearing may be asked for, and starts
    the party's periods: 5 working days to ask for a hearing (art. 64) and the unit's days
    to state and defend (``statement_days``, to ``statement_due``: arts. 44, 45)."""
    penalties = combined_penalties_art_9(args)
    _missing("prior_notice", state, penalties)
    _art33(state, penalties[0])
    discretion = _discretion(state, args, ctx, _fine_of(penalties))
    opened = _opened_on(state)
    day = _on(args, "notified_on", ctx.now, not_before=opened)
    case_facts = facts(state, penalties)
    grounds = legal.hearing_grounds(case_facts)
    due = legal.hearing_request_due(day, ctx.refs.calendar()) if grounds else None
    days = ctx.refs.statement_days()
    return {
        "discretion": discretion,
        "proposed_additional": penalties[1:],
        # The party's period to state and defend, as this notice names it (arts. 44, 45):
        # a new notice names its own.
        "statement_days": days,
        "statement_due": ctx.refs.calendar().add_working_days(day, days).isoformat(),
        "hearing_grounds": grounds,
        "hearing_request_due": due.isoformat() if due else None,
        "review_required": legal.legal_review_required(case_facts),
        # A new notice after a return for more work starts again.
        "hearing_requested_on": None,
        "heard_on": None,
        "hearing_notice_on": None,
        "hearing_summary": None,
    }


def request_hearing(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 63: only a penalty that qualifies gives the right; art. 64(1): within 5 working
    days of being told of it."""
    if not state.fields.get("hearing_grounds"):
        raise Refused("hearing_not_available")
    notified = dt.date.fromisoformat(state.fields["notified_on"])
    day = _on(args, "requested_on", ctx.now, not_before=notified)
    if legal.hearing_request_refusal(notified, day, ctx.refs.calendar()):
        raise Refused("hearing_request_late", due=state.fields["hearing_request_due"])
    return {}


def record_hearing(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 64(2): the party was told of the hearing's time and place at least 7 working days
    before it; (4) its host is no investigator of the case (the officer in charge, or one
    named on its inspection records); (8) a party who did not appear without good reason,
    or left without leave, has waived the hearing (视为放弃听证权利), and the record says so."""
    if args["host"] in {state.fields.get("reporter_id"), *ctx.refs.investigators(state.id)}:
        raise Refused("hearing_host_investigated", fields={"host": ["an investigator of the case"]})
    _not_recused(state, [args["host"]], "host")
    requested = dt.date.fromisoformat(state.fields["hearing_requested_on"])
    notice = _on(args, "notice_on", ctx.now, not_before=requested)
    held = _on(args, "held_on", ctx.now, not_before=notice)
    if legal.hearing_date_refusal(notice, held, ctx.refs.calendar()):
        earliest = legal.earliest_hearing_date(notice, ctx.refs.calendar())
        raise Refused("hearing_notice_too_short", earliest=earliest.isoformat())
    if args["attendance"] != "attended":
        return {"hearing_waived": True}
    # Art. 58 (二): a hearing held makes a decision on major rights need legal review.
    heard = dataclasses.replace(facts(state), hearing_held=True)
    return {"review_required": legal.legal_review_required(heard), "hearing_waived": False}


def record_statement(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 45: 当事人有权进行陈述和申辩。行政机关必须充分听取当事人的意见，对当事人提出的
    事实、理由和证据，应当进行复核；当事人提出的事实、理由或者证据成立的，行政机关应当采纳.
    A statement (in writing, or by word recorded and signed) lists each point the party made
    with the team's re-check and whether it was adopted; an express waiver (art. 62: 当事人
    明确放弃陈述或者申辩权利的除外) lists none. Received on a day since the notice it answers,
    which the entry names, so a new notice's period is not closed by an old answer."""
    notice = dt.date.fromisoformat(state.fields["notified_on"])
    day = _on(args, "received_on", ctx.now, not_before=notice)
    entry = _statement(args["kind"], args.get("points") or [], "points", notice, day, actor)
    return {"statements": [*(state.fields.get("statements") or []), entry]}


def _statement(kind: str, points: list, field: str, notice: dt.date, day: dt.date, actor):
    """A statement's entry: a waiver lists no point, a statement at least one (art. 45)."""
    if (kind == "waived") == bool(points):
        message = "none for a waiver" if points else "at least one, each with its re-check"
        raise Refused("statement_points", fields={field: [message]})
    return {
        "notice_on": notice.isoformat(),
        "received_on": day.isoformat(),
        "kind": kind,
        "points": points,
        "recorded_by": actor.user_id,
    }


def heard_on_the_spot_art_44_45(state: RecordState, args, actor, day: dt.date) -> dict:
    """Arts. 44, 45 in the summary procedure (art. 51): the officer tells the party on the
    spot what he will decide and why, and hears him (当事人有权进行陈述和申辩…行政机关必须充
    分听取当事人的意见); his statement, each point with its re-check, or his waiver, is
    recorded with the decision. No period is waited for: art. 52 hands the decision over
    当场, and the period to state and defend a notice names is the general procedure's."""
    points = args.get("statement_points") or []
    entry = _statement(args["statement_kind"], points, "statement_points", day, day, actor)
    return {"statements": [*(state.fields.get("statements") or []), entry]}


def answers_to_notice(state: RecordState) -> list[dict[str, Any]]:
    """The statements and waivers that answer the case's current prior notice."""
    notice = state.fields.get("notified_on")
    return [s for s in state.fields.get("statements") or [] if s["notice_on"] == notice]


def statement_period_art_44_45_62(state: RecordState, day: dt.date) -> None:
    """Art. 62: 未依照本法第四十四条、第四十五条的规定向当事人告知……或者拒绝听取当事人的陈
    述、申辩，不得作出行政处罚决定；当事人明确放弃陈述或者申辩权利的除外. Listening means
    waiting the period the notice named (``statement_due``) unless the party has already
    answered it: a statement recorded with its re-check, or an express waiver. A case
    notified before the period was kept has none, and is not held to it."""
    due = state.fields.get("statement_due")
    if due and day <= dt.date.fromisoformat(due) and not answers_to_notice(state):
        raise Refused("statement_period_open", due=due)


def end_case(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 57's other ends of an investigation (不予行政处罚, 违法事实不能成立, 移送, 撤销
    立案), on a day since the opening and not in the future; each stops the 90 days (its
    status is not one they run in). No penalty for a minor, corrected or faultless act
    comes with the education given (art. 33(3): 应当对当事人进行教育)."""
    _on(args, "decided_on", ctx.now, not_before=_opened_on(state))
    ground = args.get("ground")
    if (
        ground in WORKFLOW["case"]["education_required"]
        and not (args.get("education") or "").strip()
    ):
        raise Refused("education_required", fields={"education": ["what the party was taught"]})
    return {}


def recused(state: RecordState) -> set[int]:
    """The people a granted recusal (art. 43) keeps from this case."""
    return {r["person"] for r in state.fields.get("recusals") or [] if r.get("granted")}


def _not_recused(state: RecordState, people, field: str) -> None:
    if out := sorted(set(people) & recused(state)):
        raise Refused(
            "recused", people=out, fields={field: ["stood aside from this case (art. 43)"]}
        )


def recuse(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 43: 当事人提出回避申请的，行政机关应当依法审查，由行政机关负责人决定. The
    decision is recorded, granted or not, with whose part it is, who asked, why, when and
    who decided; a granted one keeps the person from the case from then on."""
    day = _on(args, "decided_on", ctx.now, not_before=_opened_on(state))
    if args["granted"] and args["person"] in recused(state):
        raise Refused("already_recused", fields={"person": ["already stood aside"]})
    entry = {
        "person": args["person"],
        "part": args["part"],
        "asked_by": args["asked_by"],
        "reason": args["reason"],
        "granted": args["granted"],
        "decided_on": day.isoformat(),
        "decided_by": actor.user_id,
    }
    return {"recusals": [*(state.fields.get("recusals") or []), entry]}


def review(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 58: the legal review is kept apart from the investigation (审核与调查分离): the
    reviewer is neither the officer in charge of the case nor one named on any of its
    inspection records; and he holds the 法律职业资格 the article requires of those who
    review (初次从事…应当…取得法律职业资格), recorded on his account."""
    investigators = {state.fields.get("reporter_id"), *ctx.refs.investigators(state.id)}
    if actor.user_id in investigators:
        raise Refused("reviewer_investigated")
    if not ctx.refs.legally_qualified(actor.user_id):
        raise Refused("reviewer_unqualified")
    _not_recused(state, [actor.user_id], "reviewer")
    return {}


def extend_decision(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 60: 九十日内作出行政处罚决定。法律、法规、规章另有规定的，从其规定. Only another rule
    gives more time, or leaves time out (a hearing, an appraisal), so the leader's approval
    names it (``basis``); approved before the period has run out, never after (a decision
    already late is not made timely by a later approval)."""
    day = _on(args, "approved_on", ctx.now, not_before=_opened_on(state))
    due = dt.date.fromisoformat(state.fields["decision_due"])
    if day > due:
        raise Refused("decision_overdue", due=due.isoformat())
    earlier = state.fields.get("decision_extensions") or []
    same = ("kind", "days", "reason")
    if (
        earlier
        and all(earlier[-1][k] == args[k] for k in same)
        and (earlier[-1]["approved_on"] == day.isoformat())
    ):
        # The same approval again (a double tap, two phones): the case stays where it is.
        raise Refused("extension_repeated")
    basis = _extension_basis(args, earlier, ctx)
    extension = {
        "kind": args["kind"],
        "days": args["days"],
        "basis": basis,
        "reason": args["reason"],
        "approved_on": day.isoformat(),
        "approved_by": actor.user_id,
        "from": due.isoformat(),
    }
    new_due = due + dt.timedelta(days=args["days"])
    return {
        "decision_due": new_due.isoformat(),
        "decision_extensions": [*earlier, extension],
    }


def _extension_basis(args, earlier: list, ctx) -> str:
    """The rule an extension rests on. A longer period only by the rule the unit's settings
    name, within its days and as many times as it allows (the leader cannot extend by a
    year, twice); time a rule leaves out (a hearing, an appraisal) names its own rule."""
    basis = (args.get("basis") or "").strip()
    if args["kind"] != "extension":
        if not basis:
            raise Refused("invalid", fields={"basis": ["required: the rule that leaves it out"]})
        return basis
    rule = ctx.refs.extension_rule()
    if basis and basis != rule["basis"]:
        raise Refused(
            "extension_not_by_rule", rule=rule["basis"], fields={"basis": [rule["basis"]]}
        )
    if args["days"] > rule["max_days"]:
        raise Refused(
            "extension_too_long",
            max_days=rule["max_days"],
            fields={"days": [f"at most {rule['max_days']}"]},
        )
    if sum(e["kind"] == "extension" for e in earlier) >= rule["times"]:
        raise Refused("extension_beyond_rule", times=rule["times"], rule=rule["basis"])
    return rule["basis"]


def _hearing_window(state: RecordState, day: dt.date, ctx) -> None:
    """Art. 64: while the party may still ask for a hearing, nothing is decided."""
    notified_on = dt.date.fromisoformat(state.fields["notified_on"])
    qualifies = bool(state.fields.get("hearing_grounds")) and not state.fields.get("heard_on")
    if legal.decision_date_refusal(notified_on, day, ctx.refs.calendar(), qualifies):
        raise Refused("hearing_request_period_open", due=state.fields["hearing_request_due"])


def discuss(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 57(2): 对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定. The
    heads discuss what they will decide: after the prior notice (art. 44), the legal review
    where required (art. 58), once the party can no longer ask for a hearing (art. 64) and
    once he has been heard: his statement or waiver recorded, or the period to state and
    defend run out (arts. 44, 45, 62): the heads weigh what he said, not what he may yet say."""
    _missing("collective_discussion", state)
    day = _on(args, "discussed_on", ctx.now, not_before=_day(state.fields["notified_on"]))
    _hearing_window(state, day, ctx)
    statement_period_art_44_45_62(state, day)
    return {}


def decide(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 57 (the leader decides), with everything the law asks before it: the prior notice
    (art. 44, 62), a hearing held when asked for (art. 63), the legal review where required
    (art. 58), the heads' collective discussion of a complex or major violation (art. 57(2)),
    the party's hearing window run out (art. 64), the party heard: its statement or waiver
    recorded, or its period run out (arts. 44, 45, 62), no heavier penalty than the one
    notified (art. 45: a lighter one is allowed), none where art. 33 forbids it, and within
    the 90 days (art. 60)."""
    penalties = combined_penalties_art_9(args)
    _missing("decision", state, penalties)
    principal = state.fields.get("proposed_penalty") or {}
    notified = {p["kind"]: p for p in [principal, *(state.fields.get("proposed_additional") or [])]
                if p}  # fmt: skip
    if penalties[0]["kind"] != principal.get("kind") or any(
        p["kind"] not in notified or p["amount_fen"] > notified[p["kind"]]["amount_fen"]
        for p in penalties
    ):
        # Art. 45: a lighter one, or fewer, is allowed; a heavier or another kind needs a
        # new notice.
        raise Refused("heavier_than_notified", notified=principal)
    _art33(state, penalties[0])
    one_fine_per_act_art_29(state, _fine_of(penalties), ctx)
    discretion = _discretion(state, args, ctx, _fine_of(penalties))
    day = today(ctx.now)
    _hearing_window(state, day, ctx)
    statement_period_art_44_45_62(state, day)
    due = dt.date.fromisoformat(state.fields["decision_due"])
    if day > due:
        raise Refused("decision_overdue", due=due.isoformat())
    return {
        "decided_on": day.isoformat(),
        "discretion": discretion,
        "additional_penalties": penalties[1:],
    }


def serve(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 61: served within 7 working days of the decision (a later service is recorded as
    it happened, and the due day shows it was late), with what proves it; electronically
    only where the party signed his consent first (当事人同意并签订确认书的，行政机关可以
    采用…电子邮件等方式). The 15 days to pay (art. 67) run from it."""
    decided = dt.date.fromisoformat(state.fields["decided_on"])
    day = _on(args, "served_on", ctx.now, not_before=decided)
    consent = _day(args.get("consent_signed_on"))
    if args["method"] == "electronic" and (consent is None or consent > day):
        raise Refused(
            "electronic_service_without_consent",
            fields={"consent_signed_on": ["the party's signed consent, on or before the day"]},
        )
    calendar = ctx.refs.calendar()
    pays = owed_fen(state.fields)[0] > 0
    due, guessed = legal.team_deadline(legal.service_due, decided, calendar)
    return {
        "service_due": due.isoformat(),
        **_estimated(state, "service_due", guessed),
        "payment_due": _payment_due(day, calendar) if pays else None,
    }


def _payment_due(served: dt.date, calendar: legal.WorkCalendar) -> str | None:
    """The party's last day to pay; unknown (``None``) while the year it falls in has no
    calendar: the service is recorded, and the day is counted when the fine is paid."""
    try:
        return legal.payment_due(served, calendar).isoformat()
    except legal.CalendarGap:
        return None


def _instalments_due(state: RecordState) -> list[dict[str, Any]]:
    """The approved plan's instalments not yet paid (art. 66), first due first."""
    paid = len(state.fields.get("payments") or [])
    return (state.fields.get("payment_plan") or {}).get("instalments", [])[paid:]


def _payment(
    state: RecordState, args, actor, ctx, amount_fen: int, due, surcharged_fen: int
) -> dict[str, Any]:
    """One payment of ``amount_fen`` due on ``due`` (arts. 67, 72): the amount with 3% a day
    late of its fine (``surcharged_fen``), never more than that fine, confirmed by the
    receipt's number: the payment platform's (缴款码) or the 专用票据 an officer issues
    collecting on the spot (arts. 68–70: 不出具…专用票据的，当事人有权拒绝缴纳罚款), never a
    bare "paid". Collected on the spot, the money is handed in within 2 working days (art.
    71: ``hand_in_due``)."""
    served = dt.date.fromisoformat(state.fields["served_on"])
    day = _on(args, "paid_on", ctx.now, not_before=served)
    receipt = args["receipt_no"].strip()  # required, never blank (the workflow's args)
    method = args.get("payment_method") or "platform"
    if method == "on_the_spot":
        refusal = legal.on_spot_collection_refusal(
            args.get("on_spot_ground"),
            state.fields["procedure"],
            amount_fen,
            bool(args.get("party_asked")),
        )
        if refusal:
            raise Refused(refusal, fields={"on_spot_ground": [refusal]})
    late = legal.days_late(dt.date.fromisoformat(str(due)), day)
    surcharge = legal.late_surcharge(surcharged_fen, late)
    owed = amount_fen + surcharge
    if args["paid_fen"] != owed:
        raise Refused("payment_amount", owed_fen=owed, surcharge_fen=surcharge, days_late=late)
    entry = {
        "paid_on": day.isoformat(),
        "paid_fen": owed,
        "surcharge_fen": surcharge,
        "receipt_no": receipt,
        "method": method,
        "on_spot_ground": args.get("on_spot_ground") if method == "on_the_spot" else None,
        "recorded_by": actor.user_id,
    }
    answer: dict[str, Any] = {"payments": [*(state.fields.get("payments") or []), entry]}
    if method == "on_the_spot":
        hand_in, guessed = legal.team_deadline(
            lambda start, cal: cal.add_working_days(start, legal.HAND_IN_WORKING_DAYS),
            day,
            ctx.refs.calendar(),
        )
        answer |= {"hand_in_due": hand_in.isoformat(), **_estimated(state, "hand_in_due", guessed)}
    return answer


def pay(state, args, actor, ctx) -> dict[str, Any]:
    """Arts. 67, 72: the fine, and 3% of it a day late, never more than the fine itself;
    under an approved plan (art. 66) its last instalment, the earlier ones paid."""
    _binding(state)
    total, fine = owed_fen(state.fields)
    if total <= 0:
        raise Refused("nothing_to_pay")
    left = _instalments_due(state)
    if len(left) > 1:
        raise Refused("instalments_unpaid", due_on=left[0]["due_on"])
    if left:
        amount, due = left[0]["amount_fen"], left[0]["due_on"]
        surcharged = min(amount, fine)
    elif state.fields.get("payment_plan"):
        raise Refused("already_paid")
    else:
        amount, surcharged = total, fine
        served = dt.date.fromisoformat(state.fields["served_on"])
        # Counted now if its year had no calendar at service; still none: refused (the
        # surcharge is the party's money, never counted on a guess).
        due = state.fields.get("payment_due") or legal.payment_due(served, ctx.refs.calendar())
    answer = _payment(state, args, actor, ctx, amount, due, surcharged)
    total = sum(p["surcharge_fen"] for p in answer["payments"])
    return {**answer, "surcharge_fen": total, "receipt_no": answer["payments"][-1]["receipt_no"]}


def pay_instalment(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 66: an instalment of the approved plan, not its last (``pay`` closes the fine),
    with its own surcharge if late (art. 72), counted from its own day."""
    _binding(state)
    left = _instalments_due(state)
    if not left:
        raise Refused("no_payment_plan")
    if len(left) == 1:
        raise Refused("last_instalment")
    amount = left[0]["amount_fen"]
    fine = owed_fen(state.fields)[1]
    answer = _payment(state, args, actor, ctx, amount, left[0]["due_on"], min(amount, fine))
    return {**answer, "payment_due": left[1]["due_on"]}


def defer_payment_art_66(state, args, actor, ctx) -> dict[str, Any]:
    """行政处罚法 第六十六条 (art. 66): 当事人确有经济困难，需要延期或者分期缴纳罚款的，经
    当事人申请和行政机关批准，可以暂缓或者分期缴纳. The party's application (on a day since
    the service) and the head's approval (not before it), once, with the new days: one
    instalment of the whole fine (暂缓) or several (分期), adding up to the fine, each later
    than the last and not before the approval. The surcharge (art. 72) then runs from each
    new day, not from the 15 days."""
    _binding(state)
    if state.fields.get("payment_plan"):
        raise Refused("payment_plan_exists")
    fine = owed_fen(state.fields)[0]
    if fine <= 0:
        raise Refused("nothing_to_pay")
    served = dt.date.fromisoformat(state.fields["served_on"])
    applied = _on(args, "applied_on", ctx.now, not_before=served)
    approved = _on(args, "approved_on", ctx.now, not_before=applied)
    instalments = args["instalments"]
    days = [dt.date.fromisoformat(i["due_on"]) for i in instalments]
    if days[0] < approved or any(b <= a for a, b in itertools.pairwise(days)):
        raise Refused(
            "instalment_dates",
            fields={"instalments": ["each later than the last, none before the approval"]},
        )
    if sum(i["amount_fen"] for i in instalments) != fine:
        raise Refused(
            "instalments_total", fine_fen=fine, fields={"instalments": [f"must add up to {fine}"]}
        )
    plan = {
        "kind": "deferral" if len(instalments) == 1 else "instalments",
        "applied_on": applied.isoformat(),
        "approved_on": approved.isoformat(),
        "approved_by": actor.user_id,
        "reason": args["reason"],
        "instalments": instalments,
    }
    return {"payment_plan": plan, "payment_due": instalments[0]["due_on"]}


def hand_in(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 71: 执法人员当场收缴的罚款，应当自收缴罚款之日起二日内，交至行政机关. Recorded
    once, for money collected on the spot, on a day not before it; a later one is kept,
    marked late."""
    spot = [p for p in state.fields.get("payments") or [] if p["method"] == "on_the_spot"]
    if not spot:
        raise Refused("not_collected_on_spot")
    if state.fields.get("handed_in_on"):
        raise Refused("already_handed_in")
    day = _on(args, "handed_in_on", ctx.now, not_before=_day(spot[-1]["paid_on"]))
    return {"handed_in_late": day > dt.date.fromisoformat(state.fields["hand_in_due"])}


def demand_payment(state, args, actor, ctx) -> dict[str, Any]:
    """行政强制法 第五十四条 (and 第三十五条): 申请人民法院强制执行前，应当催告当事人履行义务,
    in writing (催告书). Only once the party is late: the day to pay, or an instalment's, has
    passed unpaid. Served on a day not in the future; its proof kept. It opens the window
    to ask the court (``enforcement_from`` … ``enforcement_by``)."""
    _binding(state)
    due = state.fields.get("payment_due")
    day = _on(args, "served_on", ctx.now, not_before=_day(state.fields["served_on"]))
    if not due or day <= dt.date.fromisoformat(due):
        raise Refused("payment_not_overdue", due=due)
    (first, last), guessed = _enforcement_window(state, day, ctx)
    return {
        "enforcement_from": first.isoformat(),
        "enforcement_by": last.isoformat(),
        **_estimated(state, ("enforcement_from", "enforcement_by"), guessed),
    }


def _enforcement_window(state, demand_on: dt.date, ctx) -> tuple[tuple[dt.date, dt.date], bool]:
    """The window to ask the court (``legal.enforcement_window``), and whether it is counted
    on weekends alone for want of a year's calendar (its ends lie months ahead, often in a
    year not yet published). The demand is the team's step and is never held up by that;
    the window then shows as an estimate, and the application counts it again exactly."""
    served = dt.date.fromisoformat(state.fields["served_on"])
    try:
        return legal.enforcement_window(served, demand_on, ctx.refs.calendar()), False
    except legal.CalendarGap:
        return legal.enforcement_window(served, demand_on, ctx.refs.calendar().or_weekends()), True


def no_remedy_art_53(state, args, actor, ctx) -> dict[str, Any]:
    """行政强制法 第五十三条: 当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行的，
    没有行政强制执行权的行政机关可以…申请人民法院强制执行. The head checks, once the time to
    sue is over (a suit may still come before: ``legal.remedies_end_on``), on a day not in
    the future, and records that none was sought; refused where one was recorded."""
    if state.fields.get("remedies"):
        raise Refused("remedy_sought", fields={"checked_on": ["the party sought a remedy"]})
    served = dt.date.fromisoformat(state.fields["served_on"])
    day = _on(args, "checked_on", ctx.now, not_before=served)
    try:
        end = legal.remedies_end_on(served, ctx.refs.calendar())
    except legal.CalendarGap as gap:
        raise Refused("calendar_missing", fields={"checked_on": [str(gap)]}) from gap
    if day <= end:
        raise Refused(
            "remedy_period_open",
            remedies_end=end.isoformat(),
            fields={"checked_on": [f"later than {end.isoformat()}"]},
        )
    return {}


def record_remedy(state, args, actor, ctx) -> dict[str, Any]:
    """The party sought reconsideration or sued (行政复议法, 行政诉讼法), on a day since the
    decision and not in the future: kept on the case, and the court can no longer be asked to
    enforce it (行政强制法 第五十三条). A confirmation that none was sought, made before this
    was known, no longer stands. The penalty is not suspended (行政处罚法 第七十三条)."""
    day = _on(args, "sought_on", ctx.now, not_before=_day(state.fields.get("decided_on")))
    entry = {
        "kind": args["kind"],
        "sought_on": day.isoformat(),
        "body": args["body"].strip(),
        "recorded_by": actor.user_id,
    }
    return {
        "remedies": [*(state.fields.get("remedies") or []), entry],
        "no_remedy_confirmed_on": None,
        "no_remedy_confirmed_by": None,
    }


def record_remedy_result(state, args, actor, ctx) -> dict[str, Any]:
    """The outcome of the last remedy the party sought, on a day not before it was sought
    nor in the future, once. Revoked (撤销), the decision no longer binds the party: the
    case may close with nothing paid (``close``)."""
    remedies = list(state.fields.get("remedies") or [])
    if not remedies:
        raise Refused("no_remedy_recorded")
    last = remedies[-1]
    if last.get("outcome"):
        raise Refused("remedy_result_recorded", fields={"outcome": [last["outcome"]]})
    day = _on(args, "decided_on", ctx.now, not_before=_day(last["sought_on"]))
    remedies[-1] = {
        **last,
        "outcome": args["outcome"],
        "decided_on": day.isoformat(),
        "document_no": args["document_no"].strip(),
    }
    return {"remedies": remedies}


def decision_revoked(fields: Mapping[str, Any]) -> bool:
    """Whether a review or the court revoked the decision (``record_remedy_result``)."""
    return any(r.get("outcome") == "revoked" for r in fields.get("remedies") or ())


def _binding(state: RecordState) -> None:
    """A decision a review or the court revoked asks the party for nothing more."""
    if decision_revoked(state.fields):
        raise Refused("decision_revoked")


def apply_enforcement(state, args, actor, ctx) -> dict[str, Any]:
    """行政强制法 第五十三条、第五十四条: the people's court is asked to enforce only after the
    written demand, ten working days after it was served, once the party's time to seek
    review or sue has run out, and within three months of that; outside the window the
    court would not accept it (逾期申请的…不予受理), so the step is refused, naming it. Once:
    the court's answers (``court_accepted_art_56`` …) answer this application."""
    if not state.fields.get("demand_served_on"):
        raise Refused("demand_first")
    if state.fields.get("remedies"):
        raise Refused("remedy_sought")  # 第五十三条: the party sought review or sued
    if not state.fields.get("no_remedy_confirmed_on"):
        raise Refused("no_remedy_unconfirmed")
    day = _on(args, "applied_on", ctx.now)
    first = dt.date.fromisoformat(state.fields["enforcement_from"])
    last = dt.date.fromisoformat(state.fields["enforcement_by"])
    if "enforcement_from" in (state.fields.get("calendar_estimated") or ()):
        # Estimated at the demand: counted again on the calendar as it is now; a premature
        # application would be refused by the court, so no guess decides it.
        try:
            first, last = legal.enforcement_window(
                dt.date.fromisoformat(state.fields["served_on"]),
                dt.date.fromisoformat(state.fields["demand_served_on"]),
                ctx.refs.calendar(),
            )
        except legal.CalendarGap as gap:
            raise Refused("calendar_missing", fields={"applied_on": [str(gap)]}) from gap
    if not first <= day <= last:
        raise Refused(
            "enforcement_outside_window",
            enforcement_from=first.isoformat(),
            enforcement_by=last.isoformat(),
            fields={"applied_on": [f"{first.isoformat()} to {last.isoformat()}"]},
        )
    return {}


# -- the people's court's answers (行政强制法 第五十六条至第五十八条) ------------------------------
# Each answer is recorded once (the workflow's ``once``, refused with the step's own reason)
# and in the order the law gives them: the application, then the court's acceptance (受理) or
# its refusal to accept (不予受理), then on an accepted one its ruling to enforce (裁定准予执
# 行) or not (裁定不予执行), then the enforcement done (执行完毕). A refusal leaves the case
# open: the agency may ask the court above to reconsider within 15 days, and that court's
# acceptance or ruling to enforce is recorded as the first court's would be.


def _applied(state: RecordState) -> dt.date:
    """The day the court was asked; a court answers nothing it was not asked."""
    applied = _day(state.fields.get("enforcement_applied_on"))
    if applied is None:
        raise Refused("enforcement_not_applied")
    return applied


def court_accepted_art_56(state, args, actor, ctx) -> dict[str, Any]:
    """行政强制法 第五十六条: 人民法院接到行政机关强制执行的申请，应当在五日内受理. The
    acceptance (its 案号 kept) of an application made, on a day since it was made; after a
    refusal to accept, the acceptance the court above rules on reconsideration (上一级人民法院
    …作出是否受理的裁定), on a day since that refusal."""
    applied = _applied(state)
    declined = _day(state.fields.get("enforcement_declined_on"))
    _on(args, "accepted_on", ctx.now, not_before=max(filter(None, (applied, declined))))
    return {}


def court_declined_art_56(state, args, actor, ctx) -> dict[str, Any]:
    """行政强制法 第五十六条: the court rules not to accept the application (不予受理), with
    its reason; not once it has accepted it. The case stays open: the agency may ask the court
    above to reconsider within 15 days (行政机关对人民法院不予受理的裁定有异议的，可以在十五
    日内向上一级人民法院申请复议)."""
    applied = _applied(state)
    if state.fields.get("enforcement_accepted_on"):
        accepted = state.fields["enforcement_accepted_on"]
        raise Refused("court_acceptance_recorded", accepted_on=accepted)
    _on(args, "ruled_on", ctx.now, not_before=applied)
    return {}


def _accepted(state: RecordState) -> dt.date:
    """行政强制法 第五十七条、第五十八条: the court rules on an application it accepted."""
    _applied(state)
    accepted = _day(state.fields.get("enforcement_accepted_on"))
    if accepted is None:
        raise Refused("court_not_accepted")
    return accepted


def court_ordered_art_57_58(state, args, actor, ctx) -> dict[str, Any]:
    """行政强制法 第五十七条 (书面审查…应当自受理之日起七日内作出执行裁定) and 第五十八条
    (三十日内作出是否执行的裁定): the ruling to enforce (裁定准予执行), with its number, on an
    accepted application, on a day since the acceptance; after a ruling not to enforce, the
    one the court above gives on reconsideration (上一级人民法院…作出是否执行的裁定), on a day
    since that refusal."""
    accepted = _accepted(state)
    refused = _day(state.fields.get("enforcement_refused_on"))
    _on(args, "ruled_on", ctx.now, not_before=max(filter(None, (accepted, refused))))
    return {}


def court_refused_art_58(state, args, actor, ctx) -> dict[str, Any]:
    """行政强制法 第五十八条: the ruling not to enforce (裁定不予执行) on an accepted
    application, with the ground the article names and the court's reason (应当说明理由);
    not once the court ruled to enforce. The case stays open, unpaid: the agency may ask the
    court above to reconsider within 15 days of receiving the ruling."""
    accepted = _accepted(state)
    if state.fields.get("enforcement_ordered_on"):
        raise Refused("court_order_recorded", ordered_on=state.fields["enforcement_ordered_on"])
    _on(args, "ruled_on", ctx.now, not_before=accepted)
    return {}


def court_enforced_art_57(state, args, actor, ctx) -> dict[str, Any]:
    """行政强制法 第五十七条: once the court has ruled to enforce, it carries the ruling out;
    the enforcement done (执行完毕), on a day since the ruling, with the court's document
    that says so (结案通知书). The case may then be closed (``close``)."""
    _accepted(state)
    ordered = _day(state.fields.get("enforcement_ordered_on"))
    if ordered is None:
        raise Refused("court_not_ordered")
    _on(args, "done_on", ctx.now, not_before=ordered)
    return {}


def enforced_by_court_art_57(fields: Mapping[str, Any]) -> bool:
    """Whether the people's court enforced the decision to the end (执行完毕): the money
    is then the court's to have collected, and the case closes unpaid by the party."""
    return bool(fields.get("enforcement_done_on"))


def close(state, args, actor, ctx) -> dict[str, Any]:
    """A decision with money to pay closes once paid (arts. 66–67), once the people's court
    enforced it to the end (行政强制法 第五十七条: ``enforced_by_court_art_57``), or once a
    review or the court revoked it (``decision_revoked``); an
    application the court declined, or a ruling not to enforce, leaves it open (第五十六条、
    第五十八条: the court above may be asked to reconsider)."""
    f = state.fields
    settled = f.get("paid_on") or enforced_by_court_art_57(f) or decision_revoked(f)
    if owed_fen(f)[0] > 0 and not settled:
        raise Refused("not_paid")
    return {}


def inspect(record, args, actor, ctx) -> dict[str, Any]:
    """Arts. 42, 55: an inspection record (检查笔录), of either procedure, names at least two
    officers, each with a certificate valid on its day, who showed them; the one recording is
    one of them. Answers what the case now knows (``parent``). One made offline while the
    case moved on is kept, flagged late (R3), like any record appended after the fact."""
    case = ctx.parent
    f = record.fields
    started = dt.datetime.fromisoformat(f["started_at"])
    ended = dt.datetime.fromisoformat(f["ended_at"])
    if ended < started:
        raise Refused("invalid", fields={"ended_at": ["must not be before started_at"]})
    if started > ctx.now + dt.timedelta(minutes=10):
        raise Refused("date_in_future", fields={"started_at": ["must not be in the future"]})
    if actor.user_id not in f["officers"]:
        raise Refused("recorder_not_named")
    if not f["certificates_shown"]:
        raise Refused("certificate_not_shown")
    # Art. 42: 执法人员不得少于两人, in the summary procedure too (no law makes these
    # matters an exception).
    day = started.astimezone(CHINA).date()
    _not_recused(case, f["officers"], "officers")
    _certified(ctx.refs, f["officers"], day, legal.OFFICERS_MINIMUM)
    last = case.fields.get("last_inspection_on")
    return {
        "parent": {
            "inspections": (case.fields.get("inspections") or 0) + 1,
            "last_inspection_on": max(filter(None, (last, day.isoformat()))),
        }
    }


def vouched_art_42(
    author: Any, named: Iterable[Any], confirmations: Iterable[Mapping[str, Any]] | None
) -> tuple[list[int], list[int]]:
    """行政处罚法 第四十二条 (执法人员不得少于两人): an on-site act is the act of two officers
    only when each named on it vouched for it. The one who recorded it did by recording it;
    each other officer does by confirming on his own device. Answers who has (in the order
    named) and who it still awaits; complete when the second is empty. The one place this is
    computed, for inspection records and on-the-spot decisions alike."""
    confirmed = {author} | {c["officer_id"] for c in confirmations or ()}
    officers = list(dict.fromkeys(named or ()))
    return (
        [o for o in officers if o in confirmed],
        [o for o in officers if o not in confirmed],
    )


def presence_art_42(fields: Mapping[str, Any]) -> tuple[list[int], list[int]]:
    """Art. 42 on an inspection record: its author and the officers it names
    (``confirm_presence``). The server's rules, its pull and its documents read it."""
    return vouched_art_42(
        fields.get("author_id"), fields.get("officers"), fields.get("confirmations")
    )


def on_spot_presence_art_42(fields: Mapping[str, Any]) -> tuple[list[int], list[int]]:
    """Art. 42 on an on-the-spot decision (当场处罚, art. 51): the deciding officer and the
    officers the decision names (``confirm_on_spot``). A decision made before officers were
    named (one officer) awaits nobody: it is printed as it was made."""
    return vouched_art_42(
        fields.get("decided_by"),
        fields.get("on_spot_officers"),
        fields.get("on_spot_confirmations"),
    )


def _confirmed(
    actor: Actor, author: Any, named: Iterable[Any], confirmations: list | None, now: dt.datetime
) -> list[dict[str, Any]]:
    """An officer named on an on-site act confirms that he was there, once; nobody confirms
    for another (its author vouched by recording it, and may not vouch for his colleague),
    and nobody not named may. Answers the confirmations with his, at the server's time of
    receipt (R9)."""
    if actor.user_id == author:
        raise Refused("author_cannot_confirm", fields={"officers": ["you recorded it"]})
    if actor.user_id not in (named or ()):
        raise Refused("not_named_officer", fields={"officers": ["you are not named on it"]})
    confirmed, _ = vouched_art_42(author, named, confirmations)
    if actor.user_id in confirmed:
        raise Refused("already_confirmed", fields={"officers": ["you confirmed it already"]})
    at = now.astimezone(dt.UTC).isoformat()
    return [*(confirmations or ()), {"officer_id": actor.user_id, "at": at}]


def confirm_presence(record, args, actor, ctx) -> dict[str, Any]:
    """Art. 42: a named officer confirms the inspection record; it is complete once every
    named officer has (``presence_art_42``)."""
    f = record.fields
    confirmations = _confirmed(
        actor, f.get("author_id"), f.get("officers"), f.get("confirmations"), ctx.now
    )
    _, awaiting = presence_art_42({**f, "confirmations": confirmations})
    return {
        "confirmations": confirmations,
        "status": "awaiting_confirmation" if awaiting else "complete",
    }


def confirm_on_spot(state, args, actor, ctx) -> dict[str, Any]:
    """Art. 42 on an on-the-spot decision: the second officer named on it confirms on his own
    device that he was there when it was made. Until he has, its decision (当场处罚决定书)
    is not printed as made by two (``server.cases.documents``)."""
    f = state.fields
    named = f.get("on_spot_officers") or ()
    return {
        "on_spot_confirmations": _confirmed(
            actor, f.get("decided_by"), named, f.get("on_spot_confirmations"), ctx.now
        )
    }


def assign(clue, args, actor, ctx) -> dict[str, Any]:
    """交办: the deadline is a time to come (the server's clock): a task assigned with a
    deadline already past was born overdue and counted in the overdue figures."""
    deadline = dt.datetime.fromisoformat(args["deadline"])
    if deadline <= ctx.now:
        raise Refused("deadline_past", fields={"deadline": ["must be later than now"]})
    return {}


def transfer(clue, args, actor, ctx) -> dict[str, Any]:
    """移送: a clue whose matter the township holds no power for (赋权清单) goes to the
    department the catalogue names for it."""
    if ctx.refs.empowered(clue.fields["matter_code"], township_path(clue.unit_path)):
        raise Refused("empowered_here")
    matter = ctx.refs.matter_facts(clue.fields["matter_code"]) or {}
    if not matter.get("department"):
        raise Refused("no_department")
    return {"transferred_to": matter["department"]}


# -- collaboration requests (执法协作申请, seeds 004) ---------------------------------------------


def _collaboration_due(state: RecordState, ctx, *, extended: bool) -> dict[str, Any]:
    """The department's last day to answer (a deadline of the county's side, not the
    party's: estimated where next year's calendar is not loaded, and said so)."""
    sent = dt.date.fromisoformat(state.fields["sent_on"])

    def count(start: dt.date, calendar: legal.WorkCalendar) -> dt.date:
        return legal.collaboration_due(start, calendar, extended=extended)

    due, guessed = legal.team_deadline(count, sent, ctx.refs.calendar())
    return {"due": due.isoformat(), **_estimated(state, "due", guessed)}


def _estimated(
    state: RecordState, name: str | tuple[str, ...], guessed: bool
) -> dict[str, list[str]]:
    """The record's deadlines counted on weekends alone for want of their year's calendar
    (``legal.team_deadline``), kept in ``calendar_estimated`` for the desk to show."""
    names = (name,) if isinstance(name, str) else name
    kept = [n for n in state.fields.get("calendar_estimated") or [] if n not in names]
    return {"calendar_estimated": sorted([*kept, *names] if guessed else kept)}


def request_collaboration(state, args, actor, ctx) -> dict[str, Any]:
    """A collaboration request to a county department, sent on a day not in the future nor
    before the violation it is about. The department answers within 5 working days
    (seeds 004: 自收到…执法协作申请后5个工作日内反馈; the seeds say 工作日 themselves),
    counted on the working calendar as the law's own short periods are (art. 85). A case
    already finished asks for nothing."""
    case = ctx.parent
    if case.status in WORKFLOW["case"]["closed"]:
        raise Refused(f"case_{case.status}")
    _on(state.fields, "sent_on", ctx.now, not_before=_day(case.fields.get("violation_on")))
    return {
        **_collaboration_due(state, ctx, extended=False),
        "extended": False,
        "answered_late": None,
        "case_facts": case_facts(case, about_party=bool(state.fields.get("about_party"))),
    }


def case_facts(case: RecordState, *, about_party: bool) -> dict[str, Any]:
    """What the department a request is addressed to is shown of the case, as it stood
    when the request was sent: the case's number, matter, facts and the day it happened,
    and who the party is. His id number, address and telephone only when the request is
    about him (seeds 004: the department answers the request; the case stays the
    township's, and a party's personal data goes no further than the request needs)."""
    f = case.fields
    party = f.get("party") or {}
    shown = ("kind", "name", "id_number", "address", "legal_representative")
    return {
        "code": f.get("code"),
        "unit_path": case.unit_path,  # whose case: the township that asks
        "matter_code": f.get("matter_code"),
        "facts": f.get("facts"),
        "violation_on": f.get("violation_on"),
        "party": {
            k: party.get(k) for k in (shown if about_party else ("kind", "name")) if k in party
        },
    }


def extend_collaboration(state, args, actor, ctx) -> dict[str, Any]:
    """情况复杂的可延长5个工作日: once, asked for by the department within its first 5
    working days; the 10 run from the day the request was sent."""
    refusal = legal.collaboration_extension_refusal(1 if state.fields.get("extended") else 0)
    if refusal:
        raise Refused(refusal, due=state.fields["due"])
    sent = dt.date.fromisoformat(state.fields["sent_on"])
    day = _on(args, "extended_on", ctx.now, not_before=sent)
    if day > dt.date.fromisoformat(state.fields["due"]):
        raise Refused("collaboration_extension_late", due=state.fields["due"])
    return {"extended": True, **_collaboration_due(state, ctx, extended=True)}


def refuse_collaboration(state, args, actor, ctx) -> dict[str, Any]:
    """A department refuses to help, with its reason, on a day between the request and
    today."""
    _on(args, "refused_on", ctx.now, not_before=dt.date.fromisoformat(state.fields["sent_on"]))
    return {}


def answer_collaboration(state, args, actor, ctx) -> dict[str, Any]:
    """The department's answer, on the day it came: not before the request, not in the
    future. An answer after the due day is kept as it came, flagged late."""
    sent = dt.date.fromisoformat(state.fields["sent_on"])
    day = _on(args, "answered_on", ctx.now, not_before=sent)
    return {"answered_late": day > dt.date.fromisoformat(state.fields["due"])}


def _holds(fields: Mapping[str, Any], path: str, wanted: bool | str) -> bool:
    value: Any = fields
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value == wanted if isinstance(wanted, str) else bool(value) is wanted


def awaited_step(fields: Mapping[str, Any], awaits: Mapping | None = None) -> str | None:
    """The step a case (its record's fields, status among them) waits for
    (``WORKFLOW["case"]["awaits"]``, or the exported copy given), which a screen offers
    first: the first whose conditions its fields meet; None for a case that waits on nobody
    in the team (closed, with the police)."""
    table = awaits if awaits is not None else WORKFLOW["case"]["awaits"]
    for entry in table.get(fields.get("status"), []):
        if all(_holds(fields, k, v) for k, v in entry["when"].items()):
            return entry["step"]
    return None


CHECKS: dict[str, Callable[[RecordState, Mapping[str, Any], Actor, Any], dict[str, Any]]] = {
    "propose": propose,
    "approve_opening": approve_opening,
    "decide_on_spot": decide_on_spot,
    "file_summary": file_summary,
    "recuse": recuse,
    "end_case": end_case,
    "preserve": preserve,
    "decide_preserved": decide_preserved,
    "order_correction": order_correction,
    "notify": notify,
    "record_statement": record_statement,
    "request_hearing": request_hearing,
    "record_hearing": record_hearing,
    "review": review,
    "discuss": discuss,
    "extend_decision": extend_decision,
    "decide": decide,
    "serve": serve,
    "pay": pay,
    "pay_instalment": pay_instalment,
    "defer_payment": defer_payment_art_66,
    "hand_in": hand_in,
    "demand_payment": demand_payment,
    "apply_enforcement": apply_enforcement,
    "no_remedy_art_53": no_remedy_art_53,
    "record_remedy": record_remedy,
    "record_remedy_result": record_remedy_result,
    "court_accepted": court_accepted_art_56,
    "court_declined": court_declined_art_56,
    "court_ordered": court_ordered_art_57_58,
    "court_refused": court_refused_art_58,
    "court_enforced": court_enforced_art_57,
    "close": close,
    "inspect": inspect,
    "confirm_presence": confirm_presence,
    "confirm_on_spot": confirm_on_spot,
    "assign": assign,
    "transfer": transfer,
    "request_collaboration": request_collaboration,
    "extend_collaboration": extend_collaboration,
    "answer_collaboration": answer_collaboration,
    "refuse_collaboration": refuse_collaboration,
}

# A visit's record (双随机、综合查一次) is no case, but its rule is checked the same way and
# reads this module's art. 42 check: registered here, after what it imports is defined.
from sync.visits import record_visit  # noqa: E402

CHECKS["record_visit"] = record_visit
# The consent to electronic service registers its two checks itself (sync.eservice).
import sync.eservice  # noqa: E402, F401


def run(name: str, state: RecordState, args: Mapping[str, Any], actor: Actor, ctx) -> dict:
    """Apply the check ``name``; ``legal.CalendarGap`` (a year without its holidays loaded)
    refuses rather than counting a guess."""
    try:
        return CHECKS[name](state, args, actor, ctx)
    except legal.CalendarGap as exc:
        raise Refused("calendar_missing", detail=str(exc)) from None
