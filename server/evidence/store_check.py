"""Does the evidence store hold what the database says it holds? Run after a restore
(``flask --app server evidence verify-store``, docs/BACKUP.md).

Every file the database has a row for (``Blob``) must be in the store under its hash, and
its bytes must still hash to that name: anything else is a failure. Display copies and
thumbnails can be made again from the original, and an unfinished upload is not evidence
(the phone keeps the photo until it is held), so those are warnings. Objects with no row
are expected when the store was copied after the database dump: the store is
content-addressed and append-only, so they are harmless.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field

import sqlalchemy as sa

from server.core.db import db
from server.evidence.models import TIERS, Blob, Evidence, Upload
from server.evidence.storage import (
    COPY_BUFFER,
    Store,
    original_key,
    upload_part_key,
)

ROWS_PER_FETCH = 1000


@dataclass
class StoreCheck:
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)  # keys
    corrupt: list[tuple[str, str]] = field(default_factory=list)  # (key, hash of its bytes)
    held_without_file: list[str] = field(default_factory=list)  # "<evidence id> <tier>"
    broken_uploads: list[str] = field(default_factory=list)  # upload ids (warnings)
    unrecorded: int = 0  # objects under sha256/ with no row

    @property
    def ok(self) -> bool:
        return not (self.missing or self.corrupt or self.held_without_file)


def sha256_of(store: Store, key: str) -> tuple[str, int]:
    """The SHA-256 and size of an object, read a buffer at a time (a file may be 40 MiB)."""
    digest, size = hashlib.sha256(), 0
    for chunk in store.iter_chunks(key, COPY_BUFFER):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def check_store(store: Store) -> StoreCheck:
    report = StoreCheck()
    recorded: set[str] = set()
    rows = db.session.execute(
        sa.select(Blob.sha256).order_by(Blob.sha256).execution_options(yield_per=ROWS_PER_FETCH)
    ).scalars()
    for sha in rows:
        recorded.add(sha)
        key = original_key(sha)
        try:
            actual, size = sha256_of(store, key)
        except FileNotFoundError:
            report.missing.append(key)
            continue
        report.files += 1
        report.bytes += size
        if actual != sha:
            report.corrupt.append((key, actual))

    # A record that says the server holds its file must have the file's row.
    for tier in TIERS:
        sha_column = getattr(Evidence, f"{tier}_sha256")
        orphans = db.session.execute(
            sa.select(Evidence.id)
            .outerjoin(Blob, Blob.sha256 == sha_column)
            .where(getattr(Evidence, f"{tier}_at").is_not(None), Blob.sha256.is_(None))
            .order_by(Evidence.id)
        ).scalars()
        report.held_without_file += [f"{evidence_id} {tier}" for evidence_id in orphans]

    report.unrecorded = sum(
        1 for key in store.keys("sha256/") if key.rsplit("/", 1)[-1] not in recorded
    )

    report.broken_uploads = [str(upload.id) for upload in uploads_missing_pieces(store)]
    return report


def uploads_missing_pieces(store: Store) -> list[Upload]:
    """Unfinished uploads whose pieces are not all in the store: one that finished (and
    whose pieces were deleted) between the database dump and the copy of the store."""
    unfinished = (
        db.session.execute(
            sa.select(Upload).where(Upload.completed_at.is_(None)).order_by(Upload.created_at)
        )
        .scalars()
        .all()
    )
    # Listed after the rows: a piece is stored before the row names it.
    pieces = set(store.keys("uploads/"))
    broken = []
    for upload in unfinished:
        # parts are the pieces' end offsets; each starts where the one before ended
        if any(
            upload_part_key(upload.id, start, end) not in pieces
            for start, end in itertools.pairwise([0, *upload.parts])
        ):
            broken.append(upload)
    return broken
