"""Every refusal of the tus endpoint answers its status, its error code and the header or
field it is about, so a tus client and a person can both tell what to do. On SQLite and
PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid

import pytest

from server.core.db import db
from server.evidence.models import Upload
from sync.workflow import FILE_MAX_BYTES
from tests.server.evidence_kit import (
    TUS,
    UPLOADS,
    metadata,
    patch,
    phone_photo,
    record_evidence,
    sha,
    start_upload,
    upload,
)

PHOTO = phone_photo()


def _create(grid, evidence_id, **headers):
    return grid.client.post(
        UPLOADS,
        headers={
            **TUS,
            "Upload-Length": str(len(PHOTO)),
            "Upload-Metadata": metadata(evidence_id=evidence_id, sha256=sha(PHOTO)),
            "Authorization": f"Bearer {grid.token}",
            **headers,
        },
    )


def _started(grid, evidence_id) -> str:
    return start_upload(grid, evidence_id, PHOTO).headers["Location"]


def _expired(app, grid, evidence_id):
    location = _started(grid, evidence_id)
    with app.app_context():
        row = db.session.get(Upload, uuid.UUID(location.rsplit("/", 1)[1]))
        row.expires_at = row.created_at - dt.timedelta(hours=1)
        db.session.commit()
    return patch(grid, location, 0, PHOTO[:1000])


def _terminate_finished(grid, evidence_id):
    upload(grid, evidence_id, PHOTO)
    location = _started(grid, evidence_id)  # the same bytes again: created whole
    return grid.client.delete(location, headers={**TUS, "Authorization": f"Bearer {grid.token}"})


def _sha1(text: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(text).digest()).decode()


REFUSALS = {
    # name: (request, status, error, field)
    "old_protocol": (
        lambda app, g, e: _create(g, e, **{"Tus-Resumable": "0.2.2"}),
        412,
        "unsupported_tus_version",
        "Tus-Resumable",
    ),
    "deferred_length": (
        lambda app, g, e: _create(g, e, **{"Upload-Defer-Length": "1"}),
        400,
        "bad_request",
        "Upload-Defer-Length",
    ),
    "length_not_a_number": (
        lambda app, g, e: _create(g, e, **{"Upload-Length": "-5"}),
        400,
        "bad_request",
        "Upload-Length",
    ),
    "larger_than_the_maximum": (
        lambda app, g, e: _create(g, e, **{"Upload-Length": str(FILE_MAX_BYTES + 1)}),
        413,
        "too_large",
        "Upload-Length",
    ),
    "not_the_length_declared": (
        lambda app, g, e: _create(g, e, **{"Upload-Length": str(len(PHOTO) + 1)}),
        422,
        "bad_request",
        "Upload-Length",
    ),
    "metadata_too_long": (
        lambda app, g, e: _create(g, e, **{"Upload-Metadata": "x " + "QQ==" * 600}),
        400,
        "bad_request",
        "Upload-Metadata",
    ),
    "metadata_not_base64": (
        lambda app, g, e: _create(g, e, **{"Upload-Metadata": "evidence_id !!!"}),
        400,
        "bad_request",
        "Upload-Metadata",
    ),
    "no_evidence_id": (
        lambda app, g, e: _create(g, e, **{"Upload-Metadata": metadata(sha256=sha(PHOTO))}),
        422,
        "bad_request",
        "evidence_id",
    ),
    "no_sha256": (
        lambda app, g, e: _create(g, e, **{"Upload-Metadata": metadata(evidence_id=e)}),
        422,
        "bad_request",
        "sha256",
    ),
    "not_the_offset_stream_type": (
        lambda app, g, e: patch(g, _started(g, e), 0, PHOTO[:10], **{"Content-Type": "image/jpeg"}),
        415,
        "unsupported_media_type",
        "Content-Type",
    ),
    "offset_not_a_number": (
        lambda app, g, e: patch(g, _started(g, e), 0, PHOTO[:10], **{"Upload-Offset": "ten"}),
        400,
        "bad_request",
        "Upload-Offset",
    ),
    "offset_not_the_servers": (
        lambda app, g, e: patch(g, _started(g, e), 10, PHOTO[10:20]),
        409,
        "conflict",
        "Upload-Offset",
    ),
    "unknown_checksum_algorithm": (
        lambda app, g, e: patch(
            g, _started(g, e), 0, PHOTO[:10], **{"Upload-Checksum": "crc32 AA=="}
        ),
        400,
        "bad_request",
        "Upload-Checksum",
    ),
    "checksum_not_base64": (
        lambda app, g, e: patch(g, _started(g, e), 0, PHOTO[:10], **{"Upload-Checksum": "sha1 !!"}),
        400,
        "bad_request",
        "Upload-Checksum",
    ),
    "checksum_mismatch": (
        lambda app, g, e: patch(
            g, _started(g, e), 0, PHOTO[:10], **{"Upload-Checksum": _sha1(b"other")}
        ),
        460,
        "checksum_mismatch",
        "Upload-Checksum",
    ),
    "more_bytes_than_left": (
        lambda app, g, e: patch(g, _started(g, e), 0, PHOTO + b"tail"),
        413,
        "too_large",
        "Content-Length",
    ),
    "expired": (lambda app, g, e: _expired(app, g, e), 410, "gone", "upload"),
    "terminating_a_finished_upload": (
        lambda app, g, e: _terminate_finished(g, e),
        409,
        "conflict",
        "upload",
    ),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_each_refusal_answers_its_status_and_names_the_header(app, world, login, name):
    send, status, error, field = REFUSALS[name]
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)

    refused = send(app, grid, evidence_id)

    assert refused.status_code == status, refused.get_json()
    body = refused.get_json()
    assert body["error"] == error and list(body["fields"]) == [field], body
    assert body["message"] and all(body["fields"][field])
