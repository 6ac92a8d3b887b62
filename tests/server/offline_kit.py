"""Documents made offline (issue 22), as the tests drive them: the numbers a phone holds,
the copy it printed and its send. Shared by the offline documents' test modules (helpers
live in kits, never imported from another test module)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid


def reserve(session, kind: str | None = "correction_order") -> list[dict]:
    """The numbers the phone holds for ``kind`` (None: for every kind)."""
    r = session.post("/api/v1/documents/reservations")
    assert r.status_code == 200, r.get_json()
    return [x for x in r.get_json() if kind is None or x["kind"] == kind]


def printed(reservation: dict, **over) -> dict:
    """The copy a phone printed under ``reservation``: HTML naming its number and act code."""
    html = (
        f"<!doctype html><title>责令改正通知书</title><p>{reservation['doc_number']}</p>"
        f"<p>{reservation['act_code']}</p><p>张三</p>"
    )
    body = html.encode()
    copy = {
        "id": str(uuid.uuid4()),
        "reservation_id": reservation["id"],
        "kind": reservation["kind"],
        "html": html,
        "sha256": hashlib.sha256(body).hexdigest(),
        "size": len(body),
        "paper": "80mm",
        "printed_at": dt.datetime.now(dt.UTC).isoformat(),
        "party_refusal": "当事人拒绝签名",
    }
    return {**copy, **over}


def send(session, case_id, copy):
    return session.post(f"/api/v1/cases/{case_id}/offline-documents", json=copy)
