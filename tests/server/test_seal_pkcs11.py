# ruff: noqa: F811 (the seal kit's fixtures are imported)
"""The agency's seal key in a hardware token (PKCS#11): SoftHSM2 stands in for the HSM,
holding the test authority's seal key; the document is sealed by the token and validates
as one sealed from a file does. A township with no key on the token issues unsealed."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from server.cases.models import IssuedDocument
from server.core.db import db
from server.documents import rendered
from server.documents.seal import TokenSealer, sealer_for
from tests.server.calendar_kit import weekends_only_around_today
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
    from pkcs11.exceptions import PinIncorrect
    from pyhanko.sign.general import SigningError

    wrong = dataclasses.replace(token, pin="000000")
    with pytest.raises((PinIncorrect, SigningError)):
        sealer_for("", "", TOWNSHIP_A, "", wrong)


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
