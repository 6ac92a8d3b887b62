"""A production-shaped stack on loopback, for tests and benchmarks: a real nginx (Debian's)
with nginx/fieldcase.conf.template rendered by envsubst, in front of several gunicorn
instances of the app sharing one database and one media folder. TLS with a self-signed
certificate made by openssl, as nginx/README.md describes."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from server.core.limits import shared_storage_uri

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEMPLATE_VARS = (
    "$FC_SERVER_NAME $FC_HTTP_PORT $FC_HTTPS_PORT $FC_TLS_CERT $FC_TLS_KEY "
    "$FC_PWA_DIST $FC_UPSTREAMS $FC_UPLOAD_UPSTREAMS $FC_PULL_UPSTREAMS $FC_SNIPPETS "
    "$FC_MAP_TILE_ORIGIN"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path, str]:
    """A certificate for localhost and 127.0.0.1, and its SPKI hash (base64 SHA-256), which
    Chromium can be told to trust (--ignore-certificate-errors-spki-list)."""
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    der = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True
    ).stdout
    spki = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"], input=der, check=True, capture_output=True
    ).stdout
    return cert, key, base64.b64encode(hashlib.sha256(spki).digest()).decode()


@dataclass
class Instance:
    port: int
    process: subprocess.Popen

    def kill(self) -> None:
        """SIGKILL to the master and its workers: a machine losing power, not a shutdown."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@dataclass
class Stack:
    folder: Path
    database_url: str
    instances: int = 2
    workers: int = 2
    # Instances for photo uploads alone (0: uploads share ``apps``), started under ``nice``
    # so that on a shared machine the records' requests get the CPU first.
    upload_instances: int = 0
    upload_workers: int = 2
    upload_nice: int = 10
    # Instances for pulls alone (0: pulls share ``apps``), under a milder ``nice``: a push
    # first, then a pull, then a photo.
    pull_instances: int = 0
    pull_workers: int = 2
    pull_nice: int = 5
    env: dict = field(default_factory=dict)
    apps: list[Instance] = field(default_factory=list)
    uploaders: list[Instance] = field(default_factory=list)
    pullers: list[Instance] = field(default_factory=list)

    def start(self) -> Stack:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.media = self.folder / "media"
        self.cert, self.key, self.spki = self_signed(self.folder)
        self.app_env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "FIELDCASE_SECRET_KEY": "stack-" + self.folder.name + "-0123456789abcdef0123456789",
            "FIELDCASE_MEDIA_ROOT": str(self.media),
            # This stack's own login limits: the default file is the instance folder's,
            # which every stack (and every run) would share.
            "FIELDCASE_RATELIMIT_STORAGE_URI": shared_storage_uri(self.folder),
            "FIELDCASE_TRUSTED_PROXIES": "1",
            **self.env,
        }
        for _ in range(self.instances):
            self.apps.append(_retry_ports(lambda: self._start_app(free_port())))
        for _ in range(self.upload_instances):
            self.uploaders.append(_retry_ports(lambda: self._start_app(free_port(), "uploads")))
        for _ in range(self.pull_instances):
            self.pullers.append(_retry_ports(lambda: self._start_app(free_port(), "pulls")))
        _retry_ports(self._start_front)
        return self

    def _start_front(self) -> None:
        self.https_port, self.http_port = free_port(), free_port()
        self._start_nginx()
        self.url = f"https://localhost:{self.https_port}"
        self._wait(lambda: self.get("/api/v1/health").status_code == 200, self.nginx)

    def _start_app(self, port: int, pool: str = "apps") -> Instance:
        workers, nice = {
            "apps": (self.workers, 0),
            "uploads": (self.upload_workers, self.upload_nice),
            "pulls": (self.pull_workers, self.pull_nice),
        }[pool]
        process = subprocess.Popen(
            [
                *(["nice", "-n", str(nice)] if nice else []),
                sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "server:create_app()",
            ],
            cwd=ROOT,
            env=self.app_env,
            stdout=open(self.folder / f"app-{port}.log", "wb"),  # noqa: SIM115 - the process owns it
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill takes the workers too
        )  # fmt: skip
        instance = Instance(port, process)
        self._wait(lambda: _answers(f"http://127.0.0.1:{port}/api/v1/health"), process)
        return instance

    def restart(self, instance: Instance) -> Instance:
        name, pool = next(
            (n, p)
            for n, p in (("apps", self.apps), ("uploads", self.uploaders), ("pulls", self.pullers))
            if instance in p
        )
        fresh = self._start_app(instance.port, name)
        pool[pool.index(instance)] = fresh
        return fresh

    def _start_nginx(self) -> None:
        conf = self.folder / "nginx"
        for sub in ("logs", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (conf / sub).mkdir(parents=True, exist_ok=True)

        def servers(instances):
            return " ".join(
                f"server 127.0.0.1:{a.port} max_fails=1 fail_timeout=10s;" for a in instances
            )

        values = {
            "FC_SERVER_NAME": "localhost",
            "FC_HTTP_PORT": str(self.http_port),
            "FC_HTTPS_PORT": str(self.https_port),
            "FC_TLS_CERT": str(self.cert),
            "FC_TLS_KEY": str(self.key),
            "FC_PWA_DIST": str(ROOT / "pwa" / "dist"),
            "FC_UPSTREAMS": servers(self.apps),
            "FC_UPLOAD_UPSTREAMS": servers(self.uploaders or self.apps),
            "FC_PULL_UPSTREAMS": servers(self.pullers or self.apps),
            "FC_SNIPPETS": str(ROOT / "nginx" / "snippets"),
            "FC_MAP_TILE_ORIGIN": "https://*.tianditu.gov.cn",
        }
        rendered = subprocess.run(
            ["envsubst", TEMPLATE_VARS],
            input=(ROOT / "nginx" / "fieldcase.conf.template").read_bytes(),
            env={**os.environ, **values},
            check=True,
            capture_output=True,
        ).stdout
        (conf / "fieldcase.conf").write_bytes(rendered)
        user = "user root;\n" if os.geteuid() == 0 else ""
        (conf / "nginx.conf").write_text(
            f"""{user}worker_processes 2;
error_log {conf}/logs/error.log warn;
pid {conf}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {conf}/logs/access.log;
    client_body_temp_path {conf}/body;
    proxy_temp_path {conf}/proxy;
    fastcgi_temp_path {conf}/fastcgi;
    uwsgi_temp_path {conf}/uwsgi;
    scgi_temp_path {conf}/scgi;
    include {conf}/fieldcase.conf;
}}
"""
        )
        args = [NGINX, "-p", str(conf), "-c", str(conf / "nginx.conf")]
        subprocess.run([*args, "-t", "-q"], check=True, capture_output=True)
        self.nginx = subprocess.Popen(
            [*args, "-g", "daemon off;"],
            stderr=open(conf / "logs" / "stderr.log", "wb"),  # noqa: SIM115
        )

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, verify=str(self.cert), timeout=30, **kwargs)

    def _wait(self, ready, process: subprocess.Popen, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:  # it died (a port taken meanwhile): try again
                raise PortTaken(f"exited with {process.returncode}; logs in {self.folder}")
            try:
                if ready():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"the stack did not come up; logs in {self.folder}")

    def stop(self) -> None:
        if getattr(self, "nginx", None):
            self.nginx.terminate()
            self.nginx.wait(timeout=10)
        for app in self.apps + self.uploaders + self.pullers:
            app.kill()


class PortTaken(RuntimeError):
    """A free port was taken by someone else between picking and binding it."""


def _retry_ports(start, attempts: int = 3):
    for attempt in range(attempts):
        try:
            return start()
        except PortTaken:
            if attempt == attempts - 1:
                raise
    return None


def _answers(url: str) -> bool:
    return requests.get(url, timeout=2).status_code == 200
