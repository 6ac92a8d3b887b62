"""Reporting a clue (上报线索) outside the offline outbox: one create mutation through the
same push path and rules as a device's (R2: the same report again is stored once)."""

from __future__ import annotations

import uuid
from typing import Any

from server.accounts.models import Device, User
from server.sync_api.push import push_batch
from sync.workflow import WORKFLOW

_FIELDS = tuple(WORKFLOW["clue"]["fields"])


def report_clue(body: dict[str, Any], reporter: User, device: Device | None) -> dict:
    """``body`` is the JSON a client sent; returns the push result for it."""
    mutation = {
        "id": str(uuid.uuid4()),
        "record_type": "clue",
        "record_id": str(body["id"]),
        "op": "create",
        "payload": {name: body[name] for name in _FIELDS if name in body},
        "device_time": body.get("device_time"),
    }
    [result] = push_batch(reporter, device, [mutation], None)
    return result
