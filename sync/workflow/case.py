"""A case (案件) and the Administrative Penalty Law's procedure it follows."""

from __future__ import annotations

from typing import Any

from sync import legal
from sync.workflow.vocabulary import (
    ADDRESSEE,
    ON_SPOT_PARTNER,
    SAME,
    SUPERVISORS,
    choice,
    choice_labels,
    label,
    transfer_dispute,
)

# -- Cases (案件): the Administrative Penalty Law's procedure --------------------------------
# Each transition's ``check`` names the rule in ``sync.cases`` that R5 applies besides who
# and from where: the law's conditions (two certified officers, the prior notice, the legal
# review, the hearing window, the 90 days) and the dates the step starts counting.

# The law's lists, from the law's module, so the two cannot drift apart.
PARTY_KINDS = list(legal.PARTY_KINDS)  # 公民 / 法人或者其他组织
# 行政处罚法 第九条 lists 行政拘留 (detention) among the penalties, and sync.legal keeps the whole
# list (it checks any penalty a decision names). But 第十八条 reserves it: 限制人身自由的行政处罚权
# 只能由公安机关和法律规定的其他机关行使. A township holds the county departments' powers that
# 第二十四条 lets a province hand down, and no such department holds this one; a matter that
# calls for detention is the police's, so no screen offers it and the server refuses it
# (``invalid``) should a device send it.
TOWNSHIP_WITHHELD_PENALTIES = ("detention",)
PENALTY_KINDS = [k for k in legal.PENALTY_KINDS if k not in TOWNSHIP_WITHHELD_PENALTIES]
PROCEDURES = ["summary", "general"]  # 简易程序 / 普通程序
CONSEQUENCES = list(legal.CONSEQUENCES)  # 第三十三条: the harm done
# Arts. 31, 32, 49: the grounds that lighten (从轻或者减轻) or aggravate (从重) a penalty, as
# recorded on the case; which discretion levels they leave open is sync.legal's
# ``discretion_allowed_art_31_32`` (exported below as ``circumstance_effects``).
CIRCUMSTANCES = list(legal.CIRCUMSTANCES)
# Art. 58's grounds for legal review a person establishes (the amount is the rules' own).
REVIEW_GROUNDS = ["major_public_interest", "major_rights", "complex_case", "required_by_law"]
SERVICE_METHODS = ["in_person", "left_at_address", "post", "electronic", "public_notice"]
CASE_OFFICERS = ["officer"]
HEARING_ATTENDANCE = ["attended", "absent", "left"]
# 行政强制法 第五十八条: why a court rules not to enforce (明显缺乏事实根据；明显缺乏法律、法规
# 依据；其他明显违法并损害被执行人合法权益), or another reason its ruling gives.
COURT_REFUSAL_GROUNDS = ["no_factual_basis", "no_legal_basis", "clearly_unlawful", "other"]
# What a party may do against a decision (行政复议法, 行政诉讼法): either stops the court
# being asked to enforce it (行政强制法 第五十三条).
REMEDY_KINDS = ["reconsideration", "litigation"]
REMEDY_OUTCOMES = ["upheld", "changed", "revoked"]


def _ending(step_label: dict, to: str) -> dict:
    """An end of a case the head decides with its reason and day (art. 57; sync.cases.end_case)."""
    return {
        "label": step_label,
        "from": DECISION_RUNNING,
        "to": to,
        "who": CASE_DECIDERS,
        "args": {
            "reason": {"type": "text", "max_length": 2000, "required": True},
            "decided_on": {"type": "date", "required": True},
        },
        "sets": {"end_reason": "reason", "ended_on": "decided_on", "ended_by": "$actor"},
        "check": "end_case",
    }


RECUSAL_PARTS = ["investigator", "reviewer", "hearing_host"]
RECUSAL_ASKED_BY = ["party", "self", "agency"]
CASE_DECIDERS = ["leader"]
# Arts. 44, 45, 62: how the party answered the prior notice: in writing (书面陈述、申辩), by
# word recorded by the team and signed on the phone (陈述申辩笔录), or by expressly giving the
# right up (明确放弃陈述、申辩权利, the exception art. 62 makes).
STATEMENT_KINDS = ["written", "oral", "waived"]
# Art. 45: each fact, reason or piece of evidence the party puts forward, the team's re-check
# of it (复核) and whether it was adopted (成立的，应当采纳).
STATEMENT_POINT = {
    "type": "object",
    "properties": {
        "point": {"type": "text", "max_length": 2000, "required": True},
        "recheck": {"type": "text", "max_length": 2000, "required": True},
        "adopted": {"type": "bool", "required": True},
    },
}
CASE_REVIEWERS = ["reviewer"]

PARTY = {
    "type": "object",
    "properties": {
        "kind": choice(PARTY_KINDS),
        "name": {"type": "text", "max_length": 100, "required": True},
        "id_number": {"type": "text", "max_length": 40, "required": False},
        "address": {"type": "text", "max_length": 300, "required": False},
        "phone": {"type": "text", "max_length": 32, "required": False},
        "legal_representative": {"type": "text", "max_length": 100, "required": False},
    },
}
PENALTY = {
    "type": "object",
    "properties": {
        "kind": choice(PENALTY_KINDS),
        # Money is whole fen, always; 0 for a penalty that is not paid. ``unit`` tells a
        # form to show yuan.
        "amount_fen": {"type": "int", "min": 0, "max": 10**13, "unit": "fen", "required": True},
    },
}
# Art. 9 and the catalogue's 并处: the penalties a notice or decision imposes besides its
# first (a warning and a fine; a fine and confiscation), each kind once (sync.cases.
# combined_penalties_art_9). Not on the spot: art. 51 allows a warning or a fine.
ADDITIONAL_PENALTIES = {"type": "list", "items": PENALTY, "max_items": 4, "required": False}
CASE_STATUSES = {
    "proposed": label("待立案审批", "Awaiting opening"),
    "investigating": label("调查取证", "Investigating"),
    "notified": label("已告知", "Notified"),
    "hearing": label("听证中", "Hearing requested"),
    "heard": label("已听证", "Heard"),
    "reviewed": label("已法制审核", "Legally reviewed"),
    "discussed": label("已集体讨论", "Discussed by the heads"),
    "decided": label("已决定", "Decided"),
    "served": label("已送达", "Served"),
    "paid": label("已缴款", "Paid"),
    "closed": label("已结案", "Closed"),
    "not_opened": label("不予立案", "Not opened"),
    "handed_over": label("已移送公安", "Handed to the police"),
    # Art. 57's other ends of an investigation, each stopping the 90 days.
    "not_penalised": label("不予行政处罚", "No penalty"),
    "not_established": label("违法事实不能成立", "Violation not established"),
    "transferred_out": label("已移送其他机关", "Transferred to another agency"),
    # A case transferred to a county department, which received it and opened its own.
    "transfer_received": label("移送已被接收", "Transfer received"),
    # The department sent it back with its reason: the county command centre arbitrates.
    "transfer_disputed": label("移送被退回，待县级协调", "Sent back, the county arbitrates"),
    "revoked": label("已撤销立案", "Opening revoked"),
}
# Why no penalty (不予行政处罚): art. 33(1) minor, corrected in time, harmless; art. 33(1)
# a first violation with slight harm corrected in time (may); art. 33(2) no fault proved;
# art. 30 under 14; art. 31 a mental illness; art. 36 discovered past the limitation.
NO_PENALTY_GROUNDS = [
    "minor_corrected",
    "first_minor",
    "no_fault",
    "under_14",
    "mental_illness",
    "limitation",
]
# Art. 33(3): 对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育.
EDUCATION_REQUIRED = ["minor_corrected", "first_minor", "no_fault"]
_CASE_FACT = [{"who": ["reporter", *CASE_OFFICERS], "in": ["proposed", "investigating"]}]
# Art. 34: the level (阶次) of the matter's published discretion standard a fine is set by;
# the levels are the catalogue's (a matter without a standard needs none: sync.cases).
DISCRETION_LEVEL = {"type": "discretion", "required": False}
# Where the 90 days of art. 60 run: from the opening to the decision.
DECISION_RUNNING = ["investigating", "notified", "hearing", "heard", "reviewed", "discussed"]
# Where a consent to electronic service is taken or withdrawn: while a document may still
# be served on the party, from the opening to the payment.
ESERVICE_FROM = [*DECISION_RUNNING, "decided", "served"]
# Where the party is served: a mainland mobile number (eleven digits, 1 then 3–9, the
# numbering plan's mobile blocks), an address SMTP delivers to (one @, a dotted domain).
ESERVICE_MOBILE = r"1[3-9][0-9]{9}"
ESERVICE_EMAIL = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"
# An extension of them: a longer period, or time left out of it (听证、鉴定…不计入).
EXTENSION_KINDS = ["extension", "excluded_time"]


def _case_field(spec: dict[str, Any]) -> dict[str, Any]:
    return {**spec, "edit": _CASE_FACT}


# How a fine was paid (arts. 67–70): through the payment platform (缴款码), or collected by
# the officer on the spot against the finance department's receipt (专用票据), on a ground
# arts. 68, 69 name.
PAYMENT_METHODS = ["platform", "on_the_spot"]
ON_SPOT_GROUNDS = list(legal.ON_SPOT_GROUNDS)
PAYMENT_ARGS = {
    "paid_on": {"type": "date", "required": True},
    "paid_fen": {"type": "int", "min": 1, "max": 2 * 10**13, "unit": "fen", "required": True},
    # The receipt's number: the platform's or the 专用票据's (arts. 67–70).
    "receipt_no": {"type": "text", "max_length": 64, "required": True},
    "payment_method": choice(PAYMENT_METHODS, required=False),
    "on_spot_ground": choice(ON_SPOT_GROUNDS, required=False),
    # Art. 69: collected on the spot in a remote area only when the party asked.
    "party_asked": {"type": "bool", "required": False},
}
INSTALMENT = {
    "type": "object",
    "properties": {
        "due_on": {"type": "date", "required": True},
        "amount_fen": {"type": "int", "min": 1, "max": 10**13, "unit": "fen", "required": True},
    },
}


def _court_answer(
    step_label: dict, explains: dict, after: str, day: str, sets: dict[str, str], **more: dict
) -> dict[str, Any]:
    """One answer of the people's court to the application (行政强制法 arts. 56–58),
    recorded by the head on the day it came, with the number the court gave it; offered
    once the step it answers is recorded (``after``)."""
    args = {
        day: {"type": "date", "required": True},
        "ruling_no": {"type": "text", "max_length": 64, "required": True},
        **more,
    }
    once = next(field for field, source in sets.items() if source == day)
    return {
        "label": step_label,
        "explains": explains,
        "from": ["served"],
        "to": SAME,
        "who": CASE_DECIDERS,
        "args": args,
        "sets": sets,
        "after": after,
        "once": once,
        # Once the court has enforced it to the end, no answer comes after (执行完毕).
        "until": "enforcement_done_on",
        "until_reason": "enforced_by_court",
    }


_TO_THE_COURT_ABOVE = (
    "可以自收到裁定之日起十五日内向上一级人民法院申请复议；案件不结案，罚款仍未缴纳。",
    "The agency may ask the court above to reconsider within 15 days of receiving the "
    "ruling; the case stays open, the fine unpaid.",
)


def _court_answers() -> dict[str, dict[str, Any]]:
    """受理 / 不予受理 (art. 56), 裁定准予执行 / 裁定不予执行 (arts. 57, 58), 执行完毕."""
    reason = {"type": "text", "max_length": 2000, "required": True}
    return {
        "court_accepted": {
            **_court_answer(
                label("人民法院受理强制执行申请", "The court accepted the application"),
                label(
                    "人民法院应当在五日内受理（行政强制法第五十六条）。请填写受理日期和案号；"
                    "不予受理后经上一级人民法院复议受理的，也在此记录。",
                    "The court accepts within 5 days (art. 56): its day and case number. An "
                    "acceptance by the court above on reconsideration is recorded here too.",
                ),
                "enforcement_applied_on",
                "accepted_on",
                {"enforcement_accepted_on": "accepted_on", "enforcement_case_no": "ruling_no"},
            ),
            "check": "court_accepted",
            "once_reason": "court_acceptance_recorded",
        },
        "court_declined": {
            **_court_answer(
                label("人民法院裁定不予受理", "The court declined the application"),
                label(
                    "对不予受理的裁定有异议的，本机关"
                    + _TO_THE_COURT_ABOVE[0]
                    + "（行政强制法第五十六条）",
                    "The court ruled not to accept it (art. 56). " + _TO_THE_COURT_ABOVE[1],
                ),
                "enforcement_applied_on",
                "ruled_on",
                {
                    "enforcement_declined_on": "ruled_on",
                    "enforcement_declined_no": "ruling_no",
                    "enforcement_decline_reason": "reason",
                },
                reason=reason,
            ),
            "check": "court_declined",
            "once_reason": "court_decline_recorded",
        },
        "court_ordered": {
            **_court_answer(
                label("人民法院裁定准予执行", "The court ruled to enforce"),
                label(
                    "人民法院自受理之日起七日内（需听取意见的三十日内）作出执行裁定（行政强制法"
                    "第五十七条、第五十八条）。不予执行后经上一级人民法院复议裁定执行的，也在此记录。",
                    "The court rules within 7 days of accepting (30 where it hears the parties: "
                    "arts. 57, 58). A ruling to enforce by the court above on reconsideration is "
                    "recorded here too.",
                ),
                "enforcement_accepted_on",
                "ruled_on",
                {"enforcement_ordered_on": "ruled_on", "enforcement_ordered_no": "ruling_no"},
            ),
            "check": "court_ordered",
            "once_reason": "court_order_recorded",
        },
        "court_refused": {
            **_court_answer(
                label("人民法院裁定不予执行（案件不结案）", "The court refused (case stays open)"),
                label(
                    "裁定不予执行的，人民法院应当说明理由（行政强制法第五十八条）。本机关有异议的，"
                    + _TO_THE_COURT_ABOVE[0],
                    "The court gives its reason (art. 58). " + _TO_THE_COURT_ABOVE[1],
                ),
                "enforcement_accepted_on",
                "ruled_on",
                {
                    "enforcement_refused_on": "ruled_on",
                    "enforcement_refused_no": "ruling_no",
                    "enforcement_refusal_ground": "ground",
                    "enforcement_refusal_reason": "reason",
                },
                ground=choice(COURT_REFUSAL_GROUNDS),
                reason=reason,
            ),
            "check": "court_refused",
            "once_reason": "court_refusal_recorded",
        },
        "court_enforced": {
            **_court_answer(
                label("人民法院执行完毕", "The court enforced it to the end"),
                label(
                    "人民法院依执行裁定强制执行完毕后，请填写执行完毕日期和法院的结案文书编号；"
                    "此后案件可以结案。",
                    "Once the court has enforced its ruling to the end: the day and the number "
                    "of the court's closing document. The case can then be closed.",
                ),
                "enforcement_ordered_on",
                "done_on",
                {"enforcement_done_on": "done_on", "enforcement_done_no": "ruling_no"},
            ),
            "check": "court_enforced",
            "once_reason": "court_enforcement_recorded",
        },
    }


# A transfer undone (the county's arbitration, the township's recall): the case is the
# township's again, no longer ended nor addressed (it leaves the department's devices, R11).
_BACK_TO_TOWNSHIP = {
    "transferred_to": "$null",
    "transferred_agency": "$null",
    "transfer_received_by": "$null",
    "end_reason": "$null",
    "ended_on": "$null",
    "ended_by": "$null",
}


CASE: dict[str, Any] = {
    "label": label("案件", "Case"),
    # A case comes from a clue (parent_id) and is in the clue's jurisdiction; only staff
    # see it (the party's personal data).
    "parent": "clue",
    "create": {"who": CASE_OFFICERS, "status": "proposed", "check": "propose"},
    # A case transferred (移送) to a county department is addressed to it: its users see it
    # and receive it (sync.views), and nothing else of the township's cases.
    "addressed": "transferred_to",
    "statuses": CASE_STATUSES,
    "education_required": EDUCATION_REQUIRED,
    # How each recorded circumstance bears on the discretion levels a fine may take: "must"
    # lighten (art. 32: the lightest level, or below it), "may" lighten (art. 31: the officer
    # weighs it), or aggravate (art. 49, the standard's own: not the lightest level).
    "circumstance_effects": {
        **{c: "must_lighten" for c in legal.MITIGATING_MUST},
        **{c: "may_lighten" for c in legal.MITIGATING_MAY},
        **{c: "aggravate" for c in legal.AGGRAVATING},
    },
    "closed": [
        "closed",
        "not_opened",
        "handed_over",
        "not_penalised",
        "not_established",
        "transferred_out",
        "transfer_received",
        "revoked",
    ],
    # The team's own deadlines on a case, each a last allowed day, running in the statuses
    # named and until the "until" field is filled; warned that many days before:
    # art. 60, the decision within 90 days of opening (warned at sync.legal.WARN_AT_DAYS);
    # art. 56, the preserved evidence decided on within 7 working days; art. 61, the decision
    # served within 7 working days; art. 67, 72, the fine paid within 15 days, after which the
    # surcharge runs and enforcement is for the team to start. (The party's hearing window
    # is not the team's deadline: it is shown, not chased.)
    "clocks": {
        "decision_due": {"running": DECISION_RUNNING, "warn_days": list(legal.WARN_AT_DAYS)},
        "preservation_due": {
            "running": ["investigating"],
            "until": "preservation_decided_on",
            "warn_days": [3, 1],
        },
        "service_due": {"running": ["decided"], "warn_days": [3, 1]},
        "filing_due": {
            "running": ["decided", "served", "paid", "closed"],
            "until": "filed_on",
            "warn_days": [1],
        },
        "payment_due": {"running": ["served"], "warn_days": [3, 1]},
        # Art. 71: money collected on the spot handed in within 2 working days.
        "hand_in_due": {"running": ["paid", "closed"], "until": "handed_in_on", "warn_days": [1]},
        # 行政强制法 第五十三条: the last day the court may be asked to enforce.
        "enforcement_by": {
            "running": ["served"],
            "until": "enforcement_applied_on",
            "warn_days": [14, 3],
        },
    },
    "fields": {
        "procedure": choice(PROCEDURES, edit=[]),
        "matter_code": _case_field({"type": "matter", "required": True}),
        "party": _case_field({**PARTY, "required": True}),
        "facts": _case_field({"type": "text", "max_length": 8000, "required": True}),
        # Art. 36: the day it happened, or ended when it went on; and whether it endangered
        # life, health or financial security with harm (five years, not two).
        "violation_on": _case_field({"type": "date", "required": True}),
        "life_health_finance": _case_field({"type": "bool", "required": False}),
        # Art. 33: what decides whether a penalty may be given at all.
        "first_violation": _case_field({"type": "bool", "required": False}),
        "minor": _case_field({"type": "bool", "required": False}),
        "corrected_in_time": _case_field({"type": "bool", "required": False}),
        "consequence": _case_field(choice(CONSEQUENCES, required=False)),
        # Arts. 31, 32, 49: 从轻、减轻、从重 grounds, which the discretion standard reads.
        "circumstances": _case_field(
            {
                "type": "choices",
                "choices": CIRCUMSTANCES,
                "labels": choice_labels(CIRCUMSTANCES),
                "required": False,
            }
        ),
        # Art. 57(2): 对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定.
        "major_violation": _case_field({"type": "bool", "required": False}),
        "review_grounds": _case_field(
            {
                "type": "choices",
                "choices": REVIEW_GROUNDS,
                "labels": choice_labels(REVIEW_GROUNDS),
                "required": False,
            }
        ),
    },
    "read_only": [
        "status",
        "code",
        "reporter_id",
        "limitation_expired",
        "discovered_on",  # the clue's arrival: arts. 24, 38 (power) and 36 (limitation)
        "opened_at",
        "opened_by",
        "decision_due",
        "not_opened_reason",
        "inspections",
        "last_inspection_on",
        "preserved_on",
        "preserved_items",
        "preservation_place",
        "preservation_approved",
        "preservation_due",
        "preservation_decided_on",
        "preservation_decision",
        "correction_requirements",
        "correct_by",
        "correction_ordered_on",
        "proposed_penalty",
        "proposed_additional",
        "additional_penalties",
        "notified_on",
        "hearing_grounds",
        "hearing_request_due",
        # Arts. 44, 45, 62: the party's period to state and defend (the unit's setting, in
        # working days, kept as the notice named it) and its last day; the statements and
        # waivers received (sync.cases.record_statement), each naming the notice it answers.
        "statement_days",
        "statement_due",
        "statements",
        "hearing_requested_on",
        "hearing_notice_on",
        "heard_on",
        "hearing_summary",
        "hearing_host",
        "hearing_attendance",
        "hearing_waived",
        "recusals",
        "opening_opinion",
        "review_required",
        "reviewed_by",
        "review_opinion",
        "decision_extensions",
        "thresholds",
        "discretion",
        "discussed_on",
        "discussion_participants",
        "discussion_conclusion",
        "penalty",
        "decided_by",
        "decided_on",
        "certificate_shown",
        "served_on",
        "service_method",
        "service_due",
        "service_proof",
        "service_consent_signed_on",
        # Art. 61(2): the party's consent to electronic service (电子送达确认书), its
        # addresses, his drawn signature's SHA-256, who took it, and its withdrawal.
        "eservice_mobile",
        "eservice_email",
        "eservice_signature",
        "eservice_consent_on",
        "eservice_consent_by",
        "eservice_withdrawn_on",
        "payment_due",
        "on_spot_officers",
        # Art. 42: each other officer named, as he confirmed he was there ({officer_id, at}).
        "on_spot_confirmations",
        "filing_due",
        "filed_on",
        "filed_by",
        "filed_late",
        # The deadlines above counted on weekends alone, their year's calendar not loaded
        # (sync.legal.team_deadline); the desk marks them as estimates.
        "calendar_estimated",
        "paid_on",
        "paid_fen",
        "surcharge_fen",
        # Arts. 66–72 and 行政强制法 arts. 53, 54: each payment with its receipt's number, the
        # approved plan, the money collected on the spot handed in, the demand, the court.
        "payments",
        "receipt_no",
        "payment_plan",
        "hand_in_due",
        "handed_in_on",
        "handed_in_late",
        "demand_served_on",
        "demand_method",
        "demand_proof",
        "enforcement_from",
        "enforcement_by",
        "enforcement_applied_on",
        "enforcement_court",
        # 行政强制法 第五十三条: the head checked no remedy was sought, or those the party sought.
        "no_remedy_confirmed_on",
        "no_remedy_confirmed_by",
        "remedies",
        "enforcement_proof",
        # 行政强制法 arts. 56–58: the court's answers, each with its day and its number.
        "enforcement_accepted_on",
        "enforcement_case_no",
        "enforcement_declined_on",
        "enforcement_declined_no",
        "enforcement_decline_reason",
        "enforcement_ordered_on",
        "enforcement_ordered_no",
        "enforcement_refused_on",
        "enforcement_refused_no",
        "enforcement_refusal_ground",
        "enforcement_refusal_reason",
        "enforcement_done_on",
        "enforcement_done_no",
        "closed_at",
        "police_unit",
        "police_received_by",
        "police_received_at",
        "police_accepted_on",
        "police_declined_on",
        "police_decline_reason",
        "no_penalty_ground",
        "education",
        "end_reason",
        "transferred_agency",
        "transferred_to",
        "department_case_no",
        "transfer_received_on",
        "transfer_received_by",
        "transfer_returned_reason",
        "arbitration_note",
        "recall_reason",
        "ended_on",
        "ended_by",
    ],
    "transitions": {
        "approve_opening": {
            "label": label("批准立案", "Approve opening"),
            "from": ["proposed"],
            "to": "investigating",
            "who": CASE_DECIDERS,
            # The head's opinion on opening, kept on the case for the file (立案审批意见).
            "args": {"opening_opinion": {"type": "text", "max_length": 2000, "required": False}},
            "sets": {
                "opened_at": "$now",
                "opened_by": "$actor",
                "opening_opinion": "opening_opinion",
            },
            "check": "approve_opening",
            "procedure": "general",
        },
        "not_open": {
            "label": label("不予立案", "Do not open"),
            "from": ["proposed"],
            "to": "not_opened",
            "who": CASE_DECIDERS,
            "args": {"reason": {"type": "text", "max_length": 2000, "required": True}},
            "sets": {"not_opened_reason": "reason"},
        },
        "decide_on_spot": {
            "label": label("当场处罚", "Decide on the spot"),
            "from": ["proposed"],
            "to": "decided",
            "who": ["reporter"],
            "args": {
                # Art. 42: two certified officers, the one deciding among them.
                "officers": {"type": "officers", "required": True, "max_items": 10},
                "penalty": {**PENALTY, "required": True},
                "discretion_level": DISCRETION_LEVEL,
                "certificate_shown": {"type": "bool", "required": True},
                # Arts. 44, 45: the party heard on the spot (sync.cases.heard_on_the_spot_…).
                "statement_kind": choice(STATEMENT_KINDS),
                "statement_points": {
                    "type": "list",
                    "items": STATEMENT_POINT,
                    "max_items": 20,
                    "required": False,
                },
            },
            "sets": {
                "on_spot_officers": "officers",
                "penalty": "penalty",
                "certificate_shown": "certificate_shown",
                "decided_by": "$actor",
            },
            "check": "decide_on_spot",
            "procedure": "summary",
        },
        # Art. 42: the second officer named on an on-the-spot decision confirms on his own
        # phone (offline, queued) or at the desk that he was there; until he has, the
        # decision is not printed as made by two (sync.cases.on_spot_presence_art_42).
        "confirm_on_spot": {
            "label": label("确认当场处罚时在场", "Confirm I was there"),
            "from": ["decided", "served", "paid", "closed"],
            "to": SAME,
            "who": [ON_SPOT_PARTNER],
            # Each named officer once: the phone offers it no more while his is queued.
            "once_each": True,
            "commit": label("确认在场", "Confirm I was there"),
            "explains": label(
                "确认您与作出决定的执法人员一同在场，当场出示了执法证件并作出本决定（行政处罚法"
                "第四十二条）。确认后，当场行政处罚决定书方可以两名执法人员的名义出具。",
                "Confirm you were there with the deciding officer, your certificate shown, when "
                "this decision was made (art. 42). Only then is the decision issued in both "
                "officers' names.",
            ),
            "args": {},
            "sets": {},
            "check": "confirm_on_spot",
            "procedure": "summary",
        },
        # Art. 52: 执法人员当场作出的行政处罚决定，应当报所属行政机关备案, within the days
        # the unit's rules set (sync.cases.file_summary); the desk records it.
        "file_summary": {
            "label": label("当场处罚备案", "File the on-the-spot decision"),
            "from": ["decided", "served", "paid", "closed"],
            "to": SAME,
            "who": SUPERVISORS,
            "args": {"filed_on": {"type": "date", "required": True}},
            "sets": {"filed_on": "filed_on", "filed_by": "$actor"},
            "check": "file_summary",
            "procedure": "summary",
        },
        "preserve": {
            "label": label("先行登记保存", "Preserve evidence"),
            "from": ["investigating"],
            "to": "investigating",
            "who": CASE_OFFICERS,
            "args": {
                "preserved_on": {"type": "date", "required": True},
                # One item a line, its quantity last (焚烧工具 一套): the notice lists them.
                "items": {"type": "text", "max_length": 4000, "required": True},
                # What the notice (登记保存通知书) states besides: where the items are kept,
                # and that the head of the agency approved (第五十六条). Optional, so a step
                # queued by an older app still applies; the notice is refused without them.
                "storage_place": {"type": "text", "max_length": 300, "required": False},
                "head_approved": {"type": "bool", "required": False},
            },
            "sets": {
                "preserved_on": "preserved_on",
                "preserved_items": "items",
                "preservation_place": "storage_place",
                "preservation_approved": "head_approved",
            },
            "check": "preserve",
        },
        # Art. 28: the party is ordered to correct the violation, or to correct it by a day.
        # One ``to`` per step: ordered while investigating, the case stays there.
        "order_correction": {
            "label": label("责令改正", "Order to correct"),
            "from": ["investigating"],
            "to": "investigating",
            "who": CASE_OFFICERS,
            "args": {
                "requirements": {"type": "text", "max_length": 2000, "required": True},
                "correct_by": {"type": "date", "required": True},
                "ordered_on": {"type": "date", "required": True},
            },
            "sets": {
                "correction_requirements": "requirements",
                "correct_by": "correct_by",
                "correction_ordered_on": "ordered_on",
            },
            "check": "order_correction",
        },
        "decide_preserved": {
            "label": label("登记保存处理决定", "Decide on preserved evidence"),
            "from": ["investigating"],
            "to": "investigating",
            "who": CASE_DECIDERS,
            "args": {
                "decided_on": {"type": "date", "required": True},
                "decision": {"type": "text", "max_length": 2000, "required": True},
            },
            "sets": {
                "preservation_decided_on": "decided_on",
                "preservation_decision": "decision",
            },
            "check": "decide_preserved",
        },
        "notify": {
            "label": label("处罚告知", "Prior notice"),
            "from": ["investigating"],
            "to": "notified",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "penalty": {**PENALTY, "required": True},
                "additional": ADDITIONAL_PENALTIES,
                "discretion_level": DISCRETION_LEVEL,
                "notified_on": {"type": "date", "required": True},
            },
            "sets": {"proposed_penalty": "penalty", "notified_on": "notified_on"},
            "check": "notify",
        },
        "request_hearing": {
            "label": label("申请听证", "Hearing requested"),
            # A review passed before the party's 5 days ran out takes no right away.
            "from": ["notified", "reviewed"],
            "to": "hearing",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {"requested_on": {"type": "date", "required": True}},
            "sets": {"hearing_requested_on": "requested_on"},
            "check": "request_hearing",
        },
        "record_hearing": {
            "label": label("听证记录", "Record the hearing"),
            "from": ["hearing"],
            "to": "heard",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "notice_on": {"type": "date", "required": True},
                "held_on": {"type": "date", "required": True},
                # Art. 64(4): 由行政机关指定的非本案调查人员主持.
                "host": {"type": "officer", "required": True},
                # Art. 64(8): not appearing, or leaving, waives the hearing.
                "attendance": choice(HEARING_ATTENDANCE),
                "summary": {"type": "text", "max_length": 8000, "required": True},
            },
            "sets": {
                "hearing_notice_on": "notice_on",
                "heard_on": "held_on",
                "hearing_host": "host",
                "hearing_attendance": "attendance",
                "hearing_summary": "summary",
            },
            "check": "record_hearing",
        },
        # Arts. 44, 45, 62: the party's statement and defence, and the team's re-check of each
        # point, as a step on the case that appends to its ``statements`` (as ``recuse`` does
        # to its ``recusals``) rather than a record of its own: it is an act in the case's
        # procedure, between the notice and the decision, by the same people, whose only
        # effect is on the case (the decision waits for it or for the period's end), and the
        # decision document prints it; a child record would add its own type, permissions
        # and sync for nothing the case's history does not already give (who, when).
        "record_statement": {
            "label": label("陈述申辩及复核", "Record the party's statement"),
            "from": ["notified", "hearing", "heard", "reviewed", "discussed"],
            "to": SAME,
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "received_on": {"type": "date", "required": True},
                "kind": choice(STATEMENT_KINDS),
                # None for a waiver; at least one for a statement (sync.cases).
                "points": {
                    "type": "list",
                    "items": STATEMENT_POINT,
                    "max_items": 20,
                    "required": False,
                },
            },
            "check": "record_statement",
        },
        "approve_review": {
            "label": label("法制审核通过", "Review passed"),
            "from": ["notified", "heard"],
            "to": "reviewed",
            "who": CASE_REVIEWERS,
            "args": {"opinion": {"type": "text", "max_length": 4000, "required": True}},
            "sets": {"review_opinion": "opinion", "reviewed_by": "$actor"},
            "check": "review",
        },
        "return_review": {
            "label": label("审核退回", "Return for more work"),
            "from": ["notified", "heard"],
            "to": "investigating",
            "who": CASE_REVIEWERS,
            "args": {"opinion": {"type": "text", "max_length": 4000, "required": True}},
            "sets": {"review_opinion": "opinion", "reviewed_by": "$actor"},
        },
        # Art. 43: 回避. Whoever has a direct interest in the case, or another tie that may
        # bear on it, stands aside; the party may ask, the agency's head decides, and the
        # investigation does not stop meanwhile. A granted recusal keeps that person from
        # the case's inspection records, its review and its hearing (sync.cases.recuse).
        "recuse": {
            "label": label("回避决定", "Decide a recusal"),
            "from": DECISION_RUNNING,
            "to": SAME,
            "who": CASE_DECIDERS,
            "args": {
                "person": {"type": "officer", "required": True},
                "part": choice(RECUSAL_PARTS),
                "asked_by": choice(RECUSAL_ASKED_BY),
                "reason": {"type": "text", "max_length": 2000, "required": True},
                "granted": {"type": "bool", "required": True},
                "decided_on": {"type": "date", "required": True},
            },
            "check": "recuse",
        },
        # Art. 60: 法律、法规、规章另有规定的，从其规定: the leader approves a longer period, or
        # time a rule leaves out of it (a hearing, an appraisal), naming that rule
        # (sync.cases.extend_decision). The case stays where it is.
        "extend_decision": {
            "label": label("延长办案期限", "Extend the time to decide"),
            "from": DECISION_RUNNING,
            "to": SAME,
            "who": CASE_DECIDERS,
            "args": {
                "kind": choice(EXTENSION_KINDS),
                "days": {"type": "int", "min": 1, "max": 365, "required": True},
                # The rule: for a longer period the unit's own (sync.cases._extension_basis,
                # filled in from it when left blank); for time left out, the rule that does.
                "basis": {"type": "text", "max_length": 500, "required": False},
                "reason": {"type": "text", "max_length": 2000, "required": True},
                "approved_on": {"type": "date", "required": True},
            },
            "check": "extend_decision",
            "procedure": "general",
        },
        # Art. 57(2): the heads discuss a complex or major violation together before the
        # decision (sync.cases.discuss), after the notice and any review and hearing.
        "discuss": {
            "label": label("负责人集体讨论", "Collective discussion"),
            "from": ["notified", "heard", "reviewed"],
            "to": "discussed",
            "who": CASE_DECIDERS,
            "args": {
                "discussed_on": {"type": "date", "required": True},
                "participants": {"type": "text", "max_length": 1000, "required": True},
                "conclusion": {"type": "text", "max_length": 4000, "required": True},
            },
            "sets": {
                "discussed_on": "discussed_on",
                "discussion_participants": "participants",
                "discussion_conclusion": "conclusion",
            },
            "check": "discuss",
            "procedure": "general",
        },
        "decide": {
            "label": label("作出处罚决定", "Decide"),
            "from": ["notified", "heard", "reviewed", "discussed"],
            "to": "decided",
            "who": CASE_DECIDERS,
            "args": {
                "penalty": {**PENALTY, "required": True},
                "additional": ADDITIONAL_PENALTIES,
                "discretion_level": DISCRETION_LEVEL,
            },
            "sets": {"penalty": "penalty", "decided_by": "$actor"},
            "check": "decide",
            "procedure": "general",
        },
        "serve": {
            "label": label("送达", "Serve"),
            "from": ["decided"],
            "to": "served",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "served_on": {"type": "date", "required": True},
                "method": choice(SERVICE_METHODS),
                # What proves it (送达回证, the post's number, the electronic receipt, the
                # notice's publication): art. 61 and the case file need it.
                "proof": {"type": "text", "max_length": 500, "required": True},
                # Art. 61(2): electronic service only with the party's signed consent.
                "consent_signed_on": {"type": "date", "required": False},
            },
            "sets": {
                "served_on": "served_on",
                "service_method": "method",
                "service_proof": "proof",
                "service_consent_signed_on": "consent_signed_on",
            },
            "check": "serve",
        },
        # Art. 61(2): 当事人同意并签订确认书的，行政机关可以采用…电子邮件等方式送达. The
        # party signs on the officer's phone (offline, queued); the server then serves each
        # document that must be served at these addresses (server.cases.eservice).
        "consent_eservice": {
            "label": label("电子送达确认书", "Consent to electronic service"),
            "from": ESERVICE_FROM,
            "to": SAME,
            "who": CASE_OFFICERS,
            "commit": label("当事人已签字确认", "The party signed"),
            "explains": label(
                "当事人同意以短信、电子邮件接收本案执法文书，并确认以下送达地址；文书送达后"
                "以发送至其手机或邮箱之日为送达日期。当事人可随时书面撤回。",
                "The party agrees to receive this case's documents by SMS or e-mail at these "
                "addresses; a document is served on the day it reaches them. He may withdraw.",
            ),
            "args": {
                # The phone checks the form with these patterns before the party signs
                # (his number is wrong once he has gone); the server's check reads them too.
                "mobile": {
                    "type": "text",
                    "max_length": 11,
                    "required": False,
                    "pattern": ESERVICE_MOBILE,
                },
                "email": {
                    "type": "text",
                    "max_length": 254,
                    "required": False,
                    "pattern": ESERVICE_EMAIL,
                },
                "signature": {"type": "text", "max_length": 64, "required": True},
                "signed_on": {"type": "date", "required": True},
            },
            "sets": {
                "eservice_signature": "signature",
                "eservice_consent_on": "signed_on",
                "eservice_consent_by": "$actor",
            },
            "check": "consent_eservice",
        },
        "withdraw_eservice": {
            "label": label("撤回电子送达确认", "Withdraw consent to electronic service"),
            "from": ESERVICE_FROM,
            "to": SAME,
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {"withdrawn_on": {"type": "date", "required": True}},
            "sets": {"eservice_withdrawn_on": "withdrawn_on"},
            "check": "withdraw_eservice",
        },
        "pay": {
            "label": label("缴款", "Payment"),
            "from": ["served"],
            "to": "paid",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": PAYMENT_ARGS,
            "sets": {"paid_on": "paid_on", "paid_fen": "paid_fen"},
            "check": "pay",
            "until": "enforcement_done_on",
            "until_reason": "enforced_by_court",
        },
        # Art. 66: an instalment of an approved plan, not its last (``pay`` is the last).
        "pay_instalment": {
            "label": label("分期缴款", "Pay an instalment"),
            "from": ["served"],
            "to": SAME,
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": PAYMENT_ARGS,
            "check": "pay_instalment",
            "until": "enforcement_done_on",
            "until_reason": "enforced_by_court",
        },
        # Art. 66: 经当事人申请和行政机关批准，可以暂缓或者分期缴纳
        # (sync.cases.defer_payment_art_66).
        "defer_payment": {
            "label": label("批准暂缓或分期缴纳", "Approve deferral or instalments"),
            "from": ["served"],
            "to": SAME,
            "who": CASE_DECIDERS,
            "args": {
                "applied_on": {"type": "date", "required": True},
                "approved_on": {"type": "date", "required": True},
                "reason": {"type": "text", "max_length": 2000, "required": True},
                # One: the whole fine deferred to a later day (暂缓); several: 分期.
                "instalments": {
                    "type": "list",
                    "items": INSTALMENT,
                    "max_items": 12,
                    "required": True,
                },
            },
            "check": "defer_payment",
            "until": "enforcement_done_on",
            "until_reason": "enforced_by_court",
        },
        # Art. 71: money collected on the spot handed in to the agency within 2 working days.
        "hand_in": {
            "label": label("当场收缴罚款交至机关", "Hand in money collected on the spot"),
            "from": ["paid", "closed"],
            "to": SAME,
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {"handed_in_on": {"type": "date", "required": True}},
            "sets": {"handed_in_on": "handed_in_on"},
            "check": "hand_in",
        },
        # 行政强制法 第五十四条: the written demand (催告书) before the court is asked.
        "demand_payment": {
            "label": label("催告履行", "Demand payment"),
            "from": ["served"],
            "to": SAME,
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "served_on": {"type": "date", "required": True},
                "method": choice(SERVICE_METHODS),
                "proof": {"type": "text", "max_length": 500, "required": True},
            },
            "sets": {
                "demand_served_on": "served_on",
                "demand_method": "method",
                "demand_proof": "proof",
            },
            "check": "demand_payment",
            "until": "enforcement_done_on",
            "until_reason": "enforced_by_court",
        },
        # 行政强制法 第五十三条: 申请人民法院强制执行, within its window.
        # 行政强制法 第五十三条: the court is asked only if the party, in the time the law gives
        # him, neither sought reconsideration nor sued. The head records either what he found
        # (no remedy sought, checked once the time is over) or the remedy the party sought,
        # which stops the application (sync.cases.remedy_art_53).
        "confirm_no_remedy": {
            "label": label("确认当事人未申请复议、未起诉", "Confirm no review or suit was sought"),
            "explains": label(
                "行政强制法第五十三条：当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行"
                "的，方可申请人民法院强制执行。请在起诉期限届满后，向复议机关和人民法院核实后确认；"
                "当事人已申请复议或起诉的，请改为记录「当事人申请复议或起诉」。",
                "The court is asked only if the party sought neither review nor a suit in time "
                "(art. 53). Once the time to sue is over, check with the review body and the "
                "court, then confirm; if he did, record that instead.",
            ),
            "commit": label("核实无误，确认", "Checked: confirm"),
            "from": ["served"],
            "to": SAME,
            "who": CASE_DECIDERS,
            "args": {"checked_on": {"type": "date", "required": True}},
            "sets": {"no_remedy_confirmed_on": "checked_on", "no_remedy_confirmed_by": "$actor"},
            "check": "no_remedy_art_53",
            "once": "no_remedy_confirmed_on",
            "once_reason": "no_remedy_confirmed",
            "until": "enforcement_done_on",
            "until_reason": "enforced_by_court",
        },
        "record_remedy": {
            "label": label("当事人申请复议或起诉", "The party sought review or sued"),
            "explains": label(
                "当事人对处罚决定申请行政复议或者提起行政诉讼的，记录其日期和受理机关；此后不得申请"
                "人民法院强制执行（行政强制法第五十三条）。行政处罚不停止执行（行政处罚法第七十三条）。",
                "Record the day and the body: the court can then not be asked to enforce (art. "
                "53). The penalty is not suspended meanwhile (行政处罚法 art. 73).",
            ),
            "from": ["decided", "served"],
            "to": SAME,
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "kind": choice(REMEDY_KINDS),
                "sought_on": {"type": "date", "required": True},
                "body": {"type": "text", "max_length": 200, "required": True},
            },
            "sets": {},
            "check": "record_remedy",
            "until": "enforcement_done_on",
            "until_reason": "enforced_by_court",
        },
        # The review body's decision or the court's judgment on the remedy the party sought.
        # Revoked, the decision no longer binds him: nothing is owed, and the case closes.
        "record_remedy_result": {
            "label": label("记录复议决定或判决结果", "Record the review's or court's outcome"),
            "explains": label(
                "复议决定或判决撤销本处罚决定的，当事人不再负有缴款义务，案件可以结案（已公开的决定"
                "应在三日内撤回，行政处罚法第四十八条）；维持或变更的，按复议决定或判决执行。",
                "Revoked by the review or the court, nothing is owed and the case can close (a "
                "published decision is withdrawn within 3 days, art. 48); upheld or changed, "
                "the review's decision or the judgment is what is carried out.",
            ),
            "from": ["decided", "served"],
            "to": SAME,
            "who": CASE_DECIDERS,
            "after": "remedies",
            "args": {
                "outcome": choice(REMEDY_OUTCOMES),
                "decided_on": {"type": "date", "required": True},
                "document_no": {"type": "text", "max_length": 64, "required": True},
            },
            "sets": {},
            "check": "record_remedy_result",
        },
        "apply_enforcement": {
            "label": label("申请人民法院强制执行", "Ask the court to enforce"),
            "from": ["served"],
            "to": SAME,
            "who": CASE_DECIDERS,
            "args": {
                "applied_on": {"type": "date", "required": True},
                "court": {"type": "text", "max_length": 200, "required": True},
                # What proves it was filed (the court's receipt, 受理通知书).
                "court_receipt": {"type": "text", "max_length": 500, "required": True},
            },
            "sets": {
                "enforcement_applied_on": "applied_on",
                "enforcement_court": "court",
                "enforcement_proof": "court_receipt",
            },
            "check": "apply_enforcement",
            "once": "enforcement_applied_on",
            "once_reason": "enforcement_already_applied",
        },
        # 行政强制法 第五十六条至第五十八条: the court's answers, each once, each on its day and
        # with its number, in the law's order (sync.cases.court_accepted_art_56 …).
        **_court_answers(),
        "close": {
            "label": label("结案", "Close"),
            "explains": label(
                "罚款缴清后，或者人民法院强制执行完毕后结案；人民法院不予受理或者裁定不予执行的，"
                "案件不结案。",
                "A fine closes once paid, or once the court enforced it to the end; not after "
                "the court declined or refused to enforce.",
            ),
            "from": ["served", "paid"],
            "to": "closed",
            "who": CASE_DECIDERS,
            "args": {},
            "sets": {"closed_at": "$now"},
            "check": "close",
        },
        # Art. 57(1)(二)(三) and art. 33: the other ends of an investigation, decided by the
        # head, each on its day, each stopping the 90 days (sync.cases.end_case).
        "decide_no_penalty": {
            "label": label("不予行政处罚", "Decide no penalty"),
            "from": DECISION_RUNNING,
            "to": "not_penalised",
            "who": CASE_DECIDERS,
            "args": {
                "ground": choice(NO_PENALTY_GROUNDS),
                # What the party was taught (art. 33(3)); required for the grounds that say so.
                "education": {"type": "text", "max_length": 2000, "required": False},
                "decided_on": {"type": "date", "required": True},
            },
            "sets": {
                "no_penalty_ground": "ground",
                "education": "education",
                "ended_on": "decided_on",
                "ended_by": "$actor",
            },
            "check": "end_case",
        },
        "find_not_established": _ending(
            label("违法事实不能成立", "Violation not established"), "not_established"
        ),
        # Another agency holds the power (art. 57(1)(四) for a crime: hand_over).
        "transfer_case": {
            "label": label("移送其他行政机关", "Transfer to another agency"),
            "from": DECISION_RUNNING,
            "to": "transferred_out",
            "who": CASE_DECIDERS,
            "args": {
                "agency": {"type": "text", "max_length": 200, "required": True},
                # A county department on the platform: it is addressed the case, receives it
                # and names the case it opened (``receive_transfer``). Another agency (a
                # court, another county's bureau) is named in words alone.
                "department": {"type": "department", "required": False},
                "reason": {"type": "text", "max_length": 2000, "required": True},
                "received_by": {"type": "text", "max_length": 100, "required": True},
                "decided_on": {"type": "date", "required": True},
            },
            "sets": {
                "transferred_agency": "agency",
                "transferred_to": "department",
                "end_reason": "reason",
                "transfer_received_by": "received_by",
                "ended_on": "decided_on",
                "ended_by": "$actor",
            },
            "check": "end_case",
        },
        # The department the case was transferred to receives it and names the case it
        # opened (立案号): the township's case shows where the matter went and what became of
        # it. Only a case addressed to a department (``transferred_to``) can be received.
        "receive_transfer": {
            "label": label("接收移送", "Receive the transfer"),
            "from": ["transferred_out"],
            "to": "transfer_received",
            "who": [ADDRESSEE],
            "args": {
                "case_no": {"type": "text", "max_length": 64, "required": True},
                "received_on": {"type": "date", "required": True},
            },
            "sets": {"department_case_no": "case_no", "transfer_received_on": "received_on"},
        },
        # Or sends it back with its reason (退回), and the county command centre arbitrates
        # (争议协调), as for a transferred clue: the transfer stands, or the township goes
        # on with the case. Its 90 days (art. 60) run from the opening as before; time the
        # unit's rules leave out is recorded as ``excluded_time`` (extend_decision).
        **transfer_dispute("transferred_out", "investigating", _BACK_TO_TOWNSHIP),
        # The township takes the case back itself (撤回移送): before the department received
        # it, or agreeing with the department that sent it back.
        "recall_transfer": {
            "label": label("撤回移送", "Recall transfer"),
            "from": ["transferred_out", "transfer_disputed"],
            "to": "investigating",
            "who": CASE_DECIDERS,
            "args": {"reason": {"type": "text", "max_length": 1000, "required": True}},
            "sets": {"recall_reason": "reason", **_BACK_TO_TOWNSHIP},
        },
        # 撤销立案: an opening that should not have been, revoked by the head with a reason.
        "revoke_opening": _ending(label("撤销立案", "Revoke the opening"), "revoked"),
        # 行刑衔接: a suspected crime goes to the police, with a record of its receipt.
        "hand_over": {
            "label": label("移送公安机关", "Hand to the police"),
            "from": ["investigating", "notified"],
            "to": "handed_over",
            "who": CASE_DECIDERS,
            "args": {
                "police_unit": {"type": "text", "max_length": 200, "required": True},
                "received_by": {"type": "text", "max_length": 100, "required": True},
                "received_at": {"type": "datetime", "required": True},
            },
            "sets": {
                "police_unit": "police_unit",
                "police_received_by": "received_by",
                "police_received_at": "received_at",
            },
        },
        # 行刑衔接 both ways: the police's answer comes back. Accepted, the case stays with
        # them; declined (不予立案), it returns to the team to be penalised as an offence.
        "police_accepted": {
            "label": label("公安机关已立案", "The police opened a case"),
            "from": ["handed_over"],
            "to": SAME,
            "who": CASE_DECIDERS,
            "args": {"replied_on": {"type": "date", "required": True}},
            "sets": {"police_accepted_on": "replied_on"},
        },
        "police_declined": {
            "label": label("公安机关不予立案，退回", "The police declined: back to us"),
            "from": ["handed_over"],
            "to": "investigating",
            "who": CASE_DECIDERS,
            "args": {
                "replied_on": {"type": "date", "required": True},
                "reason": {"type": "text", "max_length": 2000, "required": True},
            },
            "sets": {"police_declined_on": "replied_on", "police_decline_reason": "reason"},
        },
    },
}

# The standard documents (执法文书) a case's records fill, each once the step that records
# ``after`` has happened (the server answers 409 before; the phone offers it only after), and
# for one procedure where a decision differs by procedure. ``offline``: the phone can make it
# on site, offline, from what it holds (issue 22, ``server.cases.offline``; its data by
# ``sync.documents.data``, the settings it prints sent with the reserved number); the others
# need what only the server holds (the evidence it received, the decision's number), and the
# phone says so.
CASE["documents"] = {
    "correction_order": {
        "label": label("责令改正通知书", "Order to correct"),
        "after": "correction_ordered_on",
        "offline": True,
    },
    "preservation_notice": {
        "label": label("先行登记保存通知书", "Evidence preservation notice"),
        "after": "preserved_on",
        # 行政处罚法 第五十六条: handed to the party as the items are kept, so made on site,
        # offline if need be (the phone holds the step's items, place and the head's approval).
        "offline": True,
    },
    # 行政强制法 第三十五条、第五十四条: the written demand before the court is asked.
    "payment_demand": {
        "label": label("催告书", "Demand to pay"),
        "after": "demand_served_on",
    },
    # 行政强制法 第五十五条: the application to the court, once the demand was served, dated
    # within the window (sync.cases.document_waits: the day of the application once it is
    # recorded, else the day it is issued), and issued by the head who signs it.
    "enforcement_application": {
        "label": label("强制执行申请书", "Application to the court to enforce"),
        # It states that no remedy was sought (第五十三条): printed once the head checked.
        "after": "no_remedy_confirmed_on",
        "dated": "enforcement_applied_on",
        "from": "enforcement_from",
        "until": "enforcement_by",
        "who": CASE_DECIDERS,
    },
    "prior_notice": {
        "label": label("行政处罚事先告知书", "Prior notice of penalty"),
        "after": "notified_on",
    },
    "penalty_decision": {
        "label": label("行政处罚决定书", "Penalty decision"),
        "after": "decided_on",
        "procedure": "general",
    },
    "summary_decision": {
        "label": label("当场行政处罚决定书", "On-the-spot penalty decision"),
        "after": "decided_on",
        # 行政处罚法 第五十二条: handed over on the spot, so made there, offline if need be.
        "offline": True,
        "procedure": "summary",
        # Issued once each officer named has vouched (art. 42): the pulled case lists whom
        # it still awaits under this name (sync.cases.on_spot_presence_art_42).
        "awaiting": "on_spot_awaiting",
    },
}

# The step each status of a case waits for, so a screen offers it first: per status, the
# first entry whose ``when`` holds (each field named, a dotted path into the record's fields,
# truthy for ``true``, empty or missing for ``false``, equal for a string). ``inspection``
# names the child record (检查笔录), the rest transitions from that status. A status not
# listed waits for nothing the team does (a closed case, the police's reply). Read by
# ``sync.cases.awaited_step``; the PWA reads the same table.
_THEN_DECIDE = [
    {"step": "approve_review", "when": {"review_required": True, "reviewed_by": False}},
    {"step": "discuss", "when": {"major_violation": True, "discussed_on": False}},
    {"step": "decide", "when": {}},
]
CASE["awaits"] = {
    "proposed": [
        {"step": "decide_on_spot", "when": {"procedure": "summary"}},
        {"step": "approve_opening", "when": {}},
    ],
    "investigating": [
        {"step": "inspection", "when": {"inspections": False}},
        {
            "step": "decide_preserved",
            "when": {"preserved_on": True, "preservation_decided_on": False},
        },
        {"step": "notify", "when": {}},
    ],
    "notified": [{"step": "record_statement", "when": {"statements": False}}, *_THEN_DECIDE],
    "hearing": [{"step": "record_hearing", "when": {}}],
    "heard": _THEN_DECIDE,
    "reviewed": _THEN_DECIDE[1:],
    "discussed": _THEN_DECIDE[2:],
    "decided": [{"step": "serve", "when": {}}],
    "served": [
        # The court's answers in the law's order, the last recorded first (行政强制法 第五十六条
        # 至第五十八条): enforced to the end, the case closes; ruled to enforce, the enforcement
        # is awaited; accepted, the ruling (after a refusal: the court above's, on
        # reconsideration); asked, the acceptance (after a refusal to accept: the court
        # above's). After the demand (催告), the team's next act is the court (第五十三条).
        {"step": "close", "when": {"enforcement_done_on": True}},
        {"step": "court_enforced", "when": {"enforcement_ordered_on": True}},
        {"step": "court_ordered", "when": {"enforcement_accepted_on": True}},
        {"step": "court_accepted", "when": {"enforcement_applied_on": True}},
        {
            "step": "confirm_no_remedy",
            "when": {"demand_served_on": True, "no_remedy_confirmed_on": False, "remedies": False},
        },
        {
            "step": "apply_enforcement",
            "when": {"demand_served_on": True, "no_remedy_confirmed_on": True},
        },
        {"step": "pay", "when": {"penalty.amount_fen": True}},
        {"step": "close", "when": {}},
    ],
    "paid": [
        {"step": "hand_in", "when": {"hand_in_due": True, "handed_in_on": False}},
        {"step": "close", "when": {}},
    ],
    "closed": [{"step": "file_summary", "when": {"procedure": "summary", "filed_on": False}}],
}
