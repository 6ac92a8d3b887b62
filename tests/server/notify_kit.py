"""A stand-in for a notification channel's HTTP side (a gateway, a webhook, 政务钉钉's API):
a local server that records each request and answers as the test sets. The kit of the
notification and electronic-service tests, server and browser."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Stub:
    """A local HTTP server that records each request and answers what a test set."""

    def __init__(self):
        self.requests: list[dict] = []
        self.down = False
        self.answer: dict | None = None  # what to answer instead of an accepting errcode 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urllib.parse.urlsplit(self.path)
                stub.requests.append(
                    {
                        "method": self.command,
                        "path": url.path,
                        "query": dict(urllib.parse.parse_qsl(url.query)),
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                if stub.down:
                    self.send_response(503)
                    self.end_headers()
                    return
                answer = dict(stub.answer or {"errcode": 0, "errmsg": "ok"})
                if url.path == "/gettoken":
                    answer |= {"access_token": "TOKEN-1", "expires_in": 7200}
                if url.path.endswith("asyncsend_v2"):
                    answer |= {"task_id": 1}
                out = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
