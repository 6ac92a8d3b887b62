"""A sync conflict (同步冲突): a device's value the rules kept aside (R4, R6) for a person."""

from __future__ import annotations

from typing import Any

from sync.workflow.vocabulary import SUPERVISORS, label

CONFLICT: dict[str, Any] = {
    "label": label("同步冲突", "Sync conflict"),
    # Made by the server when the rules keep a device's value aside (R4, R6).
    "server_made": True,
    "statuses": {"open": label("待处理", "Open"), "resolved": label("已处理", "Resolved")},
    "fields": {},
    "transitions": {
        "resolve": {
            "label": label("处理冲突", "Resolve"),
            "from": ["open"],
            "to": "resolved",
            "who": SUPERVISORS,
            "args": {"keep": {"type": "choice", "choices": ["server", "device"], "required": True}},
        },
    },
}
