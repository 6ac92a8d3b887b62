"""The registry: one entry per synced record type, everything the server knows of it.

The push's store (``store.py``) and the pull (``pull.py``) loop over ``KINDS``; neither names
a record type. The rules live in the workflow (``sync.workflow``); the rows' side, here:
how a row becomes the state the rules decide on and back (``records``), and how a device is
sent it (``pulled``). A new record type is its workflow spec, its model and one entry here.
Which of its fields move it between views, and who loses it then, is the engine's rule
(``sync.views``), read from the batch by the store and the pull.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.accounts.jurisdiction import scoped
from server.accounts.models import User
from server.cases.models import Case, Collaboration, Inspection
from server.clues.models import Clue, ClueNote
from server.core.db import db
from server.evidence.models import Evidence, VisitPhoto
from server.inspections.models import VisitRecord
from server.sync_api import records
from server.sync_api.models import SyncConflict
from server.sync_api.pulled import (
    Pulled,
    case_data,
    case_select,
    clue_child_select,
    clue_data,
    clue_links,
    clue_select,
    clue_withdrawn,
    collaboration_data,
    collaboration_files,
    conflict_data,
    evidence_data,
    inspection_data,
    note_data,
    parent_withdrawn,
    plain_select,
    visit_photo_data,
    visit_record_data,
)
from sync.types import RecordState


@dataclass(frozen=True)
class Kind:
    """What the server knows of one synced record type; the push and the store loop over
    these entries, never over type names. The workflow (``sync.workflow``) holds the rules;
    this holds the rows.

    - ``model``: its table; ``parent_column``: the column naming the record it hangs from
      (``sync.workflow``'s ``parent``);
    - ``state``: a row as the rules see it; ``apply``: a decided state written to a row;
    - ``new``: the columns a new row takes besides the state (made once, at its creation);
    - ``code``: ``"clue"`` for a clue's number, or the act kind (``sync.legal.ACT_KINDS``)
      a new record's act code is drawn from;
    - ``late``: the row flags a child recorded after its parent closed (R3);
    - ``pulled``: how a device is sent it (``pulled.Pulled``).
    """

    model: type
    state: Callable[[Any], RecordState]
    apply: Callable[[Any, RecordState, records.ServerRefs], None]
    parent_column: str | None = None
    code: str | None = None
    late: bool = False
    new: Callable[[RecordState, records.ServerRefs], dict[str, Any]] = lambda state, refs: {}
    pulled: Pulled | None = None


KINDS: dict[str, Kind] = {
    "clue": Kind(
        Clue,
        records.clue_state,
        records.apply_clue_state,
        code="clue",
        pulled=Pulled(Clue, clue_select, clue_data, clue_withdrawn, clue_links),
    ),
    "clue_note": Kind(
        ClueNote,
        records.note_state,
        records.apply_note_state,
        "clue_id",
        late=True,
        pulled=Pulled(ClueNote, clue_child_select(ClueNote), note_data, parent_withdrawn),
    ),
    "evidence": Kind(
        Evidence,
        records.evidence_state,
        lambda row, state, refs: records.apply_evidence_state(row, state),
        "clue_id",
        late=True,
        new=lambda state, refs: {"disagreements": []},
        pulled=Pulled(Evidence, clue_child_select(Evidence), evidence_data, parent_withdrawn),
    ),
    # Cases and their records: staff only (the jurisdiction rules say so).
    "case": Kind(
        Case,
        records.case_state,
        records.apply_case_state,
        "clue_id",
        code="LA",
        new=records.unit_of,
        pulled=Pulled(Case, case_select, case_data),
    ),
    "inspection": Kind(
        Inspection,
        records.inspection_state,
        lambda row, state, refs: records.apply_inspection_state(row, state),
        "case_id",
        code="JC",
        late=True,
        pulled=Pulled(Inspection, plain_select(Inspection), inspection_data),
    ),
    "collaboration": Kind(
        Collaboration,
        records.collaboration_state,
        records.apply_collaboration_state,
        "case_id",
        code="XZ",
        pulled=Pulled(
            Collaboration,
            plain_select(Collaboration),
            collaboration_data,
            context=collaboration_files,
        ),
    ),
    # A drawn visit's record, from the phone of one of its pair (双随机、综合查一次).
    "visit_record": Kind(
        VisitRecord,
        records.visit_record_state,
        records.apply_visit_record_state,
        pulled=Pulled(VisitRecord, plain_select(VisitRecord), visit_record_data),
    ),
    # Its photos: rows of the evidence table (one file pipeline), following the record.
    "visit_photo": Kind(
        VisitPhoto,
        records.visit_photo_state,
        lambda row, state, refs: records.apply_evidence_state(row, state),
        "visit_record_id",
        late=True,
        new=lambda state, refs: {"disagreements": []},
        pulled=Pulled(VisitPhoto, plain_select(VisitPhoto), visit_photo_data),
    ),
    "conflict": Kind(
        SyncConflict,
        records.conflict_state,
        lambda row, state, refs: records.apply_conflict_state(row, state),
        # conflict_state reads the merge bookkeeping too.
        pulled=Pulled(SyncConflict, plain_select(SyncConflict, keep_meta=True), conflict_data),
    ),
}


def load_many(record_type: str, ids: set[uuid.UUID], user: User, *, lock: bool = False) -> list:
    """Every row of ``ids`` that ``user`` may see, in one query."""
    kind = KINDS[record_type]
    stmt = scoped(kind.model, user).where(kind.model.id.in_(ids))
    if lock:
        stmt = stmt.with_for_update(of=kind.model)
    return db.session.execute(stmt).unique().scalars().all()


def existing(record_type: str, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``ids`` exist at all, seen or not (R2 must not overwrite what it cannot see)."""
    if not ids:
        return set()
    # The table's, not the mapped class's: a visit's photo and a clue's evidence share one
    # table, and an id taken by either is taken.
    key = KINDS[record_type].model.__table__.c.id
    return set(db.session.execute(sa.select(key).where(key.in_(ids))).scalars())
