"""Body-camera imports over HTTP (导入执法记录仪视频, 关联到案件): the township's import
inbox, an import's record before its bytes come by tus (``/uploads``), and the ranges of
it linked to a case. The rules are in ``server.evidence.bodycam``."""

from __future__ import annotations

import uuid

import marshmallow as ma
from flask_smorest import Blueprint

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import STAFF_ROLES, get_visible_or_404
from server.cases.models import Case
from server.core.api import BEARER
from server.core.db import db
from server.evidence import bodycam
from server.evidence.models import ImportedVideo

blp = Blueprint("bodycam", __name__, description="Body-camera files imported at the desk")


class InboxQuerySchema(ma.Schema):
    all = ma.fields.Boolean(load_default=False, metadata={"description": "linked ones too"})


class DeclaredFileSchema(ma.Schema):
    sha256 = ma.fields.String(required=True, metadata={"description": "hashed by the desk"})
    size = ma.fields.Integer(required=True, strict=True)
    media_type = ma.fields.String(required=True)


class ImportCreateSchema(ma.Schema):
    id = ma.fields.UUID(load_default=None, metadata={"description": "made by the desk"})
    file_name = ma.fields.String(required=True, metadata={"description": "as the camera named it"})
    original = ma.fields.Nested(DeclaredFileSchema, required=True)


class LinkCreateSchema(ma.Schema):
    case_id = ma.fields.UUID(required=True)
    start_ms = ma.fields.Integer(required=True, strict=True)
    end_ms = ma.fields.Integer(required=True, strict=True)


class LinkSchema(ma.Schema):
    id = ma.fields.String()
    case_id = ma.fields.String()
    case_code = ma.fields.String(allow_none=True)
    start_ms = ma.fields.Integer()
    end_ms = ma.fields.Integer()
    linked_by = ma.fields.Integer()
    linked_at = ma.fields.String()


class ImportSchema(ma.Schema):
    id = ma.fields.String()
    file_name = ma.fields.String()
    sha256 = ma.fields.String()
    size = ma.fields.Integer()
    media_type = ma.fields.String()
    held = ma.fields.Boolean(metadata={"description": "the file is received and verified"})
    duration_ms = ma.fields.Integer(allow_none=True)
    recorded_at = ma.fields.String(allow_none=True, metadata={"description": "the recording's"})
    recorded_at_source = ma.fields.String(
        allow_none=True, metadata={"description": "container | file_name"}
    )
    device = ma.fields.String(allow_none=True)
    device_source = ma.fields.String(allow_none=True)
    origin_disagreements = ma.fields.List(ma.fields.Dict())
    imported_by = ma.fields.Integer()
    imported_by_name = ma.fields.String(allow_none=True)
    imported_at = ma.fields.String(
        metadata={"description": "the server's clock, not the recording's"}
    )
    status = ma.fields.String()
    links = ma.fields.List(ma.fields.Nested(LinkSchema))


class InboxSchema(ma.Schema):
    imports = ma.fields.List(ma.fields.Nested(ImportSchema))


class CaseClipSchema(LinkSchema):
    clip = ma.fields.Nested(ImportSchema)


class CaseClipsSchema(ma.Schema):
    clips = ma.fields.List(ma.fields.Nested(CaseClipSchema))


def _with_names(videos: list[ImportedVideo]) -> list[dict]:
    names = bodycam.names_of({v.imported.imported_by for v in videos})
    return [bodycam.import_json(v, names) for v in videos]


@blp.route("/bodycam-imports")
@login_required(roles=STAFF_ROLES)
@blp.arguments(InboxQuerySchema, location="query")
@blp.response(200, InboxSchema)
@blp.doc(security=BEARER)
def inbox(args):
    """The township's import inbox: imports no range of which is linked to a case yet
    (``?all=1``: every import), newest first."""
    return {
        "imports": _with_names(bodycam.imports_of(current_user(), unlinked_only=not args["all"]))
    }


@blp.route("/bodycam-imports", methods=["POST"])
@login_required(roles=STAFF_ROLES)
@blp.arguments(ImportCreateSchema)
@blp.response(201, ImportSchema)
@blp.doc(security=BEARER)
def create(args):
    """Record an import before its bytes: ``{id?, file_name, original: {sha256, size,
    media_type}}``; then upload the file by tus with ``evidence_id`` = this id."""
    evidence = bodycam.create_import(current_user(), args)
    db.session.commit()
    return bodycam.import_json(evidence)


@blp.route("/bodycam-imports/<uuid:evidence_id>")
@login_required(roles=STAFF_ROLES)
@blp.response(200, ImportSchema)
@blp.doc(security=BEARER)
def one(evidence_id: uuid.UUID):
    """One import: its recording's time and camera, who imported it and when, its links."""
    return _with_names([get_visible_or_404(ImportedVideo, evidence_id, current_user())])[0]


@blp.route("/bodycam-imports/<uuid:evidence_id>/links", methods=["POST"])
@login_required(roles=STAFF_ROLES)
@blp.arguments(LinkCreateSchema)
@blp.response(201, LinkSchema)
@blp.doc(security=BEARER)
def link(args, evidence_id: uuid.UUID):
    """Link a range of the clip to a case: ``{case_id, start_ms, end_ms}``."""
    user = current_user()
    bodycam.require_filer(user)
    evidence = get_visible_or_404(ImportedVideo, evidence_id, user)
    clip = bodycam.link(user, evidence, args)
    db.session.commit()
    return bodycam.clip_json(clip)


@blp.route("/cases/<uuid:case_id>/clips")
@login_required
@blp.response(200, CaseClipsSchema)
@blp.doc(security=BEARER)
def case_clips(case_id: uuid.UUID):
    """The body-camera ranges linked to a case, each with its clip's facts."""
    user = current_user()
    case = get_visible_or_404(Case, case_id, user)
    pairs = bodycam.clips_of_case(case, user)
    names = bodycam.names_of({v.imported.imported_by for _c, v in pairs})
    return {
        "clips": [
            {**bodycam.clip_json(clip), "clip": bodycam.import_json(video, names)}
            for clip, video in pairs
        ]
    }
