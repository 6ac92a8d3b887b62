"""The workflow, declared once as data: record types, their fields and who may edit them in
which states, the statuses, the transitions and who may make them.

The server enforces it (``sync.rules``) and serves it as JSON (``export``) for the PWA, so an
offline screen offers only what the server will accept. ``who`` lists role names (which also
need the record to be in the actor's jurisdiction) and relations to the record:
``reporter`` (he reported it), ``assignee`` (it is assigned to him, or to his team when no
one is named), ``taker`` (he took it), ``addressee`` and ``county_command`` (``vocabulary``)
and ``on_spot_partner`` (named on an on-the-spot decision, yet to confirm: art. 42).

A transition's ``sets`` names where each field's value comes from: an argument, ``$actor``,
``$now`` (the server's time), ``$first_now`` (the server's time, unless the field already
holds one: the command room's first answer stays the time it answered) or ``$null`` (cleared:
a returned report is no longer handled). What a screen says of a step: its ``label``, what
it does before it is taken (``explains``) and the button that takes it (``commit``, else
保存). ``once``: a field whose value means the step was taken (a second is refused, with
``once_reason``, else ``already_rated``); ``after``: a field the step answers, so a screen
offers the step only once it is set (its check refuses it before, with its own reason);
``once_each``: each person takes it once, so a phone does not offer it again while his is
queued (the check refuses a second). ``procedure``: a case's step of one procedure only
(``summary`` or ``general``), refused on the other (``procedure_mismatch``) and not offered.
``after`` / ``until``: a field that must be set for a step to be offered / that, once set,
ends it, refused with ``until_reason`` (the court's 执行完毕 ends paying and asking:
``enforced_by_court``).

One module per record type (``clue``, ``clue_note``, ``evidence``, ``conflict``, ``case``,
``inspection``, ``collaboration``, ``visit_record``, ``visit_photo``), the shared roles and
labels in ``vocabulary``, the reason codes in ``reasons``; this package puts them together
and is what the rest of the code imports.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sync.documents import SPEC as DOCUMENTS
from sync.legal import WARN_AT_DAYS
from sync.workflow.case import (
    CASE,
    CASE_DECIDERS,
    CASE_OFFICERS,
    CASE_REVIEWERS,
    CASE_STATUSES,
    CONSEQUENCES,
    DECISION_RUNNING,
    DISCRETION_LEVEL,
    EXTENSION_KINDS,
    PARTY,
    PARTY_KINDS,
    PENALTY,
    PENALTY_KINDS,
    PROCEDURES,
    REVIEW_GROUNDS,
    SERVICE_METHODS,
)
from sync.workflow.clue import (
    CLUE,
    CLUE_CLOSED,
    CLUE_STATUSES,
    CLUE_TOMBSTONE,
    CLUE_TRANSFERRED,
    DISSUASION_RESULTS,
    HANDLING_OUTCOMES,
)
from sync.workflow.clue_note import CLUE_NOTE
from sync.workflow.collaboration import COLLABORATION, COLLABORATION_ACTORS, COLLABORATION_KINDS
from sync.workflow.conflict import CONFLICT
from sync.workflow.evidence import (
    COPY_TYPES,
    EVIDENCE,
    EVIDENCE_KINDS,
    FILE_MAX_BYTES,
    PHOTO_TYPES,
)
from sync.workflow.inspection import INSPECTION
from sync.workflow.reasons import RULE_REASONS, status_reasons
from sync.workflow.visit_photo import VISIT_PHOTO
from sync.workflow.visit_record import VISIT_RECORD
from sync.workflow.vocabulary import CHOICE_LABELS, SAME, STAFF, SUPERVISORS

# In this order: the exported JSON keeps it, and its ``version`` hashes it.
WORKFLOW: dict[str, Any] = {
    "clue": CLUE,
    "clue_note": CLUE_NOTE,
    "evidence": EVIDENCE,
    "conflict": CONFLICT,
    "case": CASE,
    "inspection": INSPECTION,
    "collaboration": COLLABORATION,
    "visit_record": VISIT_RECORD,
    "visit_photo": VISIT_PHOTO,
}

# Reason codes of rejections and conflicts, with what to tell the person and what to do.
REASONS: dict[str, dict[str, str]] = {**RULE_REASONS, **status_reasons(WORKFLOW)}


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


VERSION = hashlib.sha256(_canonical([WORKFLOW, REASONS, DOCUMENTS]).encode()).hexdigest()[:16]


def export() -> dict[str, Any]:
    """The workflow as the PWA downloads it; ``version`` changes whenever the rules do.
    ``documents`` is the wording of the enforcement documents (``sync.documents``), so a
    phone offline composes the same document as the server, and a change of wording reaches
    it with the next revalidation, without a new build of the app."""
    return {"version": VERSION, "records": WORKFLOW, "reasons": REASONS, "documents": DOCUMENTS}


def spec(record_type: str) -> dict[str, Any]:
    return WORKFLOW[record_type]


__all__ = [
    "CASE_DECIDERS",
    "CASE_OFFICERS",
    "CASE_REVIEWERS",
    "CASE_STATUSES",
    "CHOICE_LABELS",
    "CLUE_CLOSED",
    "CLUE_STATUSES",
    "CLUE_TOMBSTONE",
    "CLUE_TRANSFERRED",
    "COLLABORATION_ACTORS",
    "COLLABORATION_KINDS",
    "CONSEQUENCES",
    "COPY_TYPES",
    "DECISION_RUNNING",
    "DISCRETION_LEVEL",
    "DISSUASION_RESULTS",
    "EVIDENCE_KINDS",
    "EXTENSION_KINDS",
    "FILE_MAX_BYTES",
    "HANDLING_OUTCOMES",
    "PARTY",
    "PARTY_KINDS",
    "PENALTY",
    "PENALTY_KINDS",
    "PHOTO_TYPES",
    "PROCEDURES",
    "REASONS",
    "REVIEW_GROUNDS",
    "SAME",
    "SERVICE_METHODS",
    "STAFF",
    "SUPERVISORS",
    "VERSION",
    "WARN_AT_DAYS",
    "WORKFLOW",
    "export",
    "spec",
]
