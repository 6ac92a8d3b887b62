"""An inspection record (现场检查笔录): what the officers found on a case, never edited; each
officer named on it besides its author confirms on his own device that he was there (行政处罚法
第四十二条: 执法人员不得少于两人), and until all have it is not complete
(``sync.cases.presence_art_42``)."""

from __future__ import annotations

from typing import Any

from sync.workflow.case import CASE_OFFICERS
from sync.workflow.vocabulary import SAME, STAFF, label

INSPECTION: dict[str, Any] = {
    "label": label("现场检查笔录", "Inspection record"),
    # Append-only child of a case (R3): what the officers found, never edited afterwards.
    "parent": "case",
    "append_only": True,
    # Born awaiting: it names at least two officers, and only its author has vouched for it.
    "create": {"who": CASE_OFFICERS, "check": "inspect", "status": "awaiting_confirmation"},
    "statuses": {
        "awaiting_confirmation": label("待第二执法人员确认", "Awaiting the second officer"),
        "complete": label("已确认", "Confirmed"),
    },
    # ``offline``: made on the phone on site (issue 22), under an act code reserved for it
    # ahead, which the record takes when it is recorded offline (``server.cases.offline``).
    # Recorded offline, it carries in its payload the act code the phone reserved for an
    # inspection record (``act_code``): the server gives the record that code if the
    # reservation is its author's and unused, else draws another and says so (never
    # refusing the record: R3, §5).
    "device_code": "act_code",
    "documents": {
        "inspection_record": {"label": label("现场检查笔录", "Inspection record"), "offline": True}
    },
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
    # ``confirmations``: who confirmed and when (the server's clock), written by the step below.
    "read_only": ["author_id", "confirmations"],
    "transitions": {
        # A named officer confirms on his own phone (offline, queued) or at the desk; who may
        # is the check's to say (named, not the author, once), so that a refusal names why.
        "confirm_presence": {
            "label": label("确认在场", "Confirm I was there"),
            # From either: a second tap, or a stranger's, is told why (already_confirmed…).
            "from": ["awaiting_confirmation", "complete"],
            "to": SAME,
            "who": STAFF,
            "args": {},
            "sets": {},
            "check": "confirm_presence",
        },
    },
}
