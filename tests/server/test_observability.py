"""What an operator watches, through HTTP on SQLite and PostgreSQL: readiness, request ids,
the JSON access log and the Prometheus metrics. At the end, a real gunicorn with two workers
shows that /metrics sums what every worker counted.

Metrics live in the test process and add up across tests, so each test reads /metrics
before and after and asserts the difference.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from prometheus_client import multiprocess
from prometheus_client.parser import text_string_to_metric_families

from server.core.db import db
from server.core.limits import shared_storage_uri
from server.sync_api import pull as pulling
from tests.server.evidence_kit import phone_photo, record_evidence, upload
from tests.server.s3_server import s3_endpoint  # noqa: F401 (a fixture used below)
from tests.server.sync_kit import PUSH, edit, location, new_clue, pull_all, push, step
from tests.server.world import PASSWORD, build_world

ROOT = Path(__file__).resolve().parents[2]
PHOTO = phone_photo()
NGINX_ID = "0123456789abcdef0123456789abcdef"  # what nginx's $request_id looks like
OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}  # a documentation address: not this machine


# --- reading /metrics and the logs ---------------------------------------------------------


def parse_metrics(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client, **kwargs) -> dict[tuple[str, frozenset], float]:
    r = client.get("/metrics", **kwargs)
    assert r.status_code == 200, r.data[:200]
    return parse_metrics(r.get_data(as_text=True))


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before, after, name: str, **labels) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def log_lines(capsys) -> list[dict]:
    """The JSON lines written to stderr since the last call."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]


def access_line(lines: list[dict], request_id: str) -> dict:
    [line] = [
        x for x in lines if x["logger"] == "fieldcase.access" and x["request_id"] == request_id
    ]
    return line


# --- readiness -----------------------------------------------------------------------------


def test_ready_answers_200_when_the_database_and_the_evidence_store_answer(client):
    r = client.get("/api/v1/ready")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok", "database": "ok", "storage": "ok"}


def test_ready_answers_503_naming_storage_when_the_evidence_folder_is_gone(make_app, tmp_path):
    media = tmp_path / "media"
    client = make_app(MEDIA_ROOT=str(media)).test_client()
    shutil.rmtree(media)  # an unmounted volume

    r = client.get("/api/v1/ready")

    assert r.status_code == 503
    assert r.get_json() == {"status": "unavailable", "database": "ok", "storage": "unreachable"}
    # Still alive: restarting the process would not bring the folder back.
    assert client.get("/api/v1/health").status_code == 200


def test_ready_answers_503_naming_storage_when_the_s3_bucket_is_missing(
    make_app, request, monkeypatch
):
    endpoint = request.getfixturevalue("s3_endpoint")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = make_app(
        EVIDENCE_STORE=f"s3://missing-{uuid.uuid4().hex}/evidence",
        S3_ENDPOINT_URL=endpoint,
        S3_REGION="us-east-1",
    ).test_client()

    r = client.get("/api/v1/ready")

    assert r.status_code == 503
    assert r.get_json()["storage"] == "unreachable"
    assert r.get_json()["database"] == "ok"


def unreachable(db_url: str, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'fieldcase.db'}"
    return sa.make_url(db_url).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)


def test_ready_and_health_answer_503_naming_the_database_when_it_is_unreachable(
    make_app, db_url, tmp_path, capsys
):
    client = make_app(
        migrated=False, SQLALCHEMY_DATABASE_URI=unreachable(db_url, tmp_path)
    ).test_client()
    log_lines(capsys)

    ready = client.get("/api/v1/ready", headers={"X-Request-ID": NGINX_ID})
    health = client.get("/api/v1/health")

    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable", "database": "unreachable", "storage": "ok"}
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable", "database": "unreachable"}
    # Why it failed is in the log (not in the answer), under the request's id.
    [warning] = [
        x for x in log_lines(capsys) if x["level"] == "WARNING" and x["request_id"] == NGINX_ID
    ]
    assert warning["message"].startswith("the database does not answer")


def test_health_and_ready_are_in_the_openapi_document_and_metrics_is_not(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/ready"]["get"]["responses"]) >= {"200", "503"}
    assert set(paths["/api/v1/health"]["get"]["responses"]) >= {"200", "503"}
    assert not any("metrics" in path for path in paths)


# --- request ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("sane", [NGINX_ID, "a", "req-1.2_B", "x" * 128])
def test_a_sane_request_id_is_kept_and_echoed(client, sane):
    assert (
        client.get("/api/v1/health", headers={"X-Request-ID": sane}).headers["X-Request-ID"] == sane
    )


def test_a_request_without_an_id_gets_a_new_one_each_time(client):
    first, second = (client.get("/api/v1/health").headers["X-Request-ID"] for _ in range(2))
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second


@pytest.mark.parametrize(
    "insane", ["", "x" * 129, "has space", "a;b", "../../etc", '{"json":1}', "id\tforged=1"]
)
def test_an_insane_request_id_is_replaced_and_never_repeated(client, capsys, insane):
    r = client.get("/api/v1/health", headers={"X-Request-ID": insane})
    echoed = r.headers["X-Request-ID"]
    assert echoed != insane and re.fullmatch(r"[0-9a-f]{32}", echoed)
    assert access_line(log_lines(capsys), echoed)["status"] == 200


def test_an_error_answer_carries_the_request_id_too(client):
    r = client.get("/api/v1/clues/not-a-uuid", headers={"X-Request-ID": NGINX_ID})
    assert r.status_code == 404
    assert r.headers["X-Request-ID"] == NGINX_ID


# --- the access log ------------------------------------------------------------------------


def test_each_request_writes_one_json_access_line_with_its_route_and_caller(
    app, world, login, capsys
):
    grid = login("grid_a")
    log_lines(capsys)

    r = grid.get("/api/v1/clues?mine=true", headers={"X-Request-ID": NGINX_ID})

    assert r.status_code == 200
    line = access_line(log_lines(capsys), NGINX_ID)
    stamp = dt.datetime.fromisoformat(line.pop("time"))
    assert stamp.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - stamp) < dt.timedelta(minutes=1)
    duration = line.pop("duration_ms")
    assert isinstance(duration, float) and 0 <= duration < 10_000
    assert line == {
        "level": "INFO",
        "logger": "fieldcase.access",
        "request_id": NGINX_ID,
        "message": f"GET /api/v1/clues 200 {duration} ms",
        "method": "GET",
        "path": "/api/v1/clues",  # never the query string
        "route": "/api/v1/clues",
        "status": 200,
        "remote_addr": "127.0.0.1",
        "user_id": world.users["grid_a"],
        "device_id": grid.device_id,
        "bytes_out": len(r.data),
    }


def test_the_access_line_of_a_push_counts_the_bytes_in_and_out(app, world, login, capsys):
    grid = login("grid_a")
    body = json.dumps({"mutations": [new_clue()]})
    log_lines(capsys)

    r = grid.post(
        PUSH, data=body, content_type="application/json", headers={"X-Request-ID": "push-1"}
    )

    line = access_line(log_lines(capsys), "push-1")
    assert (line["method"], line["route"], line["status"]) == ("POST", PUSH, 200)
    assert line["bytes_in"] == len(body.encode())
    assert line["bytes_out"] == len(r.data)
    assert line["user_id"] == world.users["grid_a"]


def test_an_anonymous_request_has_no_user_in_its_line_and_an_unknown_path_no_route(client, capsys):
    client.get("/api/v1/no-such-thing", headers={"X-Request-ID": "anon-1"})
    line = access_line(log_lines(capsys), "anon-1")
    assert line["status"] == 404
    assert "user_id" not in line and "device_id" not in line and "route" not in line


def test_behind_nginx_the_line_names_the_phone_not_the_proxy(make_app, capsys):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    log_lines(capsys)
    client.get(
        "/api/v1/health", headers={"X-Request-ID": "via-nginx", "X-Forwarded-For": "198.51.100.4"}
    )
    assert access_line(log_lines(capsys), "via-nginx")["remote_addr"] == "198.51.100.4"


def test_a_crash_logs_its_traceback_under_the_request_id_and_answers_500(
    make_app, monkeypatch, capsys
):
    app = make_app(PROPAGATE_EXCEPTIONS=False)  # as in production: answer, do not raise
    with app.app_context():
        build_world()
    token = (
        app.test_client()
        .post(
            "/api/v1/auth/login",
            json={"username": "grid_a", "password": PASSWORD, "device_id": str(uuid.uuid4())},
        )
        .get_json()["access_token"]
    )

    def broken(*_args, **_kwargs):
        raise RuntimeError("the pull broke")

    monkeypatch.setattr(pulling, "pull", broken)
    log_lines(capsys)

    r = app.test_client().get(
        "/api/v1/sync/pull",
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": NGINX_ID},
    )

    assert r.status_code == 500
    assert r.get_json()["message"] == "Internal server error"  # nothing of the cause
    assert r.headers["X-Request-ID"] == NGINX_ID
    lines = log_lines(capsys)
    [error] = [x for x in lines if x["level"] == "ERROR"]
    assert error["request_id"] == NGINX_ID
    assert "RuntimeError: the pull broke" in error["exc_info"]
    assert access_line(lines, NGINX_ID)["status"] == 500


def test_text_logs_are_one_readable_line_and_a_higher_level_silences_access(make_app, capsys):
    text = make_app(LOG_FORMAT="text").test_client()
    capsys.readouterr()
    text.get("/api/v1/health", headers={"X-Request-ID": "plain-1"})
    [line] = [x for x in capsys.readouterr().err.splitlines() if "plain-1" in x]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 INFO fieldcase\.access \[plain-1\] "
        r"GET /api/v1/health 200 \d+\.\d ms",
        line,
    )

    quiet = make_app(LOG_LEVEL="WARNING").test_client()
    capsys.readouterr()
    quiet.get("/api/v1/health")
    assert capsys.readouterr().err == ""


def test_an_unknown_log_format_or_level_stops_the_app_at_start(make_app):
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        make_app(migrated=False, LOG_FORMAT="xml")
    with pytest.raises(ValueError, match="LOUD"):
        make_app(migrated=False, LOG_LEVEL="LOUD")


# --- who may read /metrics -----------------------------------------------------------------


def test_metrics_answer_this_machine_and_nobody_else_when_no_token_is_set(client):
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 404
    for local in ("127.0.0.1", "::1"):
        r = client.get("/metrics", environ_base={"REMOTE_ADDR": local})
        assert r.status_code == 200, local
        assert r.mimetype == "text/plain"
        assert "fieldcase_sync_push_batches_total" in r.get_data(as_text=True)


def test_behind_nginx_metrics_see_the_real_client_not_the_proxy(make_app):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    r = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})  # nginx on loopback
    assert r.status_code == 404


def test_a_direct_request_claiming_to_be_loopback_is_not_believed(make_app):
    # An app server listening on all interfaces behind nginx: anyone who reaches it directly
    # could say X-Forwarded-For: 127.0.0.1 and read /metrics as this machine.
    client = make_app(TRUSTED_PROXIES=1).test_client()

    r = client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}, environ_base=OUTSIDE)

    assert r.status_code == 404
    nginx = make_app(TRUSTED_PROXIES=1, TRUSTED_PROXY_ADDRESSES="203.0.113.0/24").test_client()
    via = nginx.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}, environ_base=OUTSIDE)
    assert via.status_code == 200  # from a configured proxy the header is believed


def test_with_a_token_metrics_answer_only_the_scraper_bearing_it(make_app):
    client = make_app(METRICS_TOKEN="scrape-token-0123456789").test_client()

    def get(token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.get("/metrics", headers=headers, **kwargs).status_code

    assert get("scrape-token-0123456789", environ_base=OUTSIDE) == 200
    assert get("scrape-token-012345678", environ_base=OUTSIDE) == 404
    assert get("wrong", environ_base=OUTSIDE) == 404
    assert get() == 404  # a token is set: being on this machine is not enough


# --- what the metrics count ----------------------------------------------------------------


def test_a_push_moves_the_sync_counters_by_exactly_its_outcomes(client, world, login):
    clue = world.clues["clue_a"]
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    push(dispatcher, step(clue, "accept", 1))  # the reported facts lock (R6)
    create = new_clue()
    before = scrape(client)

    results = push(
        grid,
        create,  # applied
        edit(clue, 1, location=location(28.5912, 119.2711)),  # conflict: locked
        step(create["record_id"], "accept", 1),  # rejected: a grid worker may not accept
        {"id": str(uuid.uuid4()), "record_type": "clue"},  # rejected: invalid
    )

    assert [(r["outcome"], r.get("reason")) for r in results] == [
        ("applied", None),
        ("conflict", "locked"),
        ("rejected", "forbidden"),
        ("rejected", "invalid"),
    ]
    after = scrape(client)
    assert moved(before, after, "fieldcase_sync_push_batches_total") == 1
    assert moved(before, after, "fieldcase_sync_push_batch_size_count") == 1
    assert moved(before, after, "fieldcase_sync_push_batch_size_sum") == 4
    assert moved(before, after, "fieldcase_sync_push_batch_size_bucket", le="2.0") == 0
    assert moved(before, after, "fieldcase_sync_push_batch_size_bucket", le="5.0") == 1
    mutations = "fieldcase_sync_mutations_total"
    assert moved(before, after, mutations, record_type="clue", outcome="applied") == 1
    assert moved(before, after, mutations, record_type="clue", outcome="conflict") == 1
    assert moved(before, after, mutations, record_type="clue", outcome="rejected") == 1
    assert moved(before, after, mutations, record_type="unknown", outcome="rejected") == 1
    assert moved(before, after, "fieldcase_sync_conflicts_total", reason="locked") == 1
    assert moved(before, after, "fieldcase_sync_rejections_total", reason="forbidden") == 1
    assert moved(before, after, "fieldcase_sync_rejections_total", reason="invalid") == 1
    total = sum(v for (name, _), v in after.items() if name == mutations)
    assert total - sum(v for (name, _), v in before.items() if name == mutations) == 4
    latency = "fieldcase_http_request_duration_seconds_count"
    assert moved(before, after, latency, method="POST", route=PUSH, status="2xx") == 1

    # The create again (a phone that never got the answer): a replay, nothing applied.
    push(grid, create)
    again = scrape(client)
    assert moved(after, again, mutations, record_type="clue", outcome="replay") == 1
    assert moved(after, again, mutations, record_type="clue", outcome="applied") == 0


def test_a_pull_counts_each_page_and_the_records_sent(client, world, login):
    grid = login("grid_a")
    push(grid, new_clue(), new_clue())
    before = scrape(client)

    pulled = pull_all(grid, limit=2)

    after = scrape(client)
    assert len(pulled["pages"]) >= 2
    assert moved(before, after, "fieldcase_sync_pull_requests_total") == len(pulled["pages"])
    assert moved(before, after, "fieldcase_sync_pull_changes_total") == len(pulled["changes"])


def test_logins_are_counted_ok_failed_and_limited(make_app):
    app = make_app(LOGIN_USER_RATE_LIMIT="2 per minute")
    with app.app_context():
        build_world()
    client = app.test_client()
    before = scrape(client)

    def log_in(password):
        return client.post(
            "/api/v1/auth/login",
            json={"username": "grid_a", "password": password, "device_id": str(uuid.uuid4())},
        ).status_code

    assert [log_in(PASSWORD), log_in("wrong password"), log_in(PASSWORD)] == [200, 401, 429]
    after = scrape(client)
    for result in ("ok", "failed", "limited"):
        assert moved(before, after, "fieldcase_logins_total", result=result) == 1, result


def test_upload_bytes_and_the_verdict_on_each_finished_upload_are_counted(client, world, login):
    grid = login("grid_a")
    clue = world.clues["clue_a"]
    truncated = PHOTO[: len(PHOTO) * 2 // 3]
    before = scrape(client)

    done = upload(grid, record_evidence(grid, clue, PHOTO), PHOTO, chunk=50_000)
    refused = upload(grid, record_evidence(grid, clue, truncated), truncated)
    # The same bytes again cost nothing, and count nothing.
    again = upload(grid, record_evidence(grid, clue, PHOTO), PHOTO)

    assert done.status_code == 204 and again.status_code == 201
    assert refused.status_code == 422
    after = scrape(client)
    bytes_received = "fieldcase_upload_bytes_received_total"
    assert moved(before, after, bytes_received, tier="original") == len(PHOTO) + len(truncated)
    assert moved(before, after, bytes_received, tier="copy") == 0
    assert moved(before, after, "fieldcase_uploads_completed_total", result="verified") == 1
    assert moved(before, after, "fieldcase_uploads_completed_total", result="refused") == 1


# --- several workers: a real gunicorn ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float = 30.0, what: str = "gunicorn") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up in {timeout} s")


def counts_per_worker(folder: Path, route: str) -> dict[int, float]:
    """Each worker's own count of answered requests on ``route``, from its own file."""
    counts = {}
    for path in folder.glob("histogram_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        counts[pid] = sum(
            sample.value
            for family in multiprocess.MultiProcessCollector.merge([str(path)])
            for sample in family.samples
            if sample.name == "fieldcase_http_request_duration_seconds_count"
            and sample.labels.get("route") == route
        )
    return counts


def test_under_gunicorn_two_workers_count_into_one_metrics_page(make_app, db_url, tmp_path):
    app = make_app()
    with app.app_context():
        build_world()
        db.session.remove()
        db.engine.dispose()
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"a previous run's file")  # must be cleared at start
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "FIELDCASE_SECRET_KEY": "observability-" + uuid.uuid4().hex,
        "FIELDCASE_MEDIA_ROOT": str(tmp_path / "media"),
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        # Its own login-limit file, not the checkout's instance folder, which other servers
        # of the run may hold.
        "FIELDCASE_RATELIMIT_STORAGE_URI": shared_storage_uri(tmp_path),
    }
    env.pop("FIELDCASE_METRICS_TOKEN", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}", "--workers", "2", "server:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        try:  # on a machine busy with the rest of the run, starting takes its time
            wait_until(lambda: requests.get(f"{url}/api/v1/health", timeout=2).ok, timeout=90)
        except TimeoutError:
            raise AssertionError(f"gunicorn did not come up: {log.read_text()[-3000:]}") from None
        login = requests.post(
            f"{url}/api/v1/auth/login",
            json={"username": "grid_a", "password": PASSWORD, "device_id": str(uuid.uuid4())},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        create = new_clue()
        pushed = requests.post(
            f"{url}{PUSH}",
            json={"mutations": [create, step(create["record_id"], "accept", 1)]},
            headers=auth,
            timeout=30,
        )
        assert [r["outcome"] for r in pushed.json()["results"]] == ["applied", "rejected"]
        # Readiness checks, eight at a time, forty a round, until both workers have answered
        # some (the second may still be starting when the first answers).
        sent = 0
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            for _round in range(20):
                statuses = list(
                    pool.map(
                        lambda _: requests.get(f"{url}/api/v1/ready", timeout=10).status_code,
                        range(40),
                    )
                )
                assert statuses == [200] * 40
                sent += 40
                if sum(n > 0 for n in counts_per_worker(folder, "/api/v1/ready").values()) == 2:
                    break
        traced = requests.get(f"{url}/api/v1/health", headers={"X-Request-ID": NGINX_ID})
        assert traced.headers["X-Request-ID"] == NGINX_ID

        def scraped():
            r = requests.get(f"{url}/metrics", timeout=10)
            assert r.status_code == 200
            return parse_metrics(r.text)

        samples = scraped()
        ready = "fieldcase_http_request_duration_seconds_count"
        assert value(samples, ready, method="GET", route="/api/v1/ready", status="2xx") == sent
        assert value(samples, "fieldcase_logins_total", result="ok") == 1
        assert value(samples, "fieldcase_sync_push_batches_total") == 1
        mutations = "fieldcase_sync_mutations_total"
        assert value(samples, mutations, record_type="clue", outcome="applied") == 1
        assert value(samples, mutations, record_type="clue", outcome="rejected") == 1
        per_worker = counts_per_worker(folder, "/api/v1/ready")
        assert sum(per_worker.values()) == sent
        answered = [pid for pid, n in per_worker.items() if n > 0]
        assert len(answered) == 2, per_worker

        # A worker that exits (max_requests recycles them) takes none of its counts along.
        os.kill(answered[0], signal.SIGTERM)
        wait_until(
            lambda: len(counts_per_worker(folder, "/api/v1/ready")) == 3, what="a new worker"
        )
        samples = scraped()
        assert value(samples, ready, method="GET", route="/api/v1/ready", status="2xx") == sent
    finally:
        server.terminate()
        server.wait(timeout=30)

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert access_line(lines, NGINX_ID)["route"] == "/api/v1/health"
    # gunicorn's own lines are JSON too, and it writes no access line of its own.
    assert any(x["logger"] == "gunicorn.error" and "Booting worker" in x["message"] for x in lines)
    assert all(line.startswith("{") for line in log.read_text().splitlines()), log.read_text()
