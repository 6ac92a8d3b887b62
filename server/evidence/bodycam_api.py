"""Body-camera imports over HTTP (导入执法记录仪视频, 关联到案件): the township's import
inbox, an import's record before its bytes come by tus (``/uploads``), and the ranges of
it linked to a case. The rules are in ``server.evidence.bodycam``."""

from __future__ import annotations

import uuid

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import STAFF_ROLES, get_visible_or_404
from server.cases.models import Case
from server.core.api import BEARER, DomainError
from server.core.db import db
from server.evidence import bodycam
from server.evidence.models import ImportedVideo

blp = Blueprint("bodycam", __name__, description="Body-camera files imported at the desk")


class InboxQuerySchema(ma.Schema):
    all = ma.fields.Boolean(load_default=False, metadata={"description": "linked ones too"})


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(
            "a JSON object", code="invalid", status=422, fields={"body": ["a JSON object"]}
        )
    return data


def _with_names(videos: list[ImportedVideo]) -> list[dict]:
    names = bodycam.names_of({v.imported.imported_by for v in videos})
    return [bodycam.import_json(v, names) for v in videos]


@blp.route("/bodycam-imports")
@login_required(roles=STAFF_ROLES)
@blp.arguments(InboxQuerySchema, location="query")
@blp.doc(security=BEARER)
def inbox(args):
    """The township's import inbox: imports no range of which is linked to a case yet
    (``?all=1``: every import), newest first."""
    return {
        "imports": _with_names(bodycam.imports_of(current_user(), unlinked_only=not args["all"]))
    }


@blp.route("/bodycam-imports", methods=["POST"])
@login_required(roles=STAFF_ROLES)
@blp.doc(security=BEARER)
def create():
    """Record an import before its bytes: ``{id?, file_name, original: {sha256, size,
    media_type}}``; then upload the file by tus with ``evidence_id`` = this id."""
    evidence = bodycam.create_import(current_user(), _body())
    db.session.commit()
    return bodycam.import_json(evidence), 201


@blp.route("/bodycam-imports/<uuid:evidence_id>")
@login_required(roles=STAFF_ROLES)
@blp.doc(security=BEARER)
def one(evidence_id: uuid.UUID):
    """One import: its recording's time and camera, who imported it and when, its links."""
    return _with_names([get_visible_or_404(ImportedVideo, evidence_id, current_user())])[0]


@blp.route("/bodycam-imports/<uuid:evidence_id>/links", methods=["POST"])
@login_required(roles=STAFF_ROLES)
@blp.doc(security=BEARER)
def link(evidence_id: uuid.UUID):
    """Link a range of the clip to a case: ``{case_id, start_ms, end_ms}``."""
    user = current_user()
    evidence = get_visible_or_404(ImportedVideo, evidence_id, user)
    clip = bodycam.link(user, evidence, _body())
    db.session.commit()
    return bodycam.clip_json(clip), 201


@blp.route("/cases/<uuid:case_id>/clips")
@login_required
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
