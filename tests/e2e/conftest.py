"""End-to-end: the field app in Debian's Chromium (Playwright), against the real server on a
loopback port, with the demo county loaded. On SQLite, and on PostgreSQL when configured.
(Chromium itself, and skipping without it, are set up in tests/conftest.py.)
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e.phone import Phone

DIST = Path(__file__).resolve().parents[2] / "pwa" / "dist"


# The app's own access log names every request; werkzeug's second line for each only buries
# a failure's message under its own.
logging.getLogger("werkzeug").setLevel(logging.WARNING)


class Live:
    """The app on a real threaded HTTP server, on a free loopback port."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def dist(tmp_path) -> Path:
    """A copy of the built app, so a test can ship a 'new version' of it."""
    copy = tmp_path / "dist"
    shutil.copytree(DIST, copy)
    return copy


@pytest.fixture
def county(make_app, dist, demo_county):
    # Limits stay on (Flask-Limiter's switch is process-wide); a test logs in a few times.
    app = make_app(
        template=demo_county,
        PWA_DIST=str(dist),
        LOGIN_RATE_LIMIT="100 per minute",
        LOGIN_USER_RATE_LIMIT="20 per minute",
    )
    live = Live(app)
    yield live
    live.stop()


@pytest.fixture
def phones(browser_type, browser_type_launch_args, tmp_path, county):
    made = []

    def make(name: str, url: str | None = None, **kwargs) -> Phone:
        phone = Phone(
            browser_type,
            browser_type_launch_args,
            tmp_path / f"profile-{name}",
            url or county.url,
            **kwargs,
        )
        made.append(phone)
        return phone

    yield make
    for phone in made:
        if phone.ctx is not None:
            phone.ctx.close()
        assert not phone.errors, phone.errors  # no uncaught error in the app, ever


class CuttingProxy:
    """A TCP proxy in front of the server that can cut one upload's connection mid-body:
    the browser sees a dead connection exactly as on a mountain road."""

    def __init__(self, target_port: int):
        self.target = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.cut_after: int | None = None  # bytes of a PATCH body, then cut (once)
        self.cuts = 0
        self.patch_offsets: list[int] = []
        self.lock = threading.Lock()
        self.settled = threading.Event()
        self.settled.set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        # After a cut, no new request passes until the server has finished with the cut one:
        # the client's retry then sees what the server kept, whatever the machine's load.
        self.settled.wait(timeout=30)
        upstream = socket.create_connection(("127.0.0.1", self.target))
        back = threading.Thread(target=self._pipe, args=(upstream, client), daemon=True)
        back.start()
        try:
            self._requests(client, upstream, back)
        finally:
            for s in (client, upstream):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def _requests(self, client, upstream, back):
        buffered = b""
        while True:
            data = client.recv(65536)
            if not data:
                return
            buffered += data
            head_end = buffered.find(b"\r\n\r\n")
            maybe_patch = buffered.startswith(b"PATCH") or b"PATCH".startswith(buffered)
            if head_end < 0 and maybe_patch and len(buffered) < 65536:
                continue  # a PATCH head split across reads: wait for the rest of it
            if head_end < 0 or not buffered.startswith(b"PATCH /api/v1/uploads/"):
                upstream.sendall(buffered)
                buffered = b""
                continue
            head = buffered[: head_end + 4].decode("latin-1")
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in head.split("\r\n")[1:])
            }
            with self.lock:
                self.patch_offsets.append(int(headers.get("upload-offset", "-1")))
                cut = self.cut_after
                if cut is not None:
                    self.cut_after = None
            if cut is None:
                upstream.sendall(buffered)
                buffered = b""
                continue
            # Send the head and `cut` bytes of the body, then drop both connections.
            body = buffered[head_end + 4 :]
            while len(body) < cut:
                more = client.recv(65536)
                if not more:
                    break
                body += more
            self.settled.clear()
            upstream.sendall(buffered[: head_end + 4] + body[:cut])
            client.close()  # the phone sees its connection die mid-body
            with contextlib.suppress(OSError):
                upstream.shutdown(socket.SHUT_WR)  # the server sees the body end short
            back.join(timeout=30)  # until the server has answered or closed: it kept them
            with self.lock:
                self.cuts += 1
            self.settled.set()
            return

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

    def close(self):
        self.listener.close()
