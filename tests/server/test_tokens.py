"""Access tokens (short-lived JWT) and rotating refresh tokens bound to a device.

Forged tokens are made here with PyJWT and the app's own SECRET_KEY; the first forging test
shows that a token made this way with the right claims *is* accepted, so every refusal below
is caused by the one thing each test changes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import multiprocessing
import time
import uuid
import warnings

import jwt
import pytest
import sqlalchemy as sa

from server.accounts.models import Device, RefreshToken
from server.audit import chain
from server.audit.models import AuditEntry
from server.core import config as configuration
from server.core.db import db
from tests.server.world import PASSWORD, build_world

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"


# --- helpers -------------------------------------------------------------------------------


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def post_login(client, username, password=PASSWORD, device_id=None, **extra):
    return client.post(
        LOGIN,
        json={
            "username": username,
            "password": password,
            "device_id": str(device_id or uuid.uuid4()),
            **extra,
        },
    )


def post_refresh(client, refresh_token):
    return client.post(REFRESH, json={"refresh_token": refresh_token})


def claims_for(app, user_id, device_id, **overrides) -> dict:
    """Claims of a valid token; ``sid`` (the login) is none that exists unless given."""
    now = int(time.time())
    claims = {
        "iss": app.config["JWT_ISSUER"],
        "aud": app.config["JWT_AUDIENCE"],
        "sub": str(user_id),
        "dev": str(device_id),
        "sid": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return claims


def sid_of(session) -> str:
    """The login a session's own access token belongs to."""
    return b64url_json(session.token.split(".")[1])["sid"]


def forge(app, claims: dict, *, key: str | None = None, algorithm: str = "HS256") -> str:
    with warnings.catch_warnings():  # PyJWT warns about short HMAC keys for HS384/HS512
        warnings.simplefilter("ignore")
        return jwt.encode(claims, key or app.config["SECRET_KEY"], algorithm=algorithm)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def assert_refused(response, case: str = ""):
    """401 in the API's one error shape, with a Bearer challenge."""
    assert response.status_code == 401, (case, response.get_json())
    body = response.get_json()
    assert body["error"] == "unauthorized", case
    assert body["message"], case
    assert response.headers["WWW-Authenticate"].startswith("Bearer"), case


def live_refresh_rows(app, device_id) -> list[RefreshToken]:
    """Refresh tokens of a device that are neither used nor revoked."""
    with app.app_context():
        return (
            db.session.execute(
                sa.select(RefreshToken).where(
                    RefreshToken.device_id == uuid.UUID(str(device_id)),
                    RefreshToken.used_at.is_(None),
                    RefreshToken.revoked_at.is_(None),
                )
            )
            .scalars()
            .all()
        )


# --- access tokens -------------------------------------------------------------------------


def test_a_valid_access_token_identifies_its_user_on_me(client, world, login):
    grid = login("grid_a")

    r = grid.get(ME)

    assert r.status_code == 200
    assert r.get_json()["id"] == world.users["grid_a"]
    assert r.get_json()["username"] == "grid_a"


# A good token under the wrong scheme, without a scheme, damaged; no token at all; junk.
UNUSABLE_AUTHORIZATION = {
    "missing": None,
    "empty": "",
    "scheme only": "Bearer",
    "scheme and blanks": "Bearer    ",
    "basic": "Basic Z3JpZF9hOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==",
    "wrong scheme": "Token {token}",
    "no scheme": "{token}",
    "garbage": "Bearer garbage",
    "three junk segments": "Bearer a.b.c",
    "damaged signature": "Bearer {token}x",
}


def test_a_request_without_a_usable_bearer_token_gets_401_json_with_a_challenge(client, login):
    token = login("grid_a").token
    for case, authorization in UNUSABLE_AUTHORIZATION.items():
        headers = (
            {} if authorization is None else {"Authorization": authorization.format(token=token)}
        )

        r = client.get(ME, headers=headers)

        assert_refused(r, case)
    assert client.get(ME, headers=bearer(token)).status_code == 200


def test_a_token_forged_with_the_servers_key_and_the_right_claims_is_accepted(
    app, client, world, login
):
    # The control for every forging test below: the helper itself makes valid tokens.
    grid = login("grid_a")
    token = forge(app, claims_for(app, world.users["grid_a"], grid.device_id, sid=sid_of(grid)))

    r = client.get(ME, headers=bearer(token))

    assert r.status_code == 200
    assert r.get_json()["username"] == "grid_a"


def test_an_expired_access_token_is_refused(app, client, world, login):
    grid = login("grid_a")
    past = int(time.time()) - 3600
    token = forge(
        app,
        claims_for(
            app,
            world.users["grid_a"],
            grid.device_id,
            sid=sid_of(grid),
            iat=past,
            nbf=past,
            exp=past + 900,
        ),
    )

    r = client.get(ME, headers=bearer(token))

    assert_refused(r)
    assert "expired" in r.get_json()["message"]


def test_a_token_whose_payload_was_changed_to_another_user_is_refused(client, world, login):
    grid = login("grid_a")
    admin = login("admin_county")
    header, payload, signature = grid.token.split(".")
    claims = b64url_json(payload)
    # Both user and device, so that only the signature can give the forgery away.
    claims["sub"] = str(world.users["admin_county"])
    claims["dev"] = admin.device_id
    tampered = ".".join([header, b64url(json.dumps(claims).encode()), signature])

    assert client.get(ME, headers=bearer(grid.token)).status_code == 200
    assert_refused(client.get(ME, headers=bearer(tampered)))


def test_an_unsigned_alg_none_token_for_an_admin_is_refused(app, client, world, login):
    admin = login("admin_county")  # a real admin device, so only the signature is missing
    claims = claims_for(app, world.users["admin_county"], admin.device_id, sid=sid_of(admin))
    header = {"alg": "none", "typ": "JWT"}
    for unsigned in (
        f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}.",
        f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}",
    ):
        assert_refused(client.get(ME, headers=bearer(unsigned)))
        assert_refused(client.get("/api/v1/users", headers=bearer(unsigned)))


def test_a_token_signed_with_the_right_secret_but_another_algorithm_is_refused(
    app, client, world, login
):
    grid = login("grid_a")
    claims = claims_for(app, world.users["grid_a"], grid.device_id, sid=sid_of(grid))
    for algorithm in ("HS384", "HS512"):
        token = forge(app, claims, algorithm=algorithm)

        assert jwt.get_unverified_header(token)["alg"] == algorithm
        assert_refused(client.get(ME, headers=bearer(token)), algorithm)


def _without(claims: dict, name: str) -> dict:
    return {k: v for k, v in claims.items() if k != name}


def test_a_token_with_a_wrong_or_missing_claim_is_refused(app, client, world, login):
    grid = login("grid_a")
    good = claims_for(app, world.users["grid_a"], grid.device_id, sid=sid_of(grid))
    cases = {
        "wrong issuer": {**good, "iss": "someone-else"},
        "wrong audience": {**good, "aud": "another-api"},
        "no device": _without(good, "dev"),
        "no subject": _without(good, "sub"),
        "no login": _without(good, "sid"),
        "a login that never was": {**good, "sid": str(uuid.uuid4())},
        "a login that is not an id": {**good, "sid": "1"},
        "no expiry": _without(good, "exp"),
        "no audience": _without(good, "aud"),
        "not yet valid": {**good, "nbf": int(time.time()) + 3600},
    }
    for case, claims in cases.items():
        assert_refused(client.get(ME, headers=bearer(forge(app, claims))), case)
    assert client.get(ME, headers=bearer(forge(app, good))).status_code == 200


def test_a_token_signed_with_a_different_key_is_refused(app, client, world, login):
    grid = login("grid_a")
    claims = claims_for(app, world.users["grid_a"], grid.device_id, sid=sid_of(grid))
    token = forge(app, claims, key="another-server-" + uuid.uuid4().hex)

    assert_refused(client.get(ME, headers=bearer(token)))


def test_a_token_naming_a_device_of_another_user_is_refused(app, client, world, login):
    other = login("grid_b")
    claims = claims_for(app, world.users["grid_a"], other.device_id, sid=sid_of(other))

    assert_refused(client.get(ME, headers=bearer(forge(app, claims))))


def test_a_token_naming_an_unregistered_device_is_refused(app, client, world):
    claims = claims_for(app, world.users["grid_a"], uuid.uuid4())

    assert_refused(client.get(ME, headers=bearer(forge(app, claims))))


# --- revocation: devices and accounts ------------------------------------------------------


def test_revoking_a_device_stops_its_unexpired_tokens_at_once_and_spares_the_others(client, login):
    lost = login("officer_a")
    kept = login("officer_a")
    assert lost.get(ME).status_code == 200

    r = kept.post(f"/api/v1/devices/{lost.device_id}/revoke")

    assert r.status_code == 200
    assert r.get_json()["revoked_at"]
    assert_refused(lost.get(ME))
    assert post_refresh(client, lost.refresh).status_code == 401
    assert kept.get(ME).status_code == 200
    assert post_refresh(client, kept.refresh).status_code == 200


def test_an_admin_revoking_a_device_locks_it_out_of_login_too(client, login):
    grid = login("grid_a")
    admin = login("admin_a")

    assert admin.post(f"/api/v1/devices/{grid.device_id}/revoke").status_code == 200

    assert_refused(grid.get(ME))
    again = post_login(client, "grid_a", device_id=grid.device_id)
    assert again.status_code == 403
    assert "device_id" in again.get_json()["fields"]


def test_the_device_key_is_the_same_at_each_login_and_refresh_of_one_phone_and_no_other(
    client, login
):
    """The phone's records open again after a forgotten PIN only with this key, so it must
    come back identical at the next login, and a copy of another phone's storage (or
    another account) must not be opened by it."""
    device = str(uuid.uuid4())
    first = post_login(client, "grid_a", device_id=device).get_json()
    key = first["device_key"]
    assert len(base64.urlsafe_b64decode(key + "=")) == 32
    assert post_login(client, "grid_a", device_id=device).get_json()["device_key"] == key
    assert post_refresh(client, first["refresh_token"]).get_json()["device_key"] == key
    assert post_login(client, "grid_a").get_json()["device_key"] != key  # another phone
    assert post_login(client, "grid_b").get_json()["device_key"] != key


def test_a_revoked_phone_gets_no_device_key(client, login):
    grid = login("grid_a")
    admin = login("admin_a")
    assert admin.post(f"/api/v1/devices/{grid.device_id}/revoke").status_code == 200
    again = post_login(client, "grid_a", device_id=grid.device_id)
    assert again.status_code == 403 and "device_key" not in again.get_json()
    refused = post_refresh(client, grid.refresh)
    assert refused.status_code == 401 and "device_key" not in refused.get_json()


def test_a_user_cannot_revoke_someone_elses_device(login):
    victim = login("grid_a")
    other = login("grid2_a")

    assert other.post(f"/api/v1/devices/{victim.device_id}/revoke").status_code == 404
    assert victim.get(ME).status_code == 200


def test_disabling_a_user_stops_his_access_and_refresh_tokens_at_once(client, world, login):
    grid = login("grid_a")
    colleague = login("grid2_a")
    admin = login("admin_a")
    assert grid.get(ME).status_code == 200

    r = admin.patch(f"/api/v1/users/{world.users['grid_a']}", json={"active": False})

    assert r.status_code == 200
    assert r.get_json()["active"] is False
    assert_refused(grid.get(ME))
    assert post_refresh(client, grid.refresh).status_code == 401
    assert colleague.get(ME).status_code == 200


def test_a_disabled_user_cannot_log_in_and_is_told_no_more_than_a_wrong_password(
    client, world, login
):
    admin = login("admin_a")
    wrong = post_login(client, "grid_a", password="not the password")
    admin.patch(f"/api/v1/users/{world.users['grid_a']}", json={"active": False})

    r = post_login(client, "grid_a")

    assert r.status_code == 401
    assert r.get_json() == wrong.get_json()


def test_re_enabling_a_user_does_not_revive_his_old_refresh_tokens(client, world, login):
    grid = login("grid_a")
    admin = login("admin_a")
    url = f"/api/v1/users/{world.users['grid_a']}"
    admin.patch(url, json={"active": False})
    admin.patch(url, json={"active": True})

    assert post_refresh(client, grid.refresh).status_code == 401
    assert post_login(client, "grid_a").status_code == 200


# --- refresh tokens ------------------------------------------------------------------------


def test_refresh_hands_out_a_new_access_token_and_a_new_refresh_token(client, world, login):
    grid = login("grid_a")

    r = post_refresh(client, grid.refresh)

    assert r.status_code == 200
    body = r.get_json()
    assert body["refresh_token"] != grid.refresh
    assert body["user"]["id"] == world.users["grid_a"]
    assert client.get(ME, headers=bearer(body["access_token"])).status_code == 200
    assert post_refresh(client, body["refresh_token"]).status_code == 200


def test_reusing_a_spent_refresh_token_revokes_its_whole_family_but_no_other_login(client, login):
    stolen = login("grid_a")
    other_device = login("grid_a")
    first = post_refresh(client, stolen.refresh).get_json()["refresh_token"]
    newest = post_refresh(client, first).get_json()["refresh_token"]

    replay = post_refresh(client, stolen.refresh)

    assert replay.status_code == 401
    assert "reused" in replay.get_json()["message"]
    assert post_refresh(client, newest).status_code == 401  # the family is gone
    assert post_refresh(client, first).status_code == 401
    assert live_refresh_rows(client.application, stolen.device_id) == []
    assert post_refresh(client, other_device.refresh).status_code == 200


def test_a_refresh_whose_answer_was_lost_can_be_asked_again_even_days_later(client, login):
    """On a bad network the answer to a refresh can be lost after the server rotated: the
    phone still holds the spent token. Until its successor is used, that is a retry, not a
    theft: a fresh successor is handed out and the one nobody received is retired."""
    grid = login("grid_a")
    lost = post_refresh(client, grid.refresh).get_json()["refresh_token"]  # never arrived

    retry = post_refresh(client, grid.refresh)
    again = post_refresh(client, grid.refresh)  # that answer was lost too

    assert retry.status_code == 200 and again.status_code == 200
    current = again.get_json()["refresh_token"]
    assert len({lost, retry.get_json()["refresh_token"], current}) == 3
    live = live_refresh_rows(client.application, grid.device_id)
    assert [r.token_hash for r in live] == [hashlib.sha256(current.encode()).hexdigest()]
    assert client.get(ME, headers=bearer(again.get_json()["access_token"])).status_code == 200
    assert post_refresh(client, current).status_code == 200


def test_a_phone_on_a_network_that_loses_every_other_answer_stays_logged_in(client, login):
    grid = login("grid_a")
    held = grid.refresh
    for n in range(8):  # the refresh shares the login limit of 10 a minute
        answer = post_refresh(client, held)
        assert answer.status_code == 200, (n, answer.get_json())
        if n % 2 == 0:  # delivered
            held = answer.get_json()["refresh_token"]
    assert len(live_refresh_rows(client.application, grid.device_id)) == 1


def test_a_spent_token_copied_and_used_before_the_phone_refreshes_is_caught_by_the_phone(
    client, login
):
    """The thief comes first: he gets a token, the phone's is retired. When the phone next
    refreshes, the retired token tells the server two holders share the login, and the
    whole family, the thief's token too, is revoked."""
    phone = login("grid_a")
    copied = phone.refresh  # copied off the phone, then the phone refreshed
    held = post_refresh(client, phone.refresh).get_json()["refresh_token"]

    thief = post_refresh(client, copied)
    assert thief.status_code == 200

    caught = post_refresh(client, held)
    assert caught.status_code == 401
    assert "reused" in caught.get_json()["message"]
    assert post_refresh(client, thief.get_json()["refresh_token"]).status_code == 401
    assert post_refresh(client, copied).status_code == 401
    assert live_refresh_rows(client.application, phone.device_id) == []


def test_a_lost_answer_is_not_a_way_around_logout_or_a_revoked_device(client, login):
    grid = login("grid_a")
    post_refresh(client, grid.refresh)  # the answer is lost
    assert grid.post(LOGOUT, json={"refresh_token": grid.refresh}).status_code == 204

    retry = post_refresh(client, grid.refresh)

    assert retry.status_code == 401
    assert live_refresh_rows(client.application, grid.device_id) == []


def test_a_refresh_token_past_its_expiry_is_refused_and_one_just_before_it_works(
    app, client, login
):
    expired = login("grid_a")
    fresh = login("grid_a")
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        for session, expires_at in (
            (expired, now - dt.timedelta(seconds=1)),
            (fresh, now + dt.timedelta(minutes=1)),
        ):
            db.session.execute(
                sa.update(RefreshToken)
                .where(RefreshToken.device_id == uuid.UUID(session.device_id))
                .values(expires_at=expires_at)
            )
        db.session.commit()

    r = post_refresh(client, expired.refresh)

    assert r.status_code == 401
    assert "expired" in r.get_json()["message"]
    assert post_refresh(client, fresh.refresh).status_code == 200


def test_the_configured_refresh_lifetime_is_honoured(make_app):
    app = make_app(REFRESH_TOKEN_TTL_DAYS=0)
    with app.app_context():
        build_world()
    client = app.test_client()

    r = post_login(client, "grid_a")

    assert r.status_code == 200
    assert r.get_json()["refresh_expires_in"] == 0
    assert post_refresh(client, r.get_json()["refresh_token"]).status_code == 401


def test_an_unknown_refresh_token_is_refused(client, world):
    assert post_refresh(client, "x" * 43).status_code == 401


def test_changing_a_password_revokes_the_users_refresh_tokens(client, world, login):
    grid = login("grid_a")
    admin = login("admin_a")

    r = admin.patch(
        f"/api/v1/users/{world.users['grid_a']}", json={"password": "a new long password"}
    )

    assert r.status_code == 200
    assert post_refresh(client, grid.refresh).status_code == 401
    assert post_login(client, "grid_a").status_code == 401
    assert post_login(client, "grid_a", password="a new long password").status_code == 200
    assert post_refresh(client, admin.refresh).status_code == 200  # only his tokens


def test_a_common_password_is_refused_when_set_or_changed_and_nothing_is_stored(
    client, world, login
):
    admin = login("admin_a")
    for common in ("1234567890", "qwertyuiop", "Password123"):
        r = admin.patch(f"/api/v1/users/{world.users['grid_a']}", json={"password": common})
        assert r.status_code == 422 and "password" in r.get_json()["fields"], common
        r = admin.post(
            "/api/v1/users",
            json={
                "username": "newbie",
                "display_name": "新人",
                "password": common,
                "unit_code": "T1",
            },
        )
        assert r.status_code == 422 and "password" in r.get_json()["fields"], common
    assert post_login(client, "grid_a").status_code == 200  # the old password still works
    assert post_login(client, "newbie", password="1234567890").status_code == 401


def test_logout_revokes_the_family_of_the_given_refresh_token_only(client, login):
    phone = login("grid_a")
    tablet = login("grid_a")
    current = post_refresh(client, phone.refresh).get_json()["refresh_token"]

    r = phone.post(LOGOUT, json={"refresh_token": current})

    assert r.status_code == 204
    assert post_refresh(client, current).status_code == 401
    assert post_refresh(client, tablet.refresh).status_code == 200


def test_logout_ends_that_logins_access_token_at_once_and_no_other(client, login):
    phone = login("grid_a")
    tablet = login("grid_a")
    refreshed = post_refresh(client, phone.refresh).get_json()
    phone.token = refreshed["access_token"]

    assert phone.post(LOGOUT, json={"refresh_token": refreshed["refresh_token"]}).status_code == 204

    assert_refused(phone.get(ME))
    assert tablet.get(ME).status_code == 200


def test_changing_a_password_ends_the_users_access_tokens_at_once(client, world, login):
    grid = login("grid_a")
    admin = login("admin_a")
    assert grid.get(ME).status_code == 200

    r = admin.patch(
        f"/api/v1/users/{world.users['grid_a']}", json={"password": "a new long password"}
    )

    assert r.status_code == 200
    assert_refused(grid.get(ME))
    assert admin.get(ME).status_code == 200
    fresh = post_login(client, "grid_a", password="a new long password").get_json()
    assert client.get(ME, headers=bearer(fresh["access_token"])).status_code == 200


def test_logout_with_someone_elses_refresh_token_does_not_revoke_it(client, login):
    victim = login("grid_a")
    other = login("grid2_a")

    other.post(LOGOUT, json={"refresh_token": victim.refresh})

    assert post_refresh(client, victim.refresh).status_code == 200


def test_logout_needs_an_access_token(client, login):
    grid = login("grid_a")

    assert_refused(client.post(LOGOUT, json={"refresh_token": grid.refresh}))
    assert post_refresh(client, grid.refresh).status_code == 200


# --- login ---------------------------------------------------------------------------------


def test_a_wrong_password_and_an_unknown_user_get_the_same_401(client, world):
    wrong_password = post_login(client, "grid_a", password="not the password")
    unknown_user = post_login(client, "nobody_here", password="not the password")

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.get_json() == unknown_user.get_json()
    assert "refresh_token" not in wrong_password.get_json()


def test_failed_logins_are_written_to_the_audit_log(app, client, world):
    device = uuid.uuid4()
    post_login(client, "grid_a", password="not the password", device_id=device)
    post_login(client, "nobody_here", password="not the password", device_id=device)
    post_login(client, "grid2_a")

    with app.app_context():
        failed = (
            db.session.execute(
                sa.select(AuditEntry)
                .where(AuditEntry.action == "auth.login_failed")
                .order_by(AuditEntry.seq)
            )
            .scalars()
            .all()
        )
        assert [e.detail["username"] for e in failed] == ["grid_a", "nobody_here"]
        assert {e.device_id for e in failed} == {device}
        assert all(e.actor_id is None for e in failed)
        assert chain.verify().ok


def test_a_device_registered_to_one_user_cannot_log_in_another(app, client, world, login):
    grid = login("grid_a")

    r = post_login(client, "grid_b", device_id=grid.device_id)

    assert r.status_code == 409
    assert "device_id" in r.get_json()["fields"]
    assert "access_token" not in r.get_json()
    with app.app_context():
        assert db.session.get(Device, uuid.UUID(grid.device_id)).user_id == world.users["grid_a"]
        assert not db.session.execute(
            sa.select(RefreshToken).where(RefreshToken.user_id == world.users["grid_b"])
        ).first()


def test_logging_in_again_from_the_same_device_is_allowed(client, login):
    grid = login("grid_a")

    again = post_login(client, "grid_a", device_id=grid.device_id)

    assert again.status_code == 200
    assert again.get_json()["user"]["username"] == "grid_a"


# --- login rate limits ---------------------------------------------------------------------


@pytest.fixture
def limited_client(make_app):
    """A client of an app built with the given login limits, with the test world in it."""

    def build(**limits):
        app = make_app(**limits)
        with app.app_context():
            build_world()
        return app.test_client()

    return build


def test_the_fourth_login_for_one_username_in_a_minute_is_refused_even_with_the_right_password(
    limited_client,
):
    client = limited_client(LOGIN_USER_RATE_LIMIT="3 per minute", LOGIN_RATE_LIMIT="100 per minute")
    assert post_login(client, "grid_a", password="guess one").status_code == 401
    assert post_login(client, "grid_a", password="guess two").status_code == 401
    assert post_login(client, "grid_a").status_code == 200

    r = post_login(client, "grid_a")

    assert r.status_code == 429
    assert r.get_json()["error"] == "too_many_requests"
    assert r.get_json()["message"]
    assert "access_token" not in r.get_json()
    assert "Retry-After" in r.headers
    # The same name in other spelling is the same account, and the same limit.
    assert post_login(client, " GRID_A ").status_code == 429


def test_the_username_limit_does_not_block_other_usernames_from_the_same_client(
    limited_client,
):
    client = limited_client(LOGIN_USER_RATE_LIMIT="3 per minute", LOGIN_RATE_LIMIT="100 per minute")
    for _ in range(3):
        post_login(client, "grid_a", password="a guess")
    assert post_login(client, "grid_a").status_code == 429

    assert post_login(client, "grid2_a").status_code == 200


def test_a_direct_client_cannot_escape_the_address_limit_by_naming_other_addresses(
    limited_client,
):
    # Proxies are trusted, but this peer is not one: its X-Forwarded-For is not believed.
    client = limited_client(
        LOGIN_RATE_LIMIT="3 per minute", LOGIN_USER_RATE_LIMIT="100 per minute", TRUSTED_PROXIES=1
    )
    names = ("grid_a", "grid2_a", "officer_a", "dispatcher_a")
    answers = [
        client.post(
            LOGIN,
            json={"username": name, "password": PASSWORD, "device_id": str(uuid.uuid4())},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        ).status_code
        for n, name in enumerate(names)
    ]

    assert answers == [200, 200, 200, 429]


def _worker_logs_in_wrongly(config: dict, times: int) -> list[int]:
    """One worker process of a server: its own app, as gunicorn forks it."""
    from server import create_app

    client = create_app(config).test_client()
    return [
        post_login(client, "grid_a", password="wrong password").status_code for _ in range(times)
    ]


def test_the_workers_of_one_server_count_login_failures_together(make_app, tmp_path, db_url):
    # memory:// counted per worker: with two workers ten failures passed a limit of five.
    app = make_app()
    with app.app_context():
        build_world()
    shared = configuration.from_environment(str(tmp_path / "instance"), {})
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "LOGIN_USER_RATE_LIMIT": "5 per minute",
        "RATELIMIT_STORAGE_URI": shared["RATELIMIT_STORAGE_URI"],  # the default
    }
    with (
        multiprocessing.get_context("spawn").Pool(1) as first,
        multiprocessing.get_context("spawn").Pool(1) as second,
    ):
        answers = first.apply(_worker_logs_in_wrongly, (config, 3))
        answers += second.apply(_worker_logs_in_wrongly, (config, 3))

    assert answers == [401] * 5 + [429]


def test_the_per_address_limit_applies_across_usernames(limited_client):
    client = limited_client(LOGIN_RATE_LIMIT="3 per minute", LOGIN_USER_RATE_LIMIT="100 per minute")
    for name in ("grid_a", "grid2_a", "officer_a"):
        assert post_login(client, name).status_code == 200

    r = post_login(client, "dispatcher_a")

    assert r.status_code == 429
    assert r.get_json()["error"] == "too_many_requests"
    # No proxy is trusted by default, so a made-up X-Forwarded-For changes nothing ...
    spoofed = client.post(
        LOGIN,
        json={"username": "leader_a", "password": PASSWORD, "device_id": str(uuid.uuid4())},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert spoofed.status_code == 429
    # ... while another address really is another client.
    elsewhere = client.post(
        LOGIN,
        json={"username": "leader_a", "password": PASSWORD, "device_id": str(uuid.uuid4())},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert elsewhere.status_code == 200


def test_a_request_is_authenticated_in_one_statement(app, world, login):
    """Every API request checks the user, his roles, the device and the login against the
    database; on PostgreSQL each statement is a round trip, and four of them were most of a
    pull page's database time. What the request reads of them afterwards costs nothing."""
    from flask import g

    from server.accounts.auth import authenticate

    phone = login("grid_a")
    statements = []

    def capture(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):  # SQLite's own, not a lookup
            statements.append(statement)

    headers = {"Authorization": f"Bearer {phone.token}"}
    with app.test_request_context("/api/v1/sync/pull", headers=headers):
        sa.event.listen(db.engine, "before_cursor_execute", capture)
        try:
            user = authenticate()
            assert user.username == "grid_a" and user.roles and user.unit.path
            assert g.device.id == uuid.UUID(phone.device_id) and not g.device.revoked
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", capture)
    assert len(statements) == 1, statements


def test_a_new_secret_key_leaves_the_device_key_and_a_rotated_escrow_secret_keeps_the_old(
    app, client, world
):
    """Issue 23: the escrow key was an HMAC of SECRET_KEY, so a new SECRET_KEY (a leaked one
    replaced) left every locked-out phone's unsent records sealed for good. It has its own
    secrets now: a new SECRET_KEY changes nothing, and a new escrow secret listed before the
    old one gives a login both keys, the newest first, so the phone opens with the old and
    wraps again under the new."""
    device = str(uuid.uuid4())
    first = post_login(client, "grid_a", device_id=device).get_json()
    [old] = first["device_keys"]
    assert first["device_key"] == old["key"] and len(old["id"]) == 16

    app.config["SECRET_KEY"] = "a-new-secret-" + uuid.uuid4().hex
    again = post_login(client, "grid_a", device_id=device).get_json()
    assert again["device_keys"] == [old]

    app.config["ESCROW_KEYS"] = ["a-new-escrow-" + uuid.uuid4().hex, *app.config["ESCROW_KEYS"]]
    rotated = post_login(client, "grid_a", device_id=device).get_json()
    new, kept = rotated["device_keys"]
    assert kept == old and new["id"] != old["id"] and new["key"] != old["key"]
    assert rotated["device_key"] == new["key"]
    assert post_refresh(client, rotated["refresh_token"]).get_json()["device_keys"] == [new, old]


def test_the_escrow_secret_is_the_instances_own_and_an_upgrade_keeps_the_earlier_one(tmp_path):
    """A single server makes its escrow secret once into the instance folder, apart from the
    secret key; one upgraded from a version that derived the escrow key from its secret key
    starts from that value, so the phones' escrowed keys still open; listed ones win."""
    from server.core.config import from_environment

    fresh = from_environment(str(tmp_path / "fresh"), {})
    assert fresh["ESCROW_KEYS"] != [fresh["SECRET_KEY"]]
    assert (tmp_path / "fresh" / "escrow_key").read_text() == fresh["ESCROW_KEYS"][0]
    assert from_environment(str(tmp_path / "fresh"), {})["ESCROW_KEYS"] == fresh["ESCROW_KEYS"]

    upgraded = tmp_path / "upgraded"
    upgraded.mkdir()
    (upgraded / "secret_key").write_text("the-secret-before-escrow-keys\n")
    assert from_environment(str(upgraded), {})["ESCROW_KEYS"] == ["the-secret-before-escrow-keys"]
    (upgraded / "secret_key").write_text("a-new-secret-key")  # replaced: the escrow stays
    assert from_environment(str(upgraded), {})["ESCROW_KEYS"] == ["the-secret-before-escrow-keys"]

    listed = {"FIELDCASE_ESCROW_KEYS": " new-one , old-one ", "FIELDCASE_SECRET_KEY": "s"}
    assert from_environment(str(tmp_path / "x"), listed)["ESCROW_KEYS"] == ["new-one", "old-one"]
    shared = {"FIELDCASE_SECRET_KEY": "shared-by-every-app-server"}
    assert from_environment(str(tmp_path / "y"), shared)["ESCROW_KEYS"] == [
        "shared-by-every-app-server"
    ]
