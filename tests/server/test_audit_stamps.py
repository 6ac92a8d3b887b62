# ruff: noqa: F811 (the seal kit's fixtures are imported)
"""Trusted time for the audit chain (issue 22): a time-stamping authority's RFC 3161 token
on the county's head after each seal and on every evidence export's own entry, checked by
``flask audit verify`` and, offline, by ``flask evidence verify-export --tsa-root``."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from server.audit.chain import COUNTY
from server.audit.models import AuditStamp
from server.core.db import db
from server.evidence import export
from tests.server.evidence_kit import evidence_mutation, phone_photo
from tests.server.evidence_kit import upload as send
from tests.server.seal_kit import test_authority, tsa  # noqa: F401
from tests.server.sync_kit import push


@pytest.fixture
def app(make_app, tsa):
    return make_app(TSA_URL=tsa)


def _photo_on_the_record(world, login) -> None:
    grid = login("grid_a")
    photo = phone_photo(640, 480, seed=3)
    record = evidence_mutation(world.clues["clue_a"], photo)
    push(grid, record)
    assert send(grid, record["record_id"], photo).status_code == 204


def test_a_seal_stamps_the_countys_head_and_verify_checks_it(app, world, login, test_authority):
    _photo_on_the_record(world, login)
    runner = app.test_cli_runner()
    sealed = runner.invoke(args=["audit", "seal"])
    assert sealed.exit_code == 0 and "stamped: entry" in sealed.output, sealed.output
    again = runner.invoke(args=["audit", "seal"])
    assert "stamped already" in again.output  # nothing moved: one stamp a head
    with app.app_context():
        [stamp] = db.session.execute(sa.select(AuditStamp)).scalars().all()
        assert stamp.chain == COUNTY and stamp.stamped_at is not None
    root = str(test_authority.root)
    ok = runner.invoke(args=["audit", "verify", "--tsa-root", root])
    assert ok.exit_code == 0 and "1 time stamps of chain heads verified" in ok.output, ok.output

    # A stamp moved onto another entry does not hold.
    with app.app_context():
        db.session.execute(sa.update(AuditStamp).values(seq=AuditStamp.seq - 1))
        db.session.commit()
    moved = runner.invoke(args=["audit", "verify", "--tsa-root", root])
    assert moved.exit_code == 1 and "TIME STAMP DOES NOT HOLD" in moved.output
    # Nor does a token over another hash, even at its own place.
    with app.app_context():
        db.session.execute(sa.update(AuditStamp).values(seq=AuditStamp.seq + 1, hash="0" * 64))
        db.session.commit()
    forged = runner.invoke(args=["audit", "verify"])
    assert forged.exit_code == 1 and "not the one stamped" in forged.output


def test_an_export_carries_its_time_stamp_and_is_checked_offline(
    app, world, login, test_authority, tmp_path
):
    _photo_on_the_record(world, login)
    response = login("dispatcher_a").get(f"/api/v1/clues/{world.clues['clue_a']}/evidence-export")
    assert response.status_code == 200
    data = response.data
    assert export.STAMP in zipfile.ZipFile(io.BytesIO(data)).namelist()
    report = export.verify(data, test_authority.root)
    assert report.ok, report.problems
    assert report.stamped_at is not None

    path = tmp_path / "export.zip"
    path.write_bytes(data)
    runner = app.test_cli_runner()
    said = runner.invoke(
        args=["evidence", "verify-export", str(path), "--tsa-root", str(test_authority.root)]
    )
    assert said.exit_code == 0 and "time-stamped at" in said.output, said.output

    # Another authority's root does not vouch for it.
    from server.demo import authority

    stranger = authority.make(tmp_path / "stranger", {})
    assert not export.verify(data, stranger.root).ok
    # An export with its stamp removed is not stamped, which a court asking for one sees.
    members = [
        (i.filename, zipfile.ZipFile(io.BytesIO(data)).read(i))
        for i in zipfile.ZipFile(io.BytesIO(data)).infolist()
        if i.filename != export.STAMP
    ]
    unstamped = export._canonical_zip(members)
    assert export.verify(unstamped).ok  # still intact as an export
    assert any("no time stamp" in p for p in export.verify(unstamped, test_authority.root).problems)
