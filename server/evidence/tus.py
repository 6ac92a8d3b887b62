"""Resumable uploads: the tus 1.0.0 core protocol with the creation, checksum, termination
and expiration extensions (https://tus.io/protocols/resumable-upload), so that tus-js-client
and tuspy work unchanged.

- ``POST /api/v1/uploads`` with ``Upload-Length`` and ``Upload-Metadata`` naming
  ``evidence_id`` and ``sha256`` (the evidence record must have been pushed first, and must
  declare that hash). If the server already holds those bytes for this user the upload is
  created complete: nothing more is sent.
- ``HEAD`` (or ``GET``) answers ``Upload-Offset``: the last byte the server has. A client
  whose connection broke resumes from there with ``PATCH``; bytes received before a cut are
  kept, a piece at a time.
- ``Upload-Checksum`` on a ``PATCH`` is checked for that request's bytes (460 on mismatch,
  those bytes dropped). The whole file's SHA-256 is checked when the last byte is in; a
  mismatch, or a file that is not the image it claims to be, discards the upload.

Every request except ``OPTIONS`` needs the bearer token; an upload is its sender's alone
(anyone else gets 404).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import uuid

import sqlalchemy as sa
from flask import Response, current_app, g, request
from flask_smorest import Blueprint
from werkzeug.exceptions import ClientDisconnected

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404
from server.audit import chain as audit
from server.core import metrics
from server.core.api import BEARER, DomainError
from server.core.db import db, utcnow
from server.evidence import service
from server.evidence.models import Blob, Upload
from server.evidence.storage import upload_part_key
from sync.workflow import FILE_MAX_BYTES

blp = Blueprint("uploads", __name__, description="Resumable evidence uploads (tus 1.0.0)")

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum,expiration"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
READ_SIZE = 64 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_DIGITS = re.compile(r"^[0-9]{1,15}$")


def _tus_headers(**extra: str) -> dict[str, str]:
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **extra}


def _bad(field: str, message: str, status: int = 400, code: str = "bad_request") -> DomainError:
    return DomainError(message, code=code, status=status, fields={field: [message]})


def _require_tus_version() -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise DomainError(
            f"Tus-Resumable must be {TUS_VERSION}",
            code="unsupported_tus_version",
            status=412,
            fields={"Tus-Resumable": [f"must be {TUS_VERSION}"]},
        )


def _int_header(name: str) -> int:
    raw = request.headers.get(name)
    if raw is None or not _DIGITS.fullmatch(raw):
        raise _bad(name, f"{name} must be a non-negative whole number")
    return int(raw)


def parse_metadata(raw: str) -> dict[str, str]:
    """``key base64(value),key2 base64(value2)`` as tus defines it."""
    out: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        key, _, value = pair.partition(" ")
        try:
            out[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError):
            raise _bad("Upload-Metadata", f"the value of {key!r} is not base64 UTF-8") from None
    return out


def _expires(upload: Upload) -> str:
    return upload.expires_at.astimezone(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _state_headers(upload: Upload) -> dict[str, str]:
    headers = _tus_headers(
        **{"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)}
    )
    if upload.metadata_raw:
        headers["Upload-Metadata"] = upload.metadata_raw
    if upload.completed_at is None:
        headers["Upload-Expires"] = _expires(upload)
    return headers


@blp.route("/uploads", methods=["OPTIONS"], provide_automatic_options=False)
@blp.doc(responses={"204": {"description": "The tus capabilities, in the headers"}})
def options():
    """What this server supports (tus discovery): versions, extensions, the largest file."""
    return Response(
        status=204,
        headers={
            "Tus-Resumable": TUS_VERSION,
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": EXTENSIONS,
            "Tus-Max-Size": str(FILE_MAX_BYTES),
            "Tus-Checksum-Algorithm": ",".join(CHECKSUMS),
        },
    )


@blp.route("/uploads", methods=["POST"])
@login_required
@blp.doc(security=BEARER)
def create():
    """Start an upload of a file an evidence record declares (tus creation)."""
    _require_tus_version()
    if "Upload-Defer-Length" in request.headers:
        raise _bad("Upload-Defer-Length", "the length must be known: send Upload-Length")
    length = _int_header("Upload-Length")
    if length > FILE_MAX_BYTES:
        raise _bad("Upload-Length", f"at most {FILE_MAX_BYTES} bytes", status=413, code="too_large")
    raw_metadata = request.headers.get("Upload-Metadata", "")
    if len(raw_metadata) > 2000:
        raise _bad("Upload-Metadata", "at most 2000 characters")
    metadata = parse_metadata(raw_metadata)
    try:
        evidence_id = uuid.UUID(metadata.get("evidence_id", ""))
    except ValueError:
        raise _bad("evidence_id", "Upload-Metadata must name the evidence_id", 422) from None
    sha256 = metadata.get("sha256", "").lower()
    if not _HEX64.fullmatch(sha256):
        raise _bad("sha256", "Upload-Metadata must give the file's SHA-256 as hex", 422)

    user = current_user()
    evidence = service.visible_evidence(evidence_id, user)
    tier = service.tier_of(evidence, sha256)
    _sha, size, _type = service.declared(evidence, tier)
    if length != size:
        raise _bad("Upload-Length", f"the record declares {size} bytes for this file", 422)
    now = utcnow()
    upload = Upload(
        id=uuid.uuid4(),
        evidence_id=evidence.id,
        tier=tier,
        sha256=sha256,
        length=length,
        offset=0,
        parts=[],
        metadata_raw=raw_metadata,
        user_id=user.id,
        device_id=g.device.id if g.get("device") else None,
        created_at=now,
        expires_at=now + dt.timedelta(hours=current_app.config["UPLOAD_EXPIRES_HOURS"]),
    )
    held = getattr(evidence, f"{tier}_at") is not None or service.held_for(user, sha256)
    if held:  # a second upload of the same bytes costs nothing
        upload.offset, upload.completed_at = length, now
    db.session.add(upload)
    db.session.flush()
    audit.record(
        "evidence.upload_started",
        "evidence",
        evidence.id,
        {"upload": str(upload.id), "tier": tier, "sha256": sha256, "bytes": length, "held": held},
    )
    if held and getattr(evidence, f"{tier}_at") is None:
        service.confirm(evidence, tier, db.session.get(Blob, sha256))
    db.session.commit()
    headers = _tus_headers(Location=f"{request.base_url.rstrip('/')}/{upload.id}")
    headers["Upload-Offset"] = str(upload.offset)
    if not held:
        headers["Upload-Expires"] = _expires(upload)
    return Response(status=201, headers=headers)


def _upload_or_404(upload_id: uuid.UUID) -> Upload:
    return get_visible_or_404(Upload, upload_id, current_user())


@blp.route("/uploads/<uuid:upload_id>", methods=["GET"])
@login_required
@blp.doc(security=BEARER)
def status(upload_id):
    """How much of the upload the server has (tus HEAD; GET also answers it in JSON).

    An upload with every byte and no verdict (the server died between the last piece's
    commit and the check) is checked here: a tus client that sees the whole length takes
    the upload as done, and the phone then lets go of the original."""
    upload = _upload_or_404(upload_id)
    if upload.offset == upload.length and upload.completed_at is None:
        try:
            with metrics.upload_completion():
                service.complete(upload, current_user())
                db.session.commit()
        except FileNotFoundError:
            # Its pieces are gone (a restore that lost them; an older server that deleted
            # them before committing): 404, and the client starts a new upload.
            db.session.rollback()
            service.discard(db.session.get(Upload, upload_id))
            db.session.commit()
            lost = "the upload's bytes are lost; start again"
            raise _bad("upload", lost, 404, "not_found") from None
        service.drop_pieces(upload_id)
    headers = _state_headers(upload)
    if request.method == "HEAD":
        return Response(status=200, headers=headers)
    return Response(
        current_app.json.dumps(
            {
                "offset": upload.offset,
                "length": upload.length,
                "tier": upload.tier,
                "complete": upload.completed_at is not None,
            }
        ),
        status=200,
        headers=headers,
        mimetype="application/json",
    )


@blp.route("/uploads/<uuid:upload_id>", methods=["DELETE"])
@login_required
@blp.doc(security=BEARER, responses={"204": {"description": "Discarded"}})
def terminate(upload_id):
    """Give up an unfinished upload; its bytes are discarded (tus termination)."""
    _require_tus_version()
    upload = _upload_or_404(upload_id)
    if upload.completed_at is not None:
        raise _bad("upload", "a finished upload stays: its file is evidence", 409, "conflict")
    service.discard(upload)
    db.session.commit()
    return Response(status=204, headers=_tus_headers())


@blp.route("/uploads/<uuid:upload_id>", methods=["PATCH"])
@login_required
@blp.doc(security=BEARER, responses={"204": {"description": "Stored; the new Upload-Offset"}})
def append(upload_id):
    """Append bytes at ``Upload-Offset``. They are stored a piece at a time as they
    arrive, so a cut connection keeps what got through."""
    _require_tus_version()
    if request.mimetype != "application/offset+octet-stream":
        raise _bad(
            "Content-Type",
            "must be application/offset+octet-stream",
            415,
            "unsupported_media_type",
        )
    offset = _int_header("Upload-Offset")
    checksum = _checksum_header()
    user = current_user()
    upload = _upload_or_404(upload_id)
    if upload.completed_at is not None:  # already whole (or held before): nothing to add
        return Response(status=204, headers=_state_headers(upload))
    if offset != upload.offset:
        raise _bad(
            "Upload-Offset",
            f"the server has {upload.offset} bytes; resume from there",
            409,
            "conflict",
        )
    if upload.expires_at < utcnow():
        service.discard(upload)
        db.session.commit()
        raise _bad("upload", "the upload expired; start again", 410, "gone")
    upload_key, length, user_id = upload.id, upload.length, user.id
    # No transaction stays open while bytes trickle in over a slow network: each piece
    # is stored and then its offset committed on its own.
    db.session.commit()
    left = length - offset
    if (request.content_length or 0) > left:
        raise _bad("Content-Length", "more bytes than the upload has left", 413, "too_large")
    # The file's size, not the JSON limit. One byte of slack: behind gunicorn (which marks
    # the input terminated) Werkzeug refuses a read that finds the body exactly at the cap.
    request.max_content_length = left + 1

    received = _receive(upload_key, offset, checksum, left)
    upload = db.session.get(Upload, upload_key)
    if upload is None:
        raise _bad("upload", "the upload was discarded meanwhile", 404, "not_found")
    if received.mismatch:
        raise DomainError(
            "Upload-Checksum does not match the bytes received; they were dropped",
            code="checksum_mismatch",
            status=460,
            fields={"Upload-Checksum": ["does not match the bytes received"]},
        )
    if received.too_long:
        raise _bad("body", "more bytes than the upload has left; none were kept", 413, "too_large")
    if received.lost_race:
        raise _bad(
            "Upload-Offset",
            f"the server has {upload.offset} bytes; resume from there",
            409,
            "conflict",
        )
    if upload.offset == upload.length and upload.completed_at is None:
        with metrics.upload_completion():
            service.complete(upload, db.session.get(type(user), user_id))
            db.session.commit()
        service.drop_pieces(upload_key)
    return Response(status=204, headers=_state_headers(upload))


def _checksum_header():
    raw = request.headers.get("Upload-Checksum")
    if raw is None:
        return None
    algorithm, _, encoded = raw.partition(" ")
    if algorithm not in CHECKSUMS:
        raise _bad("Upload-Checksum", "algorithm must be one of " + ", ".join(CHECKSUMS))
    try:
        expected = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise _bad("Upload-Checksum", "the checksum must be base64") from None
    return CHECKSUMS[algorithm], expected


class _Received:
    mismatch = False
    lost_race = False
    too_long = False


def _receive(upload_id: uuid.UUID, offset: int, checksum, left: int) -> _Received:
    """Read the body, storing each full piece as it completes. A body cut short (the
    connection dropped) still stores what arrived, unless a checksum was promised for
    the whole body: then those bytes cannot be trusted and only whole pieces count."""
    piece_size = current_app.config["UPLOAD_PIECE_BYTES"]
    outcome = _Received()
    digest = checksum[0]() if checksum else None
    buffer = bytearray()
    position = offset
    stream = request.stream
    pieces_done: list[tuple[int, bytes]] = []
    cut = False
    # Read what Content-Length announces and no more (a chunked body: until it ends).
    expected = request.content_length
    to_read = expected if expected is not None else left + 1
    while to_read > 0:
        try:
            chunk = stream.read(min(READ_SIZE, to_read))
        except (ClientDisconnected, OSError):
            cut = True
            break
        if not chunk:
            break
        to_read -= len(chunk)
        if expected is None and to_read == 0:  # a chunked body longer than the file
            outcome.too_long = True
            return outcome
        buffer += chunk
        if digest is not None:
            digest.update(chunk)
        if len(buffer) >= piece_size and digest is None:
            if not _store_piece(upload_id, position, bytes(buffer)):
                outcome.lost_race = True
                return outcome
            position += len(buffer)
            buffer.clear()
        elif len(buffer) >= piece_size:
            # With a checksum the pieces are kept back until the whole body checks out.
            pieces_done.append((position, bytes(buffer)))
            position += len(buffer)
            buffer.clear()
    if request.content_length is not None and not cut:
        cut = position - offset + len(buffer) < request.content_length
    if digest is not None:
        if cut:
            return outcome  # cannot be verified: nothing of this body is kept
        if digest.digest() != checksum[1]:
            outcome.mismatch = True
            return outcome
        pieces_done.append((position, bytes(buffer)))
        for start, data in pieces_done:
            if data and not _store_piece(upload_id, start, data):
                outcome.lost_race = True
                return outcome
        return outcome
    if buffer and not _store_piece(upload_id, position, bytes(buffer)):
        outcome.lost_race = True
    return outcome


def _store_piece(upload_id: uuid.UUID, start: int, data: bytes) -> bool:
    """Store one piece, then move the offset from ``start`` to its end in one
    compare-and-set; ``False`` if another request moved it first (its bytes stand)."""
    end = start + len(data)
    service.store().put(upload_part_key(upload_id, start, end), data)
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.offset != start:
        db.session.rollback()
        return False
    moved = db.session.execute(
        sa.update(Upload)
        .where(Upload.id == upload_id, Upload.offset == start)
        .values(offset=end, parts=[*upload.parts, end])
    ).rowcount
    if moved == 1:  # counted by the one request whose bytes stand
        metrics.record_upload_bytes(upload.tier, len(data))
    db.session.commit()
    return moved == 1
