"""Logs: every record on stderr, one JSON object a line (python-json-logger) or plain text,
each stamped with the id of the request it was written for. Configured here only
(``FIELDCASE_LOG_FORMAT``, ``FIELDCASE_LOG_LEVEL``); gunicorn.conf.py gives gunicorn's own
lines the same format.

The request id is nginx's ``$request_id`` when nginx is in front (it sends ``X-Request-ID``),
so one phone's failed push can be followed from nginx's log through every line it caused here.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter

FORMATS = ("json", "text")
HANDLER_NAME = "fieldcase"
_JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
_TEXT_LINE = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
# Libraries that talk at INFO about nothing an operator needs (alembic: seven lines per
# worker start, naming its plugins).
_QUIET = {"alembic.runtime.plugins": logging.WARNING}


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served (none outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")
        return True


class _UtcTime:
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")


class _Json(_UtcTime, JsonFormatter):
    pass


class _Text(_UtcTime, logging.Formatter):
    pass


def formatter(fmt: str) -> logging.Formatter:
    """``json``: ``{"time", "level", "logger", "request_id", "message", ...extra fields}``;
    ``text``: the same on one readable line, without the extra fields."""
    if fmt == "json":
        return _Json(_JSON_FIELDS, rename_fields=_RENAMED, json_ensure_ascii=False)
    if fmt == "text":
        return _Text(_TEXT_LINE, defaults={"request_id": "-"})
    raise ValueError(f"FIELDCASE_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")


class _Stderr(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is when a record comes (as logging's own last-resort
    handler does), so a test capturing stderr sees what gunicorn's stderr would get."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr


def configure(fmt: str, level: str) -> None:
    """Send every record from ``level`` up (the app's, the libraries') to stderr in ``fmt``.
    Called by each ``create_app``: it replaces the handler it added before, never adds a
    second one."""
    handler = _Stderr()
    handler.name = HANDLER_NAME
    handler.setFormatter(formatter(fmt))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.setLevel(level.upper())  # an unknown level name raises: found at start, not later
    for old in [h for h in root.handlers if h.name == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    for name, quiet_level in _QUIET.items():
        logging.getLogger(name).setLevel(quiet_level)
