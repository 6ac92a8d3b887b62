"""nginx in front of two app instances, as in production: TLS and HTTP/2, the field app's
caching rules, the security headers, compression, the upload path, the login limit, and no
acknowledged mutation lost when an instance dies mid-run."""

from __future__ import annotations

import http.client
import json
import ssl
import subprocess
import threading
import time
import uuid

import pytest
import requests
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.clues.models import Clue
from server.core.db import db
from tests.nginx.stack import Stack
from tests.server.evidence_kit import (
    TUS,
    UPLOADS,
    evidence_mutation,
    metadata,
    phone_photo,
    sha,
)
from tests.server.sync_kit import PUSH

pytestmark = pytest.mark.nginx


def login(stack, username="hb_grid1") -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # a CA bundle in the environment would override verify
    s.verify = str(stack.cert)
    r = s.post(
        stack.url + "/api/v1/auth/login",
        json={"username": username, "password": "fieldcase-demo", "device_id": str(uuid.uuid4())},
        timeout=30,
    )
    r.raise_for_status()
    s.headers["Authorization"] = "Bearer " + r.json()["access_token"]
    return s


def clue_create(i: int) -> dict:
    now = "2026-11-20T08:00:00+08:00"
    return {
        "id": str(uuid.uuid4()),
        "record_type": "clue",
        "record_id": str(uuid.uuid4()),
        "op": "create",
        "payload": {
            "matter_code": "SR-0036-01",
            "location": {"lat": 28.94 + i * 1e-3, "lng": 118.78, "accuracy_m": 8, "fix_time": now},
            "description": f"nginx 测试 {i}",
            "dissuasion": {"done": False, "result": None, "at": None},
        },
    }


def test_tls_http2_and_a_redirect_from_plain_http(stack):
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_version}", "--cacert", str(stack.cert),
         stack.url + "/"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert out == "2"
    r = requests.get(f"http://localhost:{stack.http_port}/api/v1/health", allow_redirects=False)
    assert r.status_code == 301
    assert r.headers["Location"] == f"https://localhost:{stack.https_port}/api/v1/health"


def test_the_field_app_is_served_with_its_caching_rules_and_security_headers(stack):
    page = stack.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and '<div id="app">' in page.text
    asset = next(
        part.split('"')[0] for part in page.text.split('src="')[1:] if part.startswith("/assets/")
    )
    for path in ("/", "/index.html", "/sw.js", "/manifest.webmanifest"):
        r = stack.get(path)
        assert r.status_code == 200, path
        assert r.headers["Cache-Control"] == "no-cache", path
    r = stack.get(asset, headers={"Accept-Encoding": "gzip"})
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Content-Encoding"] == "gzip"
    assert (
        stack.get("/manifest.webmanifest")
        .headers["Content-Type"]
        .startswith("application/manifest+json")
    )
    for path in ("/", asset, "/api/v1/health", "/nothing-here"):
        h = stack.get(path).headers
        assert h["Strict-Transport-Security"].startswith("max-age=31536000"), path
        assert h["X-Frame-Options"] == "DENY", path
        assert "Server" not in h or "nginx/" not in h["Server"], path
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    # The console's base-map tiles (FC_MAP_TILE_ORIGIN) are let in for images, nothing else.
    assert (
        "img-src 'self' blob: data: https://*.tianditu.gov.cn;"
        in (page.headers["Content-Security-Policy"])
    )
    assert "connect-src 'self';" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert stack.get("/robots.txt").text.startswith("User-agent")
    assert stack.get("/nothing-here").status_code == 404
    assert stack.get("/metrics").status_code == 404


def test_the_api_sees_the_real_client_and_scheme(stack, make_app):
    # A phone at 127.0.0.7: nginx talks to the app from 127.0.0.1, the audit log must not.
    context = ssl.create_default_context(cafile=str(stack.cert))
    conn = http.client.HTTPSConnection(
        "localhost", stack.https_port, context=context, source_address=("127.0.0.7", 0)
    )
    device = str(uuid.uuid4())
    body = {"username": "hb_grid2", "password": "fieldcase-demo", "device_id": device}
    conn.request(
        "POST", "/api/v1/auth/login", json.dumps(body), {"Content-Type": "application/json"}
    )
    token = json.loads(conn.getresponse().read())["access_token"]
    # (The scheme is proved by the browser test: tus follows the https:// Location the
    # app gives, which it could not if the app thought it was on plain http.)
    conn.request(
        "POST",
        "/api/v1/uploads",
        headers={
            "Authorization": f"Bearer {token}",
            "Tus-Resumable": "1.0.0",
            "Upload-Length": "10",
            "Upload-Metadata": "evidence_id ZmFrZQ==,sha256 eA==",
        },
    )
    assert conn.getresponse().status == 422  # refused by the app: the path is proxied
    conn.close()
    app = make_app(migrated=False)
    with app.app_context():
        ip = db.session.execute(
            sa.select(AuditEntry.ip).where(
                AuditEntry.action == "auth.login", AuditEntry.device_id == uuid.UUID(device)
            )
        ).scalar_one()
    assert ip == "127.0.0.7"
    options = requests.options(stack.url + "/api/v1/uploads", verify=str(stack.cert))
    assert options.headers["Tus-Version"] == "1.0.0"


def test_a_body_over_the_limit_is_refused_by_nginx(stack):
    r = requests.post(
        stack.url + "/api/v1/sync/push",
        data=b"x" * (9 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
        verify=str(stack.cert),
    )
    assert r.status_code == 413


def test_login_attempts_are_limited_at_the_door(stack):
    codes = []
    for _ in range(12):
        r = requests.post(
            stack.url + "/api/v1/auth/login",
            json={
                "username": f"nobody{uuid.uuid4().hex[:6]}",
                "password": "x",
                "device_id": str(uuid.uuid4()),
            },
            verify=str(stack.cert),
        )  # fmt: skip
        codes.append(r.status_code)
    assert codes[0] == 401 and 429 in codes


def test_an_instance_killed_mid_run_loses_no_acknowledged_mutation(stack, make_app):
    """Pushes go on while one instance is SIGKILLed: every batch the server acknowledged is
    in the database exactly once; a batch that got no answer is sent again (R1) and lands."""
    s = login(stack)
    acknowledged: dict[str, str] = {}
    sent: list[dict] = []
    errors = 0
    killed = threading.Event()
    killer = threading.Thread(target=lambda: (stack.apps[0].kill(), killed.set()))
    after_kill = 0
    deadline = time.monotonic() + 60
    for i in range(60):
        if i == 20:
            killer.start()  # while the next pushes are in flight
        after_kill += killed.is_set()
        batch = [clue_create(i * 5 + k) for k in range(5)]
        sent.extend(batch)
        while True:
            assert time.monotonic() < deadline, "pushes did not get through"
            try:
                r = s.post(stack.url + "/api/v1/sync/push", json={"mutations": batch}, timeout=30)
            except requests.RequestException:
                errors += 1
                continue
            if r.status_code == 200:
                for result in r.json()["results"]:
                    assert result["outcome"] in ("applied", "duplicate"), result
                    acknowledged[result["mutation_id"]] = result["record_id"]
                break
            assert r.status_code in (502, 503, 504), r.text
            errors += 1
            time.sleep(0.05)
    killer.join()
    assert after_kill >= 20, "most pushes went on with one instance dead"

    app = make_app(migrated=False)
    with app.app_context():
        rows = (
            db.session.execute(
                sa.select(Clue.id).where(Clue.id.in_([uuid.UUID(m["record_id"]) for m in sent]))
            )
            .scalars()
            .all()
        )
    assert len(acknowledged) == len(sent) == 300
    assert sorted(str(r) for r in rows) == sorted(acknowledged.values())


def test_each_request_carries_nginxs_request_id_to_the_app_and_back(stack):
    ids = [stack.get("/api/v1/health").headers["X-Request-ID"] for _ in range(2)]
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids) and ids[0] != ids[1]
    # A client cannot choose the id the logs will carry: nginx sets its own.
    forged = stack.get("/api/v1/health", headers={"X-Request-ID": "forged-by-client"})
    assert forged.headers["X-Request-ID"] != "forged-by-client"
    logs = "".join(p.read_text() for p in stack.folder.glob("app-*.log"))
    assert f'"request_id": "{ids[0]}"' in logs


@pytest.fixture
def split_stack(make_app, db_url, tmp_path, demo_county):
    """Records on one instance, photo uploads on another of their own (niced) and pulls on a
    third (niced less), as nginx/README.md describes for a server that takes a whole
    county's shift start."""
    app = make_app(template=demo_county)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    running = Stack(
        tmp_path / "stack",
        db_url,
        instances=1,
        workers=1,
        upload_instances=1,
        pull_instances=1,
    )
    running.start()
    yield running
    running.stop()


def test_photo_uploads_and_pulls_go_to_their_own_instances_and_pushes_to_the_others(
    split_stack,
):
    stack = split_stack
    s = login(stack)
    clue = clue_create(0)
    photo = phone_photo()
    evidence = evidence_mutation(clue["record_id"], photo)
    pushed = s.post(stack.url + PUSH, json={"mutations": [clue, evidence]}, timeout=30)
    assert [r["outcome"] for r in pushed.json()["results"]] == ["applied", "applied"]

    created = s.post(
        stack.url + UPLOADS,
        headers={
            **TUS,
            "Upload-Length": str(len(photo)),
            "Upload-Metadata": metadata(evidence_id=evidence["record_id"], sha256=sha(photo)),
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    for offset in range(0, len(photo), 64 * 1024):
        r = s.patch(
            requests.compat.urljoin(stack.url, location),
            data=photo[offset : offset + 64 * 1024],
            headers={
                **TUS,
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
            timeout=30,
        )
        assert r.status_code == 204, r.text
    held = s.get(f"{stack.url}/api/v1/evidence/{evidence['record_id']}", timeout=30).json()
    assert held["original"]["held"] is True
    pulled = s.get(f"{stack.url}/api/v1/sync/pull", timeout=30)
    assert pulled.status_code == 200 and pulled.json()["changes"], pulled.text

    def log_of(instance):
        return (stack.folder / f"app-{instance.port}.log").read_text()

    [records], [photos], [pulls] = stack.apps, stack.uploaders, stack.pullers
    assert "/api/v1/sync/push" in log_of(records) and "/api/v1/uploads" not in log_of(records)
    assert "/api/v1/sync/pull" not in log_of(records)
    assert "/api/v1/uploads" in log_of(photos) and "/api/v1/sync/push" not in log_of(photos)
    assert "/api/v1/sync/pull" in log_of(pulls) and "/api/v1/sync/push" not in log_of(pulls)

    def niceness(instance):
        ps = ["ps", "-o", "ni=", "-p", str(instance.process.pid)]
        return subprocess.run(ps, capture_output=True, text=True).stdout.strip()

    assert (niceness(records), niceness(pulls), niceness(photos)) == ("0", "5", "10")
