"""Evidence (证据): a photo, a sound recording or a video appended to a clue, its bytes sent
apart and checked by hash, then by what they are (server.evidence.images, .media)."""

from __future__ import annotations

from typing import Any

from sync.workflow.vocabulary import STAFF, SUPERVISORS, label

# Evidence files (证据): what the server accepts, checked again on the bytes themselves.
PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"]
# The compressed copy a phone sends first on a bad network (tier 1): made by the app's canvas.
COPY_TYPES = ["image/jpeg", "image/webp"]
MiB = 1024 * 1024
# Each kind: the media types it may be, its largest file and, for sound and video, its
# longest duration (全过程记录: an interview, a body camera's clip). Only a photo has a
# compressed copy; a recording is sent whole, resumably.
KINDS: dict[str, dict[str, Any]] = {
    "photo": {"media_types": PHOTO_TYPES, "max_size": 40 * MiB, "copy": True},
    "audio": {
        # A phone's recorder (AAC in MP4, or Opus in WebM/Ogg from the browser), or MP3.
        "media_types": ["audio/mp4", "audio/webm", "audio/ogg", "audio/mpeg"],
        "max_size": 100 * MiB,
        "max_seconds": 2 * 3600,
        "copy": False,
    },
    "video": {
        # A phone's camera (MP4, WebM from the browser) or a body camera's file (MP4, MOV,
        # and AVI from older cameras).
        "media_types": ["video/mp4", "video/webm", "video/quicktime", "video/x-msvideo"],
        "max_size": 1024 * MiB,
        "max_seconds": 3600,
        "copy": False,
    },
}
EVIDENCE_KINDS = list(KINDS)

# Body-camera files (执法记录仪) imported at the desk (issue 22): the township's staff copy
# them off the camera's dock and import them; each import waits in the township's import
# inbox until someone links a clip and a time range of it to a case. Who may import and
# link: the township's officers (whose cameras they are), its dispatchers (the command room
# collects the day's footage) and its leaders; not a reviewer (he reads, he does not file)
# and not the county (a township's role counts in its township: ``sync.rules.may``).
BODYCAM: dict[str, Any] = {
    "label": label("执法记录仪视频", "Body-camera video"),
    "kind": "video",
    "who": ["officer", "dispatcher", "leader"],
    # What a body camera writes; the browser may name AVI otherwise, so the desk goes by the
    # file's extension (the server checks the container against the declared type anyway).
    "extensions": {"mp4": "video/mp4", "mov": "video/quicktime", "avi": "video/x-msvideo"},
    # Where the recording's own time and device are read from, first found wins: the
    # container's metadata (inside the hashed bytes) before the file's name (which anyone
    # copying the file may change). The name: 20261203_101500_DSJ12345.MP4, in China time.
    "origin_sources": ["container", "file_name"],
    "file_name_utc_offset_minutes": 8 * 60,
    "max_file_name": 255,
    # A camera's file is larger than a phone's clip: cameras write to FAT32 cards and split
    # a recording at its largest file, 4 GiB less a byte (at 1080p some 50 minutes). The
    # phone's own video keeps ``KINDS``' limit; its duration limit holds for both.
    "max_size": 4 * 1024 * MiB - 1,
}
# The upload endpoint's limit: the largest file any evidence may be.
FILE_MAX_BYTES = max(BODYCAM["max_size"], *(k["max_size"] for k in KINDS.values()))

EVIDENCE: dict[str, Any] = {
    "label": label("证据", "Evidence"),
    # Append-only child (R3): the facts of a capture never change. The bytes go
    # separately, by content (the upload endpoint), checked against ``original.sha256``,
    # which the device computed at capture. ``copy`` is the compressed copy a phone
    # sends first on a bad network, linked to the original by this record.
    "parent": "clue",
    "append_only": True,
    "create": {"who": ["reporter", "grid_worker", *STAFF], "status": "included"},
    # What each kind of file may be (``sync.rules.file_problems``), read by the app too.
    "kinds": KINDS,
    "bodycam": BODYCAM,
    "statuses": {
        "included": label("有效", "Included"),
        "excluded": label("已排除", "Excluded"),
    },
    "closed": [],
    "fields": {
        "kind": {"type": "choice", "choices": EVIDENCE_KINDS, "required": True},
        "original": {
            "type": "file",
            "media_types": [t for k in KINDS.values() for t in k["media_types"]],
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
