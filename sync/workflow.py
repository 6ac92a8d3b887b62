"""The workflow, declared once as data: record types, their fields and who may edit them in
which states, the statuses, the transitions and who may make them.

The server enforces it (``sync.rules``) and serves it as JSON (``export``) for the PWA, so an
offline screen offers only what the server will accept. ``who`` lists role names (which also
need the record to be in the actor's jurisdiction) and relations to the record:
``reporter`` (he reported it), ``assignee`` (it is assigned to him, or to his team when no
one is named) and ``taker`` (he took it).

A transition's ``sets`` names where each field's value comes from: an argument, ``$actor``,
``$now`` (the server's time), ``$first_now`` (the server's time, unless the field already
holds one: the command room's first answer stays the time it answered) or ``$null`` (cleared:
a returned report is no longer handled).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sync.legal import WARN_AT_DAYS

DISSUASION_RESULTS = ["stopped", "refused", "nobody_present"]
# A transition's "to" that keeps the record in the status it is in.
SAME = "$same"
HANDLING_OUTCOMES = ["corrected_on_spot", "case_opened", "no_violation", "transfer_needed"]
SUPERVISORS = ["dispatcher", "leader"]
# Evidence files (证据): what the server accepts, checked again on the bytes themselves.
EVIDENCE_KINDS = ["photo"]
PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"]
# The compressed copy a phone sends first on a bad network (tier 1): made by the app's canvas.
COPY_TYPES = ["image/jpeg", "image/webp"]
FILE_MAX_BYTES = 40 * 1024 * 1024  # advertised by the upload endpoint (Tus-Max-Size) too
STAFF = ["officer", "dispatcher", "leader", "reviewer"]


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


# What a screen shows for each choice; the values are what the rules check.
CHOICE_LABELS = {
    "stopped": _label("已制止", "Stopped"),
    "refused": _label("拒不听从", "Refused"),
    "nobody_present": _label("现场无人", "Nobody present"),
    "corrected_on_spot": _label("当场整改", "Corrected on the spot"),
    "case_opened": _label("已立案", "Case opened"),
    "no_violation": _label("不构成违法", "No violation"),
    "transfer_needed": _label("需移送部门", "Transfer needed"),
    # Cases: who the party is, what the penalty is (行政处罚法 第九条), how it is decided.
    "person": _label("公民", "Person"),
    "organisation": _label("法人或其他组织", "Organisation"),
    "warning": _label("警告", "Warning"),
    "public_criticism": _label("通报批评", "Public criticism"),
    "fine": _label("罚款", "Fine"),
    "confiscate_gains": _label("没收违法所得", "Confiscate illegal gains"),
    "confiscate_property": _label("没收非法财物", "Confiscate illegal property"),
    "suspend_licence": _label("暂扣许可证件", "Suspend licence"),
    "lower_qualification": _label("降低资质等级", "Lower qualification"),
    "revoke_licence": _label("吊销许可证件", "Revoke licence"),
    "limit_business": _label("限制开展生产经营活动", "Limit business"),
    "suspend_business": _label("责令停产停业", "Suspend business"),
    "order_closure": _label("责令关闭", "Order closure"),
    "limit_practice": _label("限制从业", "Limit practice"),
    "other": _label("其他", "Other"),
    "summary": _label("简易程序", "Summary procedure"),
    "general": _label("普通程序", "General procedure"),
    "none": _label("无危害后果", "No harm"),
    "slight": _label("危害后果轻微", "Slight harm"),
    "harmful": _label("有危害后果", "Harmful"),
    "major_public_interest": _label("涉及重大公共利益", "Major public interest"),
    "major_rights": _label("直接关系当事人或第三人重大权益", "Major rights at stake"),
    "complex_case": _label("案件情况疑难复杂", "Complex case"),
    "required_by_law": _label("法律、法规规定的其他情形", "Required by law"),
    "in_person": _label("直接送达", "In person"),
    "left_at_address": _label("留置送达", "Left at the address"),
    "post": _label("邮寄送达", "By post"),
    "electronic": _label("电子送达", "Electronic"),
    "public_notice": _label("公告送达", "Public notice"),
    "extension": _label("延长期限", "A longer period"),
    "excluded_time": _label("不计入期限的时间", "Time not counted"),
    # What a township asks a department for (seeds 004: 认定、技术鉴定、提供咨询意见、提供资料).
    "determination": _label("认定", "Determination"),
    "appraisal": _label("技术鉴定", "Technical appraisal"),
    "advice": _label("提供咨询意见", "Advice"),
    "materials": _label("提供资料", "Materials"),
}


def _labels(choices: list[str]) -> dict[str, dict[str, str]]:
    return {c: CHOICE_LABELS[c] for c in choices}


CLUE_STATUSES = {
    "reported": _label("已上报", "Reported"),
    "accepted": _label("已受理", "Accepted"),
    "rejected": _label("不予受理", "Rejected"),
    "duplicate": _label("重复线索", "Duplicate"),
    "assigned": _label("已交办", "Assigned"),
    "in_progress": _label("处置中", "In progress"),
    "handled": _label("已处置", "Handled"),
    "closed": _label("已办结", "Closed"),
    "withdrawn": _label("已撤回", "Withdrawn"),
    "transferred": _label("已移送部门", "Transferred"),
}

# Statuses after which a clue is finished; children appended then are flagged late (R3).
CLUE_CLOSED = ["rejected", "duplicate", "closed", "withdrawn", "transferred"]
# A withdrawn clue is a tombstone on every device (R10).
CLUE_TOMBSTONE = ["withdrawn"]

_REPORTED_FACT = [{"who": ["reporter"], "in": ["reported"]}]

WORKFLOW: dict[str, Any] = {
    "clue": {
        "label": _label("线索", "Clue"),
        "create": {"who": ["grid_worker", "officer", "dispatcher"], "status": "reported"},
        "statuses": CLUE_STATUSES,
        "closed": CLUE_CLOSED,
        "tombstone": CLUE_TOMBSTONE,
        # Clocks: a field holding a due time, the statuses in which it runs, and how many
        # days before it the console warns; past it the record is overdue (the console's
        # overdue list, the dashboard's 在办超期).
        "clocks": {"deadline": {"running": ["assigned", "in_progress"], "warn_days": [1]}},
        "fields": {
            "matter_code": {
                "type": "matter",
                "required": True,
                # The command room may reclassify until the clue is assigned.
                "edit": [*_REPORTED_FACT, {"who": SUPERVISORS, "in": ["reported", "accepted"]}],
            },
            # Where it happened decides whose jurisdiction the clue is in, on every device:
            # it is fixed at report. A wrong place is withdrawn and reported again, so no
            # record ever leaves a device's view without its owner's view changing (R10).
            "unit_code": {"type": "unit", "required": False, "edit": []},
            "location": {"type": "location", "required": True, "edit": _REPORTED_FACT},
            "address": {
                "type": "text",
                "max_length": 300,
                "required": False,
                "edit": _REPORTED_FACT,
            },
            "description": {
                "type": "text",
                "max_length": 4000,
                "required": False,
                "edit": _REPORTED_FACT,
            },
            "dissuasion": {
                "type": "dissuasion",
                "choices": DISSUASION_RESULTS,
                "labels": _labels(DISSUASION_RESULTS),
                "required": True,
                "edit": _REPORTED_FACT,
            },
        },
        # Set by the server or by transitions; never edited directly.
        "read_only": [
            "status",
            "code",
            "reporter_id",
            "reject_reason",
            "duplicate_of",
            "assignee_id",
            "deadline",
            "taken_by",
            "taken_at",
            "responded_at",
            "handled_at",
            "closed_at",
            "handling_outcome",
            "handling_note",
            "feedback",
            "rating",
            "rating_comment",
            "transferred_to",
            "transfer_note",
            "return_comment",
        ],
        "transitions": {
            "withdraw": {
                "label": _label("撤回", "Withdraw"),
                "from": ["reported"],
                "to": "withdrawn",
                "who": ["reporter"],
                "args": {},
            },
            "accept": {
                "label": _label("受理", "Accept"),
                "from": ["reported"],
                "to": "accepted",
                "who": SUPERVISORS,
                "args": {},
                "sets": {"responded_at": "$first_now"},
            },
            "reject": {
                "label": _label("不予受理", "Reject"),
                "from": ["reported"],
                "to": "rejected",
                "who": SUPERVISORS,
                "args": {"reason": {"type": "text", "max_length": 1000, "required": True}},
                "sets": {"reject_reason": "reason", "responded_at": "$first_now"},
            },
            "mark_duplicate": {
                "label": _label("标记重复", "Mark duplicate"),
                "from": ["reported", "accepted"],
                "to": "duplicate",
                "who": SUPERVISORS,
                "args": {
                    "duplicate_of": {"type": "record", "record_type": "clue", "required": True}
                },
                "sets": {"duplicate_of": "duplicate_of", "responded_at": "$first_now"},
            },
            # 移送: a matter the township holds no power for goes, in the township's name, to
            # the department the catalogue names, with its evidence (sync.cases.transfer).
            "transfer": {
                "label": _label("移送部门", "Transfer"),
                "from": ["reported", "accepted"],
                "to": "transferred",
                "who": SUPERVISORS,
                "args": {"note": {"type": "text", "max_length": 2000, "required": False}},
                "sets": {"transfer_note": "note", "responded_at": "$first_now"},
                "check": "transfer",
            },
            "assign": {
                "label": _label("交办", "Assign"),
                "from": ["accepted", "assigned"],
                "to": "assigned",
                "who": SUPERVISORS,
                "args": {
                    # None: the township's team; any of its officers may take it.
                    "assignee_id": {"type": "officer", "required": False},
                    "deadline": {"type": "datetime", "required": True},
                },
                "sets": {"assignee_id": "assignee_id", "deadline": "deadline"},
            },
            "take": {
                "label": _label("接单", "Take"),
                "from": ["assigned"],
                "to": "in_progress",
                "who": ["assignee"],
                "args": {},
                "sets": {"taken_by": "$actor", "taken_at": "$now"},
            },
            "handle": {
                "label": _label("处置反馈", "Record handling"),
                "from": ["in_progress"],
                "to": "handled",
                "who": ["taker"],
                "args": {
                    "outcome": {
                        "type": "choice",
                        "choices": HANDLING_OUTCOMES,
                        "labels": _labels(HANDLING_OUTCOMES),
                        "required": True,
                    },
                    "note": {"type": "text", "max_length": 4000, "required": False},
                },
                "sets": {
                    "handling_outcome": "outcome",
                    "handling_note": "note",
                    "handled_at": "$now",
                },
            },
            "close": {
                "label": _label("办结", "Close"),
                "from": ["handled"],
                "to": "closed",
                "who": SUPERVISORS,
                "args": {"feedback": {"type": "text", "max_length": 2000, "required": True}},
                "sets": {"feedback": "feedback", "closed_at": "$now"},
            },
            # The command room sends a report back with what is missing; the officer who
            # took it carries on (it stays his) and reports again.
            "return": {
                "label": _label("退回补充", "Return"),
                "from": ["handled"],
                "to": "in_progress",
                "who": SUPERVISORS,
                "args": {"comment": {"type": "text", "max_length": 2000, "required": True}},
                "sets": {"return_comment": "comment", "handled_at": "$null"},
            },
            "rate": {
                "label": _label("评价", "Rate"),
                "from": ["closed"],
                "to": "closed",
                "who": ["reporter"],
                "args": {
                    "rating": {"type": "int", "min": 1, "max": 5, "required": True},
                    "comment": {"type": "text", "max_length": 1000, "required": False},
                },
                "sets": {"rating": "rating", "rating_comment": "comment"},
                "once": "rating",  # a second rating is rejected: already_rated
            },
        },
    },
    "clue_note": {
        "label": _label("线索备注", "Clue note"),
        # Append-only child (R3): accepted whenever the actor may write the parent.
        "parent": "clue",
        "append_only": True,
        # The reporter, the grid workers of the clue's grid, and staff of its township.
        "create": {"who": ["reporter", "grid_worker", *STAFF]},
        "fields": {
            "kind": {
                "type": "choice",
                "choices": ["note", "dissuasion", "handling"],
                "required": True,
            },
            "text": {"type": "text", "max_length": 4000, "required": True},
        },
        "transitions": {},
    },
    "evidence": {
        "label": _label("证据", "Evidence"),
        # Append-only child (R3): the facts of a capture never change. The bytes go
        # separately, by content (the upload endpoint), checked against ``original.sha256``,
        # which the device computed at capture. ``copy`` is the compressed copy a phone
        # sends first on a bad network, linked to the original by this record.
        "parent": "clue",
        "append_only": True,
        "create": {"who": ["reporter", "grid_worker", *STAFF], "status": "included"},
        "statuses": {
            "included": _label("有效", "Included"),
            "excluded": _label("已排除", "Excluded"),
        },
        "closed": [],
        "fields": {
            "kind": {"type": "choice", "choices": EVIDENCE_KINDS, "required": True},
            "original": {
                "type": "file",
                "media_types": PHOTO_TYPES,
                "max_size": FILE_MAX_BYTES,
                "required": True,
            },
            "copy": {
                "type": "file",
                "media_types": COPY_TYPES,
                "max_size": FILE_MAX_BYTES,
                "required": False,
            },
            "captured_at": {"type": "datetime", "required": True},
            "location": {"type": "location", "required": False},
            "note": {"type": "text", "max_length": 1000, "required": False},
        },
        # Set by the server: who captured it, whether it stands, what the bytes showed.
        "read_only": ["status", "author_id", "exclude_reason", "excluded_by", "excluded_at"],
        "transitions": {
            # R10: evidence is never deleted; a supervisor may exclude it, with a reason.
            "exclude": {
                "label": _label("排除证据", "Exclude"),
                "from": ["included"],
                "to": "excluded",
                "who": SUPERVISORS,
                "args": {"reason": {"type": "text", "max_length": 1000, "required": True}},
                "sets": {
                    "exclude_reason": "reason",
                    "excluded_by": "$actor",
                    "excluded_at": "$now",
                },
            },
        },
    },
    "conflict": {
        "label": _label("同步冲突", "Sync conflict"),
        # Made by the server when the rules keep a device's value aside (R4, R6).
        "server_made": True,
        "statuses": {"open": _label("待处理", "Open"), "resolved": _label("已处理", "Resolved")},
        "fields": {},
        "transitions": {
            "resolve": {
                "label": _label("处理冲突", "Resolve"),
                "from": ["open"],
                "to": "resolved",
                "who": SUPERVISORS,
                "args": {
                    "keep": {"type": "choice", "choices": ["server", "device"], "required": True}
                },
            },
        },
    },
}

# -- Cases (案件): the Administrative Penalty Law's procedure --------------------------------
# Each transition's ``check`` names the rule in ``sync.cases`` that R5 applies besides who
# and from where: the law's conditions (two certified officers, the prior notice, the legal
# review, the hearing window, the 90 days) and the dates the step starts counting.

PARTY_KINDS = ["person", "organisation"]  # 公民 / 法人或者其他组织 (sync.legal.PARTY_KINDS)
PENALTY_KINDS = [  # 行政处罚法 第九条 (sync.legal.PENALTY_KINDS)
    "warning",
    "public_criticism",
    "fine",
    "confiscate_gains",
    "confiscate_property",
    "suspend_licence",
    "lower_qualification",
    "revoke_licence",
    "limit_business",
    "suspend_business",
    "order_closure",
    "limit_practice",
    "other",
]
PROCEDURES = ["summary", "general"]  # 简易程序 / 普通程序
CONSEQUENCES = ["none", "slight", "harmful"]
# Art. 58's grounds for legal review a person establishes (the amount is the rules' own).
REVIEW_GROUNDS = ["major_public_interest", "major_rights", "complex_case", "required_by_law"]
SERVICE_METHODS = ["in_person", "left_at_address", "post", "electronic", "public_notice"]
CASE_OFFICERS = ["officer"]
CASE_DECIDERS = ["leader"]
CASE_REVIEWERS = ["reviewer"]

PARTY = {
    "type": "object",
    "properties": {
        "kind": {
            "type": "choice",
            "choices": PARTY_KINDS,
            "labels": _labels(PARTY_KINDS),
            "required": True,
        },
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
        "kind": {
            "type": "choice",
            "choices": PENALTY_KINDS,
            "labels": _labels(PENALTY_KINDS),
            "required": True,
        },
        # Money is whole fen, always; 0 for a penalty that is not paid. ``unit`` tells a
        # form to show yuan.
        "amount_fen": {"type": "int", "min": 0, "max": 10**13, "unit": "fen", "required": True},
    },
}
CASE_STATUSES = {
    "proposed": _label("待立案审批", "Awaiting opening"),
    "investigating": _label("调查取证", "Investigating"),
    "notified": _label("已告知", "Notified"),
    "hearing": _label("听证中", "Hearing requested"),
    "heard": _label("已听证", "Heard"),
    "reviewed": _label("已法制审核", "Legally reviewed"),
    "discussed": _label("已集体讨论", "Discussed by the heads"),
    "decided": _label("已决定", "Decided"),
    "served": _label("已送达", "Served"),
    "paid": _label("已缴款", "Paid"),
    "closed": _label("已结案", "Closed"),
    "not_opened": _label("不予立案", "Not opened"),
    "handed_over": _label("已移送公安", "Handed to the police"),
}
_CASE_FACT = [{"who": ["reporter", *CASE_OFFICERS], "in": ["proposed", "investigating"]}]
# Art. 34: the level (阶次) of the matter's published discretion standard a fine is set by;
# the levels are the catalogue's (a matter without a standard needs none: sync.cases).
DISCRETION_LEVEL = {"type": "discretion", "required": False}
# Where the 90 days of art. 60 run: from the opening to the decision.
DECISION_RUNNING = ["investigating", "notified", "hearing", "heard", "reviewed", "discussed"]
# An extension of them: a longer period, or time left out of it (听证、鉴定…不计入).
EXTENSION_KINDS = ["extension", "excluded_time"]


def _case_field(spec: dict[str, Any]) -> dict[str, Any]:
    return {**spec, "edit": _CASE_FACT}


WORKFLOW["case"] = {
    "label": _label("案件", "Case"),
    # A case comes from a clue (parent_id) and is in the clue's jurisdiction; only staff
    # see it (the party's personal data).
    "parent": "clue",
    "create": {"who": CASE_OFFICERS, "status": "proposed", "check": "propose"},
    "statuses": CASE_STATUSES,
    "closed": ["closed", "not_opened", "handed_over"],
    # The team's own deadlines on a case, each a last allowed day, running in the statuses
    # named and until the "until" field is filled; warned that many days before:
    # art. 60, the decision within 90 days of opening (warned at sync.legal.WARN_AT_DAYS);
    # art. 56, the preserved evidence decided on within 7 working days; art. 61, the decision
    # served within 7 working days; art. 67, 72, the fine paid within 15 days, after which the
    # surcharge runs and enforcement is for the team to start. (The party's hearing window
    # is not the team's deadline: it is shown, not chased.)
    "clocks": {
        "decision_due": {"running": DECISION_RUNNING, "warn_days": list(WARN_AT_DAYS)},
        "preservation_due": {
            "running": ["investigating"],
            "until": "preservation_decided_on",
            "warn_days": [3, 1],
        },
        "service_due": {"running": ["decided"], "warn_days": [3, 1]},
        "payment_due": {"running": ["served"], "warn_days": [3, 1]},
    },
    "fields": {
        "procedure": {
            "type": "choice",
            "choices": PROCEDURES,
            "labels": _labels(PROCEDURES),
            "required": True,
            "edit": [],
        },
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
        "consequence": _case_field(
            {
                "type": "choice",
                "choices": CONSEQUENCES,
                "labels": _labels(CONSEQUENCES),
                "required": False,
            }
        ),
        # Art. 57(2): 对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定.
        "major_violation": _case_field({"type": "bool", "required": False}),
        "review_grounds": _case_field(
            {
                "type": "choices",
                "choices": REVIEW_GROUNDS,
                "labels": _labels(REVIEW_GROUNDS),
                "required": False,
            }
        ),
    },
    "read_only": [
        "status",
        "code",
        "reporter_id",
        "limitation_expired",
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
        "notified_on",
        "hearing_grounds",
        "hearing_request_due",
        "hearing_requested_on",
        "hearing_notice_on",
        "heard_on",
        "hearing_summary",
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
        "payment_due",
        "paid_on",
        "paid_fen",
        "surcharge_fen",
        "closed_at",
        "police_unit",
        "police_received_by",
        "police_received_at",
    ],
    "transitions": {
        "approve_opening": {
            "label": _label("批准立案", "Approve opening"),
            "from": ["proposed"],
            "to": "investigating",
            "who": CASE_DECIDERS,
            "args": {},
            "sets": {"opened_at": "$now", "opened_by": "$actor"},
            "check": "approve_opening",
        },
        "not_open": {
            "label": _label("不予立案", "Do not open"),
            "from": ["proposed"],
            "to": "not_opened",
            "who": CASE_DECIDERS,
            "args": {"reason": {"type": "text", "max_length": 2000, "required": True}},
            "sets": {"not_opened_reason": "reason"},
        },
        "decide_on_spot": {
            "label": _label("当场处罚", "Decide on the spot"),
            "from": ["proposed"],
            "to": "decided",
            "who": ["reporter"],
            "args": {
                "penalty": {**PENALTY, "required": True},
                "discretion_level": DISCRETION_LEVEL,
                "certificate_shown": {"type": "bool", "required": True},
            },
            "sets": {
                "penalty": "penalty",
                "certificate_shown": "certificate_shown",
                "decided_by": "$actor",
            },
            "check": "decide_on_spot",
        },
        "preserve": {
            "label": _label("先行登记保存", "Preserve evidence"),
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
            "label": _label("责令改正", "Order to correct"),
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
            "label": _label("登记保存处理决定", "Decide on preserved evidence"),
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
            "label": _label("处罚告知", "Prior notice"),
            "from": ["investigating"],
            "to": "notified",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "penalty": {**PENALTY, "required": True},
                "discretion_level": DISCRETION_LEVEL,
                "notified_on": {"type": "date", "required": True},
            },
            "sets": {"proposed_penalty": "penalty", "notified_on": "notified_on"},
            "check": "notify",
        },
        "request_hearing": {
            "label": _label("申请听证", "Hearing requested"),
            # A review passed before the party's 5 days ran out takes no right away.
            "from": ["notified", "reviewed"],
            "to": "hearing",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {"requested_on": {"type": "date", "required": True}},
            "sets": {"hearing_requested_on": "requested_on"},
            "check": "request_hearing",
        },
        "record_hearing": {
            "label": _label("听证记录", "Record the hearing"),
            "from": ["hearing"],
            "to": "heard",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "notice_on": {"type": "date", "required": True},
                "held_on": {"type": "date", "required": True},
                "summary": {"type": "text", "max_length": 8000, "required": True},
            },
            "sets": {
                "hearing_notice_on": "notice_on",
                "heard_on": "held_on",
                "hearing_summary": "summary",
            },
            "check": "record_hearing",
        },
        "approve_review": {
            "label": _label("法制审核通过", "Review passed"),
            "from": ["notified", "heard"],
            "to": "reviewed",
            "who": CASE_REVIEWERS,
            "args": {"opinion": {"type": "text", "max_length": 4000, "required": True}},
            "sets": {"review_opinion": "opinion", "reviewed_by": "$actor"},
            "check": "review",
        },
        "return_review": {
            "label": _label("审核退回", "Return for more work"),
            "from": ["notified", "heard"],
            "to": "investigating",
            "who": CASE_REVIEWERS,
            "args": {"opinion": {"type": "text", "max_length": 4000, "required": True}},
            "sets": {"review_opinion": "opinion", "reviewed_by": "$actor"},
        },
        # Art. 60: 法律、法规、规章另有规定的，从其规定: the leader approves a longer period, or
        # time a rule leaves out of it (a hearing, an appraisal), naming that rule
        # (sync.cases.extend_decision). The case stays where it is.
        "extend_decision": {
            "label": _label("延长办案期限", "Extend the time to decide"),
            "from": DECISION_RUNNING,
            "to": SAME,
            "who": CASE_DECIDERS,
            "args": {
                "kind": {
                    "type": "choice",
                    "choices": EXTENSION_KINDS,
                    "labels": _labels(EXTENSION_KINDS),
                    "required": True,
                },
                "days": {"type": "int", "min": 1, "max": 365, "required": True},
                "basis": {"type": "text", "max_length": 500, "required": True},
                "reason": {"type": "text", "max_length": 2000, "required": True},
                "approved_on": {"type": "date", "required": True},
            },
            "check": "extend_decision",
        },
        # Art. 57(2): the heads discuss a complex or major violation together before the
        # decision (sync.cases.discuss), after the notice and any review and hearing.
        "discuss": {
            "label": _label("负责人集体讨论", "Collective discussion"),
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
        },
        "decide": {
            "label": _label("作出处罚决定", "Decide"),
            "from": ["notified", "heard", "reviewed", "discussed"],
            "to": "decided",
            "who": CASE_DECIDERS,
            "args": {
                "penalty": {**PENALTY, "required": True},
                "discretion_level": DISCRETION_LEVEL,
            },
            "sets": {"penalty": "penalty", "decided_by": "$actor"},
            "check": "decide",
        },
        "serve": {
            "label": _label("送达", "Serve"),
            "from": ["decided"],
            "to": "served",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "served_on": {"type": "date", "required": True},
                "method": {
                    "type": "choice",
                    "choices": SERVICE_METHODS,
                    "labels": _labels(SERVICE_METHODS),
                    "required": True,
                },
            },
            "sets": {"served_on": "served_on", "service_method": "method"},
            "check": "serve",
        },
        "pay": {
            "label": _label("缴款", "Payment"),
            "from": ["served"],
            "to": "paid",
            "who": [*CASE_OFFICERS, *CASE_DECIDERS],
            "args": {
                "paid_on": {"type": "date", "required": True},
                "paid_fen": {"type": "int", "min": 1, "max": 2 * 10**13, "required": True},
            },
            "sets": {"paid_on": "paid_on", "paid_fen": "paid_fen"},
            "check": "pay",
        },
        "close": {
            "label": _label("结案", "Close"),
            "from": ["served", "paid"],
            "to": "closed",
            "who": CASE_DECIDERS,
            "args": {},
            "sets": {"closed_at": "$now"},
            "check": "close",
        },
        # 行刑衔接: a suspected crime goes to the police, with a record of its receipt.
        "hand_over": {
            "label": _label("移送公安机关", "Hand to the police"),
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
    },
}

# The standard documents (执法文书) a case's records fill, each once the step that records
# ``after`` has happened (the server answers 409 before; the phone offers it only after), and
# for one procedure where a decision differs by procedure.
WORKFLOW["case"]["documents"] = {
    "correction_order": {
        "label": _label("责令改正通知书", "Order to correct"),
        "after": "correction_ordered_on",
    },
    "preservation_notice": {
        "label": _label("先行登记保存通知书", "Evidence preservation notice"),
        "after": "preserved_on",
    },
    "prior_notice": {
        "label": _label("行政处罚事先告知书", "Prior notice of penalty"),
        "after": "notified_on",
    },
    "penalty_decision": {
        "label": _label("行政处罚决定书", "Penalty decision"),
        "after": "decided_on",
        "procedure": "general",
    },
    "summary_decision": {
        "label": _label("当场行政处罚决定书", "On-the-spot penalty decision"),
        "after": "decided_on",
        "procedure": "summary",
    },
}

WORKFLOW["inspection"] = {
    "label": _label("现场检查笔录", "Inspection record"),
    # Append-only child of a case (R3): what the officers found, never edited afterwards.
    "parent": "case",
    "append_only": True,
    "create": {"who": CASE_OFFICERS, "check": "inspect"},
    "documents": {"inspection_record": {"label": _label("现场检查笔录", "Inspection record")}},
    "fields": {
        "officers": {"type": "officers", "required": True, "max_items": 10},
        "started_at": {"type": "datetime", "required": True},
        "ended_at": {"type": "datetime", "required": True},
        "place": {"type": "text", "max_length": 300, "required": True},
        "findings": {"type": "text", "max_length": 8000, "required": True},
        "certificates_shown": {"type": "bool", "required": True},
        "party_present": {"type": "bool", "required": True},
        "party_refusal": {"type": "text", "max_length": 1000, "required": False},
        "location": {"type": "location", "required": False},
    },
    "read_only": ["author_id"],
    "transitions": {},
}


# -- Collaboration requests (执法协作申请) -----------------------------------------------------
# Seeds 004: a township that, investigating a violation, needs a county department to make a
# determination, an appraisal, give advice or provide materials files a collaboration request
# (执法协作申请) through the platform; the department answers within 5 working days, 10 when
# the matter is complex and the period is extended once (sync.legal.collaboration_due). The
# township keeps the request and records the answer; the clock runs until it is answered.
COLLABORATION_KINDS = ["determination", "appraisal", "advice", "materials"]
COLLABORATION_ACTORS = ["officer", *SUPERVISORS]

WORKFLOW["collaboration"] = {
    "label": _label("执法协作申请", "Collaboration request"),
    # A child of a case (查处违法行为过程中), in its jurisdiction: staff only, like the case.
    "parent": "case",
    "create": {
        "who": COLLABORATION_ACTORS,
        "status": "requested",
        "check": "request_collaboration",
    },
    "statuses": {
        "requested": _label("待部门反馈", "Awaiting the answer"),
        "answered": _label("部门已反馈", "Answered"),
        "withdrawn": _label("已撤回", "Withdrawn"),
    },
    "closed": ["answered", "withdrawn"],
    # The department's 5 (or 10) working days, a last allowed day; warned 3 and 1 days before.
    "clocks": {"due": {"running": ["requested"], "warn_days": [3, 1]}},
    "fields": {
        # What was sent is what the department received: never edited afterwards.
        "department": {"type": "department", "required": True, "edit": []},
        "kind": {
            "type": "choice",
            "choices": COLLABORATION_KINDS,
            "labels": _labels(COLLABORATION_KINDS),
            "required": True,
            "edit": [],
        },
        "question": {"type": "text", "max_length": 4000, "required": True, "edit": []},
        # The day it was sent (the department's 5 working days start the next day).
        "sent_on": {"type": "date", "required": True, "edit": []},
    },
    "read_only": [
        "status",
        "code",
        "reporter_id",
        "due",
        "extended",
        "extended_on",
        "extension_reason",
        "answered_on",
        "answer",
        "answered_by",
        "answered_late",
        "withdraw_reason",
        "withdrawn_at",
    ],
    "transitions": {
        # 情况复杂的可延长5个工作日: once, asked for within the first 5 days.
        "extend": {
            "label": _label("延长反馈期限", "Extend"),
            "from": ["requested"],
            "to": "requested",
            "who": COLLABORATION_ACTORS,
            "args": {
                "extended_on": {"type": "date", "required": True},
                "reason": {"type": "text", "max_length": 1000, "required": True},
            },
            "sets": {"extended_on": "extended_on", "extension_reason": "reason"},
            "check": "extend_collaboration",
        },
        "answer": {
            "label": _label("登记部门反馈", "Record the answer"),
            "from": ["requested"],
            "to": "answered",
            "who": COLLABORATION_ACTORS,
            "args": {
                "answered_on": {"type": "date", "required": True},
                "answer": {"type": "text", "max_length": 8000, "required": True},
            },
            "sets": {"answered_on": "answered_on", "answer": "answer", "answered_by": "$actor"},
            "check": "answer_collaboration",
        },
        "withdraw": {
            "label": _label("撤回申请", "Withdraw"),
            "from": ["requested"],
            "to": "withdrawn",
            "who": ["reporter", *SUPERVISORS],
            "args": {"reason": {"type": "text", "max_length": 1000, "required": True}},
            "sets": {"withdraw_reason": "reason", "withdrawn_at": "$now"},
        },
    },
}

# Reason codes of rejections and conflicts, with what to tell the person and what to do.
REASONS: dict[str, dict[str, str]] = {
    "not_found": _label("记录不存在或不在您的辖区内。", "No such record in your jurisdiction."),
    "forbidden": _label("您的角色不能执行此操作。", "Your role may not do this."),
    "invalid": _label("填写的内容有误，请修改后重新提交。", "Some fields are invalid."),
    "id_conflict": _label(
        "该编号已被其他记录使用，请联系管理员。", "This id is already used by another record."
    ),
    "already_taken": _label(
        "该任务已被其他队员接单；您的照片和记录已保留并附在线索上。",
        "Another officer took this task first; your evidence is kept.",
    ),
    "not_assignee": _label("该任务未交办给您。", "This task is not assigned to you."),
    "already_rated": _label("您已评价过。", "You have already rated this."),
    "no_hard_delete": _label(
        "现场终端不能删除记录；草稿可撤回，证据由指挥室排除。",
        "Field devices never delete; withdraw a draft instead.",
    ),
    "unknown_transition": _label("不支持的操作，请更新应用。", "Unknown action; update the app."),
    "locked": _label(
        "该内容已受理或审批，已锁定；您的修改已保留，等待指挥室处理。",
        "Locked after approval; your change is kept for a supervisor.",
    ),
    "concurrent_edit": _label(
        "他人同时修改了此项；您的修改已保留，等待指挥室处理。",
        "Someone else changed this meanwhile; your value is kept.",
    ),
    "parent_missing": _label("所属线索不存在。", "The parent record does not exist."),
    "mutation_reused": _label("操作编号重复，请更新应用。", "Mutation id reused."),
}
REASONS["evidence_excluded"] = _label(
    "该证据已被排除。", "This evidence has already been excluded."
)
REASONS["conflict_stale"] = _label(
    "冲突产生后该项又被修改，请查看最新值后重新处理。",
    "The value changed again since the conflict opened; look at it again.",
)
REASONS["conflict_resolved"] = _label(
    "该冲突已由他人处理。", "This conflict has already been resolved."
)
# Refusals of the case rules (sync.cases), each naming the article that forbids the step.
REASONS.update(
    {
        "procedure_mismatch": _label(
            "该步骤不属于本案适用的程序（简易/普通）。",
            "This step is not part of the case's procedure.",
        ),
        "summary_not_allowed_for_matter": _label(
            "该执法事项不适用简易程序，请按普通程序办理。",
            "The catalogue does not allow the summary procedure for this matter.",
        ),
        "summary_fine_over_limit": _label(
            "当场处罚仅限警告或对公民200元以下、对单位3000元以下罚款（行政处罚法第五十一条）。",
            "On the spot: a warning, or a fine up to 200 yuan (person) or 3,000 (organisation).",
        ),
        "summary_penalty_not_allowed": _label(
            "当场处罚只能是警告或罚款（行政处罚法第五十一条）。",
            "On the spot only a warning or a fine (art. 51).",
        ),
        "summary_facts_not_conclusive": _label(
            "违法事实不确凿，不能适用简易程序（第五十一条）。", "Facts not conclusive (art. 51)."
        ),
        "summary_no_legal_basis": _label(
            "没有法定依据（第五十一条）。", "No legal basis (art. 51)."
        ),
        "certificate_not_shown": _label(
            "执法人员应当出示执法证件（行政处罚法第五十二条、第五十五条）。",
            "The officers must show their certificates (arts. 52, 55).",
        ),
        "certificate_not_valid": _label(
            "执法人员的执法证在当日无效（行政处罚法第四十二条）。",
            "An officer's certificate is not valid that day (art. 42).",
        ),
        "too_few_officers": _label(
            "执法人员不得少于两人（行政处罚法第四十二条）。", "At least two officers (art. 42)."
        ),
        "recorder_not_named": _label(
            "记录人须是笔录上的执法人员之一。", "The one recording must be one of the officers."
        ),
        "limitation_expired": _label(
            "违法行为已超过追责时效，不再给予行政处罚（行政处罚法第三十六条）。",
            "Past the limitation period: no penalty (art. 36).",
        ),
        "already_preserved": _label("本案已先行登记保存。", "Evidence is already preserved."),
        "nothing_preserved": _label("本案没有先行登记保存的证据。", "Nothing was preserved."),
        "already_decided": _label("已作出处理决定。", "Already decided."),
        "correction_already_ordered": _label(
            "本案已责令改正。", "The party has already been ordered to correct."
        ),
        "correction_deadline_before_order": _label(
            "改正期限不能早于责令改正之日（行政处罚法第二十八条）。",
            "The day to correct by is before the order (art. 28).",
        ),
        "preservation_decision_late": _label(
            "登记保存超过七日未作处理决定，证据应予解除（行政处罚法第五十六条）。",
            "Preserved evidence must be decided on within 7 working days (art. 56).",
        ),
        "steps_missing": _label(
            "前置程序未完成（告知、听证或法制审核），不得作出决定（行政处罚法第四十四、五十八、六十二条）。",
            "An earlier step is missing (arts. 44, 58, 62).",
        ),
        "no_penalty_required": _label(
            "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚（行政处罚法第三十三条）。",
            "Minor, corrected in time, no harm: no penalty (art. 33).",
        ),
        "penalty_amount": _label(
            "罚款、没收须填写金额，其他处罚金额为零。",
            "Fines carry an amount; other penalties none.",
        ),
        "hearing_not_available": _label(
            "拟作出的处罚不属于听证范围（行政处罚法第六十三条）。",
            "This penalty gives no right to a hearing (art. 63).",
        ),
        "hearing_request_late": _label(
            "当事人应在告知后五个工作日内提出听证（行政处罚法第六十四条）。",
            "A hearing must be asked for within 5 working days (art. 64).",
        ),
        "hearing_notice_too_short": _label(
            "应在举行听证七日前通知当事人（行政处罚法第六十四条）。",
            "The party is told of the hearing 7 working days before it (art. 64).",
        ),
        "hearing_request_period_open": _label(
            "当事人申请听证的期限尚未届满，不得作出决定（行政处罚法第六十四条）。",
            "The party may still ask for a hearing (art. 64).",
        ),
        "reviewer_investigated": _label(
            "法制审核人员不得审核本人调查的案件（行政处罚法第五十八条）。",
            "The reviewer investigated this case himself (art. 58).",
        ),
        "heavier_than_notified": _label(
            "不得作出比告知内容更重的处罚，须重新告知（行政处罚法第四十五条）。",
            "Heavier than the penalty notified: notify again (art. 45).",
        ),
        "decision_overdue": _label(
            "已超过立案之日起九十日的办案期限（行政处罚法第六十条）。",
            "Past the 90 days from opening (art. 60).",
        ),
        "nothing_to_pay": _label("本决定没有需缴纳的款项。", "Nothing to pay."),
        "payment_amount": _label(
            "缴款金额应为罚款加逾期加处罚款（行政处罚法第七十二条）。",
            "The amount must be the fine plus the late surcharge (art. 72).",
        ),
        "not_paid": _label("罚款尚未缴纳，不能结案。", "The fine is not paid yet."),
        "date_in_future": _label("日期不能晚于今天。", "The date is in the future."),
        "date_before_step": _label("日期早于前一环节。", "The date is before the step it follows."),
        "calendar_missing": _label(
            "系统未录入该年度的节假日安排，请联系管理员。",
            "The holiday calendar for that year is not loaded; ask the administrator.",
        ),
        "empowered_here": _label(
            "本乡镇（街道）已获赋权，无需移送。", "The township holds this power: no transfer."
        ),
        "no_department": _label(
            "目录未载明该事项的主管部门。", "The catalogue names no department for this matter."
        ),
        "discretion_level_required": _label(
            "该事项有公布的裁量基准，请选择适用的裁量阶次（第三十四条）。",
            "This matter has a published discretion standard: name the level that applies "
            "(art. 34).",
        ),
        "discretion_level_unknown": _label(
            "该事项的裁量基准中没有这个阶次。",
            "The matter's discretion standard has no such level.",
        ),
        "outside_discretion": _label(
            "罚款金额超出所选裁量阶次的幅度（第三十四条）。",
            "The fine is outside the range of the level chosen (art. 34).",
        ),
        "extension_repeated": _label(
            "该期限延长已登记过，未重复延长。",
            "This extension is already recorded: it was not added twice.",
        ),
        "collaboration_already_extended": _label(
            "协作申请的反馈期限只能延长一次（5个工作日）。",
            "A collaboration request may be extended once only (5 working days).",
        ),
        "collaboration_extension_late": _label(
            "反馈期限已届满，不能再延长。",
            "The period to answer has already run out: it cannot be extended.",
        ),
    }
)
for _type, _spec in WORKFLOW.items():
    for _status, _names in _spec.get("statuses", {}).items():
        REASONS[f"{_type}_{_status}"] = _label(
            f"{_spec['label']['zh-CN']}当前状态为“{_names['zh-CN']}”，不能执行此操作。",
            f"The {_spec['label']['en'].lower()} is {_names['en'].lower()}; "
            "this action does not apply.",
        )


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


VERSION = hashlib.sha256(_canonical([WORKFLOW, REASONS]).encode()).hexdigest()[:16]


def export() -> dict[str, Any]:
    """The workflow as the PWA downloads it; ``version`` changes whenever the rules do."""
    return {"version": VERSION, "records": WORKFLOW, "reasons": REASONS}


def spec(record_type: str) -> dict[str, Any]:
    return WORKFLOW[record_type]
