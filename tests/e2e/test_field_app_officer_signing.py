"""The officers sign a document with their own keys from the phone (issue 22): before it
issues, the phone asks the server whom the document names (``document-signers``); each of
them who holds a signing key types his own passphrase, a wrong one is said under his field
and nothing is issued, a blank one leaves his box for his hand; the document then carries
his PAdES signature, validated from the test authority's root."""

from __future__ import annotations

import pytest

from server.accounts import signing
from server.accounts.models import User
from server.cases.documents import document_key
from server.cases.models import IssuedDocument
from server.core.db import db, utcnow
from server.demo import authority
from server.evidence import service
from tests.e2e.kit import ordered_case, user_id
from tests.e2e.phone import PHONE, shot
from tests.server.seal_kit import validations

pytestmark = pytest.mark.browser
SECRET = "余斌自己的签名口令2026"


def test_the_officer_types_his_passphrase_and_the_order_carries_his_signature(
    phones, county, tmp_path
):
    app = county.app
    case_id = ordered_case(county)
    mine, partner = user_id(app, "hb_officer1"), user_id(app, "hb_officer2")
    with app.app_context():
        officer = db.session.get(User, mine)
        made = authority.make(
            tmp_path / "authority",
            {},
            officers={officer.certificate_no: (officer.display_name, "航埠镇人民政府", SECRET)},
        )
        p12 = (made.officers / f"{officer.certificate_no}.p12").read_bytes()
        signing.enrol(officer, p12, SECRET, utcnow())
        db.session.commit()
        number = officer.certificate_no

    phone = phones("officer", viewport=PHONE)
    page = phone.enter("hb_officer1")
    phone.wait_synced()
    page.goto(phone.url + f"/#/case/{case_id}")
    row = "[data-document=correction_order]"
    page.click(f"{row} [data-issue=correction_order]")
    # His own field; his partner, who holds no key, signs the paper by hand.
    page.wait_for_selector(f"{row} [data-officer-signing] [data-passphrase='{mine}']")
    assert page.is_visible(f"{row} [data-signs-by-hand='{partner}']")
    page.fill(f"[data-passphrase='{mine}']", "不是我的口令123456")
    page.click("[data-sign-issue]")
    page.wait_for_selector(f"[data-passphrase-error='{mine}']")
    assert not page.is_visible(f"{row} [data-pdf=correction_order]")  # nothing issued
    page.locator("[data-officer-signing]").scroll_into_view_if_needed()
    shot(page, "officer-signing-wrong-393", full_page=False)
    page.fill(f"[data-passphrase='{mine}']", SECRET)
    page.click("[data-sign-issue]")
    page.wait_for_selector(f"{row} [data-pdf=correction_order]")
    assert not page.is_visible("[data-officer-signing]")

    with app.app_context():
        doc = db.session.query(IssuedDocument).filter_by(kind="correction_order").one()
        pdf = service.store().read(document_key(doc.id))
    [(signature, status)] = validations(pdf, str(made.root))
    assert status.bottom_line, status.pretty_print_details()
    assert signature.signer_cert.subject.native["serial_number"] == number
