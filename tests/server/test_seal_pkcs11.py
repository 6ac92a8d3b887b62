# ruff: noqa: F811 (the seal kit's fixtures are imported)
"""The agency's seal key in a hardware token (PKCS#11): SoftHSM2 stands in for the HSM,
holding the test authority's seal key; the document is sealed by the token and validates
as one sealed from a file does. A township with no key on the token issues unsealed."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
import sqlalchemy as sa

from server.cases.models import Case, IssuedDocument
from server.core.db import Counter, db
from server.documents import rendered
from server.documents.seal import SealUnavailable, TokenSealer, sealer_for
from tests.server.calendar_kit import weekends_only_around_today
from tests.server.case_kit import decided_case
from tests.server.document_cases_kit import sample
from tests.server.documents_kit import issued_decision
from tests.server.seal_kit import TOWNSHIP_A, hsm, pdfsig, validation  # noqa: F401


def test_a_document_sealed_by_the_token_validates(hsm, tmp_path):
    made, token = hsm
    sealer = sealer_for("", "", TOWNSHIP_A, "", token)
    assert isinstance(sealer, TokenSealer) and "大柘镇" in sealer.sealed_by
    data = sample("penalty_decision")
    doc = rendered("penalty_decision", data, sealed=True)
    sealed = sealer.seal(doc.pdf, doc.seal, data["agency"])
    signature, status = validation(sealed.pdf, str(made.root))
    assert status.bottom_line, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    assert "大柘镇" in signature.signer_cert.subject.human_friendly
    said = pdfsig(sealed.pdf, tmp_path)
    assert "Signature is Valid." in said and "Total document signed" in said, said


def test_a_township_with_no_key_on_the_token_is_not_sealed_and_a_wrong_pin_is_an_error(hsm):
    _made, token = hsm
    assert sealer_for("", "", "331123103", "", token) is None  # township B: none there
    wrong = dataclasses.replace(token, pin="000000")
    with pytest.raises(SealUnavailable) as refused:
        sealer_for("", "", TOWNSHIP_A, "", wrong)
    assert refused.value.setting == "ESEAL_PKCS11_PIN" and refused.value.status == 503


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"pin": "000000"}, "ESEAL_PKCS11_PIN"),
        ({"label": "no such token"}, "ESEAL_PKCS11_TOKEN"),
        ({"module": "/nonexistent/libvendor-pkcs11.so"}, "ESEAL_PKCS11_MODULE"),
    ],
)
def test_what_is_wrong_with_the_token_is_named_by_its_setting(hsm, caplog, change, setting):
    _made, token = hsm
    with pytest.raises(SealUnavailable) as refused:
        sealer_for("", "", TOWNSHIP_A, "", dataclasses.replace(token, **change))
    assert refused.value.setting == setting and setting in refused.value.message
    assert refused.value.code == "seal_unavailable"
    # Logged for the operator, never the PIN itself.
    [logged] = [r for r in caplog.records if r.name == "server.documents.seal"]
    assert logged.levelname == "ERROR" and setting in logged.getMessage()
    assert token.pin not in logged.getMessage()


@pytest.fixture
def app(make_app, hsm):
    _made, token = hsm
    app = make_app(
        ESEAL_PKCS11_MODULE=token.module,
        ESEAL_PKCS11_TOKEN=token.label,
        ESEAL_PKCS11_PIN=token.pin,
    )
    weekends_only_around_today(app)
    return app


def test_an_issued_decision_is_sealed_by_the_token(app, world, login, hsm, tmp_path):
    made, _token = hsm
    doc, pdf, public = issued_decision(login, world)
    for copy in (pdf, public):
        _signature, status = validation(copy, str(made.root))
        assert status.bottom_line, status.pretty_print_details()
        assert "Signature is Valid." in pdfsig(copy, tmp_path)
    with app.app_context():
        assert "大柘镇" in db.session.get(IssuedDocument, uuid.UUID(doc["id"])).sealed_by


def _counters(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(sa.select(Counter.name, Counter.value)).all())


def test_a_wrong_pin_answers_503_naming_it_and_issues_nothing(app, world, login, hsm):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    with app.app_context():
        before = db.session.get(Case, uuid.UUID(case_id)).version
    counted = _counters(app)
    app.config["ESEAL_PKCS11_PIN"] = "000000"
    r = officer.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"})
    assert r.status_code == 503, r.get_json()
    assert r.get_json()["error"] == "seal_unavailable"
    assert "ESEAL_PKCS11_PIN" in r.get_json()["message"]
    # The case, its documents and the township's numbers untouched.
    with app.app_context():
        assert db.session.query(IssuedDocument).count() == 0
        assert db.session.get(Case, uuid.UUID(case_id)).version == before
    assert _counters(app) == counted
    # The operator puts the right PIN back: the same request issues, under the first number.
    app.config["ESEAL_PKCS11_PIN"] = hsm[1].pin
    r = officer.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["doc_number"].endswith("〕1号")
