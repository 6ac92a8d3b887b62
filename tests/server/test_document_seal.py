# ruff: noqa: F811 (the seal kit's fixtures are imported)
"""The agency's electronic seal (issue 22): a document issued under seal is signed with the
township's own key where the seal goes, any PDF reader finds the signature valid and the
document unchanged, a changed byte is caught, and with a time-stamping authority the seal
carries a trusted time. A township with no key issues documents to be stamped by hand."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.cases.models import Inspection, IssuedDocument
from server.core.db import db
from tests.server.calendar_kit import weekends_only_around_today
from tests.server.case_kit import opened_case
from tests.server.documents_kit import issued_decision, text_of
from tests.server.seal_kit import pdfsig, test_authority, tsa, validation  # noqa: F401


@pytest.fixture
def seal(request, test_authority):
    """How the app seals: "key" (the township's key), "key+tsa" (and a time stamp from a
    local TSA), "key+tsa-down" (the TSA does not answer), "none" (no key)."""
    how = getattr(request, "param", "key")
    config = {"ESEAL_KEYSTORE": str(test_authority.keystore)}
    if how == "none":
        config["ESEAL_KEYSTORE"] = str(test_authority.keystore.parent / "empty")
    if how == "key+tsa":
        config["TSA_URL"] = request.getfixturevalue("tsa")
    if how == "key+tsa-down":
        config["TSA_URL"] = "http://127.0.0.1:9/tsr"  # discard: nothing answers
    return config


@pytest.fixture
def app(make_app, seal):
    app = make_app(**seal)
    weekends_only_around_today(app)
    return app


def test_a_decision_is_sealed_with_the_townships_key_and_readers_find_it_valid(
    app, world, login, test_authority, tmp_path
):
    doc, pdf, public = issued_decision(login, world)
    for copy in (pdf, public):  # the party's copy and the art. 48 public copy
        signature, status = validation(copy, str(test_authority.root))
        assert status.bottom_line, status.pretty_print_details()  # intact, valid, trusted
        assert status.coverage.name == "ENTIRE_FILE"
        assert "大柘镇" in signature.signer_cert.subject.human_friendly
        # An independent validator (poppler, NSS) agrees the bytes are those signed.
        said = pdfsig(copy, tmp_path)
        assert "Signature is Valid." in said and "Total document signed" in said, said
        # The seal is where the seal goes: the hand-stamp placeholder is gone.
        assert "（印章）" not in text_of(copy)
        assert status.timestamp_validity is None  # no TSA set: the server's clock only
    with app.app_context():
        row = db.session.get(IssuedDocument, uuid.UUID(doc["id"]))
        assert "大柘镇" in row.sealed_by and row.seal_timestamped is False
        entry = db.session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "document.issued")
        ).scalar_one()
        assert entry.detail["sealed_by"] == row.sealed_by


def test_a_changed_byte_breaks_the_seal(app, world, login, test_authority, tmp_path):
    _doc, pdf, _public = issued_decision(login, world)
    _signature, status = validation(pdf, str(test_authority.root))
    assert status.intact
    # Change one byte inside the signed range (the document's information dictionary).
    at = pdf.index(b"/Producer")
    forged = pdf[:at] + b"/Producfr" + pdf[at + len(b"/Producer") :]
    _signature, status = validation(forged, str(test_authority.root))
    assert not status.intact and not status.bottom_line  # the digest no longer matches
    assert "Signature is Valid." not in pdfsig(forged, tmp_path)


def test_an_untrusted_root_is_not_the_agency(app, world, login, tmp_path):
    from server.demo import authority

    _doc, pdf, _public = issued_decision(login, world)
    stranger = authority.make(tmp_path / "stranger", {})
    _signature, status = validation(pdf, str(stranger.root))
    assert status.intact and not status.trusted


@pytest.mark.parametrize("seal", ["key+tsa"], indirect=True)
def test_with_a_time_stamping_authority_the_seal_carries_a_trusted_time(
    app, world, login, test_authority
):
    doc, pdf, _public = issued_decision(login, world)
    _signature, status = validation(pdf, str(test_authority.root))
    assert status.intact and status.valid and status.trusted
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    with app.app_context():
        row = db.session.get(IssuedDocument, uuid.UUID(doc["id"]))
        assert row.seal_timestamped is True


@pytest.mark.parametrize("seal", ["key+tsa-down"], indirect=True)
def test_a_silent_time_stamping_authority_does_not_stop_the_document(
    app, world, login, test_authority
):
    doc, pdf, _public = issued_decision(login, world)
    _signature, status = validation(pdf, str(test_authority.root))
    assert status.intact and status.valid and status.timestamp_validity is None
    with app.app_context():
        row = db.session.get(IssuedDocument, uuid.UUID(doc["id"]))
        assert row.sealed_by and row.seal_timestamped is False


@pytest.mark.parametrize("seal", ["none"], indirect=True)
def test_a_township_with_no_key_issues_documents_to_stamp_by_hand(app, world, login):
    doc, pdf, _public = issued_decision(login, world)
    assert "（印章）" in text_of(pdf)
    assert b"/ByteRange" not in pdf
    with app.app_context():
        row = db.session.get(IssuedDocument, uuid.UUID(doc["id"]))
        assert row.sealed_by is None and row.seal_timestamped is None


def test_a_record_the_officers_sign_carries_no_seal(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    with app.app_context():
        inspection_id = str(db.session.execute(sa.select(Inspection.id)).scalar_one())
    r = officer.post(
        f"/api/v1/cases/{case_id}/documents",
        json={"kind": "inspection_record", "inspection_id": inspection_id},
    )
    assert r.status_code == 201, r.get_json()
    pdf = officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data
    assert b"/ByteRange" not in pdf and "（印章）" not in text_of(pdf)
    with app.app_context():
        assert db.session.get(IssuedDocument, uuid.UUID(r.get_json()["id"])).sealed_by is None


def test_the_e_signature_figure_counts_the_agencys_seals(app, world, login):
    from server.core.db import utcnow
    from sync.cases import today

    issued_decision(login, world)
    day = today(utcnow()).isoformat()
    r = login("dispatcher_a").get(f"/api/v1/units/331123102/indicators?from={day}&to={day}")
    assert r.status_code == 200, r.get_json()
    figure = r.get_json()["e_signed"]
    # The decision and its notice-free path: one document under seal, sealed.
    assert figure["seal"] == {"count": 1, "of": 1, "share": 1.0}
    assert figure["count"] == figure["party"]["count"] + 1
