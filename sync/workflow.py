"""The workflow, declared once as data: record types, their fields and who may edit them in
which states, the statuses, the transitions and who may make them.

The server enforces it (``sync.rules``) and serves it as JSON (``export``) for the PWA, so an
offline screen offers only what the server will accept. ``who`` lists role names (which also
need the record to be in the actor's jurisdiction) and relations to the record:
``reporter`` (he reported it), ``assignee`` (it is assigned to him, or to his team when no
one is named) and ``taker`` (he took it).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

DISSUASION_RESULTS = ["stopped", "refused", "nobody_present"]
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
}

# Statuses after which a clue is finished; children appended then are flagged late (R3).
CLUE_CLOSED = ["rejected", "duplicate", "closed", "withdrawn"]
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
            "handling_outcome",
            "handling_note",
            "feedback",
            "rating",
            "rating_comment",
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
            },
            "reject": {
                "label": _label("不予受理", "Reject"),
                "from": ["reported"],
                "to": "rejected",
                "who": SUPERVISORS,
                "args": {"reason": {"type": "text", "max_length": 1000, "required": True}},
                "sets": {"reject_reason": "reason"},
            },
            "mark_duplicate": {
                "label": _label("标记重复", "Mark duplicate"),
                "from": ["reported", "accepted"],
                "to": "duplicate",
                "who": SUPERVISORS,
                "args": {
                    "duplicate_of": {"type": "record", "record_type": "clue", "required": True}
                },
                "sets": {"duplicate_of": "duplicate_of"},
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
                "sets": {"handling_outcome": "outcome", "handling_note": "note"},
            },
            "close": {
                "label": _label("办结", "Close"),
                "from": ["handled"],
                "to": "closed",
                "who": SUPERVISORS,
                "args": {"feedback": {"type": "text", "max_length": 2000, "required": True}},
                "sets": {"feedback": "feedback"},
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
for _status in CLUE_STATUSES:
    REASONS[f"clue_{_status}"] = _label(
        f"线索当前状态为“{CLUE_STATUSES[_status]['zh-CN']}”，不能执行此操作。",
        f"The clue is {CLUE_STATUSES[_status]['en'].lower()}; this action no longer applies.",
    )


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


VERSION = hashlib.sha256(_canonical([WORKFLOW, REASONS]).encode()).hexdigest()[:16]


def export() -> dict[str, Any]:
    """The workflow as the PWA downloads it; ``version`` changes whenever the rules do."""
    return {"version": VERSION, "records": WORKFLOW, "reasons": REASONS}


def spec(record_type: str) -> dict[str, Any]:
    return WORKFLOW[record_type]
