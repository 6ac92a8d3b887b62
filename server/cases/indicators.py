"""The province's "4 × 100 %" indicators for a unit over a period, from the records alone:

- coded (赋码): the enforcement acts (cases, inspection records, collaboration requests,
  documents) whose act code is well formed with right check digits
  (``sync.legal.check_act_code``);
- e-signed (电子签名/电子签章): the documents a party signs that carry the signature
  captured on the phone (a refusal is counted apart: it is noted, not signed), and the
  documents issued under the agency's seal that carry its electronic seal
  (``server.documents.seal``); each part is given too;
- issued on the platform (网上制作): the steps a case document follows (the workflow's
  ``documents``), taken in the period, whose document was issued here;
- clue disposal (线索处置): the clues reported in the period, less those rejected, merged as
  duplicates or withdrawn, that were handled, closed or transferred.

Each figure is a count and its base, with the share when the base is not empty: a share of
nothing is not 100 %.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from server.cases.models import Case, Collaboration, Inspection, IssuedDocument
from server.clues.models import Clue
from server.core.db import db
from server.documents import DOCUMENTS
from server.units.models import AdminUnit
from sync import legal, workflow
from sync.cases import CHINA

NOT_COUNTED = ("rejected", "duplicate", "withdrawn")  # not a clue to dispose of
# Transferred: with the department, in dispute with it, or finished there.
DISPOSED = ("handled", "closed", *workflow.CLUE_TRANSFERRED)


def share(part: int, base: int) -> dict[str, Any]:
    return {"count": part, "of": base, "share": round(part / base, 4) if base else None}


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's first and last day, inclusive, as China's days."""
    first = dt.datetime.combine(start, dt.time(), CHINA)
    return first, dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), CHINA)


def _column(query) -> list[Any]:
    return list(db.session.execute(query).scalars())


def indicators(
    unit: AdminUnit, start: dt.date, end: dt.date, clue_disposal: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``clue_disposal``: the clue figure, when the caller has counted it already over the
    same clues (the dashboard does: a county's three years are a million rows to read)."""
    lo, hi = bounds(start, end)
    units = (
        sa.select(AdminUnit.id)
        .where(AdminUnit.path.startswith(unit.path, autoescape=True))
        .scalar_subquery()
    )
    acts = [
        *_column(
            sa.select(Case.code).where(
                Case.unit_id.in_(units), Case.created_at >= lo, Case.created_at < hi
            )
        ),
        *_column(
            sa.select(Inspection.code)
            .join(Case, Case.id == Inspection.case_id)
            .where(Case.unit_id.in_(units), Inspection.created_at >= lo, Inspection.created_at < hi)
        ),
        *_column(
            sa.select(Collaboration.code)
            .join(Case, Case.id == Collaboration.case_id)
            .where(
                Case.unit_id.in_(units),
                Collaboration.created_at >= lo,
                Collaboration.created_at < hi,
            )
        ),
        # An inspection record's document carries the record's own code: one act, once.
        *_column(
            sa.select(IssuedDocument.act_code).where(
                IssuedDocument.unit_id.in_(units),
                IssuedDocument.issued_at >= lo,
                IssuedDocument.issued_at < hi,
                IssuedDocument.kind != "inspection_record",
            )
        ),
    ]
    coded = sum(legal.check_act_code(c) for c in acts)

    signing = dict(
        db.session.execute(
            sa.select(IssuedDocument.party_signing, sa.func.count())
            .where(
                IssuedDocument.unit_id.in_(units),
                IssuedDocument.issued_at >= lo,
                IssuedDocument.issued_at < hi,
                IssuedDocument.party_signing.is_not(None),
            )
            .group_by(IssuedDocument.party_signing)
        ).all()
    )
    signed_base = sum(signing.values())
    # The agency's e-seal on each document issued under seal (server.documents.seal): the
    # seeds' 电子签章使用率 counts the agency's seals as well as the party's signatures.
    sealing = dict(
        db.session.execute(
            sa.select(IssuedDocument.sealed_by.is_not(None), sa.func.count())
            .where(
                IssuedDocument.unit_id.in_(units),
                IssuedDocument.issued_at >= lo,
                IssuedDocument.issued_at < hi,
                IssuedDocument.kind.in_([k for k, d in DOCUMENTS.items() if d.sealed]),
            )
            .group_by(IssuedDocument.sealed_by.is_not(None))
        ).all()
    )
    party = share(signing.get("signed", 0), signed_base)
    sealed = share(sealing.get(True, 0), sum(sealing.values()))

    # Each case document is due once its step is taken; was it issued here?
    declared = workflow.spec("case")["documents"]
    issued = set(
        db.session.execute(
            sa.select(IssuedDocument.case_id, IssuedDocument.kind).where(
                IssuedDocument.unit_id.in_(units),
                IssuedDocument.case_id.is_not(None),
                IssuedDocument.issued_at >= lo,  # issued after its step, so not before
            )
        ).all()
    )
    due: dict[str, list[int]] = {kind: [0, 0] for kind in declared}
    for case_id, procedure, data in db.session.execute(
        # A step dated in the period was recorded then or later: the case changed since.
        sa.select(Case.id, Case.procedure, Case.data).where(
            Case.unit_id.in_(units), Case.created_at < hi, Case.updated_at >= lo
        )
    ):
        for kind, spec in declared.items():
            # Due once its act is: the day it bears where it names one (the application to
            # the court, once the court was asked: not every demand goes to court).
            day = data.get(spec.get("dated") or spec["after"])
            if not day or spec.get("procedure", procedure) != procedure:
                continue
            if start.isoformat() <= day[:10] <= end.isoformat():
                due[kind][1] += 1
                due[kind][0] += (case_id, kind) in issued

    if clue_disposal is None:
        clues = dict(
            db.session.execute(
                sa.select(Clue.status, sa.func.count())
                .where(Clue.unit_id.in_(units), Clue.created_at >= lo, Clue.created_at < hi)
                .group_by(Clue.status)
            ).all()
        )
        clue_base = sum(n for status, n in clues.items() if status not in NOT_COUNTED)
        clue_disposal = share(sum(clues.get(s, 0) for s in DISPOSED), clue_base)
    return {
        "unit": unit.code,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "coded": share(coded, len(acts)),
        "e_signed": {
            **share(party["count"] + sealed["count"], party["of"] + sealed["of"]),
            "party": party,
            "seal": sealed,
            "refused": signing.get("refused", 0),
        },
        "issued_on_platform": {
            **share(sum(d[0] for d in due.values()), sum(d[1] for d in due.values())),
            "by_kind": {kind: share(*d) for kind, d in due.items() if d[1]},
        },
        "clue_disposal": clue_disposal,
    }
