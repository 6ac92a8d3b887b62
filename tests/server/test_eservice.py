"""Electronic service on the party who consented (issue 22, 行政处罚法 第六十一条第二款):
the consent signed on the phone, the decision's issue queuing an SMS and an e-mail with the
party's link, ``flask notify send`` delivering through a stub SMS gateway and a local SMTP
sink, the party's opening recorded, and the case's service step dated the day of delivery
(民事诉讼法 第九十条). Nothing without consent, nothing after its withdrawal. Both databases."""

from __future__ import annotations

import email
import email.policy
import json
import re
import socketserver
import threading
import urllib.parse
import uuid

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.cases import party_copies
from server.cases.eservice import ElectronicService
from server.cases.models import Case
from server.core.db import Counter, db
from sync.cases import CHINA, today
from tests.server.calendar_kit import weekends_only_around_today
from tests.server.case_kit import case_step, decided_case
from tests.server.notify_kit import Stub
from tests.server.sync_kit import push_one

SIGNATURE = "ab" * 32
MOBILE, EMAIL = "13912345678", "zhang.san@example.cn"


class SmtpSink:
    """The smallest SMTP server a test needs: it accepts every message and keeps it."""

    def __init__(self):
        self.messages: list[dict] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                def say(line):
                    self.wfile.write(line.encode() + b"\r\n")

                say("220 sink ESMTP")
                rcpt, data = [], None
                while line := self.rfile.readline():
                    if data is not None:
                        if line in (b".\r\n", b".\n"):
                            sink.messages.append({"to": rcpt, "data": b"".join(data)})
                            rcpt, data = [], None
                            say("250 queued")
                        else:
                            data.append(line[1:] if line.startswith(b"..") else line)
                        continue
                    verb = line[:4].upper()
                    if verb == b"EHLO":
                        say("250-sink")
                        say("250 8BITMIME")
                    elif verb == b"RCPT":
                        rcpt.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                        say("250 ok")
                    elif verb == b"DATA":
                        data = []
                        say("354 go on")
                    elif verb == b"QUIT":
                        say("221 bye")
                        return
                    else:
                        say("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    s = Stub()
    yield s
    s.close()


@pytest.fixture
def sink():
    s = SmtpSink()
    yield s
    s.close()


@pytest.fixture
def app(make_app, stub, sink):
    """SMS by the stub gateway's template, e-mail by the sink; no team notifications."""
    app = make_app(
        NOTIFY_SMS_URL=stub.url + "/sms/send",
        NOTIFY_SMS_PHONE_FIELD="PhoneNumbers",
        NOTIFY_SMS_TEXT_FIELD="Text",
        NOTIFY_SMS_EXTRA=json.dumps({"SignName": "遂昌执法"}),
        ESERVICE_SMTP_HOST="127.0.0.1",
        ESERVICE_SMTP_PORT=sink.port,
        ESERVICE_SMTP_FROM="songda@town-a.example.cn",
        PUBLIC_ORIGIN="https://fieldcase.example.cn",
    )
    weekends_only_around_today(app)
    return app


def _day() -> str:
    import datetime as dt

    return today(dt.datetime.now(dt.UTC)).isoformat()


def consent(officer, case_id, **args):
    full = {"mobile": MOBILE, "email": EMAIL, "signature": SIGNATURE, "signed_on": _day()}
    return push_one(officer, case_step(case_id, "consent_eservice", **(full | args)))


def _case(world, login, with_consent=True):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    if with_consent:
        assert consent(officer, case_id)["outcome"] == "applied"
    return officer, leader, case_id


def _issue(leader, case_id):
    r = leader.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _send(app) -> str:
    result = app.test_cli_runner().invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def _case_row(app, case_id) -> dict:
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        return {**case.data, "status": case.status}


def _rows(app):
    with app.app_context():
        return db.session.scalars(sa.select(ElectronicService)).all()


def test_consent_issue_send_open_records_the_service_dated_the_delivery(
    app, world, login, client, stub, sink
):
    officer, leader, case_id = _case(world, login)
    doc = _issue(leader, case_id)
    # Queued in the issue's transaction: one row per consented address, nothing sent yet.
    assert sorted(r.channel for r in _rows(app)) == ["email", "sms"]
    assert stub.requests == [] and sink.messages == []
    queued = {r.channel: r.text for r in _rows(app)}

    assert _send(app) == "electronic service: 2 delivered, 0 to try again, 0 given up"
    [sms] = stub.requests
    fields = json.loads(sms["body"])
    assert fields["PhoneNumbers"] == MOBILE and fields["SignName"] == "遂昌执法"
    assert "行政处罚决定书" in fields["Text"] and doc["doc_number"] in fields["Text"]
    token = re.search(r"#/copy/([\w-]+)", fields["Text"]).group(1)
    assert fields["Text"].startswith("【")
    assert "https://fieldcase.example.cn/#/copy/" in fields["Text"]
    [mail] = sink.messages
    body = email.message_from_bytes(mail["data"], policy=email.policy.default)
    assert mail["to"] == [EMAIL] and body["To"] == EMAIL
    assert body["Subject"] == "电子送达：行政处罚决定书"
    assert f"#/copy/{token}" in body.get_content()  # the same link as the SMS
    # What waited in the database named no token: a backup of the queue opens nothing.
    assert all(text.endswith("#/copy/") and token not in text for text in queued.values())
    for row in _rows(app):
        assert row.delivered_at is not None and row.text is None  # the token is not kept
        assert row.opened_at is None and row.served_on is None
    state = officer.get(f"/api/v1/cases/{case_id}/electronic-service").get_json()
    assert state["consent"]["addresses"] == [
        {"channel": "sms", "address": "139****5678"},
        {"channel": "email", "address": "z***@example.cn"},
    ]
    assert all(s["delivered_at"] and not s["opened_at"] for s in state["services"])
    # Delivered is not served: the case waits for the party's opening (收悉).
    assert _case_row(app, case_id)["status"] == "decided"

    assert client.get(f"/api/v1/copies/{token}").status_code == 200  # the party opens it
    rows = _rows(app)
    delivered = min(r.delivered_at for r in rows)
    served_on = delivered.astimezone(CHINA).date().isoformat()
    assert {r.served_on.isoformat() for r in rows} == {served_on}
    assert {r.serve_outcome for r in rows} == {"applied"}
    case = _case_row(app, case_id)
    assert case["status"] == "served"
    assert case["service_method"] == "electronic"
    assert case["served_on"] == served_on
    assert case["service_consent_signed_on"] == _day()
    assert "确认收悉" in case["service_proof"]
    # A second opening changes nothing; every event is in the audit chain.
    assert client.get(f"/api/v1/copies/{token}.pdf").status_code == 200
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.action.like("case.eservice_%"))
        ).all()
    assert sorted(actions) == sorted(
        ["case.eservice_queued"] * 2
        + ["case.eservice_delivered"] * 2
        + ["case.eservice_opened", "case.eservice_served"]
    )


def test_without_consent_nothing_is_queued_or_sent(app, world, login, stub, sink):
    _, leader, case_id = _case(world, login, with_consent=False)
    _issue(leader, case_id)
    assert _rows(app) == []
    assert _send(app) == "electronic service: 0 delivered, 0 to try again, 0 given up"
    assert stub.requests == [] and sink.messages == []


def test_a_withdrawn_consent_sends_nothing_even_for_a_queued_document(
    app, world, login, stub, sink
):
    officer, leader, case_id = _case(world, login)
    _issue(leader, case_id)  # queued under the consent
    step = case_step(case_id, "withdraw_eservice", withdrawn_on=_day())
    assert push_one(officer, step)["outcome"] == "applied"
    assert _send(app) == "electronic service: 0 delivered, 0 to try again, 2 given up"
    assert stub.requests == [] and sink.messages == []
    state = officer.get(f"/api/v1/cases/{case_id}/electronic-service").get_json()
    assert state["consent"]["standing"] is False
    assert {s["error"] for s in state["services"]} == {"consent_withdrawn"}


def test_a_consent_withdrawn_before_the_issue_queues_nothing(app, world, login, stub):
    officer, leader, case_id = _case(world, login)
    withdraw = case_step(case_id, "withdraw_eservice", withdrawn_on=_day())
    assert push_one(officer, withdraw)["outcome"] == "applied"
    again = push_one(officer, case_step(case_id, "withdraw_eservice", withdrawn_on=_day()))
    assert again["outcome"] == "rejected" and again["reason"] == "no_eservice_consent"
    _issue(leader, case_id)
    assert _rows(app) == []


def test_a_wrong_address_is_refused_naming_the_field(app, world, login):
    officer, _, case_id = _case(world, login, with_consent=False)
    bad_mobile = consent(officer, case_id, mobile="1234567")
    assert bad_mobile["outcome"] == "rejected" and "mobile" in bad_mobile["fields"]
    bad_mail = consent(officer, case_id, email="zhang.san@", mobile=None)
    assert bad_mail["outcome"] == "rejected" and list(bad_mail["fields"]) == ["email"]
    neither = consent(officer, case_id, email=None, mobile=None)
    assert neither["outcome"] == "rejected" and "mobile" in neither["fields"]
    unsigned = consent(officer, case_id, signature="not-a-hash")
    assert unsigned["outcome"] == "rejected" and "signature" in unsigned["fields"]


def test_a_failing_gateway_is_retried_then_shown_failed_with_its_reason(app, world, login, stub):
    app.config.update(ESERVICE_SMTP_HOST="", NOTIFY_MAX_ATTEMPTS=1)
    officer, leader, case_id = _case(world, login)
    stub.down = True
    _issue(leader, case_id)
    assert _send(app) == "electronic service: 0 delivered, 0 to try again, 2 given up"
    state = officer.get(f"/api/v1/cases/{case_id}/electronic-service").get_json()
    errors = {s["channel"]: s["error"] for s in state["services"]}
    assert errors["sms"].startswith("HTTP 503") and errors["email"] == "no_email_channel"
    assert all(s["failed_at"] and not s["served_on"] for s in state["services"])


def test_another_townships_case_is_404(app, world, login):
    _, _, case_id = _case(world, login)
    assert login("officer_b").get(f"/api/v1/cases/{case_id}/electronic-service").status_code == 404
    unknown = login("officer_a").get(f"/api/v1/cases/{uuid.uuid4()}/electronic-service")
    assert unknown.status_code == 404


def test_the_sms_text_carries_no_personal_data(app, world, login, stub):
    _, leader, case_id = _case(world, login)
    _issue(leader, case_id)
    _send(app)
    text = urllib.parse.unquote(json.loads(stub.requests[0]["body"])["Text"])
    assert MOBILE not in text and "张" not in text  # the party's name is in the document only


def test_opened_from_the_e_mail_the_sms_still_failing_is_not_sent_again(
    app, world, login, client, stub, sink
):
    _, leader, case_id = _case(world, login)
    stub.down = True  # the SMS gateway is down; the mail server takes it
    _issue(leader, case_id)
    assert _send(app) == "electronic service: 1 delivered, 1 to try again, 0 given up"
    body = email.message_from_bytes(sink.messages[0]["data"], policy=email.policy.default)
    token = re.search(r"#/copy/([\w-]+)", body.get_content()).group(1)
    assert client.get(f"/api/v1/copies/{token}.pdf").status_code == 200
    rows = {r.channel: r for r in _rows(app)}
    assert rows["sms"].next_attempt_at is None and rows["sms"].text is None  # no resend
    day = rows["email"].delivered_at.astimezone(CHINA).date()
    assert rows["email"].served_on == day and _case_row(app, case_id)["served_on"] == str(day)


def test_a_message_opened_days_after_it_arrived_is_served_on_the_day_it_arrived(
    app, world, login, client, stub
):
    """民事诉讼法 第九十条: 以送达信息到达受送达人特定系统的日期为送达日期, not the day he
    read it."""
    import datetime as dt

    _, leader, case_id = _case(world, login)
    _issue(leader, case_id)
    _send(app)
    token = re.search(r"#/copy/([\w-]+)", json.loads(stub.requests[0]["body"])["Text"]).group(1)
    with app.app_context():  # decided and consented three days ago, the SMS there two ago
        case = db.session.get(Case, uuid.UUID(case_id))
        case.decided_on = case.decided_on - dt.timedelta(days=3)
        back = case.decided_on.isoformat()
        case.data = {**case.data, "decided_on": back, "eservice_consent_on": back}
        for row in db.session.scalars(sa.select(ElectronicService)):
            row.delivered_at -= dt.timedelta(days=2)
        db.session.commit()
    assert client.get(f"/api/v1/copies/{token}").status_code == 200
    rows = {r.channel: r for r in _rows(app)}
    arrived = rows["sms"].delivered_at.astimezone(CHINA).date()
    assert arrived < today(rows["sms"].opened_at)
    assert rows["sms"].served_on == arrived and rows["sms"].serve_outcome == "applied"
    assert _case_row(app, case_id)["served_on"] == arrived.isoformat()


def test_the_service_is_recorded_when_another_request_wrote_while_the_party_opened_it(
    app, world, login, client, stub, sink, monkeypatch
):
    """The party's opening is a GET, so on SQLite its transaction began as a read; the
    writes of the service then failed outright when another request had committed since
    (a stale snapshot), and the case's service step was lost: logged, the case left
    decided (seen in the browser test beside a phone's sync). They take the write lock up
    front instead (db.begin_writing), for the copy's page and for its PDF."""
    _, leader, case_id = _case(world, login)
    _issue(leader, case_id)
    _send(app)
    token = re.search(r"#/copy/([\w-]+)", json.loads(stub.requests[0]["body"])["Text"]).group(1)
    found, writes = party_copies._live_or_404, ["one", "two"]

    def found_then_someone_writes(token):
        live = found(token)  # the party's read has begun
        if writes:  # another request's write, committed meanwhile
            with db.engine.begin() as other:
                other.execute(sa.insert(Counter).values(name=writes.pop(), value=1))
        return live

    monkeypatch.setattr(party_copies, "_live_or_404", found_then_someone_writes)
    assert client.get(f"/api/v1/copies/{token}").status_code == 200  # the party's page
    assert {r.serve_outcome for r in _rows(app)} == {"applied"}
    assert _case_row(app, case_id)["status"] == "served"
    assert client.get(f"/api/v1/copies/{token}.pdf").status_code == 200  # audited
    with app.app_context():
        fetched = sa.select(AuditEntry).where(AuditEntry.action == "document.party_fetched")
        assert len(db.session.scalars(fetched).all()) == 1
