#!/usr/bin/env python3
"""A cold pull of 10,000 clues, fieldcase against Kinto, side by side on this machine.

    .venv/bin/python bench/pull_vs_kinto_bench.py [--records 10000] [--repeat 7]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/postgres] [--no-postgres]

Four servers run at once: fieldcase (gunicorn, the app as deployed) on SQLite and on a
fresh PostgreSQL database, Kinto (its own ``kinto start``, waitress) with its memory
backend and with its PostgreSQL backend in another fresh database. Kinto is installed
into this bench's own virtualenv (``bench/.kinto-venv``, made on first run, gitignored),
never into the project's.

fieldcase is loaded through its push (clues as a grid worker's phone sends them); what a
dispatcher's pull then returns as each clue's ``data`` is loaded into Kinto as its records
(through its batch endpoint), so both serve the same records. Each repetition is a cold
pull of every record in pages of 1,000 (fieldcase: cursor; Kinto: ``_sort=last_modified``
and its Next-Page links, as kinto-http does), the servers taken in turn so a busy moment
of the machine falls on all of them. Printed: the median time of a full pull, records/s,
raw and gzipped bytes a record, and fieldcase's ratio to Kinto on the same kind of
database; then the push, from the load (timed once, batches of 500 on both): records/s and
the same ratios.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_bench import PASSWORD, Client, clue_mutation, free_port  # noqa: E402

KINTO_VENV = ROOT / "bench" / ".kinto-venv"
KINTO_VERSION = "26.5.0"  # the one the issue measured
PUSH_BATCH = 500  # records a push (fieldcase) or a batch request (Kinto) while loading

KINTO_INI = """[app:main]
use = egg:kinto
kinto.storage_backend = kinto.core.storage.{backend}
kinto.storage_url = {url}
kinto.cache_backend = kinto.core.cache.memory
kinto.cache_url =
kinto.permission_backend = kinto.core.permission.{backend}
kinto.permission_url = {url}
kinto.userid_hmac_secret = {secret}
multiauth.policies = basicauth
kinto.bucket_create_principals = system.Authenticated
kinto.batch_max_requests = 1000

[server:main]
use = egg:waitress#main
host = 127.0.0.1
port = {port}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = plain

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = WARNING
formatter = plain

[formatter_plain]
format = %(message)s
"""


def kinto_bin() -> Path:
    """Kinto in the bench's own virtualenv, installed on first use."""
    binary = KINTO_VENV / "bin" / "kinto"
    if not binary.exists():
        print(f"# installing kinto {KINTO_VERSION} into {KINTO_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(KINTO_VENV)], check=True)
        subprocess.run(
            [
                str(KINTO_VENV / "bin" / "pip"),
                "install",
                "-q",
                f"kinto[postgresql]=={KINTO_VERSION}",
            ],
            check=True,
        )
    return binary


def wait_for(port: int, what: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"{what} exited ({process.returncode}) before it listened")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not listen on {port}")


def fresh_postgres(admin_url: str, prefix: str) -> tuple[str, str]:
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)
    return name, urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def analyse(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


class Fieldcase:
    def __init__(self, label: str, database_url: str, tmp: Path, workers: int):
        self.label, self.port = label, free_port()
        self.env = {
            **os.environ,
            "FIELDCASE_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "FIELDCASE_SECRET_KEY": uuid.uuid4().hex * 2,
            "FIELDCASE_MEDIA_ROOT": str(tmp / f"media-{self.port}"),
            "FIELDCASE_RATELIMIT_STORAGE_URI": (
                f"fieldcase+sqlite:///{tmp / f'ratelimits-{self.port}.sqlite3'}"
            ),
            "FIELDCASE_LOGIN_RATE_LIMIT": "10000 per minute",
            "FIELDCASE_LOGIN_USER_RATE_LIMIT": "10000 per minute",
        }
        from sync_bench import setup_database

        setup_database(self.env, devices=1)
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        command = [gunicorn, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        # A long timeout: on a busy machine a batch of 500 can outlast gunicorn's 30 s.
        command += ["--timeout", "600", "--log-level", "warning", "server:create_app()"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        wait_for(self.port, label, self.process)

    def load(self, records: int) -> None:
        phone = Client(self.port, "grid0")
        rng = random.Random(1)
        for start in range(0, records, PUSH_BATCH):
            batch = [clue_mutation(rng) for _ in range(min(PUSH_BATCH, records - start))]
            body = {"device_now": batch[0]["device_time"], "mutations": batch}
            _, answer, _ = phone.call("POST", "/api/v1/sync/push", body)
            bad = [r for r in answer["results"] if r["outcome"] != "applied"]
            if bad:
                raise SystemExit(f"{self.label}: push refused: {bad[0]}")

    def pull(self) -> tuple[list[dict], list[bytes]]:
        if not hasattr(self, "puller"):
            self.puller = Client(self.port, "dispatch")  # logged in before the clock starts
        puller = self.puller
        changes, pages, cursor = [], [], None
        while True:
            query = "/api/v1/sync/pull?limit=1000"
            if cursor:
                query += f"&cursor={urllib.parse.quote(cursor)}"
            _, page, raw = puller.call("GET", query)
            changes.extend(page["changes"])
            pages.append(raw)
            cursor = page["cursor"]
            if not page["more"]:
                return changes, pages

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


class Kinto:
    COLLECTION = "/v1/buckets/fieldcase/collections/clues"

    def __init__(self, label: str, backend: str, url: str, tmp: Path):
        self.label, self.port = label, free_port()
        ini = tmp / f"kinto-{self.port}.ini"
        ini.write_text(
            KINTO_INI.format(backend=backend, url=url, secret=uuid.uuid4().hex, port=self.port)
        )
        binary = kinto_bin()
        if backend == "postgresql":
            subprocess.run(
                [str(binary), "migrate", "--ini", str(ini)], check=True, capture_output=True
            )
        self.process = subprocess.Popen(
            [str(binary), "start", "--ini", str(ini)],
            cwd=tmp,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # its warnings about HTTPS, not about the bench
        )
        wait_for(self.port, label, self.process)
        token = base64.b64encode(b"bench:" + PASSWORD.encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)

    def call(self, method: str, path: str, body=None) -> tuple[dict, bytes, dict]:
        data = None if body is None else json.dumps(body).encode()
        self.conn.request(method, path, body=data, headers=self.headers)
        response = self.conn.getresponse()
        raw = response.read()
        if response.status >= 400:
            raise SystemExit(f"{self.label}: {method} {path}: {response.status} {raw[:300]!r}")
        return json.loads(raw), raw, dict(response.getheaders())

    def load(self, records: list[dict]) -> None:
        self.call("PUT", "/v1/buckets/fieldcase", {"data": {}})
        self.call("PUT", self.COLLECTION, {"data": {}})
        for start in range(0, len(records), PUSH_BATCH):
            requests = [
                {
                    "method": "PUT",
                    "path": f"{self.COLLECTION}/records/{r['id']}",
                    "body": {"data": r},
                }
                for r in records[start : start + PUSH_BATCH]
            ]
            answer, _, _ = self.call("POST", "/v1/batch", {"requests": requests})
            bad = [r for r in answer["responses"] if r["status"] >= 400]
            if bad:
                raise SystemExit(f"{self.label}: batch refused: {bad[0]}")

    def pull(self) -> tuple[list[dict], list[bytes]]:
        records, pages = [], []
        # A new connection: waitress closes one left idle for two minutes (while the other
        # servers load), and http.client would only learn it from the next request.
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        path = f"{self.COLLECTION}/records?_sort=last_modified&_limit=1000"
        while path:
            answer, raw, headers = self.call("GET", path)
            records.extend(answer["data"])
            pages.append(raw)
            link = headers.get("Next-Page")
            path = (
                urllib.parse.urlsplit(link)._replace(scheme="", netloc="").geturl()
                if link
                else None
            )
        return records, pages

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2, help="fieldcase's gunicorn workers")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "FIELDCASE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pull-vs-kinto-"))
    servers: list = []
    databases: list[str] = []
    try:
        kinto_bin()
        servers.append(
            Fieldcase("fieldcase SQLite", f"sqlite:///{tmp / 'fc.db'}", tmp, args.workers)
        )
        if not args.no_postgres:
            name, url = fresh_postgres(args.postgres_url, "fc_pull_bench")
            databases.append(name)
            servers.append(
                Fieldcase(
                    "fieldcase PostgreSQL",
                    url.replace("postgresql://", "postgresql+psycopg://", 1),
                    tmp,
                    args.workers,
                )
            )
        servers.append(Kinto("Kinto memory", "memory", "", tmp))
        if not args.no_postgres:
            name, url = fresh_postgres(args.postgres_url, "kinto_pull_bench")
            databases.append(name)
            servers.append(Kinto("Kinto PostgreSQL", "postgresql", url, tmp))

        records = None
        loaded: dict[str, float] = {}
        for server in servers:
            start = time.perf_counter()
            if isinstance(server, Fieldcase):
                server.load(args.records)
            else:
                server.load(records)
            loaded[server.label] = time.perf_counter() - start
            if records is None:
                changes, _ = server.pull()
                records = [{"id": c["id"], **c["data"]} for c in changes]
        for name in databases:
            # Autovacuum would analyse the fresh tables within a minute: do it now.
            analyse(
                urllib.parse.urlunsplit(
                    urllib.parse.urlsplit(args.postgres_url)._replace(path=f"/{name}")
                )
            )

        for server in servers:
            if isinstance(server, Fieldcase):
                # Logged in again: on a busy machine loading Kinto outlasted the first token.
                server.puller = Client(server.port, "dispatch")
        times: dict[str, list[float]] = {s.label: [] for s in servers}
        sizes: dict[str, tuple[int, int, int]] = {}
        for _ in range(args.repeat):
            for server in servers:
                start = time.perf_counter()
                got, pages = server.pull()
                times[server.label].append(time.perf_counter() - start)
                if len(got) != args.records:
                    raise SystemExit(f"{server.label}: pulled {len(got)} of {args.records}")
                raw = sum(len(p) for p in pages)
                sizes[server.label] = (len(got), raw, sum(len(gzip.compress(p, 6)) for p in pages))

        load = os.getloadavg()
        print(
            f"# cold pull of {args.records:,} clues in pages of 1,000, median of {args.repeat}"
            f" — {platform.node()}, {os.cpu_count()} cores, {platform.machine()},"
            f" {platform.system()} {platform.release()}, Python {platform.python_version()},"
            f" load average {load[0]:.1f}; fieldcase gunicorn {args.workers} workers,"
            f" Kinto {KINTO_VERSION} (waitress)"
        )
        print(f"{'server':22} {'median s':>8} {'records/s':>10} {'B/record':>9} {'gzip B/rec':>10}")
        rates = {}
        for server in servers:
            median = statistics.median(times[server.label])
            n, raw, gz = sizes[server.label]
            rates[server.label] = n / median
            print(
                f"{server.label:22} {median:8.2f} {n / median:10.0f} {raw / n:9.0f} {gz / n:10.0f}"
            )
        print(
            f"ratio fieldcase SQLite / Kinto memory: "
            f"{rates['fieldcase SQLite'] / rates['Kinto memory']:.2f}×"
        )
        if not args.no_postgres:
            print(
                f"ratio fieldcase PostgreSQL / Kinto PostgreSQL: "
                f"{rates['fieldcase PostgreSQL'] / rates['Kinto PostgreSQL']:.2f}×"
            )
        print(
            f"# push: the load above, once, in batches of {PUSH_BATCH} (fieldcase: a grid"
            f" worker's push of new clues; Kinto: PUTs in /v1/batch)"
        )
        pushed = {label: args.records / seconds for label, seconds in loaded.items()}
        for label, rate in pushed.items():
            print(f"{label:22} {loaded[label]:8.2f} {rate:10.0f}")
        print(
            f"push ratio fieldcase SQLite / Kinto memory: "
            f"{pushed['fieldcase SQLite'] / pushed['Kinto memory']:.2f}×"
        )
        if not args.no_postgres:
            print(
                f"push ratio fieldcase PostgreSQL / Kinto PostgreSQL: "
                f"{pushed['fieldcase PostgreSQL'] / pushed['Kinto PostgreSQL']:.2f}×"
            )
    finally:
        for server in servers:
            try:
                server.stop()
            except Exception as exc:  # keep stopping the others
                print(f"# stopping {server.label}: {exc!r}", file=sys.stderr)
        for name in databases:
            drop_postgres(args.postgres_url, name)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
