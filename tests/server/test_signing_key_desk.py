"""An officer's own signing key put on his account at the desk (issue 22): his township's
administrator (or the county's) uploads the CA's PKCS#12 file with the passphrase the officer
types, sees whose key is on which account, and takes it off; each is audited, the
passphrase is never kept, and the desk's route and ``flask signing-key`` go through the one
``signing.enrol``."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.audit.models import AuditEntry
from server.core.db import db
from server.demo import authority
from tests.server.seal_kit import TOWNSHIP_A

AGENCY = "遂昌县大柘镇人民政府"
SECRET = "officer_a 的签名口令 2026"


@pytest.fixture
def made(tmp_path) -> authority.Authority:
    return authority.make(
        tmp_path / "authority",
        {TOWNSHIP_A: AGENCY},
        officers={
            "ZJ-officer_a": ("officer_a", AGENCY, SECRET),
            "ZJ-somebody_else": ("somebody_else", AGENCY, SECRET),
        },
    )


def _p12(made: authority.Authority, number: str = "ZJ-officer_a") -> str:
    return base64.b64encode((made.officers / f"{number}.p12").read_bytes()).decode()


def _url(world, name: str = "officer_a") -> str:
    return f"/api/v1/users/{world.users[name]}/signing-key"


def _stored(app, world, name: str = "officer_a") -> tuple[bytes | None, bytes | None]:
    with app.app_context():
        user = db.session.get(User, world.users[name])
        return user.signing_p12, user.signing_certificate


def _audited(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == action)).scalars()
        )


def test_the_township_admin_puts_an_officers_key_on_sees_it_and_takes_it_off(
    app, world, login, made
):
    admin = login("admin_a")
    assert admin.get(_url(world)).get_json()["signing_certificate"] is None
    r = admin.put(_url(world), json={"p12": _p12(made), "passphrase": SECRET})
    assert r.status_code == 200, r.get_json()
    cert = r.get_json()["signing_certificate"]
    assert "ZJ-officer_a" in cert["subject"] and "测试" in cert["issuer"]
    assert cert["certificate_no"] == "ZJ-officer_a" and cert["certificate_no_matches"] is True
    assert cert["serial"] and cert["valid_from"] < cert["valid_until"]
    assert "passphrase" not in r.get_json() and "p12" not in r.get_json()
    # The file as it came; never the passphrase, anywhere.
    p12, der = _stored(app, world)
    assert p12 == base64.b64decode(_p12(made)) and der
    [entry] = _audited(app, "signing_key.enrolled")
    assert entry.actor_id == world.users["admin_a"]
    assert entry.record_id == str(world.users["officer_a"])
    assert SECRET not in str(entry.detail) and "ZJ-officer_a" in entry.detail["subject"]
    # The accounts list shows whose key is on which account; the county's admin sees it too.
    people = login("admin_county").get("/api/v1/users", query_string={"page_size": 100})
    mine = {p["id"]: p for p in people.get_json()}[world.users["officer_a"]]
    assert mine["signing_certificate"]["serial"] == cert["serial"]
    # Off again: audited with the certificate that was there; a second time changes nothing.
    assert admin.delete(_url(world)).status_code == 204
    assert _stored(app, world) == (None, None)
    [removed] = _audited(app, "signing_key.removed")
    assert removed.detail["serial"] == cert["serial"]
    assert admin.delete(_url(world)).status_code == 204
    assert len(_audited(app, "signing_key.removed")) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"passphrase": SECRET}, "p12"),
        ({"p12": "AAAA"}, "passphrase"),
        ({"p12": "不是 base64", "passphrase": SECRET}, "p12"),
        ({"p12": "", "passphrase": SECRET}, "p12"),
        ({"p12": base64.b64encode(b"not a PKCS#12 file").decode(), "passphrase": SECRET}, "p12"),
        ({"p12": "A" * 100_000, "passphrase": SECRET}, "p12"),
        ({"p12": "<p12>", "passphrase": "short"}, "passphrase"),
        ({"p12": "<p12>", "passphrase": "not his passphrase 2026"}, "passphrase"),
        ({"p12": "<other>", "passphrase": SECRET}, "p12"),  # another officer's certificate
        ({"p12": "<p12>", "passphrase": SECRET, "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    app, world, login, made, body, field
):
    fill = {"<p12>": _p12(made), "<other>": _p12(made, "ZJ-somebody_else")}
    body = {k: fill.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    r = login("admin_a").put(_url(world), json=body)
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["fields"], r.get_json()
    assert _stored(app, world) == (None, None)
    assert _audited(app, "signing_key.enrolled") == []


def test_a_foreign_account_is_not_found_and_others_may_not(app, world, login, made):
    body = {"p12": _p12(made), "passphrase": SECRET}
    foreign = login("admin_b").put(_url(world), json=body)
    unknown = login("admin_b").put("/api/v1/users/2147483647/signing-key", json=body)
    assert (foreign.status_code, foreign.get_json()) == (404, unknown.get_json())
    assert login("admin_b").delete(_url(world)).status_code == 404
    assert login("officer_a").put(_url(world), json=body).status_code == 403
    assert login("leader_a").get(_url(world)).status_code == 403
    assert _stored(app, world) == (None, None)


def test_wrong_passphrases_are_not_guessed_at_online(app, world, login, made):
    admin = login("admin_a")
    for n in range(5):  # five wrong in a minute: the limit (SIGNING_PASSPHRASE_RATE_LIMIT)
        r = admin.put(_url(world), json={"p12": _p12(made), "passphrase": f"猜的口令 0000{n}"})
        assert (r.status_code, r.get_json()["error"]) == (422, "wrong_passphrase")
    r = admin.put(_url(world), json={"p12": _p12(made), "passphrase": SECRET})
    assert r.status_code == 429
    assert _stored(app, world) == (None, None)
    # Other mistakes (a file that is not one) do not count; another officer is not held up.
    leader = _url(world, "leader_a")
    bad = {"p12": base64.b64encode(b"x" * 20).decode(), "passphrase": SECRET}
    assert admin.put(leader, json=bad).status_code == 422


def test_the_command_line_goes_through_the_same_enrol_and_is_audited(app, world, made):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["signing-key", "officer_a", str(made.officers / "ZJ-officer_a.p12")],
        input=f"{SECRET}\n",
    )
    assert result.exit_code == 0, result.output
    assert _stored(app, world)[1] is not None
    [entry] = _audited(app, "signing_key.enrolled")
    assert entry.actor_id is None  # the command line: no one logged in
    wrong = runner.invoke(
        args=["signing-key", "leader_a", str(made.officers / "ZJ-officer_a.p12")],
        input=f"{SECRET}\n",
    )
    assert wrong.exit_code != 0 and "p12" in wrong.output
