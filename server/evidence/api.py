"""Evidence over HTTP: the records, their files for whoever may see the clue (or the visit's
record a photo hangs from), and the export of a clue's evidence. Every view of an original
or a print copy, and every export, is an audit entry; the files are streamed by the app,
never from a public URL."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import uuid

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app, request, send_file
from flask_smorest import Blueprint, abort
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import STAFF_ROLES, get_visible_or_404, scoped
from server.accounts.models import User
from server.audit import chain as audit
from server.audit import stamps
from server.audit.models import AuditEntry
from server.cases.models import Case
from server.clues.models import Clue
from server.core.api import BEARER, DomainError
from server.core.db import begin_writing, db
from server.core.schemas import StrictSchema
from server.evidence import bodycam, images, media, service
from server.evidence import export as exporting
from server.evidence.models import TIERS, Blob, Evidence, ImportedVideo, VisitPhoto
from server.evidence.storage import derived_key, original_key, print_key
from server.inspections.models import VisitRecord
from server.sync_api.pulled import evidence_data, visit_photo_data

log = logging.getLogger(__name__)

blp = Blueprint("evidence", __name__, description="Evidence (证据): records, files, exports")

VARIANTS = (*TIERS, *images.COPIES, "print")
# The files whose every viewing is in the audit log (``evidence.view_<variant>``).
VIEWS_AUDITED = ("original", "print")
FOLDERS = {"original": "originals", "copy": "copies"}  # in an export zip
# What the browser may do with a file we serve: show it as an image, nothing else.
FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class EvidenceSchema(ma.Schema):
    id = ma.fields.UUID()
    clue_id = ma.fields.String(
        allow_none=True, metadata={"description": "a clue's evidence: its clue"}
    )
    visit_record_id = ma.fields.String(
        allow_none=True, metadata={"description": "a visit's photo: its record"}
    )
    kind = ma.fields.String()
    status = ma.fields.String()
    tier = ma.fields.String(metadata={"description": "original | copy | none: what is held"})
    original = ma.fields.Dict()
    copy = ma.fields.Dict(allow_none=True)
    captured_at = ma.fields.String()
    location = ma.fields.Dict(allow_none=True)
    note = ma.fields.String(allow_none=True)
    author_id = ma.fields.Integer()
    exclude_reason = ma.fields.String(allow_none=True)
    disagreements = ma.fields.List(ma.fields.Dict())
    late = ma.fields.Boolean()
    image = ma.fields.Dict(allow_none=True, metadata={"description": "What Pillow found"})
    duration_ms = ma.fields.Integer(
        allow_none=True, metadata={"description": "a recording: how long, as ffprobe found"}
    )


def _as_json(evidence: Evidence) -> dict:
    data = (visit_photo_data if isinstance(evidence, VisitPhoto) else evidence_data)(evidence)
    if isinstance(evidence, ImportedVideo):  # a township's import: no clue (bodycam_api)
        data["clue_id"] = None
    data["id"] = str(evidence.id)
    data["version"] = evidence.version
    blob = service.best_blob(evidence)
    data["duration_ms"] = blob.duration_ms if blob is not None else None
    data["image"] = (
        None
        if blob is None
        else {
            "sha256": blob.sha256,
            "width": blob.width,
            "height": blob.height,
            "exif": blob.exif,
        }
    )
    return data


@blp.route("/evidence/<uuid:evidence_id>")
@login_required
@blp.response(200, EvidenceSchema)
@blp.doc(security=BEARER)
def get_evidence(evidence_id: uuid.UUID):
    """One piece of evidence: what was declared at capture, which files the server holds
    (verified), and where the photo's EXIF disagrees with the declaration."""
    return _as_json(service.visible_evidence(evidence_id, current_user()))


@blp.route("/clues/<uuid:clue_id>/evidence")
@login_required
@blp.response(200, EvidenceSchema(many=True))
@blp.doc(security=BEARER)
def list_evidence(clue_id: uuid.UUID):
    """The evidence of a clue, oldest first."""
    clue = get_visible_or_404(Clue, clue_id, current_user())
    return _listed(Evidence, Evidence.clue_id == clue.id)


@blp.route("/visit-records/<uuid:record_id>/photos")
@login_required
@blp.response(200, EvidenceSchema(many=True))
@blp.doc(security=BEARER)
def list_visit_photos(record_id: uuid.UUID):
    """The photos taken at an inspection visit, with its record, oldest first: for whoever
    may see the record (404 otherwise)."""
    record = get_visible_or_404(VisitRecord, record_id, current_user())
    return _listed(VisitPhoto, VisitPhoto.visit_record_id == record.id)


def _listed(model: type[Evidence], of_parent) -> list[dict]:
    """The evidence of one parent the user may see, oldest first."""
    rows = db.session.execute(
        scoped(model, current_user()).where(of_parent).order_by(model.created_at, model.id)
    )
    return [_as_json(e) for e in rows.unique().scalars().all()]


@blp.route("/evidence/<uuid:evidence_id>/files/<string:variant>")
@login_required
@blp.doc(security=BEARER)
def get_file(evidence_id: uuid.UUID, variant: str):
    """A file of the evidence: ``original`` (the bytes as captured; always a download),
    ``copy`` (the compressed copy), ``display`` (1600 px), ``thumb`` (320 px), ``print``
    (watermarked). Viewing an original or a print copy is recorded in the audit log."""
    if variant not in VARIANTS:
        abort(404, message="no such file")
    audited = variant in VIEWS_AUDITED
    if audited:
        begin_writing()
    evidence = service.visible_evidence(evidence_id, current_user())
    key, media_type, sha = _file_for(evidence, variant)
    if audited:
        audit.record(
            f"evidence.view_{variant}",
            "evidence",
            evidence.id,
            {"sha256": sha, "status": evidence.status},
        )
        db.session.commit()
    return _send(evidence, variant, key, media_type, sha, audited=audited)


def _send(
    evidence: Evidence,
    variant: str,
    key: str,
    media_type: str,
    sha: str,
    *,
    audited: bool,
    download: bool | None = None,
):
    """A file of the evidence as a response that answers Range requests (a player seeks by
    them), its own copies made on their first request; an original is a download unless
    ``download`` says it is played."""
    try:
        stream = service.store().open(key)
    except FileNotFoundError:
        # Copies are made on their first request (a restored store may lack them too).
        if variant == "print":
            service.make_print_copy(evidence, db.session.get(Blob, sha))
        elif variant in images.COPIES:
            service.make_copy(db.session.get(Blob, sha), variant)
        else:
            raise
        stream = service.store().open(key)
    number = evidence.parent_reference()[1]
    name = f"{number}-{str(evidence.id)[:8]}-{variant}.{_extension(media_type)}"
    response = send_file(
        stream,
        mimetype=media_type,
        as_attachment=variant == "original" if download is None else download,
        download_name=name,
        etag=f"{sha}-{variant}",
        max_age=0 if audited else 3600,
    )
    # Given a stream, send_file knows no length and so answers no Range request: a sound or
    # video player seeks by ranges, and a long recording must not be sent whole to do it.
    size = service.store().size(key)
    response.content_length = size
    try:
        response = response.make_conditional(request, accept_ranges=True, complete_length=size)
    except RequestedRangeNotSatisfiable:
        stream.close()
        raise
    response.headers.update(FILE_HEADERS)
    response.cache_control.private = True
    response.cache_control.public = False
    if audited:
        response.cache_control.no_store = True
    return response


# A recording is played in the page by a <video>/<audio> element, which sends no bearer
# token: it is given a short-lived address of its own instead (signed by the app's secret,
# naming the evidence and the viewer), which answers Range requests, so a long body-camera
# file is played and sought through without being fetched whole into the browser's memory.
# A download goes the same way (``?download=1``): the address then answers as an attachment,
# so the browser streams a gigabyte file to disk instead of the page holding it in memory.
PLAY_SECONDS = 15 * 60
GONE = "no such recording, or its address has expired"


class PlaySchema(ma.Schema):
    url = ma.fields.String(metadata={"description": "where the player reads the recording"})
    expires_in = ma.fields.Integer(metadata={"description": "seconds the address works"})


class PlayQuerySchema(StrictSchema):
    download = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "an address that saves the original to disk, not one to play"},
    )


def _play_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="evidence.play")


@blp.route("/evidence/<uuid:evidence_id>/play", methods=["POST"])
@login_required
@blp.arguments(PlayQuerySchema, location="query")
@blp.response(201, PlaySchema)
@blp.doc(security=BEARER)
def play_address(args, evidence_id: uuid.UUID):
    """An address to play a recording's original (sound or video) in the page, or with
    ``?download=1`` to save it to disk, for ``PLAY_SECONDS``: the viewing is in the audit log
    once, here, as a downloaded original's is; the address serves the viewer only while he
    still sees the evidence. What it is for is signed into it: a played address is never
    turned into a download the audit log does not name, nor the other way."""
    begin_writing()
    user = current_user()
    evidence = service.visible_evidence(evidence_id, user)
    if evidence.kind not in ("audio", "video"):
        why = "only a sound or video recording is played; ask for its files"
        raise DomainError(why, code="not_a_recording", status=409, fields={"evidence_id": [why]})
    _key, _media_type, sha = _file_for(evidence, "original")
    how = "downloaded" if args["download"] else "played"
    audit.record(
        "evidence.view_original",
        "evidence",
        evidence.id,
        {"sha256": sha, "status": evidence.status, how: True},
    )
    db.session.commit()
    named = {"evidence": str(evidence.id), "user": user.id}
    if args["download"]:
        named["download"] = True
    token = _play_signer().dumps(named)
    return {"url": f"/api/v1/play/{token}", "expires_in": PLAY_SECONDS}


@blp.route("/play/<string:token>")
@blp.doc(
    description="A recording played (or downloaded) by the address ``POST …/play`` gave (no token)."
)
def play(token: str):
    """The recording a play address names, with Range requests, inline to play or as an
    attachment to save; 404 for an address that is forged, out of date, or whose viewer no
    longer sees the evidence (or is disabled)."""
    try:
        named = _play_signer().loads(token, max_age=PLAY_SECONDS)
        evidence_id, user_id = uuid.UUID(named["evidence"]), int(named["user"])
        download = named.get("download") is True
    except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
        abort(404, message=GONE)
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        abort(404, message=GONE)
    evidence = service.visible_evidence(evidence_id, user)
    key, media_type, sha = _file_for(evidence, "original")
    return _send(evidence, "original", key, media_type, sha, audited=True, download=download)


def _extension(media_type: str) -> str:
    return images.EXTENSIONS.get(media_type) or media.EXTENSIONS.get(media_type, "bin")


def _file_for(evidence: Evidence, variant: str) -> tuple[str, str, str]:
    """(store key, media type, sha256) of a variant; 404 while the server lacks it."""
    if variant in TIERS:
        sha, _size, media_type = service.declared(evidence, variant)
        if sha is None or getattr(evidence, f"{variant}_at") is None:
            abort(404, message=f"the server does not hold the {variant} yet")
        return original_key(sha), media_type, sha
    blob = service.best_blob(evidence)
    if blob is None:
        abort(404, message="the server holds no file of this evidence yet")
    if blob.media_type.startswith("audio/"):
        abort(404, message=f"a sound recording has no {variant} picture; ask for the original")
    if variant == "print":
        return print_key(evidence.id, blob.sha256), "image/jpeg", blob.sha256
    return derived_key(blob.sha256, variant), "image/jpeg", blob.sha256


@blp.route("/clues/<uuid:clue_id>/evidence-export")
@login_required(roles=STAFF_ROLES)
@blp.doc(security=BEARER)
def export_evidence(clue_id: uuid.UUID):
    """A zip of the clue's evidence: the originals, a manifest with their hashes and the
    audit entries about them, and the audit entry of this export. ``flask evidence
    verify-export FILE`` checks one offline."""
    begin_writing()
    user = current_user()
    clue = get_visible_or_404(Clue, clue_id, user)
    rows = (
        db.session.execute(
            scoped(Evidence, user)
            .where(Evidence.clue_id == clue.id)
            .order_by(Evidence.created_at, Evidence.id)
        )
        .unique()
        .scalars()
        .all()
    )
    # Handed to the response, which closes it once sent.
    spool = tempfile.SpooledTemporaryFile(max_size=service.SPOOL_IN_MEMORY)  # noqa: SIM115
    writer = exporting.ExportWriter(spool)
    items = []
    for evidence in rows:
        item = _as_json(evidence)
        item["files"] = {}
        for tier in TIERS:
            sha, size, media_type = service.declared(evidence, tier)
            if sha is None:
                continue
            held = getattr(evidence, f"{tier}_at") is not None
            path = f"{FOLDERS[tier]}/{sha}.{_extension(media_type)}" if held else None
            if held and path not in {name for _digest, name in writer.sums}:
                writer.add_stream(path, service.store().iter_chunks(original_key(sha)), size)
            item["files"][tier] = {
                "sha256": sha,
                "size": size,
                "media_type": media_type,
                "held": held,
                "path": path,
            }
        blob = service.best_blob(evidence)
        if blob is not None and blob.duration_ms is not None:  # a recording: how long
            item["duration_ms"] = blob.duration_ms
        if blob is not None and blob.media_type.startswith("video/"):
            item["poster"] = _add_poster(writer, blob)
        items.append(item)
    clips, videos = _linked_clips(clue, user, writer)
    names = _names({e.author_id for e in rows} | {clue.reporter_id} | {v.author_id for v in videos})
    manifest = {
        "format": exporting.FORMAT,
        "clue": {
            "id": str(clue.id),
            "code": clue.code,
            "unit": clue.unit.name,
            "matter": clue.matter.name,
            "address": clue.address,
            "description": clue.description,
            "reported_at": clue.created_at.isoformat(),
            "reporter": names.get(clue.reporter_id),
        },
        "people": {str(k): v for k, v in names.items()},
        "evidence": items,
        "clips": clips,
        "audit": _audit_trail(clue, [*rows, *videos]),
    }
    manifest_bytes = exporting.canonical_json(manifest)
    writer.add_bytes(exporting.MANIFEST, manifest_bytes)
    sums = writer.finish_sums()
    recorded = audit.record(
        "evidence.export",
        "clue",
        clue.id,
        {
            "evidence": len(rows),
            "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
            "sums_sha256": hashlib.sha256(sums).hexdigest(),
        },
    )
    db.session.flush()
    entry = db.session.execute(
        sa.select(AuditEntry).where(AuditEntry.hash == recorded)
    ).scalar_one()
    writer.add_bytes(exporting.ENTRY, exporting.canonical_json(audit.exported(entry)), False)
    entry_hash, chain, seq = entry.hash, entry.chain, entry.seq
    db.session.commit()
    if current_app.config["TSA_URL"]:  # asked once the head is free: a push never waits
        try:
            token = stamps.stamp_entry(current_app.config["TSA_URL"], chain, seq, entry_hash)
            writer.add_bytes(exporting.STAMP, token.token, False)
        except (OSError, TimestampRequestError) as exc:
            log.warning("export %s not time-stamped: %s", entry_hash, exc)
    writer.close()
    spool.seek(0)
    response = send_file(
        spool,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{clue.code}-evidence.zip",
        max_age=0,
    )
    response.headers["X-Audit-Entry-Hash"] = entry_hash
    response.cache_control.no_store = True
    return response


def _add_poster(writer: exporting.ExportWriter, blob: Blob) -> dict | None:
    """A video's poster frame in the export, for whoever looks through it without a player:
    made by the server from the original (its first frame), so named as such, never as
    evidence captured. None when the store has lost it (the original is what counts)."""
    key = derived_key(blob.sha256, "poster")
    try:
        data = service.store().read(key)
    except FileNotFoundError:
        return None
    path = f"posters/{blob.sha256}.jpg"
    if path not in {name for _digest, name in writer.sums}:
        writer.add_bytes(path, data)
    return {
        "path": path,
        "sha256": hashlib.sha256(data).hexdigest(),
        "media_type": "image/jpeg",
        "made_from": blob.sha256,
        "made_by": "server: the video's first frame",
    }


def _linked_clips(clue: Clue, user: User, writer) -> tuple[list[dict], list[ImportedVideo]]:
    """The body-camera clips linked to the clue's cases: each file once (under
    ``originals/``, by its hash), with every range of it linked to them and what the file
    says of its recording, apart from who imported it and when."""
    cases = db.session.execute(scoped(Case, user).where(Case.clue_id == clue.id)).unique().scalars()
    by_video: dict[uuid.UUID, tuple[ImportedVideo, list]] = {}
    for case in cases:
        for clip, video in bodycam.clips_of_case(case, user):
            by_video.setdefault(video.id, (video, []))[1].append(clip)
    out = []
    for video, ranges in by_video.values():
        item = bodycam.import_json(video)
        item["links"] = [bodycam.clip_json(c) for c in ranges]
        item["path"] = None
        if video.original_at is not None:
            item["path"] = (
                f"{FOLDERS['original']}/{video.original_sha256}.{_extension(video.original_media_type)}"
            )
            if item["path"] not in {name for _digest, name in writer.sums}:
                writer.add_stream(
                    item["path"],
                    service.store().iter_chunks(original_key(video.original_sha256)),
                    video.original_size,
                )
        out.append(item)
    return out, [v for v, _r in by_video.values()]


def _names(ids: set[int]) -> dict[int, str]:
    return dict(
        db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids))).all()
    )


def _audit_trail(clue: Clue, rows: list[Evidence]) -> list[dict]:
    """Every audit entry about the clue and its evidence, in the order they were written (each
    names its chain: a township's, or the county's)."""
    conditions = [sa.and_(AuditEntry.record_type == "clue", AuditEntry.record_id == str(clue.id))]
    if rows:
        conditions.append(
            sa.and_(
                AuditEntry.record_type == "evidence",
                AuditEntry.record_id.in_([str(e.id) for e in rows]),
            )
        )
    entries = db.session.execute(
        sa.select(AuditEntry).where(sa.or_(*conditions)).order_by(AuditEntry.id)
    ).scalars()
    return [audit.exported(e) for e in entries]
