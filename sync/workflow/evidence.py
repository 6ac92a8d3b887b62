"""Evidence (证据): a photo appended to a clue, its bytes sent apart and checked by hash."""

from __future__ import annotations

from typing import Any

from sync.workflow.vocabulary import STAFF, SUPERVISORS, label

# Evidence files (证据): what the server accepts, checked again on the bytes themselves.
EVIDENCE_KINDS = ["photo"]
PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"]
# The compressed copy a phone sends first on a bad network (tier 1): made by the app's canvas.
COPY_TYPES = ["image/jpeg", "image/webp"]
FILE_MAX_BYTES = 40 * 1024 * 1024  # advertised by the upload endpoint (Tus-Max-Size) too

EVIDENCE: dict[str, Any] = {
    "label": label("证据", "Evidence"),
    # Append-only child (R3): the facts of a capture never change. The bytes go
    # separately, by content (the upload endpoint), checked against ``original.sha256``,
    # which the device computed at capture. ``copy`` is the compressed copy a phone
    # sends first on a bad network, linked to the original by this record.
    "parent": "clue",
    "append_only": True,
    "create": {"who": ["reporter", "grid_worker", *STAFF], "status": "included"},
    "statuses": {
        "included": label("有效", "Included"),
        "excluded": label("已排除", "Excluded"),
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
            "label": label("排除证据", "Exclude"),
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
}
