"""A clue note (线索备注): a note, a dissuasion or a handling remark appended to a clue."""

from __future__ import annotations

from typing import Any

from sync.workflow.vocabulary import COUNTY_COMMAND, STAFF, label

CLUE_NOTE: dict[str, Any] = {
    "label": label("线索备注", "Clue note"),
    # Append-only child (R3): accepted whenever the actor may write the parent.
    "parent": "clue",
    "append_only": True,
    # The reporter, the grid workers of the clue's grid, staff of its township, and the
    # county's command centre (a remark, an urging: 督办).
    "create": {"who": ["reporter", "grid_worker", *STAFF, COUNTY_COMMAND]},
    "fields": {
        "kind": {
            "type": "choice",
            "choices": ["note", "dissuasion", "handling"],
            "required": True,
        },
        "text": {"type": "text", "max_length": 4000, "required": True},
    },
    "transitions": {},
}
