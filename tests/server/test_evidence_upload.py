"""Evidence files: uploaded by content (tus 1.0), verified against the hash declared at
capture, checked by Pillow, kept unchanged under their hash, and nothing of a refused
file left behind. On SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import struct
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from server.audit.models import AuditEntry
from server.core.db import Counter, db
from server.evidence import tus
from server.evidence.models import Blob, Evidence, Upload
from server.evidence.storage import derived_key, original_key
from sync.workflow import FILE_MAX_BYTES
from tests.server.evidence_kit import (
    TUS,
    UPLOADS,
    compressed_copy,
    evidence_mutation,
    metadata,
    patch,
    phone_photo,
    record_evidence,
    sha,
    start_upload,
    upload,
)
from tests.server.sync_kit import mutation, push, push_one

PHOTO = phone_photo()


def store(app):
    return app.extensions["evidence_store"]


def every_stored_key(app) -> list[str]:
    return store(app).keys("")


def pulled_evidence(session, evidence_id: str) -> dict:
    changes = session.get("/api/v1/sync/pull").get_json()["changes"]
    [change] = [c for c in changes if c["id"] == evidence_id]
    return change


def audit_actions(app, evidence_id: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(AuditEntry.action)
                .where(AuditEntry.record_id == evidence_id)
                .order_by(AuditEntry.seq)
            ).scalars()
        )


def test_a_photo_sent_in_pieces_is_kept_byte_identical_under_its_hash(app, world, login):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    assert pulled_evidence(grid, evidence_id)["data"]["original"]["held"] is False

    done = upload(grid, evidence_id, PHOTO, chunk=50_000)

    assert done.status_code == 204, done.get_json()
    assert done.headers["Upload-Offset"] == str(len(PHOTO))
    assert store(app).read(original_key(sha(PHOTO))) == PHOTO
    change = pulled_evidence(grid, evidence_id)
    assert change["data"]["original"]["held"] is True and change["data"]["tier"] == "original"
    assert change["version"] == 2  # the file's arrival is a change devices pull
    with app.app_context():
        assert db.session.execute(sa.select(Upload.completed_at)).scalar_one() is not None
    # The pieces are gone once the file is whole; the original and its copies stay.
    assert not any(key.startswith("uploads/") for key in every_stored_key(app))
    assert audit_actions(app, evidence_id) == [
        "sync.create",
        "evidence.upload_started",
        "evidence.uploaded",
        "evidence.verified",
    ]


class PowerCut(BaseException):
    """The server process dies (not an error any handler sees)."""


def test_a_server_killed_between_the_last_byte_and_its_check_finishes_on_the_next_head(
    app, world, login, monkeypatch
):
    """The last piece's offset is committed on its own, then the file is checked in a second
    commit. A server killed between the two leaves an upload with every byte and no verdict,
    and a tus client that resumes asks HEAD, sees the whole length and takes it as done
    (tus-js-client does, and the phone then lets go of the original). So HEAD finishes it:
    whole length answered means verified and held (found by bench/chaos_sync.py's photos)."""
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    created = start_upload(grid, evidence_id, PHOTO)
    location = created.headers["Location"]

    def killed(*_args):
        raise PowerCut

    with monkeypatch.context() as m:
        m.setattr("server.evidence.service.complete", killed)
        with pytest.raises(PowerCut):
            patch(grid, location, 0, PHOTO)
    with app.app_context():
        row = db.session.get(Upload, uuid.UUID(location.rsplit("/", 1)[1]))
        assert (row.offset, row.completed_at) == (len(PHOTO), None)  # every byte, no verdict

    head = grid.client.head(location, headers={**TUS, "Authorization": f"Bearer {grid.token}"})

    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == str(len(PHOTO))
    assert store(app).read(original_key(sha(PHOTO))) == PHOTO
    assert pulled_evidence(grid, evidence_id)["data"]["original"]["held"] is True


def test_a_head_that_finishes_an_upload_is_not_answered_busy_when_another_write_came_first(
    app, world, login, monkeypatch
):
    """HEAD is a read, so on SQLite its transaction began as one; finishing an upload there
    then had to upgrade it to a write, which SQLite refuses outright once another request
    has committed since the read began (a stale snapshot: no waiting helps). The phone was
    answered 503 busy, again and again under a busy shift start (seen in the chaos run).
    The HEAD that finishes takes the write lock up front instead (db.begin_writing)."""
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    location = start_upload(grid, evidence_id, PHOTO).headers["Location"]
    with monkeypatch.context() as m:
        m.setattr("server.evidence.service.complete", lambda *_: (_ for _ in ()).throw(PowerCut))
        with pytest.raises(PowerCut):
            patch(grid, location, 0, PHOTO)

    found, writes = tus._upload_or_404, ["another request's"]

    def found_then_someone_writes(upload_id):
        upload = found(upload_id)  # the HEAD's read has begun
        for name in writes:  # another request's write, committed meanwhile (once)
            with db.engine.begin() as other:
                other.execute(sa.insert(Counter).values(name=name, value=1))
        writes.clear()
        return upload

    monkeypatch.setattr(tus, "_upload_or_404", found_then_someone_writes)
    head = grid.client.head(location, headers={**TUS, "Authorization": f"Bearer {grid.token}"})

    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == str(len(PHOTO))
    assert pulled_evidence(grid, evidence_id)["data"]["original"]["held"] is True


def test_a_server_killed_inside_the_check_keeps_the_pieces_to_finish_from(
    app, world, login, monkeypatch
):
    """The pieces go only once the completion is committed: a server dying inside the check
    (after the file was put away, before the commit) left an upload the database calls
    unfinished with nothing to finish it from, and every HEAD then failed (found by
    bench/chaos_sync.py)."""
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    location = start_upload(grid, evidence_id, PHOTO).headers["Location"]

    def killed(*_args):
        raise PowerCut

    with monkeypatch.context() as m:
        m.setattr("server.evidence.service.confirm", killed)
        with pytest.raises(PowerCut):
            patch(grid, location, 0, PHOTO)

    head = grid.client.head(location, headers={**TUS, "Authorization": f"Bearer {grid.token}"})
    assert head.status_code == 200 and head.headers["Upload-Offset"] == str(len(PHOTO))
    assert pulled_evidence(grid, evidence_id)["data"]["original"]["held"] is True
    assert not any(key.startswith("uploads/") for key in every_stored_key(app))


def test_an_unfinished_upload_whose_bytes_are_lost_answers_404_so_the_phone_starts_again(
    app, world, login
):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    location = start_upload(grid, evidence_id, PHOTO).headers["Location"]
    with app.app_context():  # every byte recorded, none of them in the store
        row = db.session.get(Upload, uuid.UUID(location.rsplit("/", 1)[1]))
        row.offset, row.parts = len(PHOTO), [len(PHOTO)]
        db.session.commit()
    auth = {**TUS, "Authorization": f"Bearer {grid.token}"}

    assert grid.client.head(location, headers=auth).status_code == 404
    assert grid.client.head(location, headers=auth).status_code == 404  # gone, not retried
    assert upload(grid, evidence_id, PHOTO).status_code == 204  # the phone starts again
    assert pulled_evidence(grid, evidence_id)["data"]["original"]["held"] is True


def test_the_server_reads_exif_turns_the_copies_upright_and_keeps_the_original(app, world, login):
    grid = login("grid_a")
    photo = phone_photo(1200, 900, orientation=6)  # stored landscape, shot upright
    evidence_id = record_evidence(grid, world.clues["clue_a"], photo)
    assert upload(grid, evidence_id, photo).status_code == 204

    shown = grid.get(f"/api/v1/evidence/{evidence_id}").get_json()
    assert shown["image"]["width"] == 1200 and shown["image"]["height"] == 900
    exif = shown["image"]["exif"]
    assert exif["orientation"] == 6 and exif["make"] == "HUAWEI"
    assert exif["taken_at"] == "2026-11-23T14:05:12+08:00" and exif["offset_known"] is True
    assert exif["lat"] == pytest.approx(28.59, abs=1e-6)
    assert exif["lng"] == pytest.approx(119.27, abs=1e-6)
    assert shown["disagreements"] == []

    display = Image.open(io.BytesIO(grid.get(f"/api/v1/evidence/{evidence_id}/files/display").data))
    assert display.size == (900, 1200)  # portrait: the Orientation tag was applied
    # The red left third of the sensor image is now the top third of the upright picture.
    rgb = display.convert("RGB")
    red = [rgb.getpixel((450, y)) for y in (100, 1100)]
    assert red[0][0] - red[0][1] > 120  # red on top
    assert red[1][0] - red[1][1] < 120  # noise at the bottom
    assert not display.getexif()  # the copies carry no metadata
    thumb = Image.open(io.BytesIO(grid.get(f"/api/v1/evidence/{evidence_id}/files/thumb").data))
    assert max(thumb.size) == 320
    original = grid.get(f"/api/v1/evidence/{evidence_id}/files/original")
    assert original.data == photo and "attachment" in original.headers["Content-Disposition"]
    assert original.headers["X-Content-Type-Options"] == "nosniff"


def test_exif_that_contradicts_the_declared_time_and_place_is_flagged(app, world, login):
    grid = login("grid_a")
    photo = phone_photo(gps=(28.64, 119.27), taken=dt.datetime(2026, 11, 23, 11, 0, 0))
    evidence_id = record_evidence(grid, world.clues["clue_a"], photo)  # declares 14:05, WHERE
    upload(grid, evidence_id, photo)

    flagged = {d["field"]: d for d in pulled_evidence(grid, evidence_id)["data"]["disagreements"]}
    # EXIF without an offset is read as Beijing time: 11:00 vs 14:05:12 is 11,112 s.
    assert flagged["captured_at"]["difference_s"] == 11112
    assert flagged["location"]["distance_m"] == pytest.approx(5560, rel=0.01)


def test_a_second_upload_of_the_same_bytes_costs_nothing(app, world, login):
    grid = login("grid_a")
    first = record_evidence(grid, world.clues["clue_a"], PHOTO)
    upload(grid, first, PHOTO)
    # The same photo on another record: held at once, at push.
    second = record_evidence(grid, world.clues["clue_a"], PHOTO)
    assert pulled_evidence(grid, second)["data"]["original"]["held"] is True
    # And an upload of it is created complete: no byte needs to be sent.
    again = start_upload(grid, first, PHOTO)
    assert again.status_code == 201 and again.headers["Upload-Offset"] == str(len(PHOTO))
    head = grid.client.head(again.headers["Location"], headers={**TUS, **_auth(grid)})
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(PHOTO))
    assert [k for k in every_stored_key(app) if k.startswith("sha256/")] == [
        original_key(sha(PHOTO))
    ]


def test_knowing_a_photos_hash_is_not_holding_it(app, world, login):
    upload(login("grid_a"), record_evidence(login("grid_a"), world.clues["clue_a"], PHOTO), PHOTO)
    other = login("grid_b")  # another township: he cannot see the first record
    evidence_id = record_evidence(other, world.clues["clue_b"], PHOTO)
    assert pulled_evidence(other, evidence_id)["data"]["original"]["held"] is False
    created = start_upload(other, evidence_id, PHOTO)
    assert created.headers["Upload-Offset"] == "0"  # he must send the bytes himself
    assert other.get(f"/api/v1/evidence/{evidence_id}/files/original").status_code == 404
    done = patch(other, created.headers["Location"], 0, PHOTO)
    assert done.status_code == 204
    assert other.get(f"/api/v1/evidence/{evidence_id}/files/original").data == PHOTO


def _auth(session) -> dict:
    return {"Authorization": f"Bearer {session.token}"}


def test_a_compressed_copy_first_then_the_original_and_the_tier_says_which(app, world, login):
    grid = login("grid_a")
    copy = compressed_copy(PHOTO)
    m = evidence_mutation(world.clues["clue_a"], PHOTO, copy=copy)
    [result] = push(grid, m)
    evidence_id = m["record_id"]
    assert result["outcome"] == "applied"

    assert upload(grid, evidence_id, copy).status_code == 204
    change = pulled_evidence(grid, evidence_id)["data"]
    assert change["tier"] == "copy"
    assert (change["copy"]["held"], change["original"]["held"]) == (True, False)
    assert grid.get(f"/api/v1/evidence/{evidence_id}/files/display").status_code == 200
    assert grid.get(f"/api/v1/evidence/{evidence_id}/files/original").status_code == 404

    assert upload(grid, evidence_id, PHOTO).status_code == 204
    change = pulled_evidence(grid, evidence_id)["data"]
    assert change["tier"] == "original" and change["original"]["held"] is True
    display = grid.get(f"/api/v1/evidence/{evidence_id}/files/display").data
    assert Image.open(io.BytesIO(display)).size == (900, 1200)  # now from the original


def test_a_copy_may_not_be_the_original_itself(world, login):
    m = evidence_mutation(world.clues["clue_a"], PHOTO, copy=PHOTO)
    [result] = push(login("grid_a"), m)
    assert result["outcome"] == "rejected" and "copy" in result["fields"]


# -- refused files: a clear 4xx naming the field, and nothing left behind -------------------


def _png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG whose header claims 50,000 × 50,000 pixels (2.5 gigapixels) in a few bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.txt", b"\x00" * 20_000_000)
    return out.getvalue()


def _png(photo: bytes = PHOTO) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(photo)).save(out, "PNG")
    return out.getvalue()


BAD_FILES = {
    "truncated": (PHOTO[: len(PHOTO) * 2 // 3], "image/jpeg", 422, "file", "corrupt"),
    "png_named_jpeg": (_png(phone_photo(300, 200)), "image/jpeg", 415, "media_type", "wrong_type"),
    "zip_bomb": (_zip_bomb(), "image/jpeg", 422, "file", "not_an_image"),
    "gigapixel_png": (_png_bomb(), "image/png", 422, "file", "too_many_pixels"),
    "polyglot_jpeg_zip": (PHOTO + _zip_bomb(), "image/jpeg", 422, "file", "polyglot"),
    "text_file": (b"<script>alert(1)</script>", "image/jpeg", 422, "file", "not_an_image"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_refused_clearly_and_leaves_nothing_behind(app, world, login, name):
    data, media_type, status, field, code = BAD_FILES[name]
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], data, media_type=media_type)

    refused = upload(grid, evidence_id, data, chunk=len(data) // 2 + 1)

    assert refused.status_code == status, refused.get_json()
    body = refused.get_json()
    assert body["error"] == code and field in body["fields"]
    assert every_stored_key(app) == []
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Blob)).scalar() == 0
        assert db.session.execute(sa.select(sa.func.count()).select_from(Upload)).scalar() == 0
        assert db.session.get(Evidence, __import__("uuid").UUID(evidence_id)).original_at is None
    assert pulled_evidence(grid, evidence_id)["data"]["original"]["held"] is False
    assert audit_actions(app, evidence_id)[-1] == "evidence.refused"


def test_bytes_that_do_not_match_the_declared_hash_are_refused_and_discarded(app, world, login):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    tampered = bytearray(PHOTO)
    tampered[len(PHOTO) // 2] ^= 0x01
    created = start_upload(grid, evidence_id, PHOTO)  # declares the true hash
    refused = patch(grid, created.headers["Location"], 0, bytes(tampered))
    assert refused.status_code == 460 and "sha256" in refused.get_json()["fields"]
    assert every_stored_key(app) == []
    head = grid.client.head(created.headers["Location"], headers={**TUS, **_auth(grid)})
    assert head.status_code == 404  # the partial upload is gone: start again
    assert upload(grid, evidence_id, PHOTO).status_code == 204


def test_an_empty_file_cannot_even_be_declared(world, login):
    m = evidence_mutation(world.clues["clue_a"], b"")
    [result] = push(login("grid_a"), m)
    assert result["outcome"] == "rejected"
    assert "size" in result["fields"]["original"]


# -- the protocol -----------------------------------------------------------------------------


def test_the_server_advertises_tus_and_its_largest_file(client):
    r = client.options(UPLOADS)
    assert r.status_code == 204
    assert r.headers["Tus-Version"] == "1.0.0"
    assert {"creation", "checksum", "termination", "expiration"} <= set(
        r.headers["Tus-Extension"].split(",")
    )
    assert int(r.headers["Tus-Max-Size"]) == FILE_MAX_BYTES


def test_larger_than_the_maximum_wrong_length_and_wrong_version_are_refused(world, login):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    meta = start_upload(grid, evidence_id, PHOTO).request.headers["Upload-Metadata"]
    base = {**TUS, **_auth(grid), "Upload-Metadata": meta}
    too_big = grid.client.post(UPLOADS, headers={**base, "Upload-Length": str(FILE_MAX_BYTES + 1)})
    assert too_big.status_code == 413 and "Upload-Length" in too_big.get_json()["fields"]
    wrong = grid.client.post(UPLOADS, headers={**base, "Upload-Length": str(len(PHOTO) - 1)})
    assert wrong.status_code == 422 and "Upload-Length" in wrong.get_json()["fields"]
    old = grid.client.post(
        UPLOADS,
        headers={**base, "Upload-Length": str(len(PHOTO)), "Tus-Resumable": "0.2.2"},
    )
    assert old.status_code == 412
    unknown = start_upload(grid, evidence_id, PHOTO, digest="ab" * 32)
    assert unknown.status_code == 422 and "sha256" in unknown.get_json()["fields"]


def test_a_wrong_offset_conflicts_and_a_bad_chunk_checksum_drops_only_that_chunk(app, world, login):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    location = start_upload(grid, evidence_id, PHOTO).headers["Location"]
    first = PHOTO[:40_000]
    assert patch(grid, location, 0, first).headers["Upload-Offset"] == "40000"
    assert patch(grid, location, 0, first).status_code == 409

    chunk = PHOTO[40_000:80_000]
    wrong = base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    bad = patch(grid, location, 40_000, chunk, **{"Upload-Checksum": f"sha1 {wrong}"})
    assert bad.status_code == 460
    head = grid.client.head(location, headers={**TUS, **_auth(grid)})
    assert head.headers["Upload-Offset"] == "40000"
    right = base64.b64encode(hashlib.sha1(chunk).digest()).decode()
    good = patch(grid, location, 40_000, chunk, **{"Upload-Checksum": f"sha1 {right}"})
    assert good.headers["Upload-Offset"] == "80000"
    assert patch(grid, location, 80_000, PHOTO[80_000:]).status_code == 204
    assert store(app).read(original_key(sha(PHOTO))) == PHOTO


def test_an_unfinished_upload_can_be_terminated_and_its_bytes_are_gone(app, world, login):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    location = start_upload(grid, evidence_id, PHOTO).headers["Location"]
    patch(grid, location, 0, PHOTO[:10_000])
    assert every_stored_key(app) != []
    assert grid.client.delete(location, headers={**TUS, **_auth(grid)}).status_code == 204
    assert every_stored_key(app) == []


def test_nobody_else_reaches_an_upload_or_evidence_outside_his_jurisdiction(app, world, login):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    location = start_upload(grid, evidence_id, PHOTO).headers["Location"]
    outsider = login("dispatcher_b")
    assert outsider.client.head(location, headers={**TUS, **_auth(outsider)}).status_code == 404
    assert patch(outsider, location, 0, PHOTO).status_code == 404
    assert start_upload(outsider, evidence_id, PHOTO).status_code == 404
    for path in ("", "/files/original", "/files/thumb", "/files/print"):
        assert outsider.get(f"/api/v1/evidence/{evidence_id}{path}").status_code == 404
    assert grid.client.get(f"/api/v1/evidence/{evidence_id}/files/thumb").status_code == 401
    # A colleague of the same grid may see the clue, but an upload is its sender's alone.
    colleague = login("grid2_a")
    assert colleague.client.head(location, headers={**TUS, **_auth(colleague)}).status_code == 404


def test_viewing_an_original_or_a_print_copy_is_audited_and_the_print_is_watermarked(
    app, world, login
):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    upload(grid, evidence_id, PHOTO)
    dispatcher = login("dispatcher_a")
    assert dispatcher.get(f"/api/v1/evidence/{evidence_id}/files/original").data == PHOTO
    printed = Image.open(
        io.BytesIO(dispatcher.get(f"/api/v1/evidence/{evidence_id}/files/print").data)
    ).convert("RGB")
    # Upright photo (900 × 1200 scaled to fit 2048) above a dark band of five lines of text.
    assert printed.width == 900 and printed.height > 1200 + 5 * 17
    band = printed.crop((0, 1200, printed.width, printed.height))
    light = sum(1 for px in band.getdata() if px[0] > 200)
    assert 0 < light < band.width * band.height // 4  # white text on a dark band
    assert audit_actions(app, evidence_id)[-2:] == ["evidence.view_original", "evidence.view_print"]
    assert dispatcher.get(f"/api/v1/evidence/{evidence_id}/files/thumb").status_code == 200
    assert audit_actions(app, evidence_id)[-1] == "evidence.view_print"  # thumbnails are not


def test_only_a_supervisor_excludes_evidence_and_only_with_a_reason(app, world, login):
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)

    def exclude(session, args):
        exclusion = {"name": "exclude", "args": args}
        m = mutation("evidence", evidence_id, "transition", exclusion, base_version=1)
        return push_one(session, m)

    assert exclude(grid, {"reason": "拍错了"})["reason"] == "forbidden"
    assert exclude(login("dispatcher_a"), {})["fields"] == {"reason": ["required"]}
    assert exclude(login("dispatcher_a"), {"reason": "与本案无关"})["outcome"] == "applied"
    data = pulled_evidence(grid, evidence_id)["data"]
    assert data["status"] == "excluded" and data["exclude_reason"] == "与本案无关"
    assert exclude(login("leader_a"), {"reason": "again"})["reason"] == "evidence_excluded"
    # Excluded, never deleted: the record and its history stay.
    assert grid.get(f"/api/v1/evidence/{evidence_id}").status_code == 200
    assert "sync.transition" in audit_actions(app, evidence_id)


def test_evidence_on_a_closed_clue_is_kept_and_flagged_late(app, world, login):
    dispatcher = login("dispatcher_a")
    clue = str(world.clues["clue_a"])
    reject = {"name": "reject", "args": {"reason": "不属实"}}
    rejected = push_one(dispatcher, mutation("clue", clue, "transition", reject, base_version=1))
    assert rejected["outcome"] == "applied"
    m = evidence_mutation(clue, PHOTO)
    [result] = push(login("grid_a"), m)
    assert result["outcome"] == "applied" and result["flags"] == ["late"]
    assert pulled_evidence(dispatcher, m["record_id"])["data"]["late"] is True


def test_copies_are_made_on_first_view_under_the_originals_hash_and_again_if_lost(
    app, world, login
):
    """The phone waits for verification only; the copies cost nothing until someone looks,
    and a store restored without them still shows every photo."""
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    upload(grid, evidence_id, PHOTO)
    keys = {variant: derived_key(sha(PHOTO), variant) for variant in ("display", "thumb")}
    assert not any(store(app).exists(key) for key in keys.values())
    first = {v: grid.get(f"/api/v1/evidence/{evidence_id}/files/{v}").data for v in keys}
    assert all(store(app).exists(key) for key in keys.values())
    assert Image.open(io.BytesIO(first["thumb"])).size == (240, 320)  # upright, from a draft
    store(app).delete(keys["thumb"])
    again = grid.get(f"/api/v1/evidence/{evidence_id}/files/thumb")
    assert again.status_code == 200 and again.data == first["thumb"]


def test_the_last_chunk_is_taken_behind_gunicorn_which_marks_input_terminated(world, login):
    """gunicorn sets wsgi.input_terminated; Werkzeug then caps the body at the request's
    limit and refused the read that found it exactly full: every last chunk got a 413."""
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    location = start_upload(grid, evidence_id, PHOTO).headers["Location"]
    half = len(PHOTO) // 2
    for start, end in ((0, half), (half, len(PHOTO))):
        r = grid.client.patch(
            location,
            data=PHOTO[start:end],
            headers={
                **TUS,
                **_auth(grid),
                "Upload-Offset": str(start),
                "Content-Type": "application/offset+octet-stream",
            },
            environ_overrides={"wsgi.input_terminated": True},
        )
        assert r.status_code == 204, r.get_json()
    assert grid.get(f"/api/v1/evidence/{evidence_id}/files/original").data == PHOTO


@pytest.mark.parametrize("name", ["../../outside.jpg", "/etc/passwd", "..\\..\\outside.jpg"])
def test_a_file_name_that_climbs_out_of_the_store_goes_nowhere(app, world, login, name):
    """The store names files by their hash; a client's name is never a path."""
    grid = login("grid_a")
    evidence_id = record_evidence(grid, world.clues["clue_a"], PHOTO)
    created = grid.client.post(
        UPLOADS,
        headers={
            **TUS,
            "Upload-Length": str(len(PHOTO)),
            "Upload-Metadata": metadata(evidence_id=evidence_id, sha256=sha(PHOTO), filename=name),
            "Authorization": f"Bearer {grid.token}",
        },
    )
    assert created.status_code == 201, created.get_json()
    done = patch(grid, created.headers["Location"], 0, PHOTO)
    assert done.status_code == 204, done.get_json()
    media = Path(app.config["MEDIA_ROOT"]).resolve()
    stored = [p for p in media.rglob("*") if p.is_file()]
    assert stored and all(p.resolve().is_relative_to(media) for p in stored)
    assert not any("outside" in p.name or p.name == "passwd" for p in stored)
    assert not (media.parent / "outside.jpg").exists() and not (media / "outside.jpg").exists()
    with app.app_context():
        assert db.session.get(Blob, sha(PHOTO)) is not None


def _misdeclared(clue_id, photo: bytes, **declared_as) -> dict:
    """An evidence record naming ``photo``'s hash but another size or media type."""
    m = evidence_mutation(clue_id, photo)
    m["payload"]["original"].update(declared_as)
    return m


def test_a_record_misstating_a_held_file_is_never_marked_held(app, world, login):
    """The bytes are on the server already (dedup); a second record naming their hash with
    another size or media type is checked against the file all the same: at push, and when
    the phone then starts its upload."""
    grid = login("grid_a")
    upload(grid, record_evidence(grid, world.clues["clue_a"], PHOTO), PHOTO)

    for wrong in ({"size": len(PHOTO) + 1}, {"media_type": "image/png"}):
        m = _misdeclared(world.clues["clue_a"], PHOTO, **wrong)
        assert push_one(grid, m)["outcome"] == "applied"
        evidence_id = m["record_id"]
        assert pulled_evidence(grid, evidence_id)["data"]["original"]["held"] is False
        length = str(wrong.get("size", len(PHOTO)))
        created = start_upload(grid, evidence_id, PHOTO, **{"Upload-Length": length})
        assert created.status_code == 422, created.get_json()
        assert created.get_json()["error"] == "declared_mismatch"
        assert pulled_evidence(grid, evidence_id)["data"]["original"]["held"] is False
        assert "evidence.verified" not in audit_actions(app, evidence_id)
        assert "evidence.refused" in audit_actions(app, evidence_id)


def test_bytes_sent_for_a_record_misstating_a_file_already_held_are_refused(app, world, login):
    """Another township's phone sends the very bytes the server holds, under a record that
    declares them a PNG: the hash and size match, the file is held, the type is not the
    file's; the upload is refused and leaves the record without a file."""
    grid = login("grid_a")
    upload(grid, record_evidence(grid, world.clues["clue_a"], PHOTO), PHOTO)
    other = login("grid_b")
    m = _misdeclared(world.clues["clue_b"], PHOTO, media_type="image/png")
    assert push_one(other, m)["outcome"] == "applied"

    done = upload(other, m["record_id"], PHOTO)

    assert done.status_code == 422, done.get_json()
    assert pulled_evidence(other, m["record_id"])["data"]["original"]["held"] is False
    assert other.get(f"/api/v1/evidence/{m['record_id']}/files/original").status_code == 404
