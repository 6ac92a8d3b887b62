"""A collaboration request (执法协作申请) a township sends a county department on a case."""

from __future__ import annotations

from typing import Any

from sync.workflow.vocabulary import SUPERVISORS, choice_labels, label

# -- Collaboration requests (执法协作申请) -----------------------------------------------------
# Seeds 004: a township that, investigating a violation, needs a county department to make a
# determination, an appraisal, give advice or provide materials files a collaboration request
# (执法协作申请) through the platform; the department answers within 5 working days, 10 when
# the matter is complex and the period is extended once (sync.legal.collaboration_due). The
# township keeps the request and records the answer; the clock runs until it is answered.
COLLABORATION_KINDS = ["determination", "appraisal", "advice", "materials"]
COLLABORATION_ACTORS = ["officer", *SUPERVISORS]

COLLABORATION: dict[str, Any] = {
    "label": label("执法协作申请", "Collaboration request"),
    # A child of a case (查处违法行为过程中), in its jurisdiction: staff only, like the case.
    "parent": "case",
    "create": {
        "who": COLLABORATION_ACTORS,
        "status": "requested",
        "check": "request_collaboration",
    },
    "statuses": {
        "requested": label("待部门反馈", "Awaiting the answer"),
        "answered": label("部门已反馈", "Answered"),
        "withdrawn": label("已撤回", "Withdrawn"),
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
            "labels": choice_labels(COLLABORATION_KINDS),
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
        "calendar_estimated",  # the due day counted on weekends alone (sync.legal.team_deadline)
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
            "label": label("延长反馈期限", "Extend"),
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
            "label": label("登记部门反馈", "Record the answer"),
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
            "label": label("撤回申请", "Withdraw"),
            "from": ["requested"],
            "to": "withdrawn",
            "who": ["reporter", *SUPERVISORS],
            "args": {"reason": {"type": "text", "max_length": 1000, "required": True}},
            "sets": {"withdraw_reason": "reason", "withdrawn_at": "$now"},
        },
    },
}
