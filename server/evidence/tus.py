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
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Response, current_app, g, request
from flask_smorest import Blueprint
from werkzeug.exceptions import ClientDisconnected

from server.accounts.auth import current_user, login_required
from server.accounts.jurisdiction import get_visible_or_404
from server.audit import chain as audit
from server.core import metrics
from server.core.api import BEARER, DomainError
from server.core.db import begin_writing, db, number_changes, utcnow
from server.evidence import service
from server.evidence.models import Blob, Evidence, Upload
from server.evidence.storage import upload_part_key
from sync.workflow import FILE_MAX_BYTES

blp = Blueprint("uploads", __name__, description="Resumable evidence uploads (tus 1.0.0)")

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum,expiration"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
READ_SIZE = 64 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_DIGITS = re.compile(r"^[0-9]{1,15}$")


METADATA_MAX_CHARS = 2000


@dataclass(frozen=True)
class ProtocolError:
    """One refusal of the upload endpoint, declared once below by name, as tusd declares its
    own (``ErrMismatchOffset = NewError("ERR_MISMATCHED_OFFSET", "mismatched offset", 409)``):
    the error code clients see, the status, the header or field it is about, and what to tell
    the person (``problem``: the same, said of the field, when it reads better so). ``{…}`` in
    the texts is filled where it is raised: ``raise MISMATCHED_OFFSET(offset=upload.offset)``.
    The views only raise these; the API's one error handler answers them."""

    code: str
    status: int
    field: str
    message: str
    problem: str | None = None

    def __call__(self, **detail: object) -> DomainError:
        message = self.message.format(**detail)
        problem = self.problem.format(**detail) if self.problem else message
        return DomainError(
            message, code=self.code, status=self.status, fields={self.field: [problem]}
        )


def _whole_number(header: str) -> str:
    return f"{header} must be a non-negative whole number"


# Creating an upload (tus core and creation).
UNSUPPORTED_VERSION = ProtocolError(
    "unsupported_tus_version",
    412,
    "Tus-Resumable",
    f"Tus-Resumable must be {TUS_VERSION}",
    f"must be {TUS_VERSION}",
)
LENGTH_DEFERRED = ProtocolError(
    "bad_request", 400, "Upload-Defer-Length", "the length must be known: send Upload-Length"
)
INVALID_UPLOAD_LENGTH = ProtocolError(
    "bad_request", 400, "Upload-Length", _whole_number("Upload-Length")
)
MAX_SIZE_EXCEEDED = ProtocolError(
    "too_large", 413, "Upload-Length", f"at most {FILE_MAX_BYTES} bytes"
)
METADATA_TOO_LONG = ProtocolError(
    "bad_request", 400, "Upload-Metadata", f"at most {METADATA_MAX_CHARS} characters"
)
INVALID_METADATA = ProtocolError(
    "bad_request", 400, "Upload-Metadata", "the value of {key!r} is not base64 UTF-8"
)
# What this server asks of the metadata: the evidence record the file belongs to, and the
# hash that record declares (DESIGN §4: photos go by content).
NO_EVIDENCE_ID = ProtocolError(
    "bad_request", 422, "evidence_id", "Upload-Metadata must name the evidence_id"
)
NO_SHA256 = ProtocolError(
    "bad_request", 422, "sha256", "Upload-Metadata must give the file's SHA-256 as hex"
)
LENGTH_NOT_DECLARED = ProtocolError(
    "bad_request", 422, "Upload-Length", "the record declares {size} bytes for this file"
)
# Appending (tus core, checksum and expiration).
INVALID_CONTENT_TYPE = ProtocolError(
    "unsupported_media_type", 415, "Content-Type", "must be application/offset+octet-stream"
)
INVALID_OFFSET = ProtocolError("bad_request", 400, "Upload-Offset", _whole_number("Upload-Offset"))
MISMATCHED_OFFSET = ProtocolError(
    "conflict", 409, "Upload-Offset", "the server has {offset} bytes; resume from there"
)
INVALID_CHECKSUM_ALGORITHM = ProtocolError(
    "bad_request", 400, "Upload-Checksum", "algorithm must be one of " + ", ".join(CHECKSUMS)
)
INVALID_CHECKSUM = ProtocolError(
    "bad_request", 400, "Upload-Checksum", "the checksum must be base64"
)
CHECKSUM_MISMATCH = ProtocolError(
    "checksum_mismatch",
    460,
    "Upload-Checksum",
    "Upload-Checksum does not match the bytes received; they were dropped",
    "does not match the bytes received",
)
SIZE_EXCEEDED = ProtocolError(
    "too_large", 413, "Content-Length", "more bytes than the upload has left"
)
BODY_TOO_LONG = ProtocolError(
    "too_large", 413, "body", "more bytes than the upload has left; none were kept"
)
EXPIRED = ProtocolError("gone", 410, "upload", "the upload expired; start again")
DISCARDED = ProtocolError("not_found", 404, "upload", "the upload was discarded meanwhile")
# Reading and ending one.
BYTES_LOST = ProtocolError("not_found", 404, "upload", "the upload's bytes are lost; start again")
FINISHED_UPLOAD_STAYS = ProtocolError(
    "conflict", 409, "upload", "a finished upload stays: its file is evidence"
)


def _tus_headers(**extra: str) -> dict[str, str]:
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **extra}


def _upload_url(upload: Upload) -> str:
    """Where the upload's bytes go: under the configured public origin, or a path on this
    origin (tus clients resolve it against the endpoint). Never built from the request's
    Host or X-Forwarded-Host, which a client chooses: a phone told to send its evidence
    elsewhere would send it, with its token."""
    path = f"{request.script_root}{request.path.rstrip('/')}/{upload.id}"
    return current_app.config["PUBLIC_ORIGIN"].rstrip("/") + path


def _require_tus_version() -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise UNSUPPORTED_VERSION()


def _int_header(name: str, invalid: ProtocolError) -> int:
    raw = request.headers.get(name)
    if raw is None or not _DIGITS.fullmatch(raw):
        raise invalid()
    return int(raw)


def parse_metadata(raw: str) -> dict[str, str]:
    """``key base64(value),key2 base64(value2)`` as tus defines it."""
    out: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        key, _, value = pair.partition(" ")
        try:
            out[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError):
            raise INVALID_METADATA(key=key) from None
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
        raise LENGTH_DEFERRED()
    length = _int_header("Upload-Length", INVALID_UPLOAD_LENGTH)
    if length > FILE_MAX_BYTES:
        raise MAX_SIZE_EXCEEDED()
    raw_metadata = request.headers.get("Upload-Metadata", "")
    if len(raw_metadata) > METADATA_MAX_CHARS:
        raise METADATA_TOO_LONG()
    metadata = parse_metadata(raw_metadata)
    try:
        evidence_id = uuid.UUID(metadata.get("evidence_id", ""))
    except ValueError:
        raise NO_EVIDENCE_ID() from None
    sha256 = metadata.get("sha256", "").lower()
    if not _HEX64.fullmatch(sha256):
        raise NO_SHA256()

    user = current_user()
    evidence = service.visible_evidence(evidence_id, user)
    tier = service.tier_of(evidence, sha256)
    _sha, size, _type = service.declared(evidence, tier)
    if length != size:
        raise LENGTH_NOT_DECLARED(size=size)
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
    if held and (refused := service.misdeclared(evidence, tier, db.session.get(Blob, sha256))):
        service.refuse_held(evidence, tier, refused)
        db.session.commit()
        raise DomainError(
            refused.message,
            code=refused.code,
            status=refused.status,
            fields={refused.field: [refused.message]},
        )
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
        db.session.flush()
        number_changes(Evidence)
    db.session.commit()
    headers = _tus_headers(Location=_upload_url(upload))
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
        # A read that will write: with SQLite's write lock taken up front, read it again
        # (another HEAD may have finished it meanwhile).
        begin_writing()
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
            raise BYTES_LOST() from None
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
        raise FINISHED_UPLOAD_STAYS()
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
        raise INVALID_CONTENT_TYPE()
    offset = _int_header("Upload-Offset", INVALID_OFFSET)
    checksum = _checksum_header()
    user = current_user()
    upload = _upload_or_404(upload_id)
    if upload.completed_at is not None:  # already whole (or held before): nothing to add
        return Response(status=204, headers=_state_headers(upload))
    if offset != upload.offset:
        raise MISMATCHED_OFFSET(offset=upload.offset)
    if upload.expires_at < utcnow():
        service.discard(upload)
        db.session.commit()
        raise EXPIRED()
    upload_key, length, user_id = upload.id, upload.length, user.id
    # No transaction stays open while bytes trickle in over a slow network: each piece
    # is stored and then its offset committed on its own.
    db.session.commit()
    left = length - offset
    if (request.content_length or 0) > left:
        raise SIZE_EXCEEDED()
    # The file's size, not the JSON limit. One byte of slack: behind gunicorn (which marks
    # the input terminated) Werkzeug refuses a read that finds the body exactly at the cap.
    request.max_content_length = left + 1

    received = _receive(upload_key, offset, checksum, left)
    upload = db.session.get(Upload, upload_key)
    if upload is None:
        raise DISCARDED()
    if received.mismatch:
        raise CHECKSUM_MISMATCH()
    if received.too_long:
        raise BODY_TOO_LONG()
    if received.lost_race:
        raise MISMATCHED_OFFSET(offset=upload.offset)
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
        raise INVALID_CHECKSUM_ALGORITHM()
    try:
        expected = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise INVALID_CHECKSUM() from None
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
