"""The officers sign with their own certificates (issue 22): a document two officers are
named on carries each one's PAdES signature, made with his own key, opened by the passphrase
he gives with the request, in his box; the agency's seal comes last and covers them. Every
signature validates with pyHanko from the test root and with poppler's pdfsig; a changed
byte breaks them all; a wrong passphrase issues nothing; an officer with no key signs by
hand as before."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.accounts import signing
from server.accounts.models import User
from server.audit.models import AuditEntry
from server.cases.models import IssuedDocument
from server.core.api import DomainError
from server.core.db import db, utcnow
from server.demo import authority
from server.documents.seal import OfficerKey, officer_pdf
from sync.cases import today
from tests.server.calendar_kit import weekends_only_around_today
from tests.server.case_kit import case_step, opened_case
from tests.server.documents_kit import text_of
from tests.server.seal_kit import TOWNSHIP_A, pdfsig, validations
from tests.server.sync_kit import push_one

AGENCY = "遂昌县大柘镇人民政府"
SECRETS = {"officer_a": "officer_a 的签名口令 2026", "leader_a": "leader_a 的签名口令 2026"}


@pytest.fixture
def officers_authority(tmp_path) -> authority.Authority:
    """The test authority: the township's seal and the two officers' own keys."""
    return authority.make(
        tmp_path / "authority",
        {TOWNSHIP_A: AGENCY},
        officers={f"ZJ-{name}": (name, AGENCY, secret) for name, secret in SECRETS.items()},
    )


@pytest.fixture
def app(make_app, officers_authority):
    app = make_app(ESEAL_KEYSTORE=str(officers_authority.keystore))
    weekends_only_around_today(app)
    return app


def enrol(app, world, made: authority.Authority, *names: str) -> None:
    with app.app_context():
        for name in names:
            user = db.session.get(User, world.users[name])
            p12 = (made.officers / f"ZJ-{name}.p12").read_bytes()
            signing.enrol(user, p12, SECRETS[name], utcnow())
        db.session.commit()


def ordered_case(world, login):
    """A case opened with an inspection by officer_a and leader_a, ordered to correct:
    (officer_a's session, leader_a's, the case's id)."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    day = today(dt.datetime.now(dt.UTC))
    step = case_step(
        case_id,
        "order_correction",
        requirements="清除焚烧残留物，恢复村口路面整洁",
        correct_by=(day + dt.timedelta(days=3)).isoformat(),
        ordered_on=day.isoformat(),
    )
    assert push_one(officer, step)["outcome"] == "applied"
    return officer, leader, case_id


def correction_order(world, login, **passphrases: str):
    """The order of ``ordered_case`` (sealed, naming both officers) issued with the
    passphrases given: (leader_a's session, the response)."""
    _officer, leader, case_id = ordered_case(world, login)
    body = {"kind": "correction_order"}
    if passphrases:
        body["officer_passphrases"] = {str(world.users[n]): p for n, p in passphrases.items()}
    return leader, leader.post(f"/api/v1/cases/{case_id}/documents", json=body)


class _Key:
    """Just enough of a signer to draw an officer's box from his certificate."""

    def __init__(self, cert):
        self.signing_cert = cert


def _number(signature) -> str:
    return signature.signer_cert.subject.native.get("serial_number")


def test_two_officers_sign_with_their_own_keys_and_the_seal_covers_both(
    app, world, login, officers_authority, tmp_path
):
    enrol(app, world, officers_authority, "officer_a", "leader_a")
    leader, r = correction_order(world, login, **SECRETS)
    assert r.status_code == 201, r.get_json()
    doc = r.get_json()
    pdf = leader.get(f"/api/v1/documents/{doc['id']}.pdf").data
    checked = validations(pdf, str(officers_authority.root))
    # Officers first, in the order the document names them; the agency's seal last.
    assert [_number(s) for s, _ in checked] == ["ZJ-officer_a", "ZJ-leader_a", None]
    assert [s.field_name for s, _ in checked] == ["Officer1", "Officer2", "AgencySeal"]
    for _signature, status in checked:
        # Intact, valid, trusted from the test root, and nothing after it but signatures.
        assert status.bottom_line, status.pretty_print_details()
    assert "大柘镇" in checked[2][0].signer_cert.subject.human_friendly
    assert checked[2][1].coverage.name == "ENTIRE_FILE"
    assert {s.coverage.name for _, s in checked[:2]} == {"ENTIRE_REVISION"}
    # Each officer's box shows his certificate's data where his signature goes: the
    # appearance is drawn from the certificate (its text is checked on its own below).
    assert all("/AP" in s.sig_field and s.sig_field["/Rect"] for s, _ in checked)
    shown = text_of(
        officer_pdf(
            OfficerKey(_Key(checked[0][0].signer_cert), "officer_a", "ZJ-officer_a").lines(),
            240,
            45,
        )
    )
    for expected in (
        "officer_a（数字签名）",
        "执法证号ZJ-officer_a",
        f"证书{checked[0][0].signer_cert.serial_number:x}",
    ):
        assert expected in shown, shown
    said = pdfsig(pdf, tmp_path)
    assert said.count("Signature is Valid.") == 3, said
    assert "Total document signed" in said.split("Signature #3")[1], said
    with app.app_context():
        entry = db.session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "document.issued")
        ).scalar_one()
        assert [by.split(";")[0] for by in entry.detail["signed_by"]] == [
            s.signer_cert.subject.human_friendly for s, _ in checked[:2]
        ]
        assert db.session.get(IssuedDocument, uuid.UUID(doc["id"])).sealed_by


def test_a_changed_byte_breaks_every_signature(app, world, login, officers_authority, tmp_path):
    enrol(app, world, officers_authority, "officer_a", "leader_a")
    leader, r = correction_order(world, login, **SECRETS)
    pdf = leader.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data
    at = pdf.index(b"/Producer")  # in the first revision: every signature covers it
    forged = pdf[:at] + b"/Producfr" + pdf[at + len(b"/Producer") :]
    checked = validations(forged, str(officers_authority.root))
    assert len(checked) == 3 and not any(status.intact for _, status in checked)
    assert "Signature is Valid." not in pdfsig(forged, tmp_path)


def test_a_wrong_passphrase_names_the_officer_and_issues_nothing(
    app, world, login, officers_authority
):
    enrol(app, world, officers_authority, "officer_a", "leader_a")
    _leader, r = correction_order(world, login, officer_a=SECRETS["officer_a"], leader_a="猜的")
    assert r.status_code == 422, r.get_json()
    field = f"officer_passphrases.{world.users['leader_a']}"
    assert r.get_json()["error"] == "wrong_passphrase"
    assert list(r.get_json()["fields"]) == [field]
    with app.app_context():
        assert not db.session.execute(sa.select(sa.func.count(IssuedDocument.id))).scalar_one()
        issued = sa.select(sa.func.count()).where(AuditEntry.action == "document.issued")
        assert not db.session.execute(issued).scalar_one()


def test_an_officer_with_no_key_signs_by_hand_and_the_document_is_issued(
    app, world, login, officers_authority, tmp_path
):
    enrol(app, world, officers_authority, "officer_a")  # leader_a has no key on his account
    leader, r = correction_order(world, login, officer_a=SECRETS["officer_a"])
    assert r.status_code == 201, r.get_json()
    pdf = leader.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data
    checked = validations(pdf, str(officers_authority.root))
    assert [_number(s) for s, _ in checked] == ["ZJ-officer_a", None]
    assert all(status.bottom_line for _, status in checked)
    assert pdfsig(pdf, tmp_path).count("Signature is Valid.") == 2


def test_a_passphrase_for_an_officer_without_a_key_is_refused(
    app, world, login, officers_authority
):
    leader, r = correction_order(world, login, leader_a=SECRETS["leader_a"])
    assert r.status_code == 422
    assert list(r.get_json()["fields"]) == [f"officer_passphrases.{world.users['leader_a']}"]
    # Nor is one for someone the document does not name.
    stranger = str(world.users["officer_b"])
    body = {"kind": "correction_order", "officer_passphrases": {stranger: "whatever it is"}}
    r = leader.post(r.request.path, json=body)
    assert r.status_code == 422
    assert list(r.get_json()["fields"]) == [f"officer_passphrases.{stranger}"]


def test_with_no_passphrases_the_document_is_sealed_as_before(
    app, world, login, officers_authority
):
    enrol(app, world, officers_authority, "officer_a", "leader_a")
    leader, r = correction_order(world, login)
    assert r.status_code == 201, r.get_json()
    pdf = leader.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data
    checked = validations(pdf, str(officers_authority.root))
    assert [s.field_name for s, _ in checked] == ["AgencySeal"]


def test_enrolment_takes_only_the_officers_own_certificate(app, world, officers_authority):
    with app.app_context():
        leader = db.session.get(User, world.users["leader_a"])
        p12 = (officers_authority.officers / "ZJ-officer_a.p12").read_bytes()
        with pytest.raises(DomainError) as wrong:
            signing.enrol(leader, p12, SECRETS["officer_a"], utcnow())
        assert list(wrong.value.fields) == ["p12"]  # officer_a's 执法证号, not his
        with pytest.raises(DomainError) as short:
            signing.enrol(leader, p12, "123456", utcnow())
        assert list(short.value.fields) == ["passphrase"]
        with pytest.raises(DomainError) as closed:
            signing.enrol(leader, p12, "not the passphrase at all", utcnow())
        assert list(closed.value.fields) == ["passphrase"]
        assert leader.signing_p12 is None


def test_the_cli_puts_an_officers_key_on_his_account_asking_his_passphrase(
    app, world, officers_authority
):
    runner = app.test_cli_runner()
    p12 = str(officers_authority.officers / "ZJ-officer_a.p12")
    wrong = runner.invoke(args=["signing-key", "officer_a", p12], input="not his passphrase\n")
    assert wrong.exit_code != 0 and "does not open" in wrong.output
    done = runner.invoke(args=["signing-key", "officer_a", p12], input=SECRETS["officer_a"] + "\n")
    assert done.exit_code == 0, done.output
    assert "ZJ-officer_a" in done.output and SECRETS["officer_a"] not in done.output
    with app.app_context():
        user = db.session.get(User, world.users["officer_a"])
        assert user.signing_p12 and signing.certificate(user).subject.native["serial_number"] == (
            "ZJ-officer_a"
        )


def test_an_inspection_record_is_signed_by_its_two_officers_and_carries_no_seal(
    app, world, login, officers_authority, tmp_path
):
    from server.cases.models import Inspection

    enrol(app, world, officers_authority, "officer_a", "leader_a")
    officer, leader = login("officer_a"), login("leader_a")
    case_id = opened_case(world, officer, leader)
    with app.app_context():
        inspection_id = str(db.session.execute(sa.select(Inspection.id)).scalar_one())
    passphrases = {str(world.users[n]): p for n, p in SECRETS.items()}
    r = officer.post(
        f"/api/v1/cases/{case_id}/documents",
        json={
            "kind": "inspection_record",
            "inspection_id": inspection_id,
            "officer_passphrases": passphrases,
        },
    )
    assert r.status_code == 201, r.get_json()
    pdf = officer.get(f"/api/v1/documents/{r.get_json()['id']}.pdf").data
    checked = validations(pdf, str(officers_authority.root))
    assert [s.field_name for s, _ in checked] == ["Officer1", "Officer2"]
    assert all(status.bottom_line for _, status in checked)
    assert checked[-1][1].coverage.name == "ENTIRE_FILE"
    assert pdfsig(pdf, tmp_path).count("Signature is Valid.") == 2


def test_passphrases_are_not_guessed_at_online(app, world, login, officers_authority):
    enrol(app, world, officers_authority, "officer_a", "leader_a")
    leader, r = correction_order(world, login, leader_a="猜的 0")
    assert r.status_code == 422
    case_id = r.request.path.split("/")[4]
    body = {"kind": "correction_order"}
    target = str(world.users["leader_a"])
    for n in range(1, 5):  # five wrong in a minute: the limit
        body["officer_passphrases"] = {target: f"猜的 {n}"}
        assert leader.post(f"/api/v1/cases/{case_id}/documents", json=body).status_code == 422
    body["officer_passphrases"] = {target: SECRETS["leader_a"]}
    assert leader.post(f"/api/v1/cases/{case_id}/documents", json=body).status_code == 429
    # Issuing without his key, or with another officer's, is not held up by it.
    body["officer_passphrases"] = {str(world.users["officer_a"]): SECRETS["officer_a"]}
    assert leader.post(f"/api/v1/cases/{case_id}/documents", json=body).status_code == 201


def test_the_account_shows_whose_certificate_it_holds_never_the_key(
    app, world, login, officers_authority
):
    enrol(app, world, officers_authority, "officer_a")
    mine = login("officer_a").get("/api/v1/me").get_json()
    cert = mine["signing_certificate"]
    assert "ZJ-officer_a" in cert["subject"] and "测试" in cert["issuer"]
    assert cert["serial"] and cert["valid_until"]
    assert "signing_p12" not in mine
    assert login("leader_a").get("/api/v1/me").get_json()["signing_certificate"] is None


def test_the_phone_learns_whom_a_document_names_and_who_of_them_can_sign_it(
    app, world, login, officers_authority
):
    """Before issuing, the phone asks whom the document names (as issuing reads them) and
    which of them hold a key, to ask those for their passphrases; nothing is issued."""
    enrol(app, world, officers_authority, "officer_a")
    _officer, leader, case_id = ordered_case(world, login)
    url = f"/api/v1/cases/{case_id}/document-signers"
    r = leader.get(url, query_string={"kind": "correction_order"})
    assert r.status_code == 200, r.get_json()
    assert [(s["user_id"], s["certificate_no"], s["has_key"]) for s in r.get_json()] == [
        (world.users["officer_a"], "ZJ-officer_a", True),
        (world.users["leader_a"], "ZJ-leader_a", False),
    ]
    with app.app_context():
        assert db.session.execute(sa.select(IssuedDocument)).first() is None
    # The checks issuing makes: a kind the case has no day for yet, an unknown kind, a
    # stranger's case.
    r = leader.get(url, query_string={"kind": "preservation_notice"})
    assert r.status_code == 409 and r.get_json()["error"] == "not_yet", r.get_json()
    r = leader.get(url, query_string={"kind": "nonsense"})
    assert r.status_code == 422 and "kind" in r.get_json()["fields"], r.get_json()
    assert login("officer_b").get(url, query_string={"kind": "correction_order"}).status_code == 404
    assert login("grid_a").get(url, query_string={"kind": "correction_order"}).status_code == 403
