"""Notifications (issue 24): written in the push's transaction, sent after commit by each
adapter to a stub HTTP server on this machine, retried when the channel is down, never for
a rolled-back push, never to someone who may not see the record. Both databases."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.parse

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.core.db import db
from server.notify.models import Notification
from server.notify.sender import send_due
from server.units.models import AdminUnit
from tests.server.notify_kit import Stub
from tests.server.sync_kit import now, push, step

SECRET = "s3cret-for-the-hook"


@pytest.fixture
def stub():
    s = Stub()
    yield s
    s.close()


@pytest.fixture
def app(make_app, stub):
    """The shared fixtures' app (``world``, ``login`` build on it), with the webhook set;
    a test names another channel in ``app.config``, which the sender reads when it runs."""
    return make_app(
        NOTIFY_CHANNEL="webhook",
        NOTIFY_WEBHOOK_URL=stub.url + "/hook",
        NOTIFY_WEBHOOK_SECRET=SECRET,
    )


def _assign_clue_a(world, login, assignee=None):
    deadline = (now() + dt.timedelta(days=2)).isoformat()
    args = {"deadline": deadline} | ({"assignee_id": assignee} if assignee else {})
    results = push(
        login("dispatcher_a"),
        step(world.clues["clue_a"], "accept", 1),
        step(world.clues["clue_a"], "assign", 2, **args),
    )
    assert [r["outcome"] for r in results] == ["applied", "applied"]


def _rows(app):
    with app.app_context():
        rows = db.session.execute(sa.select(Notification).order_by(Notification.id)).scalars()
        out = []
        for n in rows:
            user = db.session.get(User, n.user_id)
            out.append((user.username, n.kind, n))
        return out


def test_a_task_and_an_answer_are_posted_to_the_webhook_signed(app, world, login, stub):
    _assign_clue_a(world, login, assignee=world.users["officer_a"])
    told = sorted((u, k) for u, k, _ in _rows(app))
    # The grid worker hears his report was accepted; the officer, his task. The dispatcher
    # who did both hears nothing, nor anyone in township B.
    assert told == [("grid_a", "answered"), ("officer_a", "task")]
    assert stub.requests == []  # nothing leaves before the sender runs

    with app.app_context():
        assert send_due() == {"sent": 2, "failed": 0, "given_up": 0}
    assert len(stub.requests) == 2
    for req in stub.requests:
        assert req["method"] == "POST" and req["path"] == "/hook"
        assert req["headers"]["Content-Type"] == "application/json"
        expected = hmac.new(SECRET.encode(), req["body"], hashlib.sha256).hexdigest()
        assert req["headers"]["X-Fieldcase-Signature"] == f"sha256={expected}"
    bodies = {
        json.loads(r["body"])["user"]["username"]: json.loads(r["body"]) for r in stub.requests
    }
    task = bodies["officer_a"]
    assert task["kind"] == "task" and task["record_type"] == "clue"
    assert task["record_id"] == str(world.clues["clue_a"])
    assert task["text"].startswith("您有一条新的交办任务（XS-")
    assert bodies["grid_a"]["kind"] == "answered"
    assert all(n.sent_at is not None and n.attempts == 1 for _, _, n in _rows(app))
    with app.app_context():  # sent once: a second round has nothing to send
        assert send_due() == {"sent": 0, "failed": 0, "given_up": 0}
    assert len(stub.requests) == 2


def test_a_team_task_tells_each_officer_of_the_township(app, world, login):
    _assign_clue_a(world, login)
    tasks = sorted(u for u, k, _ in _rows(app) if k == "task")
    assert tasks == ["leader_a", "officer_a"]  # the leader holds the officer role too


def test_dingtalk_fetches_a_token_then_sends_a_work_notice(app, world, login, stub):
    app.config.update(
        NOTIFY_CHANNEL="dingtalk",
        NOTIFY_DINGTALK_BASE_URL=stub.url,
        NOTIFY_DINGTALK_APPKEY="dingkey",
        NOTIFY_DINGTALK_APPSECRET="dingsecret",
        NOTIFY_DINGTALK_AGENT_ID="123456",
    )
    with app.app_context():
        db.session.get(User, world.users["officer_a"]).dingtalk_userid = "manager4220"
        db.session.commit()
    _assign_clue_a(world, login, assignee=world.users["officer_a"])
    with app.app_context():
        # The grid worker has no DingTalk id: his is given up, named, not sent.
        assert send_due() == {"sent": 1, "failed": 0, "given_up": 1}
    token, notice = stub.requests
    assert token["method"] == "GET" and token["path"] == "/gettoken"
    assert token["query"] == {"appkey": "dingkey", "appsecret": "dingsecret"}
    assert notice["method"] == "POST"
    assert notice["path"] == "/topapi/message/corpconversation/asyncsend_v2"
    assert notice["query"] == {"access_token": "TOKEN-1"}
    body = json.loads(notice["body"])
    assert body["agent_id"] == 123456 and body["userid_list"] == "manager4220"
    assert body["msg"]["msgtype"] == "text"
    assert body["msg"]["text"]["content"].startswith("您有一条新的交办任务")
    skipped = next(n for u, _, n in _rows(app) if u == "grid_a")
    assert skipped.last_error == "no_address" and skipped.sent_at is None


def test_sms_gateway_gets_its_template_filled(app, world, login, stub):
    app.config.update(
        NOTIFY_CHANNEL="sms",
        NOTIFY_SMS_URL=stub.url + "/sms/send",
        NOTIFY_SMS_PHONE_FIELD="PhoneNumbers",
        NOTIFY_SMS_TEXT_FIELD="Text",
        NOTIFY_SMS_EXTRA=json.dumps({"SignName": "遂昌执法", "account": "fc"}),
        NOTIFY_SMS_FORMAT="form",
    )
    with app.app_context():
        db.session.get(User, world.users["officer_a"]).phone = "13800000001"
        db.session.commit()
    _assign_clue_a(world, login, assignee=world.users["officer_a"])
    with app.app_context():
        send_due()
    [req] = stub.requests
    assert req["method"] == "POST" and req["path"] == "/sms/send"
    assert req["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    fields = dict(urllib.parse.parse_qsl(req["body"].decode()))
    assert fields["PhoneNumbers"] == "13800000001"
    assert fields["SignName"] == "遂昌执法" and fields["account"] == "fc"
    assert fields["Text"].startswith("您有一条新的交办任务（XS-")
    # No personal data: the text names the record's code, not the reporter nor the place.
    assert "grid_a" not in fields["Text"] and "大柘" not in fields["Text"]


def test_a_channel_that_is_down_is_tried_again_later_and_nothing_is_lost(app, world, login, stub):
    app.config["NOTIFY_RETRY_S"] = 60
    _assign_clue_a(world, login, assignee=world.users["officer_a"])
    stub.down = True
    at = now()
    with app.app_context():
        assert send_due(at) == {"sent": 0, "failed": 2, "given_up": 0}
    for _, _, n in _rows(app):
        assert n.sent_at is None and n.attempts == 1 and "HTTP 503" in n.last_error
        assert n.next_attempt_at == at + dt.timedelta(seconds=60)
    stub.down = False
    with app.app_context():  # not due yet: the back-off holds
        assert send_due(at + dt.timedelta(seconds=30)) == {"sent": 0, "failed": 0, "given_up": 0}
        assert send_due(at + dt.timedelta(seconds=61)) == {"sent": 2, "failed": 0, "given_up": 0}
    assert all(n.sent_at is not None and n.attempts == 2 for _, _, n in _rows(app))
    assert len(stub.requests) == 4


def test_a_push_that_rolls_back_leaves_nothing_to_send(app, world, stub, monkeypatch):
    from server.sync_api import push as pushing
    from server.sync_api import store

    def broken(*models):
        raise RuntimeError("the database went away before commit")

    monkeypatch.setattr(store, "number_changes", broken)
    with app.app_context():
        dispatcher = db.session.get(User, world.users["dispatcher_a"])
        clue_a = world.clues["clue_a"]
        raw = [step(clue_a, "accept", 1)]
        with pytest.raises(RuntimeError):
            pushing.push_batch(dispatcher, None, raw, None)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
        assert send_due() == {"sent": 0, "failed": 0, "given_up": 0}
    assert stub.requests == []


def test_no_notification_reaches_someone_who_may_no_longer_see_the_record(app, world, login, stub):
    _assign_clue_a(world, login, assignee=world.users["officer_a"])
    with app.app_context():  # moved to township B before the sender ran
        officer = db.session.get(User, world.users["officer_a"])
        officer.unit_id = db.session.scalar(
            sa.select(AdminUnit.id).where(AdminUnit.code == "331123103")
        )
        db.session.commit()
        assert send_due() == {"sent": 1, "failed": 0, "given_up": 1}
    [req] = stub.requests
    assert json.loads(req["body"])["user"]["username"] == "grid_a"
    moved = next(n for u, _, n in _rows(app) if u == "officer_a")
    assert moved.last_error == "no_access" and moved.sent_at is None


def test_without_a_channel_nothing_is_written(app, world, login):
    app.config["NOTIFY_CHANNEL"] = ""
    _assign_clue_a(world, login, assignee=world.users["officer_a"])
    assert _rows(app) == []


def test_an_admin_sets_the_mobile_number_and_dingtalk_id_notifications_go_to(app, world, login):
    admin = login("admin_a")
    officer = world.users["officer_a"]
    r = admin.patch(
        f"/api/v1/users/{officer}", json={"phone": "13800000002", "dingtalk_userid": "hb0001"}
    )
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        user = db.session.get(User, officer)
        assert (user.phone, user.dingtalk_userid) == ("13800000002", "hb0001")
    r = admin.patch(f"/api/v1/users/{officer}", json={"dingtalk_userid": "x" * 65})
    assert r.status_code == 422 and "dingtalk_userid" in str(r.get_json())
    with app.app_context():
        assert db.session.get(User, officer).dingtalk_userid == "hb0001"


def test_a_proposed_case_tells_the_leaders_over_it_not_another_townships(app, world, login):
    from tests.server.case_kit import case_create
    from tests.server.sync_kit import push_one

    created = case_create(world.clues["clue_a"])
    assert push_one(login("officer_a"), created)["outcome"] == "applied"
    told = [(u, k, n.step) for u, k, n in _rows(app)]
    # 立案审批 is the leader's: township A's, not B's, and not the officer who proposed it.
    assert told == [("leader_a", "case_step", "approve_opening")]
    assert _rows(app)[0][2].text.startswith("案件")
    assert "立案" in _rows(app)[0][2].text


def test_flask_notify_send_sends_what_is_due(app, world, login, stub):
    _assign_clue_a(world, login, assignee=world.users["officer_a"])
    result = app.test_cli_runner().invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "2 sent, 0 to try again, 0 given up"
    assert len(stub.requests) == 2


@pytest.fixture
def gateway():
    s = Stub()
    yield s
    s.close()


@pytest.mark.parametrize(
    ("ok", "answer", "taken"),
    [
        ("", {"Code": "isv.BUSINESS_LIMIT_CONTROL"}, True),  # unsaid: a 2xx is acceptance
        ("Code=OK", {"Code": "OK", "BizId": "9"}, True),
        ("Code=OK", {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发天级流控"}, False),
        ("Response.Error=None", {"Response": {"Error": {"Code": "LimitExceeded"}}}, False),
        ("result.code=0", {"result": {"code": 0}}, True),
        ("Code=OK", {}, False),
    ],
)
def test_an_sms_gateway_that_answers_200_to_a_refusal_is_read_as_refusing(
    gateway, ok, answer, taken
):
    """Many SMS gateways answer 200 with a code in the body when they refuse (a daily limit,
    a template not approved): where ``NOTIFY_SMS_OK`` says what acceptance looks like,
    anything else is a ``SendError``, so the message is tried again, never taken as sent."""
    from server.notify.adapters import SendError, Sms

    config = {
        "NOTIFY_SMS_URL": gateway.url + "/sms",
        "NOTIFY_SMS_PHONE_FIELD": "mobile",
        "NOTIFY_SMS_TEXT_FIELD": "content",
        "NOTIFY_SMS_EXTRA": "{}",
        "NOTIFY_SMS_FORMAT": "json",
        "NOTIFY_TIMEOUT_S": 5.0,
        "NOTIFY_SMS_OK": ok,
    }
    gateway.answer = answer
    if taken:
        Sms(config).send_to("13800000000", "短信")
    else:
        with pytest.raises(SendError, match=ok.split("=")[0]):
            Sms(config).send_to("13800000000", "短信")
    assert len(gateway.requests) == 1
