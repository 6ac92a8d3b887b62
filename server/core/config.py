"""Configuration from the environment, with safe defaults for the embedded setup.

Every setting can be given as an environment variable (``FIELDCASE_<NAME>``; the database
also as the conventional ``DATABASE_URL``). Nothing secret is hard-coded: when no secret key is
given, one is generated once and kept in the instance folder, readable only by its owner.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from server.core import limits

PREFIX = "FIELDCASE_"

# name -> (default, converter). The default for paths depends on the instance folder.
_SETTINGS: dict[str, tuple[Any, Any]] = {
    "ACCESS_TOKEN_TTL_SECONDS": (15 * 60, int),
    # A week in the mountains and some slack: the device keeps working offline and can
    # still refresh when it comes back. Each rotation renews the window.
    "REFRESH_TOKEN_TTL_DAYS": (14, int),
    "JWT_ISSUER": ("fieldcase", str),
    "JWT_AUDIENCE": ("fieldcase-api", str),
    "LOGIN_RATE_LIMIT": ("10 per minute;50 per hour", str),
    "LOGIN_USER_RATE_LIMIT": ("5 per minute;30 per hour", str),
    # Wrong passphrases for officers' signing keys (server.accounts.signing), counted per
    # set of officers tried: then 429 until the window passes.
    "SIGNING_PASSPHRASE_RATE_LIMIT": ("5 per minute;20 per hour", str),
    # Refused mutations a device may push (a rejection, or an id another record holds): a
    # phone back from a week offline refuses a few dozen; a flood is stopped with 429.
    "PUSH_REFUSED_RATE_LIMIT": ("300 per minute;2000 per hour", str),
    # The party's copy by QR code (server.cases.party_copies): how long a link lives, and
    # how often one address may ask (a token is unguessable; the limit keeps it so).
    "PARTY_COPY_DAYS": (7, int),
    "PARTY_COPY_RATE_LIMIT": ("30 per minute;300 per hour", str),
    # The origin phones reach the server at (https://fieldcase.example.gov.cn), for the links
    # it hands out (a tus upload's Location); empty: links are paths on the origin asked.
    "PUBLIC_ORIGIN": ("", str),
    # How many reverse proxies in front of the app set X-Forwarded-For (nginx: 1).
    "TRUSTED_PROXIES": (0, int),
    # ... and their addresses (comma-separated, networks allowed): only a request from one of
    # them has its X-Forwarded-* believed (server.core.proxies). nginx on this machine: the
    # default; on another, its address.
    "TRUSTED_PROXY_ADDRESSES": ("127.0.0.1,::1", str),
    # R8: reports of the same matter this close are linked as possible duplicates.
    "DUPLICATE_RADIUS_M": (50.0, float),
    "DUPLICATE_WINDOW_HOURS": (24.0, float),
    # R9: a device clock further than this from the server's at sync is flagged.
    "CLOCK_SKEW_TOLERANCE_S": (600, int),
    "PUSH_BATCH_MAX": (500, int),
    # Issue 22: document numbers an officer's phone holds ahead per kind it may issue offline
    # (server.cases.offline), how long one unused is kept before it is voided on the record,
    # and the largest copy a phone may send of one it printed.
    "OFFLINE_RESERVE": (3, int),
    "OFFLINE_RESERVATION_DAYS": (30, int),
    "OFFLINE_DOCUMENT_MAX_BYTES": (2_000_000, int),
    # R3: a child waiting this long for a parent its author never gets to see is handed,
    # whole, to his township's supervisors (``flask sync purge-waiting``).
    "SYNC_WAITING_DAYS": (30, int),
    # Where a fine is paid, as a penalty decision prints it (行政处罚法 第六十七条: the party
    # pays at the designated bank or electronically, never to the officers).
    "FINE_PAYMENT": ("浙江省统一公共支付平台（凭决定书缴款码缴纳）", str),
    # 行政处罚法 第六十三条 leaves 较大数额 (a fine, or confiscation, that gives the party a
    # right to a hearing) to the province, and a "major" fine that needs legal review
    # (第五十八条) is the local catalogue's: set them from the rules that apply here. Whole
    # yuan, for a person (公民) and for an organisation (法人或者其他组织). A case keeps the
    # amounts in force when it was opened.
    "HEARING_LARGE_FINE_PERSON_YUAN": (5_000, int),
    "HEARING_LARGE_FINE_ORGANISATION_YUAN": (100_000, int),
    "MAJOR_FINE_PERSON_YUAN": (5_000, int),
    "MAJOR_FINE_ORGANISATION_YUAN": (100_000, int),
    # 行政处罚法 第四十四条、第四十五条: the prior notice names the period the party has to
    # state and defend (陈述、申辩); the law leaves its length to the rules and the notice.
    # Working days from receipt (5, as the usual 事先告知书 says: 收到本告知书之日起五个工作日内).
    "STATEMENT_WORKING_DAYS": (5, int),
    # 行政处罚法 第五十二条: an on-the-spot decision is filed (备案) with the unit; the law
    # leaves the period to the unit's rules. Working days from the decision (3, as e.g.
    # 《市场监督管理行政处罚程序规定》 sets for its officers).
    "SUMMARY_FILING_WORKING_DAYS": (3, int),
    # 行政处罚法 第六十条: 九十日内作出行政处罚决定。法律、法规、规章另有规定的，从其规定. The
    # rule that gives this unit more time, how long and how many times its head may extend
    # by it; set them from the rule that applies here (the default is the one market
    # regulation's officers work under: once, by up to 30 days, with the head's approval).
    "DECISION_EXTENSION_BASIS": ("《市场监督管理行政处罚程序规定》第六十四条", str),
    "DECISION_EXTENSION_MAX_DAYS": (30, int),
    "DECISION_EXTENSION_TIMES": (1, int),
    # The agency's electronic seal (server.documents.seal): a folder of PKCS#12 files, one
    # a township named by its code (331122101.p12), and their passphrase. Empty: the
    # instance folder's eseal/keystore, which the demo fills with a test authority's keys.
    # A township with no file issues unsealed documents (「（印章）」, stamped by hand).
    "ESEAL_KEYSTORE": ("", str),
    "ESEAL_PASSPHRASE": ("", str),
    # Or the seal keys live in a hardware token / HSM (PKCS#11): its module (the vendor's
    # .so), the token's label, its user PIN, and each township's key label, in which
    # {code} is the township's code (the certificate is on the token under the same
    # label). A module set: the token is used and the keystore folder is not.
    "ESEAL_PKCS11_MODULE": ("", str),
    "ESEAL_PKCS11_TOKEN": ("", str),
    "ESEAL_PKCS11_PIN": ("", str),
    "ESEAL_PKCS11_KEY": ("{code}", str),
    # An RFC 3161 time-stamping authority (http://tsa.example.gov.cn/tsr) for the seals and
    # the audit chain's seals; empty: none (the server's own clock is all they carry).
    "TSA_URL": ("", str),
    "PULL_PAGE_MAX": (1000, int),
    # Evidence: where the bytes live (empty: MEDIA_ROOT; or s3://bucket/prefix).
    "EVIDENCE_STORE": ("", str),
    "S3_ENDPOINT_URL": ("", str),  # MinIO and other S3-compatible services
    "S3_REGION": ("", str),
    # A resumable upload nobody finished is discarded after this long.
    "UPLOAD_EXPIRES_HOURS": (72, int),
    # Bytes of an upload are stored (and survive a cut connection) in pieces of this size.
    "UPLOAD_PIECE_BYTES": (1024 * 1024, int),
    # Larger images are refused from their header, before decoding (decompression bombs).
    "IMAGE_MAX_PIXELS": (64_000_000, int),
    # What checking one image and drawing its copies may cost a worker: a format that costs
    # more a pixel has fewer pixels (server.evidence.images.pixel_limit).
    "IMAGE_DECODE_MAX_MIB": (256, int),
    # EXIF time without an offset is taken to be in this zone (China: +08:00).
    "EXIF_DEFAULT_UTC_OFFSET_MINUTES": (480, int),
    # EXIF time or place this far from what the device declared is flagged for a person.
    "EXIF_TIME_TOLERANCE_S": (600, int),
    "EXIF_DISTANCE_TOLERANCE_M": (200.0, float),
    "WATERMARK_FONT": ("", str),
    # Logs on stderr: one JSON object a line ("json") or plain text ("text"), from this level.
    "LOG_FORMAT": ("json", str),
    "LOG_LEVEL": ("INFO", str),
    # /metrics answers requests bearing this token; with none set, only this machine's.
    "METRICS_TOKEN": ("", str),
    # The console's base map: a tile URL template (Tianditu in production, e.g.
    # https://t{s}.tianditu.gov.cn/vec_w/wmts?...&tk=KEY with subdomains 01234567). Empty:
    # no base map, the points are drawn on a plain grid (tests, an intranet without tiles).
    "MAP_TILE_URL": ("", str),
    "MAP_TILE_SUBDOMAINS": ("", str),
    "MAP_TILE_ATTRIBUTION": ("", str),
    "MAP_MAX_ZOOM": (18, int),
    # Notifications (server.notify; README "Notifications"): how a task, an answer or a case
    # awaiting someone's step reaches his phone, sent by ``flask notify send``. One channel:
    # "" (none: nothing is written), webhook, dingtalk, zwding (浙政钉) or sms.
    "NOTIFY_CHANNEL": ("", str),
    "NOTIFY_WEBHOOK_URL": ("", str),
    "NOTIFY_WEBHOOK_SECRET": ("", str),  # HMAC-SHA256 of the body, in X-Fieldcase-Signature
    # DingTalk's work notices (an internal app's AgentId, AppKey, AppSecret); 浙政钉 speaks
    # the same shape at its own address (NOTIFY_ZWDING_BASE_URL).
    "NOTIFY_DINGTALK_BASE_URL": ("https://oapi.dingtalk.com", str),
    "NOTIFY_ZWDING_BASE_URL": ("", str),
    "NOTIFY_DINGTALK_APPKEY": ("", str),
    "NOTIFY_DINGTALK_APPSECRET": ("", str),
    "NOTIFY_DINGTALK_AGENT_ID": ("", str),
    # An SMS gateway: a POST to this URL of the number and the text under these names, plus
    # fixed fields (a JSON object: the account, the signature 签名…), as JSON or a form.
    "NOTIFY_SMS_URL": ("", str),
    "NOTIFY_SMS_PHONE_FIELD": ("mobile", str),
    "NOTIFY_SMS_TEXT_FIELD": ("content", str),
    "NOTIFY_SMS_EXTRA": ("{}", str),
    "NOTIFY_SMS_FORMAT": ("json", str),
    # What the gateway's JSON answer says when it took the message, as ``field=value`` (a
    # dotted path: ``Code=OK``); empty: its 2xx is its acceptance.
    "NOTIFY_SMS_OK": ("", str),
    "NOTIFY_TIMEOUT_S": (10.0, float),
    # Electronic service on the party (电子送达, server.cases.eservice): by SMS through the
    # gateway above when NOTIFY_SMS_URL is set, and by e-mail through this SMTP server when
    # ESERVICE_SMTP_HOST is; TLS "starttls", "ssl" or "" (a relay on the agency's network).
    "ESERVICE_SMTP_HOST": ("", str),
    "ESERVICE_SMTP_PORT": (25, int),
    "ESERVICE_SMTP_TLS": ("", str),
    "ESERVICE_SMTP_USER": ("", str),
    "ESERVICE_SMTP_PASSWORD": ("", str),
    "ESERVICE_SMTP_FROM": ("", str),
    # A failed send is tried again after NOTIFY_RETRY_S, doubling each time (at most six
    # hours between tries), NOTIFY_MAX_ATTEMPTS times in all.
    "NOTIFY_RETRY_S": (60, int),
    "NOTIFY_MAX_ATTEMPTS": (12, int),
    # The base map served by this server (``/tiles/…``, used when no MAP_TILE_URL is set): an
    # MBTiles package; `make run` builds the demo county's into the instance folder.
    "MAP_TILES_PACKAGE": ("", str),
    # The units' boundaries (GeoJSON, each feature's ``code`` its unit's): a phone caches the
    # tiles over its person's grid or township for use offline.
    "MAP_AREAS": ("", str),
    # What a phone may keep of offline tiles (MB), and up to which zoom it caches.
    "MAP_OFFLINE_LIMIT_MB": (50.0, float),
    "MAP_OFFLINE_MAX_ZOOM": (17, int),
}


def _secret_key(instance_path: Path) -> str:
    return _instance_secret(instance_path / "secret_key")


def _escrow_keys(env: Any, instance_path: Path) -> list[str]:
    """The secrets the phones' escrow keys are made from (``tokens.device_keys``), newest
    first: a phone wraps its data key under the newest and any listed opens it. Its own, not
    SECRET_KEY's, so that a new SECRET_KEY (a leaked one, say) leaves a locked-out phone's
    unsent records openable; an escrow secret is replaced by listing a new one first and
    keeping the old while phones log in again. Where several app servers share a configured
    SECRET_KEY and no escrow keys are listed, it serves as one (as before there were any):
    list FIELDCASE_ESCROW_KEYS before changing it. A single server keeps its own in
    ``instance/escrow_key``; the first made on an instance that already had a secret key
    takes its value, so the phones' escrowed keys still open."""
    listed = [k.strip() for k in (env.get(PREFIX + "ESCROW_KEYS") or "").split(",") if k.strip()]
    if listed:
        return listed
    if env.get(PREFIX + "SECRET_KEY"):
        return [env[PREFIX + "SECRET_KEY"]]
    earlier = instance_path / "secret_key"
    return [
        _instance_secret(
            instance_path / "escrow_key",
            earlier.read_text().strip() if earlier.exists() else None,
        )
    ]


def _instance_secret(key_file: Path, first: str | None = None) -> str:
    """A secret made once into the instance folder (mode 0600) and read thereafter."""
    if key_file.exists():
        return key_file.read_text().strip()
    key = first or secrets.token_urlsafe(48)
    # O_EXCL: two workers starting at once must not each write a different key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def from_environment(instance_path: str, environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)

    config: dict[str, Any] = {}
    for name, (default, convert) in _SETTINGS.items():
        raw = env.get(PREFIX + name)
        config[name] = default if raw in (None, "") else convert(raw)

    config["SQLALCHEMY_DATABASE_URI"] = (
        env.get("DATABASE_URL")
        or env.get(PREFIX + "DATABASE_URL")
        or f"sqlite:///{instance / 'fieldcase.db'}"
    )
    config["MEDIA_ROOT"] = env.get(PREFIX + "MEDIA_ROOT") or str(instance / "media")
    # Shared by this server's workers (server.core.limits); redis://… across servers.
    config["RATELIMIT_STORAGE_URI"] = env.get(
        PREFIX + "RATELIMIT_STORAGE_URI"
    ) or limits.shared_storage_uri(instance)
    # The built field app (``npm run build`` in pwa/); nginx serves it in production.
    config["PWA_DIST"] = env.get(PREFIX + "PWA_DIST") or str(
        Path(__file__).resolve().parents[2] / "pwa" / "dist"
    )
    config["MAP_TILES_PACKAGE"] = config["MAP_TILES_PACKAGE"] or str(
        instance / "demo-tiles.mbtiles"
    )
    config["MAP_AREAS"] = config["MAP_AREAS"] or str(instance / "demo-areas.geojson")
    config["ESEAL_KEYSTORE"] = config["ESEAL_KEYSTORE"] or str(instance / "eseal" / "keystore")
    config["ESCROW_KEYS"] = _escrow_keys(env, instance)  # before the secret key is made
    config["SECRET_KEY"] = env.get(PREFIX + "SECRET_KEY") or _secret_key(instance)
    return config


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
