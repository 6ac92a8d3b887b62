"""A visit's record (检查记录): one of the two officers drawn for a random or joint
inspection (双随机、综合查一次, ``sync.draw``) records it on his phone, offline, item by
item, with the party's signature; it is never edited afterwards."""

from __future__ import annotations

from typing import Any

from sync.workflow.vocabulary import label

ITEM_RESULTS = ("compliant", "violation", "not_applicable")  # 合格, 发现违法, 不涉及
# A signature drawn on the phone, as a PNG data URL: a few tens of kilobytes at most.
SIGNATURE_MAX_CHARS = 120_000

VISIT_RECORD: dict[str, Any] = {
    "label": label("检查记录", "Inspection visit record"),
    # Made on the device like a report, but in the jurisdiction of the visit it records: a
    # township's, or the county's for an object no township holds (``sync.visits``).
    "create": {
        "who": ["officer", "department"],
        "status": "recorded",
        "check": "record_visit",
        "unit_depth": 1,
    },
    "statuses": {"recorded": label("已记录", "Recorded")},
    "fields": {
        "visit_id": {"type": "int", "required": True, "min": 1, "max": 2**31 - 1},
        "unit_code": {"type": "unit", "required": True},
        "done_on": {"type": "date", "required": True},
        "items": {
            "type": "list",
            "required": True,
            "max_items": 200,
            "items": {
                "type": "object",
                "properties": {
                    "matter_code": {"type": "text", "max_length": 40, "required": True},
                    "department": {"type": "text", "max_length": 40, "required": True},
                    "result": {"type": "choice", "choices": list(ITEM_RESULTS), "required": True},
                    "note": {"type": "text", "max_length": 2000, "required": False},
                },
            },
        },
        "findings": {"type": "text", "max_length": 8000, "required": False},
        # Art. 42 行政处罚法 (and 《市场监督管理行政执法程序规定》): two officers present, who
        # showed their certificates. The officers are the pair the draw named.
        "certificates_shown": {"type": "bool", "required": True},
        "party_present": {"type": "bool", "required": True},
        "party_name": {"type": "text", "max_length": 100, "required": False},
        "party_signature": {
            "type": "signature",
            "max_length": SIGNATURE_MAX_CHARS,
            "required": False,
        },
        # 当事人拒绝签字: what he said, recorded instead of a signature.
        "party_refusal": {"type": "text", "max_length": 1000, "required": False},
        "location": {"type": "location", "required": False},
    },
    "read_only": ["reporter_id", "officers", "departments", "violations"],
    "transitions": {},
}
