"""A collaboration request (执法协作申请) a township sends a county department on a case."""

from __future__ import annotations

from typing import Any

from sync.workflow.vocabulary import ADDRESSEE, SAME, SUPERVISORS, choice, label

# -- Collaboration requests (执法协作申请) -----------------------------------------------------
# Seeds 004: a township that, investigating a violation, needs a county department to make a
# determination, an appraisal, give advice or provide materials files a collaboration request
# (执法协作申请) through the platform; the department answers within 5 working days, 10 when
# the matter is complex and the period is extended once (sync.legal.collaboration_due). The
# department's own users receive it (the ``addressee``: they see the request and the case's
# facts it carries, never the case), accept it, answer, extend once or refuse with a
# reason; the township records an answer that came on paper. The clock runs until it is
# answered or refused.
COLLABORATION_KINDS = ["determination", "appraisal", "advice", "materials"]
COLLABORATION_ACTORS = ["officer", *SUPERVISORS]

# The answer, whoever records it: the department itself (``reply``) or the township, for an
# answer that came on paper (``answer``).
_ANSWERED: dict[str, Any] = {
    "from": ["requested", "accepted"],
    "to": "answered",
    "args": {
        "answered_on": {"type": "date", "required": True},
        "answer": {"type": "text", "max_length": 8000, "required": True},
    },
    "sets": {"answered_on": "answered_on", "answer": "answer", "answered_by": "$actor"},
    "check": "answer_collaboration",
}

COLLABORATION: dict[str, Any] = {
    "label": label("执法协作申请", "Collaboration request"),
    # A child of a case (查处违法行为过程中), in its jurisdiction: staff only, like the case.
    "parent": "case",
    # The department it is addressed to: its users see it and answer it.
    "addressed": "department",
    "create": {
        "who": COLLABORATION_ACTORS,
        "status": "requested",
        "check": "request_collaboration",
    },
    "statuses": {
        "requested": label("待部门接收", "Awaiting the department"),
        "accepted": label("部门已接收", "Accepted by the department"),
        "answered": label("部门已反馈", "Answered"),
        "refused": label("部门不予协助", "Refused"),
        "withdrawn": label("已撤回", "Withdrawn"),
    },
    "closed": ["answered", "refused", "withdrawn"],
    # The department's 5 (or 10) working days, a last allowed day; warned 3 and 1 days before.
    "clocks": {"due": {"running": ["requested", "accepted"], "warn_days": [3, 1]}},
    "fields": {
        # What was sent is what the department received: never edited afterwards.
        "department": {"type": "department", "required": True, "edit": []},
        "kind": choice(COLLABORATION_KINDS, edit=[]),
        "question": {"type": "text", "max_length": 4000, "required": True, "edit": []},
        # The day it was sent (the department's 5 working days start the next day).
        "sent_on": {"type": "date", "required": True, "edit": []},
        # Whether the request is about the party himself (his identity, his licence): only
        # then does the department receive his id number with the case's facts.
        "about_party": {"type": "bool", "required": False, "edit": []},
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
        "case_facts",  # what the department is shown of the case (sync.cases)
        "accepted_at",
        "accepted_by",
        "refuse_reason",
        "refused_on",
        "refused_by",
        "withdraw_reason",
        "withdrawn_at",
    ],
    "transitions": {
        # The department's side: it receives the request (the township sees it arrived).
        "accept": {
            "label": label("接收", "Accept"),
            "from": ["requested"],
            "to": "accepted",
            "who": [ADDRESSEE],
            "args": {},
            "sets": {"accepted_at": "$now", "accepted_by": "$actor"},
        },
        # 情况复杂的可延长5个工作日: once, asked for within the first 5 days, by the
        # department (or recorded by the township when it asked by telephone).
        "extend": {
            "label": label("延长反馈期限", "Extend"),
            "from": ["requested", "accepted"],
            "to": SAME,
            "who": [ADDRESSEE, *COLLABORATION_ACTORS],
            "args": {
                "extended_on": {"type": "date", "required": True},
                "reason": {"type": "text", "max_length": 1000, "required": True},
            },
            "sets": {"extended_on": "extended_on", "extension_reason": "reason"},
            "check": "extend_collaboration",
        },
        # The department answers itself.
        "reply": {
            "label": label("答复", "Answer"),
            "who": [ADDRESSEE],
            **_ANSWERED,
        },
        "refuse": {
            "label": label("不予协助", "Refuse"),
            "from": ["requested", "accepted"],
            "to": "refused",
            "who": [ADDRESSEE],
            "args": {
                "refused_on": {"type": "date", "required": True},
                "reason": {"type": "text", "max_length": 2000, "required": True},
            },
            "sets": {"refused_on": "refused_on", "refuse_reason": "reason", "refused_by": "$actor"},
            "check": "refuse_collaboration",
        },
        # An answer that came on paper or by telephone, recorded by the township.
        "answer": {
            "label": label("登记部门反馈", "Record the answer"),
            "who": COLLABORATION_ACTORS,
            **_ANSWERED,
        },
        "withdraw": {
            "label": label("撤回申请", "Withdraw"),
            "from": ["requested", "accepted"],
            "to": "withdrawn",
            "who": ["reporter", *SUPERVISORS],
            "args": {"reason": {"type": "text", "max_length": 1000, "required": True}},
            "sets": {"withdraw_reason": "reason", "withdrawn_at": "$now"},
        },
    },
}
