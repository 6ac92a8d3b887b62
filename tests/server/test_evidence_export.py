"""The evidence export of a clue: originals, a manifest with hashes and audit entries, and
the audit entry of the export itself; verified offline, and any one-byte change detected."""

from __future__ import annotations

import io
import json
import random
import zipfile

import pytest

from server.evidence import export
from tests.server.evidence_kit import compressed_copy, evidence_mutation, phone_photo, sha
from tests.server.evidence_kit import upload as send
from tests.server.sync_kit import push


@pytest.fixture
def exported(app, world, login):
    """A clue with two photos (one with its compressed copy too, one excluded) exported by
    the township's dispatcher."""
    grid = login("grid_a")
    clue = world.clues["clue_a"]
    photos = [phone_photo(800, 600, seed=1), phone_photo(640, 480, seed=2, orientation=1)]
    copy = compressed_copy(photos[0])
    records = [evidence_mutation(clue, photos[0], copy=copy), evidence_mutation(clue, photos[1])]
    push(grid, *records)
    send(grid, records[0]["record_id"], copy)
    for m, photo in zip(records, photos, strict=True):
        assert send(grid, m["record_id"], photo, chunk=20_000).status_code == 204
    dispatcher = login("dispatcher_a")
    push(
        dispatcher,
        {
            "id": "00000000-0000-4000-8000-000000000001",
            "record_type": "evidence",
            "record_id": records[1]["record_id"],
            "op": "transition",
            "base_version": 1,
            "payload": {"name": "exclude", "args": {"reason": "与本案无关"}},
        },
    )
    response = dispatcher.get(f"/api/v1/clues/{clue}/evidence-export")
    assert response.status_code == 200, response.get_json()
    return response, photos, copy, records


def test_an_export_holds_the_originals_unchanged_and_verifies_offline(exported):
    response, photos, copy, records = exported
    data = response.data
    report = export.verify(data)
    assert report.ok, report.problems
    assert (report.evidence_checked, report.files_checked) == (2, 4)  # 2 originals, copy, manifest
    assert report.export_entry_hash == response.headers["X-Audit-Entry-Hash"]

    archive = zipfile.ZipFile(io.BytesIO(data))
    for photo in photos:
        assert archive.read(f"originals/{sha(photo)}.jpg") == photo
    assert archive.read(f"copies/{sha(copy)}.jpg") == copy
    manifest = json.loads(archive.read("manifest.json"))
    by_id = {e["id"]: e for e in manifest["evidence"]}
    assert by_id[records[1]["record_id"]]["status"] == "excluded"  # excluded, still there
    actions = [e["action"] for e in manifest["audit"]]
    for action in ("sync.create", "evidence.uploaded", "evidence.verified", "sync.transition"):
        assert action in actions
    entry = json.loads(archive.read("export-entry.json"))
    assert entry["action"] == "evidence.export" and entry["detail"]["evidence"] == 2


def test_a_change_of_one_byte_in_a_photo_or_the_manifest_is_detected(exported):
    data = exported[0].data
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in ("manifest.json", f"originals/{sha(exported[1][0])}.jpg"):
        info = archive.getinfo(name)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        tampered = bytearray(data)
        tampered[start + info.file_size // 2] ^= 0x01
        report = export.verify(bytes(tampered))
        assert not report.ok, name


def test_a_change_of_any_single_byte_anywhere_in_the_zip_is_detected(exported):
    data = exported[0].data
    rng = random.Random(4)
    # Every byte of the headers and the directory, and a sample of the file contents.
    header_bytes = [i for i in range(len(data)) if _in_headers(data, i)]
    positions = header_bytes + rng.sample(range(len(data)), 300)
    undetected = []
    for position in positions:
        tampered = bytearray(data)
        tampered[position] ^= 0x20
        if export.verify(bytes(tampered)).ok:
            undetected.append(position)
    assert len(header_bytes) > 100
    assert undetected == []


def _in_headers(data: bytes, position: int) -> bool:
    archive = zipfile.ZipFile(io.BytesIO(data))
    for info in archive.infolist():
        start = info.header_offset
        if start <= position < start + 30 + len(info.filename.encode()):
            return True
    return position >= archive.start_dir


def test_the_cli_verifies_an_export_and_fails_on_a_tampered_one(app, exported, tmp_path):
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    data = exported[0].data
    good.write_bytes(data)
    tampered = bytearray(data)
    tampered[len(data) // 3] ^= 0xFF
    bad.write_bytes(bytes(tampered))
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["evidence", "verify-export", str(good)])
    assert ok.exit_code == 0 and "export intact" in ok.output
    broken = runner.invoke(args=["evidence", "verify-export", str(bad)])
    assert broken.exit_code == 1 and "DOES NOT VERIFY" in broken.output


def test_the_export_is_itself_in_the_audit_chain_and_the_chain_verifies(app, exported):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    from server.audit.models import AuditEntry
    from server.core.db import db

    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(
            hash=exported[0].headers["X-Audit-Entry-Hash"]
        )
        assert entry.one().action == "evidence.export"


def test_a_grid_worker_cannot_export_and_a_foreign_dispatcher_gets_404(world, login):
    clue = world.clues["clue_a"]
    assert login("grid_a").get(f"/api/v1/clues/{clue}/evidence-export").status_code == 403
    assert login("dispatcher_b").get(f"/api/v1/clues/{clue}/evidence-export").status_code == 404


def test_a_record_misstating_a_file_already_held_does_not_break_the_export(world, login):
    """A second record names a held photo's hash with another size and type: it is not
    marked held, so the clue's export still verifies."""
    grid, clue = login("grid_a"), world.clues["clue_a"]
    photo = phone_photo(800, 600, seed=3)
    first = evidence_mutation(clue, photo)
    push(grid, first)
    assert send(grid, first["record_id"], photo).status_code == 204
    lying = evidence_mutation(clue, photo)
    lying["payload"]["original"].update(size=len(photo) + 7, media_type="image/png")
    push(grid, lying)

    response = login("dispatcher_a").get(f"/api/v1/clues/{clue}/evidence-export")

    report = export.verify(response.data)
    assert report.ok, report.problems
