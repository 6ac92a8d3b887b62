"""The field app's files (``pwa/dist``), so that ``make run`` is one server. In production
nginx serves them (issue 8) with the same caching rules: hashed assets forever, and the
service worker, the manifest and the page never from a cache without asking."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_from_directory
from werkzeug.routing import PathConverter

blp = Blueprint("web", __name__)

# The app's own origin only; blob: for photos taken on the phone, data: for Workbox;
# media-src blob: for a recording played from the phone's copy or fetched with the token,
# and a body camera's video played at the desk;
# 'wasm-unsafe-eval' lets the app compile its own WebAssembly (Argon2id, pwa/src/kdf.js):
# it allows no eval() of JavaScript, and the module still comes from 'self'.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; "
    "worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def csp() -> str:
    """The policy, with the base map's tile server let in for images when one is set."""
    from server.core.settings import tile_origin

    origin = tile_origin(current_app.config["MAP_TILE_URL"])
    if origin is None:
        return CSP
    return CSP.replace("img-src 'self' blob: data:", f"img-src 'self' blob: data: {origin}")


ALWAYS_ASK = {"index.html", "sw.js", "manifest.webmanifest", "robots.txt"}
# Text is sent gzipped to whoever accepts it: on a bad network the bytes are the time.
COMPRESSIBLE = (".js", ".css", ".html", ".webmanifest", ".json", ".svg", ".txt")


@functools.lru_cache(maxsize=64)
def _gzipped(path: Path, mtime_ns: int, size: int) -> bytes:  # the stat keys the cache
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)


def _compress(response, path: Path) -> None:
    response.vary.add("Accept-Encoding")
    if (
        response.status_code != 200
        or not path.name.endswith(COMPRESSIBLE)
        or "gzip" not in request.accept_encodings
    ):
        return
    stat = path.stat()
    body = _gzipped(path, stat.st_mtime_ns, stat.st_size)
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:  # another representation: another tag
        response.set_etag(f"{etag}-gzip", weak)


def _send(name: str):
    root = Path(current_app.config["PWA_DIST"])
    if not (root / "index.html").is_file():
        abort(404, description="the field app is not built: run `make run`")
    response = send_from_directory(root, name, max_age=0)  # 404 for anything not in dist
    if name.startswith("assets/"):
        # Vite puts a content hash in each name: a new version is a new URL.
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif name in ALWAYS_ASK:
        response.headers["Cache-Control"] = "no-cache"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/"
    if name.endswith(".webmanifest"):
        response.mimetype = "application/manifest+json"
    _compress(response, root / name)
    response.headers["Content-Security-Policy"] = csp()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@blp.route("/")
def index():
    return _send("index.html")


class AppPathConverter(PathConverter):
    """Any path but the API's: a request no API route takes stays the API's 404 or 405."""

    regex = r"(?!api/)[^/].*?"


@blp.record_once
def _converter(state):
    state.app.url_map.converters["app_path"] = AppPathConverter


@blp.route("/<app_path:name>")
def static_file(name: str):
    return _send(name)
