"""The channels a notification leaves by, one chosen by ``NOTIFY_CHANNEL``.

Each adapter has ``address(user)`` (where this person is reached on it, or None) and
``send(notification, user)``, which raises ``SendError`` when the channel did not take it:
the sender then tries again later. The standard library's ``urllib.request`` speaks HTTP,
with a timeout (``NOTIFY_TIMEOUT_S``): ``requests`` is not one of our dependencies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from server.accounts.models import User
from server.notify.models import Notification

SIGNATURE_HEADER = "X-Fieldcase-Signature"


class SendError(Exception):
    """The channel did not take the notification (down, refused, an error code)."""


def _http(method: str, url: str, body: bytes | None, headers: dict, timeout: float) -> Any:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise SendError(f"not an http(s) URL: {url[:60]}")
    req = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:  # noqa: S310 (checked)
            raw = answer.read()
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code} from {urllib.parse.urlsplit(url).netloc}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(f"unreachable: {getattr(exc, 'reason', exc)}") from exc
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class Webhook:
    """POST the notification as JSON to one URL, signed: ``X-Fieldcase-Signature:
    sha256=<hex HMAC-SHA256 of the body under NOTIFY_WEBHOOK_SECRET>`` (GitHub's scheme), so
    the receiver can tell it came from this server. ``id`` lets it drop a resend."""

    def __init__(self, config: dict):
        self.url, self.secret = config["NOTIFY_WEBHOOK_URL"], config["NOTIFY_WEBHOOK_SECRET"]
        self.timeout = config["NOTIFY_TIMEOUT_S"]

    def address(self, user: User) -> str | None:
        return str(user.id)

    def send(self, n: Notification, user: User) -> None:
        body = _json(
            {
                "id": n.id,
                "kind": n.kind,
                "record_type": n.record_type,
                "record_id": str(n.record_id),
                "step": n.step,
                "text": n.text,
                "created_at": n.created_at.isoformat(),
                "user": {
                    "id": user.id,
                    "username": user.username,
                    "mobile": user.phone,
                    "dingtalk_userid": user.dingtalk_userid,
                },
            }
        )
        signature = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: f"sha256={signature}"}
        _http("POST", self.url, body, headers, self.timeout)


class DingTalk:
    """A DingTalk work notice (工作通知) from the agency's internal app.

    As DingTalk's open platform documents it (open.dingtalk.com/document/orgapp/
    asynchronous-sending-of-enterprise-session-messages, "发送工作通知"):
    - ``GET {base}/gettoken?appkey=…&appsecret=…`` → ``{"errcode": 0, "access_token": …,
      "expires_in": 7200}`` (the same token for its lifetime; kept until shortly before);
    - ``POST {base}/topapi/message/corpconversation/asyncsend_v2?access_token=…`` with
      ``{"agent_id": AgentId, "userid_list": "id1,id2", "msg": {"msgtype": "text",
      "text": {"content": …}}}`` → ``{"errcode": 0, "task_id": …}``; errcode ≠ 0 is a failure.
    """

    base_setting = "NOTIFY_DINGTALK_BASE_URL"
    _tokens: dict[tuple[str, str], tuple[str, float]] = {}

    def __init__(self, config: dict):
        self.base = config[self.base_setting].rstrip("/")
        self.appkey, self.appsecret = (
            config["NOTIFY_DINGTALK_APPKEY"],
            config["NOTIFY_DINGTALK_APPSECRET"],
        )
        self.agent_id = config["NOTIFY_DINGTALK_AGENT_ID"]
        self.timeout = config["NOTIFY_TIMEOUT_S"]

    def address(self, user: User) -> str | None:
        return user.dingtalk_userid or None

    def _token(self) -> str:
        key = (self.base, self.appkey)
        held = self._tokens.get(key)
        if held and held[1] > time.monotonic():
            return held[0]
        query = urllib.parse.urlencode({"appkey": self.appkey, "appsecret": self.appsecret})
        answer = _http("GET", f"{self.base}/gettoken?{query}", None, {}, self.timeout) or {}
        if answer.get("errcode") != 0 or not answer.get("access_token"):
            raise SendError(f"gettoken: errcode {answer.get('errcode')} {answer.get('errmsg')}")
        lifetime = int(answer.get("expires_in") or 7200)
        self._tokens[key] = (answer["access_token"], time.monotonic() + lifetime - 300)
        return answer["access_token"]

    def send(self, n: Notification, user: User) -> None:
        token = urllib.parse.quote(self._token())
        url = f"{self.base}/topapi/message/corpconversation/asyncsend_v2?access_token={token}"
        agent = int(self.agent_id) if str(self.agent_id).isdigit() else self.agent_id
        body = _json(
            {
                "agent_id": agent,
                "userid_list": self.address(user),
                "msg": {"msgtype": "text", "text": {"content": n.text}},
            }
        )
        answer = _http("POST", url, body, {"Content-Type": "application/json"}, self.timeout)
        if not answer or answer.get("errcode") != 0:
            errcode = (answer or {}).get("errcode")
            if errcode in (40014, 42001):  # the token expired early: fetch a new one next time
                self._tokens.pop((self.base, self.appkey), None)
            raise SendError(f"asyncsend_v2: errcode {errcode} {(answer or {}).get('errmsg')}")


class Zwding(DingTalk):
    """浙政钉 (the Zhejiang government's DingTalk). Its own work-notice API
    (``/message/workNotification`` on openplatform.dg-work.cn, signed by its SDK) is
    described only in third-party posts we could not check; this adapter speaks the DingTalk
    shape above at the address ``NOTIFY_ZWDING_BASE_URL`` (a gateway that offers it)."""

    base_setting = "NOTIFY_ZWDING_BASE_URL"


class Sms:
    """A generic SMS gateway: providers differ, so the request is a template, a POST to
    ``NOTIFY_SMS_URL`` of ``{NOTIFY_SMS_PHONE_FIELD: mobile, NOTIFY_SMS_TEXT_FIELD: text}``
    plus the fixed fields of ``NOTIFY_SMS_EXTRA``, as JSON or a form
    (``NOTIFY_SMS_FORMAT``). The text is the notification's: short, no personal data."""

    def __init__(self, config: dict):
        self.url = config["NOTIFY_SMS_URL"]
        self.phone_field, self.text_field = (
            config["NOTIFY_SMS_PHONE_FIELD"],
            config["NOTIFY_SMS_TEXT_FIELD"],
        )
        self.extra = json.loads(config["NOTIFY_SMS_EXTRA"] or "{}")
        self.form = config["NOTIFY_SMS_FORMAT"] == "form"
        self.timeout = config["NOTIFY_TIMEOUT_S"]
        ok = config.get("NOTIFY_SMS_OK") or ""
        self.ok = tuple(ok.split("=", 1)) if "=" in ok else None

    def address(self, user: User) -> str | None:
        return user.phone or None

    def send(self, n: Notification, user: User) -> None:
        self.send_to(user.phone, n.text)

    def send_to(self, mobile: str, text: str) -> None:
        """``text`` to ``mobile``: the gateway's 2xx is its acceptance (the only receipt a
        generic gateway gives), or, where ``NOTIFY_SMS_OK`` says what an accepting answer
        holds (many gateways answer 200 to a refusal, with a code in the body), that; anything
        else a ``SendError``."""
        fields = {**self.extra, self.phone_field: mobile, self.text_field: text}
        if self.form:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = _json(fields), "application/json"
        answer = _http("POST", self.url, body, {"Content-Type": kind}, self.timeout)
        if self.ok is not None:
            path, wanted = self.ok
            found = answer
            for key in path.split("."):
                found = found.get(key) if isinstance(found, dict) else None
            if str(found) != wanted:
                raise SendError(f"the gateway answered {path}={found!r}, not {wanted}"[:300])


class Smtp:
    """E-mail through one SMTP server (the standard library's ``smtplib``): the server's
    acceptance of the message (250 after DATA) is its delivery to the mail system; a refusal,
    a timeout or a refused recipient is a ``SendError``. Used for electronic service on a
    party (``server.cases.eservice``), not for the team's notifications."""

    def __init__(self, config: dict):
        self.host, self.port = config["ESERVICE_SMTP_HOST"], config["ESERVICE_SMTP_PORT"]
        self.tls = config["ESERVICE_SMTP_TLS"]
        self.user, self.password = config["ESERVICE_SMTP_USER"], config["ESERVICE_SMTP_PASSWORD"]
        self.sender = config["ESERVICE_SMTP_FROM"] or f"fieldcase@{self.host}"
        self.timeout = config["NOTIFY_TIMEOUT_S"]

    def send_to(self, address: str, subject: str, text: str) -> None:
        import smtplib
        from email.message import EmailMessage
        from email.utils import make_msgid

        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, address, subject
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        msg.set_content(text)
        kind = smtplib.SMTP_SSL if self.tls == "ssl" else smtplib.SMTP
        try:
            with kind(self.host, self.port, timeout=self.timeout) as smtp:
                if self.tls == "starttls":
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                refused = smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"SMTP {self.host}: {exc}"[:300]) from exc
        if refused:
            raise SendError(f"SMTP {self.host} refused {sorted(refused)}")


ADAPTERS = {"webhook": Webhook, "dingtalk": DingTalk, "zwding": Zwding, "sms": Sms}


def configured(config: dict):
    """The adapter ``NOTIFY_CHANNEL`` names, or None (no channel)."""
    name = config["NOTIFY_CHANNEL"]
    if not name:
        return None
    if name not in ADAPTERS:
        raise ValueError(f"NOTIFY_CHANNEL: unknown channel {name!r} (one of {sorted(ADAPTERS)})")
    return ADAPTERS[name](config)
