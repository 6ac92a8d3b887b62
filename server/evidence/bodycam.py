"""Body-camera files (执法记录仪) imported at the desk, and the ranges of them linked to
cases (issue 22).

An import is an evidence record (``ImportedVideo``) whose parent is the township's import
inbox: the desk's browser hashed the file before sending it, the record declares that hash,
and the file comes by the same resumable upload (tus) and the same checks as a phone's
video (``service.complete``: hash, container, duration, poster frame). Once verified, the
recording's own time and camera are read from it (``sync.bodycam.origin``) and kept apart
from who imported it and when. A range of it linked to a case is a ``CaseClip``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import sqlalchemy as sa
from flask_smorest import abort

from server.accounts.jurisdiction import get_visible_or_404, scoped
from server.accounts.models import User
from server.audit import chain as audit
from server.cases.models import Case
from server.catalogue.api import township_of
from server.core.api import DomainError
from server.core.db import db, number_changes, provisional_changes, utcnow
from server.evidence.models import Blob, BodycamImport, CaseClip, Evidence, ImportedVideo
from server.sync_api.store import actor_of
from sync.bodycam import range_problems
from sync.rules import file_problems, may
from sync.types import RecordState
from sync.workflow.evidence import BODYCAM, KINDS

# What an imported file may be: the workflow's video, up to a camera's largest file.
IMPORTED = {**KINDS, BODYCAM["kind"]: {**KINDS[BODYCAM["kind"]], "max_size": BODYCAM["max_size"]}}

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def require_filer(user: User) -> None:
    """403 unless the user may import and link in his own township: asked before any record
    is looked up, so that the answer says nothing of a record (a township's role counts
    only in its township, and he sees no other township's imports)."""
    township = township_of(user.unit)
    if township is None or not may_file(user, township.path):
        abort(403, message="only a township's officers, dispatchers and leaders import and link")


def may_file(user: User, unit_path: str) -> bool:
    """Whether the user may import into, or link from, the inbox of the township at
    ``unit_path`` (``BODYCAM["who"]``, a township's role counting in its township)."""
    state = RecordState(type="evidence", id=uuid.uuid4(), version=1, fields={}, unit_path=unit_path)
    return may(list(BODYCAM["who"]), state, actor_of(user))


def create_import(user: User, data: dict[str, Any]) -> ImportedVideo:
    """Record an import the desk is about to upload: the file's name and the hash, size and
    media type its browser computed. Its bytes follow by tus, as any evidence's."""
    require_filer(user)
    township = township_of(user.unit)
    problems: dict[str, Any] = {}
    name = data.get("file_name")
    if not isinstance(name, str) or not name.strip() or len(name) > BODYCAM["max_file_name"]:
        problems["file_name"] = [f"the file's name, 1 to {BODYCAM['max_file_name']} characters"]
    original = data.get("original")
    if not isinstance(original, dict):
        problems["original"] = ["the file's sha256, size and media_type"]
    else:
        wrong = {}
        if not isinstance(original.get("sha256"), str) or not _HEX64.match(original["sha256"]):
            wrong["sha256"] = ["64 lower-case hexadecimal digits"]
        if not isinstance(original.get("size"), int) or original["size"] <= 0:
            wrong["size"] = ["a positive number of bytes"]
        if original.get("media_type") not in BODYCAM["extensions"].values():
            wrong["media_type"] = ["one of " + ", ".join(BODYCAM["extensions"].values())]
        if not wrong:
            wrong = file_problems({"kind": BODYCAM["kind"], "original": original}, IMPORTED).get(
                "original", {}
            )
        if wrong:
            problems["original"] = wrong
    try:
        evidence_id = uuid.UUID(str(data["id"])) if data.get("id") else uuid.uuid4()
    except ValueError:
        problems["id"] = ["a UUID"]
    if problems:
        raise DomainError("the import is incomplete", code="invalid", status=422, fields=problems)
    if db.session.get(Evidence, evidence_id) is not None:
        raise DomainError(
            "an evidence record with this id exists",
            code="exists",
            status=409,
            fields={"id": ["taken"]},
        )
    now = utcnow()
    evidence = ImportedVideo(
        id=evidence_id,
        import_unit_id=township.id,
        author_id=user.id,
        kind=BODYCAM["kind"],
        original_sha256=original["sha256"],
        original_size=original["size"],
        original_media_type=original["media_type"],
        # An import has no capture on a device: its record's "captured_at" is when it was
        # imported (the server's clock). The recording's own time is ``recorded_at``.
        captured_at=now,
        status="included",
        version=1,
        seq=provisional_changes(1),
        created_at=now,
        disagreements=[],
        field_meta={},
    )
    evidence.imported = BodycamImport(
        file_name=name.strip(), imported_by=user.id, imported_at=now, origin={}
    )
    db.session.add(evidence)
    db.session.flush()
    audit.record(
        "bodycam.imported",
        "evidence",
        evidence.id,
        {"file_name": name.strip(), "township": township.code, **original},
    )
    number_changes(Evidence)
    return evidence


def imports_of(user: User, *, unlinked_only: bool) -> list[ImportedVideo]:
    """The imports the user may see, newest first; ``unlinked_only``: the inbox, those with
    no range linked to a case yet."""
    stmt = scoped(ImportedVideo, user).order_by(ImportedVideo.created_at.desc())
    if unlinked_only:
        stmt = stmt.where(~sa.exists().where(CaseClip.evidence_id == ImportedVideo.id))
    return list(db.session.execute(stmt.limit(200)).unique().scalars())


def link(user: User, evidence: ImportedVideo, data: dict[str, Any]) -> CaseClip:
    """Link a range of a verified import to a case of the same township (404 otherwise, as
    for any record the user may not see), audited."""
    try:
        case_id = uuid.UUID(str(data.get("case_id")))
    except ValueError:
        raise DomainError(
            "name the case", code="invalid", status=422, fields={"case_id": ["a case's id"]}
        ) from None
    case = get_visible_or_404(Case, case_id, user)
    if not evidence.import_unit.contains(case.unit):  # a case of another township
        abort(404, message="case not found")
    if not may_file(user, case.unit.path):  # a county user sees it, may not link it
        abort(403, message="only the township's officers, dispatchers and leaders link clips")
    blob = db.session.get(Blob, evidence.original_sha256) if evidence.original_at else None
    if blob is None:
        raise DomainError(
            "the file is not received and verified yet",
            code="not_held",
            status=409,
            fields={"evidence_id": ["its upload has not finished"]},
        )
    problems = range_problems(data.get("start_ms"), data.get("end_ms"), blob.duration_ms or 0)
    if problems:
        raise DomainError(
            "the range is not within the clip", code="invalid", status=422, fields=problems
        )
    clip = CaseClip(
        id=uuid.uuid4(),
        evidence_id=evidence.id,
        case_id=case.id,
        start_ms=data["start_ms"],
        end_ms=data["end_ms"],
        linked_by=user.id,
        linked_at=utcnow(),
    )
    db.session.add(clip)
    db.session.flush()
    detail = {"clip": str(clip.id), "evidence": str(evidence.id), "case": case.code}
    detail |= {"start_ms": clip.start_ms, "end_ms": clip.end_ms, "sha256": evidence.original_sha256}
    audit.record("bodycam.linked", "case", case.id, detail)
    return clip


def clips_of_case(case: Case, user: User) -> list[tuple[CaseClip, ImportedVideo]]:
    """The ranges linked to a case, with their imports the user may see, by recording time."""
    rows = db.session.execute(
        sa.select(CaseClip, ImportedVideo)
        .join(ImportedVideo, ImportedVideo.id == CaseClip.evidence_id)
        .where(CaseClip.case_id == case.id, scoped(ImportedVideo, user).whereclause)
        .order_by(CaseClip.linked_at, CaseClip.id)
    ).unique()
    return [(clip, video) for clip, video in rows.all()]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def import_json(evidence: ImportedVideo, names: dict[int, str] | None = None) -> dict[str, Any]:
    """An import as the console and the export show it: the recording's time and camera
    (with their source) apart from who imported it and when."""
    imported = evidence.imported
    blob = db.session.get(Blob, evidence.original_sha256) if evidence.original_at else None
    names = names or {}
    return {
        "id": str(evidence.id),
        "file_name": imported.file_name,
        "sha256": evidence.original_sha256,
        "size": evidence.original_size,
        "media_type": evidence.original_media_type,
        "held": evidence.original_at is not None,
        "duration_ms": blob.duration_ms if blob else None,
        "recorded_at": _iso(imported.recorded_at),
        "recorded_at_source": imported.recorded_at_source,
        "device": imported.device,
        "device_source": imported.device_source,
        "origin_disagreements": (imported.origin or {}).get("disagreements", []),
        "imported_by": imported.imported_by,
        "imported_by_name": names.get(imported.imported_by),
        "imported_at": _iso(imported.imported_at),
        "status": evidence.status,
        "links": [
            clip_json(c)
            for c in db.session.execute(
                sa.select(CaseClip)
                .where(CaseClip.evidence_id == evidence.id)
                .order_by(CaseClip.linked_at)
            ).scalars()
        ],
    }


def clip_json(clip: CaseClip) -> dict[str, Any]:
    case = db.session.get(Case, clip.case_id)
    return {
        "id": str(clip.id),
        "case_id": str(clip.case_id),
        "case_code": case.code if case else None,
        "start_ms": clip.start_ms,
        "end_ms": clip.end_ms,
        "linked_by": clip.linked_by,
        "linked_at": _iso(clip.linked_at),
    }


def names_of(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids))).all()
    )
