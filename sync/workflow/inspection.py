"""An inspection record (现场检查笔录): what the officers found on a case, never edited."""

from __future__ import annotations

from typing import Any

from sync.workflow.case import CASE_OFFICERS
from sync.workflow.vocabulary import label

INSPECTION: dict[str, Any] = {
    "label": label("现场检查笔录", "Inspection record"),
    # Append-only child of a case (R3): what the officers found, never edited afterwards.
    "parent": "case",
    "append_only": True,
    "create": {"who": CASE_OFFICERS, "check": "inspect"},
    "documents": {"inspection_record": {"label": label("现场检查笔录", "Inspection record")}},
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
