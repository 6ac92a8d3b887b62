"""Prometheus metrics (prometheus_client): what whoever runs the server watches. Sync batches
and what became of each mutation, conflicts and rejections by reason, pulls, upload bytes
and verdicts, logins, and request latency by route. Each metric is defined here. The code
where the thing happens records it with one call.

Under gunicorn each worker is a process of its own. gunicorn.conf.py sets
``PROMETHEUS_MULTIPROC_DIR``, each worker writes its values to files there, and ``/metrics``
sums them, whichever worker answers. Without it (tests, ``flask run``) the values live in
this process.

``GET /metrics`` is outside the API and its OpenAPI document. It answers a request bearing
``FIELDCASE_METRICS_TOKEN`` or, with no token set, a request from this machine. Anything else
gets a 404.
"""

from __future__ import annotations

import collections
import contextlib
import hmac
import ipaddress
import os
from collections.abc import Iterator

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    multiprocess,
)
from prometheus_client.exposition import choose_encoder

from server.core.api import DomainError

# The *_created series double the output for nothing a scraper here uses (and multiprocess
# mode never has them): the same metrics with and without gunicorn.
disable_created_metrics()

# Decided when prometheus_client is imported, so read it at the same moment.
MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR" in os.environ
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "fieldcase_http_request_duration_seconds",
    "Time to answer a request, by method, route (the URL rule) and status class",
    ["method", "route", "status"],
    # A push of 500 mutations under load takes seconds; gunicorn gives up at 60.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
PUSH_BATCHES = Counter("fieldcase_sync_push_batches", "Push batches applied (committed)")
PUSH_BATCH_SIZE = Histogram(
    "fieldcase_sync_push_batch_size",
    "Mutations in a push batch",
    buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500),
)
MUTATIONS = Counter(
    "fieldcase_sync_mutations",
    "Pushed mutations by record type and outcome (applied, duplicate, merged, conflict, "
    "rejected, waiting, replay)",
    ["record_type", "outcome"],
)
CONFLICTS = Counter(
    "fieldcase_sync_conflicts",
    "Pushed mutations that conflicted, by reason (concurrent_edit, locked, id_conflict)",
    ["reason"],
)
REJECTIONS = Counter(
    "fieldcase_sync_rejections", "Pushed mutations rejected, by reason", ["reason"]
)
PULLS = Counter("fieldcase_sync_pull_requests", "Pull pages served")
PULL_CHANGES = Counter("fieldcase_sync_pull_changes", "Records sent by pulls")
UPLOAD_BYTES = Counter(
    "fieldcase_upload_bytes_received",
    "Evidence bytes received and stored by tus uploads, by tier (original, copy)",
    ["tier"],
)
UPLOADS_COMPLETED = Counter(
    "fieldcase_uploads_completed",
    "Uploads whose last byte came in, by what the checks found (verified, refused)",
    ["result"],
)
LOGINS = Counter("fieldcase_logins", "Password logins by result (ok, failed, limited)", ["result"])

# Known label values start at 0, so a rate over them exists before the first event.
for _tier in ("original", "copy"):
    UPLOAD_BYTES.labels(_tier)
for _result in ("verified", "refused"):
    UPLOADS_COMPLETED.labels(_result)
for _result in ("ok", "failed", "limited"):
    LOGINS.labels(_result)


# -- recording, one call where each thing happens -----------------------------------------


def observe_request(method: str, route: str | None, status: int, seconds: float) -> None:
    """Labels stay a small fixed set: the URL rule, never the path a client sent."""
    REQUEST_SECONDS.labels(
        method if method in _METHODS else "other", route or "unmatched", f"{status // 100}xx"
    ).observe(seconds)


def record_push(results: list[dict]) -> None:
    PUSH_BATCHES.inc()
    PUSH_BATCH_SIZE.observe(len(results))
    # Counted per distinct label set, not per mutation: a batch is up to 500 of them.
    # A replay (R1) repeats its first answer: counted as a replay, not as that outcome again.
    outcomes = collections.Counter(
        (r.get("record_type") or "unknown", "replay" if r.get("replay") else r["outcome"])
        for r in results
    )
    reasons = collections.Counter(
        (r["outcome"], r.get("reason") or "unknown")
        for r in results
        if r["outcome"] in ("conflict", "rejected") and not r.get("replay")
    )
    for (record_type, outcome), n in outcomes.items():
        MUTATIONS.labels(record_type, outcome).inc(n)
    for (outcome, reason), n in reasons.items():
        (CONFLICTS if outcome == "conflict" else REJECTIONS).labels(reason).inc(n)


def record_pull(changes: int) -> None:
    PULLS.inc()
    PULL_CHANGES.inc(changes)


def record_upload_bytes(tier: str, size: int) -> None:
    UPLOAD_BYTES.labels(tier).inc(size)


@contextlib.contextmanager
def upload_completion() -> Iterator[None]:
    """Around the checks of a finished upload: a refusal is raised as a ``DomainError``."""
    try:
        yield
    except DomainError:
        UPLOADS_COMPLETED.labels("refused").inc()
        raise
    UPLOADS_COMPLETED.labels("verified").inc()


def record_login(result: str) -> None:
    LOGINS.labels(result).inc()


def login_limited(_limit) -> None:
    """Flask-Limiter's ``on_breach``: a login refused by a rate limit."""
    record_login("limited")


# -- exposition ---------------------------------------------------------------------------

blp = Blueprint("metrics", __name__)


@blp.route("/metrics")
def exposition():
    """Prometheus text format (OpenMetrics when the scraper asks for it)."""
    if not _may_scrape():
        abort(404)
    registry = REGISTRY
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encode(registry), headers={"Content-Type": content_type})


def _may_scrape() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    if token:
        scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            presented.strip().encode(), token.encode()
        )
    return _loopback(request.remote_addr)


def _loopback(remote_addr: str | None) -> bool:
    """The client's address, after ProxyFix: behind nginx (FIELDCASE_TRUSTED_PROXIES=1) a
    request from outside never looks local."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback
