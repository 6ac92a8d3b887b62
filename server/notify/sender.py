"""Sending the outbox (``flask notify send``): after commit, one notification at a time.

Each is claimed with its row locked (``SKIP LOCKED`` on PostgreSQL: two senders never
send the same), sent, and its outcome committed before the next: a crash re-sends at most
the one in flight. A failure leaves it due again after a back-off that doubles
(``NOTIFY_RETRY_S``, at most six hours), until ``NOTIFY_MAX_ATTEMPTS``. Whether the person
may still see the record is asked again here: rights change between the push and the send.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app

from server.accounts.models import User
from server.core.db import db, utcnow
from server.notify import adapters
from server.notify.models import Notification
from server.notify.outbox import MODELS, sees

log = logging.getLogger("fieldcase.notify")
MAX_BACKOFF = dt.timedelta(hours=6)


def backoff(attempts: int, base_s: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: base, 2×base, 4×base… up to six hours."""
    return min(dt.timedelta(seconds=base_s * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def send_due(now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send what is due at ``now``; counts of sent, failed (to try again), given up."""
    config = current_app.config
    adapter = adapters.configured(config)
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    if adapter is None:
        return counts
    now = now or utcnow()
    seen: set[int] = set()
    for _ in range(limit):
        n = db.session.execute(
            sa.select(Notification)
            .where(Notification.next_attempt_at <= now, Notification.id.not_in(seen or {0}))
            .order_by(Notification.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if n is None:
            break
        seen.add(n.id)
        counts[_send_one(n, adapter, now, config)] += 1
        db.session.commit()
    db.session.commit()
    return counts


def _send_one(n: Notification, adapter, now: dt.datetime, config) -> str:
    user = db.session.get(User, n.user_id)
    if not user.active or not sees(MODELS[n.record_type], n.record_id, user):
        return _give_up(n, "no_access")
    if adapter.address(user) is None:
        return _give_up(n, "no_address")
    n.attempts += 1
    try:
        adapter.send(n, user)
    except adapters.SendError as exc:
        n.last_error = str(exc)[:300]
        if n.attempts >= config["NOTIFY_MAX_ATTEMPTS"]:
            n.next_attempt_at = None
            log.warning("notification %s given up after %s attempts: %s", n.id, n.attempts, exc)
            return "given_up"
        n.next_attempt_at = now + backoff(n.attempts, config["NOTIFY_RETRY_S"])
        log.info("notification %s not sent (attempt %s): %s", n.id, n.attempts, exc)
        return "failed"
    n.sent_at, n.next_attempt_at, n.last_error = now, None, None
    return "sent"


def _give_up(n: Notification, reason: str) -> str:
    n.next_attempt_at, n.last_error = None, reason
    return "given_up"
