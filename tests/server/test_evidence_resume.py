"""Uploads over a real socket: the connection cut at random offsets mid-body, resumed from
the last byte the server has, with a real tus client (tuspy) finishing the job. The file
ends byte-identical and verified. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import random
import socket
import threading
import time
import urllib.parse
from urllib.parse import urlparse

import pytest
import requests
from tusclient import client as tus
from werkzeug.serving import make_server

from tests.server.evidence_kit import TUS, metadata, phone_photo, record_evidence, sha

PHOTO = phone_photo(1600, 1200, seed=7)


@pytest.fixture
def live(app):
    """The app on a real HTTP server on a loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _auth(session) -> dict:
    return {"Authorization": f"Bearer {session.token}"}


def _offset(url: str, session) -> int:
    r = requests.head(url, headers={**TUS, **_auth(session)}, timeout=10)
    assert r.status_code == 200, r.status_code
    return int(r.headers["Upload-Offset"])


def _send_then_cut(url: str, session, offset: int, body: bytes, cut_after: int) -> None:
    """Start a PATCH of ``body`` at ``offset``, send ``cut_after`` bytes of it, then drop
    the connection, as a phone losing its signal does."""
    parsed = urlparse(url)
    head = (
        f"PATCH {parsed.path} HTTP/1.1\r\n"
        f"Host: {parsed.netloc}\r\n"
        f"Authorization: Bearer {session.token}\r\n"
        "Tus-Resumable: 1.0.0\r\n"
        "Content-Type: application/offset+octet-stream\r\n"
        f"Upload-Offset: {offset}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((parsed.hostname, parsed.port)) as sock:
        sock.sendall(head + body[:cut_after])
        sock.shutdown(socket.SHUT_RDWR)


def _wait_for_offset(url: str, session, at_least: int) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        offset = _offset(url, session)
        if offset >= at_least:
            return offset
        time.sleep(0.05)
    return _offset(url, session)


def test_an_upload_cut_at_random_offsets_resumes_and_ends_byte_identical(app, world, login, live):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    created = requests.post(
        f"{live}/api/v1/uploads",
        headers={
            **TUS,
            **_auth(grid),
            "Upload-Length": str(len(PHOTO)),
            "Upload-Metadata": metadata(evidence_id=evidence_id, sha256=sha(PHOTO)),
        },
        timeout=10,
    )
    assert created.status_code == 201
    # A path on the server asked (no public origin configured): resolved as a tus client does.
    url = urllib.parse.urljoin(f"{live}/api/v1/uploads", created.headers["Location"])
    rng = random.Random(20261123)
    offset, cuts = 0, 0
    while len(PHOTO) - offset > 50_000 and cuts < 6:
        rest = PHOTO[offset:]
        cut_after = rng.randrange(1, len(rest) // 2)
        _send_then_cut(url, grid, offset, rest, cut_after)
        cuts += 1
        # Every byte that got through is kept: the server resumes from exactly there.
        new_offset = _wait_for_offset(url, grid, offset + cut_after)
        assert new_offset == offset + cut_after
        offset = new_offset

    # A real tus client resumes from the server's offset and finishes.
    uploader = tus.TusClient(f"{live}/api/v1/uploads", headers=_auth(grid)).uploader(
        file_stream=io.BytesIO(PHOTO), url=url, chunk_size=64 * 1024
    )
    uploader.upload()

    assert cuts >= 3
    assert _offset(url, grid) == len(PHOTO)
    original = requests.get(
        f"{live}/api/v1/evidence/{evidence_id}/files/original", headers=_auth(grid), timeout=10
    )
    assert original.content == PHOTO
    shown = requests.get(f"{live}/api/v1/evidence/{evidence_id}", headers=_auth(grid), timeout=10)
    assert shown.json()["original"]["held"] is True


def test_tuspy_uploads_a_photo_from_scratch_with_its_metadata(app, world, login, live):
    grid = login("grid_a")
    photo = phone_photo(800, 600, seed=8)
    evidence_id = record_evidence(grid, world.clues["clue_a"], photo)
    uploader = tus.TusClient(f"{live}/api/v1/uploads", headers=_auth(grid)).uploader(
        file_stream=io.BytesIO(photo),
        chunk_size=100_000,
        metadata={"evidence_id": evidence_id, "sha256": sha(photo), "filename": "IMG_0001.jpg"},
        upload_checksum=True,  # tuspy sends Upload-Checksum (sha1) with every chunk
    )
    uploader.upload()
    original = requests.get(
        f"{live}/api/v1/evidence/{evidence_id}/files/original", headers=_auth(grid), timeout=10
    )
    assert original.content == photo
