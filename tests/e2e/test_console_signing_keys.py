"""The administrator puts an officer's own signing key on his account at the desk (issue 22):
he uploads the CA's .p12 file and the officer types its passphrase (a wrong one is said under
its field, nothing is stored); the desk lists whose key it is (subject, serial, issuer, valid
until, the 执法证号 matching the account's); the officer then signs an order with it from his
phone; and the key is taken off again, audited both ways."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.audit.models import AuditEntry
from server.cases.documents import document_key
from server.cases.models import IssuedDocument
from server.core.db import db
from server.demo import authority
from server.evidence import service
from tests.e2e.kit import ordered_case, user_id
from tests.e2e.phone import PHONE, shot
from tests.server.seal_kit import validations

pytestmark = pytest.mark.browser
DESK = {"width": 1440, "height": 900}
SECRET = "余斌自己的签名口令2026"


def test_the_admin_puts_an_officers_key_on_he_signs_with_it_and_it_comes_off(
    phones, county, tmp_path
):
    app = county.app
    case_id = ordered_case(county)
    mine = user_id(app, "hb_officer1")
    with app.app_context():
        officer = db.session.get(User, mine)
        number, name = officer.certificate_no, officer.display_name
    made = authority.make(
        tmp_path / "authority", {}, officers={number: (name, "航埠镇人民政府", SECRET)}
    )

    desk = phones("admin", viewport=DESK)
    page = desk.enter("admin")
    page.click("a[href='#/accounts']")  # the administrator's desk has the screen
    row = "[data-account=hb_officer1]"
    page.wait_for_selector(f"{row}[data-has-key=no]")
    page.click(f"{row} [data-action=enrol]")
    page.set_input_files("input[name=p12]", str(made.officers / f"{number}.p12"))
    page.fill("input[name=signing_passphrase]", "不是他的口令123456")
    page.click("[data-action=enrol-key]")
    said = page.wait_for_selector(".signing-enrol .error")
    assert "口令打不开" in said.inner_text()
    shot(page, "signing-key-wrong-1440", full_page=False)
    with app.app_context():
        assert db.session.get(User, mine).signing_certificate is None
    page.fill("input[name=signing_passphrase]", SECRET)
    page.click("[data-action=enrol-key]")
    listed = page.wait_for_selector(f"{row}[data-has-key=yes]")
    text = listed.inner_text()
    assert number in text and "与账号一致" in text and "测试" in text
    assert page.locator(".signing-enrol").count() == 0
    assert page.locator(f"{row} [data-number-matches=yes]").count() == 1
    shot(page, "signing-key-listed-1440", full_page=False)
    page.set_viewport_size(PHONE)  # the same screen on a phone: the table scrolls sideways
    page.locator(row).scroll_into_view_if_needed()
    shot(page, "signing-key-listed-393", full_page=False)
    page.set_viewport_size(DESK)

    # He signs the order with it from his phone.
    phone = phones("officer", viewport=PHONE)
    field = phone.enter("hb_officer1")
    field.goto(phone.url + f"/#/case/{case_id}")
    doc_row = "[data-document=correction_order]"
    field.click(f"{doc_row} [data-issue=correction_order]")
    field.wait_for_selector(f"[data-passphrase='{mine}']")
    field.fill(f"[data-passphrase='{mine}']", SECRET)
    field.click("[data-sign-issue]")
    field.wait_for_selector(f"{doc_row} [data-pdf=correction_order]")
    with app.app_context():
        doc = db.session.query(IssuedDocument).filter_by(kind="correction_order").one()
        pdf = service.store().read(document_key(doc.id))
    [(signature, status)] = validations(pdf, str(made.root))
    assert status.bottom_line, status.pretty_print_details()
    assert signature.signer_cert.subject.native["serial_number"] == number

    # Off again, after a confirmation: he signs by hand from now on.
    page.click(f"{row} [data-action=remove-key]")
    page.click(f"{row} [data-action=confirm-remove-key]")
    page.wait_for_selector(f"{row}[data-has-key=no]")
    with app.app_context():
        assert db.session.get(User, mine).signing_certificate is None
        actions = db.session.execute(
            sa.select(AuditEntry.action)
            .where(AuditEntry.record_id == str(mine), AuditEntry.action.like("signing_key.%"))
            .order_by(AuditEntry.id)
        ).scalars()
        assert list(actions) == ["signing_key.enrolled", "signing_key.removed"]
