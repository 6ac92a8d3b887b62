"""Every request gets an id, one access log line and its duration in the metrics.

The id is the ``X-Request-ID`` nginx sends (its ``$request_id``: 32 hex digits) when it looks
like an id, else a new one. It is kept in ``g.request_id``, stamped on every log record written
while the request is served (``logs.RequestIdFilter``) and echoed in the answer's
``X-Request-ID``, so a user's report can quote it. gunicorn's own access log is off
(gunicorn.conf.py): this line replaces it.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

import sqlalchemy as sa
from flask import Flask, Response, g, request

from server.core import metrics

log = logging.getLogger("fieldcase.access")
HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def init_app(app: Flask) -> None:
    """Register before every other hook: the id then exists before anything else can log,
    and the line is written last, with the answer as it leaves."""
    app.before_request(_begin)
    app.after_request(_end)


def _begin() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get(HEADER, "")
    # Anything else (a log-injection attempt, a kilobyte of junk) is not repeated anywhere.
    g.request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex


def _end(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    response.headers[HEADER] = g.setdefault("request_id", uuid.uuid4().hex)
    if response.status_code == 204:
        # No content, so no content type (Flask would label the empty body text/html).
        response.headers.pop("Content-Type", None)
    route = request.url_rule.rule if request.url_rule is not None else None
    metrics.observe_request(request.method, route, response.status_code, seconds)
    duration_ms = round(seconds * 1000, 1)
    fields = {
        "method": request.method,
        "path": request.path,
        "route": route,
        "status": response.status_code,
        "duration_ms": duration_ms,
        "remote_addr": request.remote_addr,
        "user_id": _key(g.get("user")),
        "device_id": _key(g.get("device")),
        "bytes_in": request.content_length,
        "bytes_out": response.content_length,  # none for a streamed file
    }
    log.info(
        "%s %s %s %.1f ms",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        extra={name: value for name, value in fields.items() if value is not None},
    )
    return response


def _key(row) -> int | str | None:
    """The primary key of the user or device ``authenticate()`` left in ``g``, from the
    session's identity map: reading ``row.id`` after the view committed would be a query."""
    identity = sa.inspect(row).identity if row is not None else None
    if not identity:
        return None
    return identity[0] if isinstance(identity[0], int) else str(identity[0])
