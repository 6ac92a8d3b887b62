"""A visit's photo (检查记录的现场照片): taken by the officer recording an inspection visit,
offline, with the record (执法全过程记录). It is evidence in all but its parent: the same
fields, checks and file pipeline as a clue's (``sync.workflow.evidence``), hanging from the
visit's record and seen by whoever sees that record."""

from __future__ import annotations

from typing import Any

from sync.workflow.evidence import EVIDENCE, KINDS
from sync.workflow.vocabulary import label

# A photo only: a visit's sound and video stay with the body camera's own records.
PHOTO_KINDS = {"photo": KINDS["photo"]}

VISIT_PHOTO: dict[str, Any] = {
    **EVIDENCE,
    "label": label("检查照片", "Visit photo"),
    "parent": "visit_record",
    # The officer who recorded the visit photographs it; his record is made on his phone.
    "create": {"who": ["reporter"], "status": "included"},
    "kinds": PHOTO_KINDS,
    "fields": {
        **EVIDENCE["fields"],
        "kind": {"type": "choice", "choices": list(PHOTO_KINDS), "required": True},
        "original": {
            **EVIDENCE["fields"]["original"],
            "media_types": KINDS["photo"]["media_types"],
            "max_size": KINDS["photo"]["max_size"],
        },
    },
}
