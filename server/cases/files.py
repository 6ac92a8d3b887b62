"""Files on a collaboration request (执法协作申请): the department answers with its signed
letter (认定意见书, 鉴定意见, a scanned map) as well as in words, and the township may send
materials with its question (seeds 004: 协作部门应当…出具书面意见).

Whoever sees the request (its township's staff and the county above them, the department it
is addressed to: ``server.accounts.jurisdiction``) reads its files; anyone else gets 404, as
for a request that does not exist. The addressed department's users attach its answer while
the request is open to an answer; the township's officers and command room attach materials
while it is not ended. A file is a PDF, JPEG or PNG (by its bytes, not its name) of at most
``FILE_MAX_BYTES``, kept under its SHA-256 and never changed; reading one is audited.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import uuid

import marshmallow as ma
import sqlalchemy as sa
from flask import request, send_file
from flask_smorest import Blueprint

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404
from server.accounts.models import Role, User
from server.audit import chain as audit
from server.cases.models import Collaboration, CollaborationFile
from server.core.api import BEARER, DomainError
from server.core.db import begin_writing, db, move_to_feed_end, number_changes
from server.evidence import service as evidence_service
from sync.workflow import WORKFLOW

blp = Blueprint("collaboration_files", __name__, description="Files of collaboration requests")

FILE_MAX_BYTES = 7 * 1024 * 1024  # under the request limit (8 MB) with the form around it
TYPES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
TOWNSHIP_SENDERS = (Role.OFFICER, Role.DISPATCHER, Role.LEADER)
# The department answers while the request waits for its answer; the township adds materials
# until the request ends (answered, refused or withdrawn: nothing more is asked).
ANSWERING = tuple(WORKFLOW["collaboration"]["clocks"]["due"]["running"])
ENDED = tuple(WORKFLOW["collaboration"]["closed"])
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def key(sha256: str) -> str:
    """Where the store keeps a request's file: apart from the evidence (``sha256/``)."""
    return f"attachments/{sha256[:2]}/{sha256}"


class FileSchema(ma.Schema):
    sha256 = ma.fields.String()
    size = ma.fields.Integer()
    media_type = ma.fields.String()
    name = ma.fields.String()
    side = ma.fields.String()
    uploaded_by = ma.fields.Integer()
    uploaded_at = ma.fields.DateTime()


def _invalid(why: str) -> DomainError:
    return DomainError(f"file: {why}", code="invalid", status=422, fields={"file": [why]})


def _side(user: User, collaboration: Collaboration) -> str:
    """Which side the user attaches for, or a refusal saying why he may not now."""
    if user.department_id is not None and user.department_id == collaboration.department_id:
        if collaboration.status not in ANSWERING:
            raise DomainError(
                "the request is not waiting for an answer", code="conflict", status=409
            )
        return "department"
    if user.department_id is None and user.has_role(*TOWNSHIP_SENDERS):
        if collaboration.status in ENDED:
            raise DomainError("the request has ended", code="conflict", status=409)
        return "township"
    raise DomainError(
        "only its department or its township attach files", code="forbidden", status=403
    )


@blp.route("/collaborations/<uuid:collaboration_id>/files")
@login_required
@blp.response(200, FileSchema(many=True))
@blp.doc(security=BEARER)
def list_files(collaboration_id: uuid.UUID):
    """The request's files, the first attached first."""
    get_visible_or_404(Collaboration, collaboration_id, current_user())
    return db.session.execute(
        sa.select(CollaborationFile)
        .where(CollaborationFile.collaboration_id == collaboration_id)
        .order_by(CollaborationFile.id)
    ).scalars()


class AttachQuerySchema(ma.Schema):
    name = ma.fields.String(
        load_default="", validate=ma.validate.Length(max=200), metadata={"description": "its name"}
    )


@blp.route("/collaborations/<uuid:collaboration_id>/files", methods=["POST"])
@login_required
@blp.arguments(AttachQuerySchema, location="query")
@blp.response(201, FileSchema)
@blp.alt_response(200, schema=FileSchema, description="Attached already: the same file")
@blp.doc(security=BEARER)
def attach_file(args, collaboration_id: uuid.UUID):
    """Attach one file, sent as the body's bytes (as a register workbook is), its name in
    ``name``: a PDF, JPEG or PNG of at most 7 MB. The same file again is answered with the
    one attached (200)."""
    user = current_user()
    collaboration = get_visible_or_404(Collaboration, collaboration_id, user)
    side = _side(user, collaboration)
    digest, size = hashlib.sha256(), 0
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        head = b""
        while chunk := request.stream.read(64 * 1024):
            size += len(chunk)
            if size > FILE_MAX_BYTES:
                raise _invalid(f"at most {FILE_MAX_BYTES // (1024 * 1024)} MB")
            if len(head) < 8:
                head = (head + chunk)[:8]
            digest.update(chunk)
            spool.write(chunk)
        media_type = next((t for magic, t in TYPES.items() if head.startswith(magic)), None)
        if size == 0:
            raise _invalid("required: a PDF, JPEG or PNG file as the body")
        if media_type is None:
            raise _invalid("a PDF, JPEG or PNG file (by its content)")
        sha256 = digest.hexdigest()
        found = db.session.execute(
            sa.select(CollaborationFile).where(
                CollaborationFile.collaboration_id == collaboration.id,
                CollaborationFile.sha256 == sha256,
            )
        ).scalar_one_or_none()
        if found is not None:
            return found, 200
        spool.seek(0)
        evidence_service.store().put(key(sha256), spool)  # before the row that names it
    name = _UNSAFE.sub("", args["name"]).strip() or f"{sha256[:12]}.{EXTENSIONS[media_type]}"
    row = CollaborationFile(
        collaboration_id=collaboration.id,
        sha256=sha256,
        size=size,
        media_type=media_type,
        name=name,
        side=side,
        uploaded_by=user.id,
    )
    db.session.add(row)
    # The request goes to the end of the change feed: both sides' devices pull it again, with
    # the names of its files (``records.collaboration_pulled``), and show what came.
    move_to_feed_end(Collaboration, [collaboration.id])
    audit.record(
        "collaboration.file_attached",
        "collaboration",
        str(collaboration.id),
        {"sha256": sha256, "size": size, "media_type": media_type, "side": side},
    )
    db.session.flush()
    number_changes(Collaboration)  # last before the commit
    db.session.commit()
    return row, 201


@blp.route("/collaborations/<uuid:collaboration_id>/files/<string:sha256>")
@login_required
@blp.doc(security=BEARER)
def get_file(collaboration_id: uuid.UUID, sha256: str):
    """One of the request's files, as a download; who read it is audited."""
    begin_writing()
    user = current_user()
    collaboration = get_visible_or_404(Collaboration, collaboration_id, user)
    row = db.session.execute(
        sa.select(CollaborationFile).where(
            CollaborationFile.collaboration_id == collaboration.id,
            CollaborationFile.sha256 == sha256.lower(),
        )
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("file not found", code="not_found", status=404)
    audit.record(
        "collaboration.file_read", "collaboration", str(collaboration.id), {"sha256": row.sha256}
    )
    db.session.commit()
    response = send_file(
        evidence_service.store().open(key(row.sha256)),
        mimetype=row.media_type,
        as_attachment=True,
        download_name=f"{collaboration.code}-{row.sha256[:8]}.{EXTENSIONS[row.media_type]}",
    )
    response.cache_control.no_store = True
    return response
