"""What happens to evidence files: which record an upload is for, whether the server holds
a file already, and what a finished upload goes through before it counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from flask import current_app
from flask_smorest import abort

from server.accounts.jurisdiction import visible
from server.accounts.models import User
from server.audit import chain as audit
from server.core.api import DomainError
from server.core.db import db, number_changes, provisional_changes, utcnow
from server.evidence import images, media
from server.evidence.models import TIERS, Blob, Evidence, ImportedVideo, Upload, VisitPhoto
from server.evidence.storage import (
    COPY_BUFFER,
    Store,
    derived_key,
    original_key,
    print_key,
    upload_part_key,
    upload_prefix,
)
from server.evidence.store_check import uploads_missing_pieces
from sync.bodycam import origin
from sync.workflow.evidence import KINDS

SPOOL_IN_MEMORY = 16 * 1024 * 1024  # larger files spill to a temporary file


def store() -> Store:
    return current_app.extensions["evidence_store"]


def declared(evidence: Evidence, tier: str) -> tuple[str, int, str]:
    """(sha256, size, media type) the record declares for a tier."""
    return (
        getattr(evidence, f"{tier}_sha256"),
        getattr(evidence, f"{tier}_size"),
        getattr(evidence, f"{tier}_media_type"),
    )


def tier_of(evidence: Evidence, sha256: str) -> str:
    for tier in TIERS:
        if getattr(evidence, f"{tier}_sha256") == sha256:
            return tier
    raise DomainError(
        "this evidence record declares no file with that SHA-256",
        code="unknown_file",
        status=422,
        fields={"sha256": ["not a file this evidence record declares"]},
    )


def _visible(user: User) -> sa.ColumnElement[bool]:
    """Evidence the user may see: a clue's, or a visit's photo (each follows its parent), or
    a body camera's file imported into his township's inbox."""
    return sa.or_(visible(Evidence, user), visible(VisitPhoto, user), visible(ImportedVideo, user))


def visible_evidence(evidence_id: uuid.UUID, user: User) -> Evidence:
    """A clue's evidence or a visit's photo (a ``VisitPhoto``) the user may see; 404 for
    any other, so an upload or a file asked for never confirms a record exists."""
    found = db.session.execute(
        sa.select(Evidence).where(Evidence.id == evidence_id, _visible(user))
    ).scalar_one_or_none()
    if found is None:
        abort(404, message="evidence not found")
    return found


def held_among(sha256s: set[str]) -> set[str]:
    """Which of ``sha256s`` the server holds files of, for anyone (``held_for`` then asks
    whether for this user)."""
    if not sha256s:
        return set()
    return set(db.session.scalars(sa.select(Blob.sha256).where(Blob.sha256.in_(sha256s))))


def held_for(user: User, sha256: str) -> bool:
    """Whether the server already holds these bytes *for this user*: received for a record
    he may see. Only then does a second upload cost nothing. Knowing a hash is not holding
    the photo: someone who only learned it (from an export, say) must send the bytes."""
    if db.session.get(Blob, sha256) is None:
        return False
    stmt = sa.select(Evidence).where(
        _visible(user),
        sa.or_(
            sa.and_(Evidence.original_sha256 == sha256, Evidence.original_at.is_not(None)),
            sa.and_(Evidence.copy_sha256 == sha256, Evidence.copy_at.is_not(None)),
        ),
    )
    return db.session.execute(stmt.limit(1)).first() is not None


# -- a file arrives ----------------------------------------------------------------------------


@dataclass
class Assembled:
    file: IO[bytes]
    sha256: str
    size: int


def assemble(upload: Upload) -> Assembled:
    """The upload's pieces, in order, into one (spooled) file, hashing as it goes."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (returned)
    digest = hashlib.sha256()
    start = 0
    for end in upload.parts:
        for chunk in store().iter_chunks(upload_part_key(upload.id, start, end), COPY_BUFFER):
            digest.update(chunk)
            spool.write(chunk)
        start = end
    size = spool.tell()
    spool.seek(0)
    return Assembled(spool, digest.hexdigest(), size)


def discard(upload: Upload) -> None:
    """Forget an upload and every byte of it (refused, terminated or expired)."""
    store().delete_prefix(upload_prefix(upload.id))
    db.session.delete(upload)


def refuse(upload: Upload, refused: images.Refused, user_id: int | None) -> DomainError:
    """A file that is not what its record declares: nothing of it is kept; the refusal is
    in the audit log (it is part of the evidence's history)."""
    audit.record(
        "evidence.refused",
        "evidence",
        upload.evidence_id,
        {
            "upload": str(upload.id),
            "tier": upload.tier,
            "sha256": upload.sha256,
            "reason": refused.code,
            "message": refused.message,
        },
        actor_id=user_id,
    )
    discard(upload)
    db.session.commit()
    return DomainError(
        refused.message,
        code=refused.code,
        status=refused.status,
        fields={refused.field: [refused.message]},
    )


def complete(upload: Upload, user: User) -> None:
    """The last byte is in: verify the hash, check the image, store it under its hash and
    mark the record's file as held (its copies are made when first asked for). Raises
    ``DomainError`` (after discarding the upload) when the file is refused."""
    config = current_app.config
    evidence = db.session.get(Evidence, upload.evidence_id)
    sha256, size, media_type = declared(evidence, upload.tier)
    assembled = assemble(upload)
    with assembled.file:
        if assembled.sha256 != sha256 or assembled.size != size:
            raise refuse(
                upload,
                images.Refused(
                    "hash_mismatch",
                    "the bytes received do not have the SHA-256 the record declares; "
                    "the upload was discarded, send the file again",
                    field="sha256",
                    status=460,
                ),
                user.id,
            )
        blob = db.session.get(Blob, sha256)
        if blob is None:
            try:
                found = _verified(assembled.file, media_type, evidence.kind, config)
            except images.Refused as refused:
                raise refuse(upload, refused, user.id) from None
            assembled.file.seek(0)
            store().put(original_key(sha256), assembled.file)
            if found.poster is not None:
                store().put(derived_key(sha256, "poster"), found.poster)
            blob = Blob(
                sha256=sha256,
                size=size,
                media_type=media_type,
                width=found.width,
                height=found.height,
                exif=found.exif,
                duration_ms=found.duration_ms,
                received_at=utcnow(),
                received_by=user.id,
            )
            db.session.add(blob)
            db.session.flush()
    if (refused := misdeclared(evidence, upload.tier, blob)) is not None:
        raise refuse(upload, refused, user.id)
    upload.completed_at = utcnow()  # its pieces go once this is committed: drop_pieces
    audit.record(
        "evidence.uploaded",
        "evidence",
        evidence.id,
        {"upload": str(upload.id), "tier": upload.tier, "sha256": sha256, "bytes": size},
    )
    confirm(evidence, upload.tier, blob)
    db.session.flush()
    number_changes(Evidence)  # last before the caller's commit


@dataclass(frozen=True)
class Found:
    """What checking a file found in it."""

    width: int
    height: int
    exif: dict
    duration_ms: int | None = None
    poster: bytes | None = None  # a video's first frame (JPEG)


def _verified(fp: IO[bytes], media_type: str, kind: str, config) -> Found:
    """Check the file is what its record declares: an image with Pillow, a recording with
    ffprobe (``media``). Raises ``images.Refused``."""
    if media_type.startswith("image/"):
        verified = images.open_verified(
            fp,
            media_type,
            max_pixels=config["IMAGE_MAX_PIXELS"],
            budget_mib=config["IMAGE_DECODE_MAX_MIB"],
            default_offset=dt.timezone(
                dt.timedelta(minutes=config["EXIF_DEFAULT_UTC_OFFSET_MINUTES"])
            ),
        )
        return Found(verified.width, verified.height, verified.exif.as_dict())
    with tempfile.NamedTemporaryFile(suffix=".media") as disk:
        while chunk := fp.read(COPY_BUFFER):
            disk.write(chunk)
        disk.flush()
        path = Path(disk.name)
        probed = media.probe(path, media_type, KINDS[kind]["max_seconds"])
        poster = media.poster(path) if media_type.startswith("video/") else None
    exif = {"container": probed.tags} if probed.tags else {}
    return Found(probed.width, probed.height, exif, probed.duration_ms, poster)


def drop_pieces(upload_id) -> None:
    """After the commit that completed an upload: its pieces are no longer needed. Never
    before it, since a server dying between the two would leave an upload the database says
    is unfinished with no bytes to finish it from (found by bench/chaos_sync.py)."""
    store().delete_prefix(upload_prefix(upload_id))


def misdeclared(evidence: Evidence, tier: str, blob: Blob) -> images.Refused | None:
    """Why a record's tier is not the held file ``blob``, or None when it is. Whatever way
    the server found the file (received just now, or held already for another record), the
    record must declare its hash, its size and its media type: a record marked held while
    declaring another size or type makes the clue's export fail to verify."""
    sha256, size, media_type = declared(evidence, tier)
    wrong = [
        name
        for name, mine, held in (
            ("sha256", sha256, blob.sha256),
            ("size", size, blob.size),
            ("media_type", media_type, blob.media_type),
        )
        if mine != held
    ]
    if not wrong:
        return None
    return images.Refused(
        "declared_mismatch",
        f"the record declares a {', '.join(wrong)} other than the file's",
        field=wrong[0],
    )


def refuse_held(evidence: Evidence, tier: str, refused: images.Refused) -> None:
    """A record naming a held file it misdescribes stays without it; the refusal is in the
    evidence's history."""
    audit.record(
        "evidence.refused",
        "evidence",
        evidence.id,
        {"tier": tier, "reason": refused.code, "message": refused.message},
    )


def confirm(evidence: Evidence, tier: str, blob: Blob) -> None:
    """The server holds and has verified this tier's file for this record: say so, in the
    audit chain and in the change feed (devices keep a photo until they pull this). The
    caller has checked the record against the file (``misdeclared``): this refuses, again,
    a record that does not declare it."""
    if getattr(evidence, f"{tier}_at") is not None:
        return
    if misdeclared(evidence, tier, blob) is not None:
        raise ValueError(f"evidence {evidence.id} does not declare the file {blob.sha256}")
    config = current_app.config
    setattr(evidence, f"{tier}_at", utcnow())
    if tier == "original":
        location = None
        if evidence.lat is not None:
            location = {"lat": evidence.lat, "lng": evidence.lng, "accuracy_m": evidence.accuracy_m}
        evidence.disagreements = images.disagreements(
            blob.exif,
            evidence.captured_at,
            location,
            time_tolerance_s=config["EXIF_TIME_TOLERANCE_S"],
            distance_tolerance_m=config["EXIF_DISTANCE_TOLERANCE_M"],
        )
        if isinstance(evidence, ImportedVideo):
            read_origin(evidence, blob)
    evidence.version += 1
    # A stand-in number: the change counter is the deployment's, and taken here it was held
    # through the rest of the request (an upload worker under ``nice`` held every push of
    # the county up). The caller gives it its real place last before commit
    # (``db.number_changes``, as a push does; ``complete`` does it itself).
    evidence.seq = provisional_changes(1)
    audit.record(
        "evidence.verified",
        "evidence",
        evidence.id,
        {
            "tier": tier,
            "sha256": blob.sha256,
            "media_type": blob.media_type,
            "pixels": [blob.width, blob.height],
            "duration_ms": blob.duration_ms,
            "exif": blob.exif,
            "disagreements": evidence.disagreements if tier == "original" else [],
        },
    )


def read_origin(evidence: ImportedVideo, blob: Blob) -> None:
    """The file is verified: read when and on which camera it was recorded, from its
    container's tags (kept with the file) and the name it was imported under."""
    imported = evidence.imported
    found = origin((blob.exif or {}).get("container") or {}, imported.file_name)
    imported.recorded_at = found.recorded_at
    imported.recorded_at_source = found.recorded_at_source
    imported.device = found.device[:120] if found.device else None
    imported.device_source = found.device_source
    imported.origin = {"found": found.found, "disagreements": found.disagreements}
    audit.record(
        "bodycam.origin_read",
        "evidence",
        evidence.id,
        {
            "recorded_at": found.recorded_at.isoformat() if found.recorded_at else None,
            "recorded_at_source": found.recorded_at_source,
            "device": imported.device,
            "device_source": found.device_source,
            "found": found.found,
            "disagreements": found.disagreements,
        },
    )


def best_blob(evidence: Evidence) -> Blob | None:
    """The best file held for a record: the original, else the compressed copy."""
    for tier in TIERS:
        if getattr(evidence, f"{tier}_at") is not None:
            return db.session.get(Blob, getattr(evidence, f"{tier}_sha256"))
    return None


def watermark_lines(evidence: Evidence) -> list[str]:
    """What a printed photo must carry (时间、地点、采集人、编号), in Chinese."""
    author = db.session.get(User, evidence.author_id)
    named, number, place = evidence.parent_reference()
    beijing = dt.timezone(dt.timedelta(hours=8))
    if evidence.lat is not None:
        place = f"{evidence.lat:.6f}, {evidence.lng:.6f} ±{evidence.accuracy_m:.0f}米 {place}"
    return [
        f"拍摄时间 {evidence.captured_at.astimezone(beijing):%Y-%m-%d %H:%M:%S}"
        " (北京时间，设备时钟)",
        f"地点 {place}".strip(),
        f"采集人 {author.display_name if author else evidence.author_id}",
        f"{named} {number}  证据 {str(evidence.id)[:8]}",
        f"SHA-256 {evidence.original_sha256}",
    ]


def _upright(blob: Blob, side: int):
    """A held file, decoded upright within ``side`` pixels (``images.upright``); a video by
    its poster frame."""
    video = blob.media_type.startswith("video/")
    with (
        store().open(
            derived_key(blob.sha256, "poster") if video else original_key(blob.sha256)
        ) as f,
        tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY) as spool,
    ):
        while chunk := f.read(COPY_BUFFER):
            spool.write(chunk)
        spool.seek(0)
        return images.upright(spool, side)


def make_copy(blob: Blob, variant: str) -> str:
    """Make the display copy or thumbnail of a held file, on its first request (two at
    once both write the same bytes; a store's put replaces whole)."""
    key = derived_key(blob.sha256, variant)
    side, quality = images.COPIES[variant]
    store().put(key, images.jpeg(_upright(blob, side), quality))
    return key


def make_print_copy(evidence: Evidence, blob: Blob) -> str:
    """Render (or re-render) the watermarked print copy of a record's best file."""
    font = images.cjk_font_path(current_app.config.get("WATERMARK_FONT") or None)
    key = print_key(evidence.id, blob.sha256)
    printable = _upright(blob, images.PRINT_SIDE)
    store().put(key, images.print_copy(printable, watermark_lines(evidence), font))
    return key


def attach_if_held(evidence: Evidence, user: User) -> None:
    """At push: a record naming bytes the server already holds for this user is complete
    at once (a photo attached to two clues, a record pushed again after a lost answer)."""
    for tier in TIERS:
        sha = getattr(evidence, f"{tier}_sha256")
        if sha and getattr(evidence, f"{tier}_at") is None and held_for(user, sha):
            blob = db.session.get(Blob, sha)
            if (refused := misdeclared(evidence, tier, blob)) is not None:
                refuse_held(evidence, tier, refused)
            else:
                confirm(evidence, tier, blob)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Discard unfinished uploads past their expiry, and the leftover pieces of finished
    ones (a server killed between storing a file and cleaning up)."""
    now = now or utcnow()
    expired = (
        db.session.execute(
            sa.select(Upload).where(Upload.completed_at.is_(None), Upload.expires_at < now)
        )
        .scalars()
        .all()
    )
    for upload in expired:
        discard(upload)
    db.session.commit()
    return len(expired)


def purge_lost_pieces() -> int:
    """Discard unfinished uploads whose pieces are gone (restored from a database dump
    older than the copy of the store): the phone, told the upload is gone, starts it
    again. Run it before the app serves again, not while uploads are finishing."""
    broken = uploads_missing_pieces(store())
    for upload in broken:
        discard(upload)
    db.session.commit()
    return len(broken)
