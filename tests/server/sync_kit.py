"""Building mutations the way a device's outbox does, pushing and pulling them over HTTP,
and reading back what the server kept: the kit of the sync API's tests."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.clues.models import Clue
from server.core.db import db
from tests.server.world import clue_payload

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"

# Far (about 3 km) from the world's own clues, so that R8 links only what a test means it to.
QUIET = (28.62, 119.30)
METRES_PER_DEGREE_LAT = 111_195.0
GRID_B = "331123103201001"  # 石练村一网格, in township B (tests/server/world.py)


# --- building mutations the way a device's outbox does ------------------------------------------


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def location(lat: float, lng: float, fix_time: dt.datetime | None = None) -> dict:
    return {
        "lat": lat,
        "lng": lng,
        "accuracy_m": 8.0,
        "fix_time": (fix_time or now()).isoformat(),
    }


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres / METRES_PER_DEGREE_LAT, point[1]


def mutation(
    record_type: str,
    record_id,
    op: str,
    payload: dict | None = None,
    *,
    base_version: int | None = None,
    parent_id=None,
    device_time: dt.datetime | None = None,
) -> dict:
    m = {
        "id": str(uuid.uuid4()),
        "record_type": record_type,
        "record_id": str(record_id),
        "op": op,
        "payload": payload if payload is not None else {},
        "device_time": (device_time or now()).isoformat(),
    }
    if base_version is not None:
        m["base_version"] = base_version
    if parent_id is not None:
        m["parent_id"] = str(parent_id)
    return m


def new_clue(*, at: tuple[float, float] | None = QUIET, **overrides) -> dict:
    """A clue create as a grid worker's phone makes it (with a dissuasion record)."""
    body = clue_payload(**overrides)
    if at is not None and "location" not in overrides:
        body["location"] = location(*at)
    record_id = body.pop("id")
    device_time = dt.datetime.fromisoformat(body.pop("device_time"))
    return mutation("clue", record_id, "create", body, device_time=device_time)


def edit(record_id, base_version: int, **fields) -> dict:
    return mutation("clue", record_id, "update", fields, base_version=base_version)


def step(record_id, name: str, base_version: int | None = None, **args) -> dict:
    return mutation(
        "clue", record_id, "transition", {"name": name, "args": args}, base_version=base_version
    )


def note(clue_id, text: str, kind: str = "note") -> dict:
    return mutation(
        "clue_note", uuid.uuid4(), "create", {"kind": kind, "text": text}, parent_id=clue_id
    )


def resolve(conflict_id, keep: str) -> dict:
    return mutation(
        "conflict",
        conflict_id,
        "transition",
        {"name": "resolve", "args": {"keep": keep}},
        base_version=1,
    )


# --- talking to the server --------------------------------------------------------------------


def push(session, *mutations, device_now: dt.datetime | None = None) -> list[dict]:
    body: dict = {"mutations": list(mutations)}
    if device_now is not None:
        body["device_now"] = device_now.isoformat()
    r = session.post(PUSH, json=body)
    assert r.status_code == 200, r.get_json()
    results = r.get_json()["results"]
    assert [x["mutation_id"] for x in results] == [m["id"] for m in mutations]
    return results


def applied(results: list[dict]) -> list[dict]:
    """``results``, each of which must have been applied."""
    assert all(x["outcome"] == "applied" for x in results), results
    return results


def push_one(session, m: dict, **kwargs) -> dict:
    [result] = push(session, m, **kwargs)
    return result


def pull_page(session, cursor: str | None = None, limit: int | None = None):
    query = {}
    if cursor is not None:
        query["cursor"] = cursor
    if limit is not None:
        query["limit"] = limit
    return session.get(PULL, query_string=query)


def pull_all(session, cursor: str | None = None, limit: int | None = None) -> dict:
    """Every page from ``cursor`` on: the changes in order, the pages, the last cursor."""
    pages = []
    while True:
        r = pull_page(session, cursor, limit)
        assert r.status_code == 200, r.get_json()
        page = r.get_json()
        pages.append(page)
        cursor = page["cursor"]
        if not page["more"]:
            break
    changes = [c for page in pages for c in page["changes"]]
    return {"changes": changes, "pages": pages, "cursor": cursor}


def view(changes: list[dict]) -> dict[tuple[str, str], dict]:
    """What a device holds after applying ``changes`` in order: the latest of each record."""
    held: dict[tuple[str, str], dict] = {}
    for change in changes:
        held[change["record_type"], change["id"]] = change
    return held


def pulled(session, record_type: str, record_id) -> dict | None:
    return view(pull_all(session)["changes"]).get((record_type, str(record_id)))


def timeline(session, clue_id, limit: int | None = None) -> list[dict]:
    """The clue's whole timeline as the console shows it (read from the audit chain), every
    page of it."""
    entries, query = [], {} if limit is None else {"limit": limit}
    while True:
        r = session.get(f"/api/v1/clues/{clue_id}/timeline", query_string=query)
        assert r.status_code == 200, r.get_json()
        page = r.get_json()
        entries += page["entries"]
        if not page["more"]:
            return entries
        query["cursor"] = page["cursor"]


def clue_row(app, clue_id) -> dict:
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(str(clue_id)))
        assert clue is not None
        return {
            "version": clue.version,
            "status": clue.status,
            "matter": clue.matter.code,
            "lat": clue.lat,
            "description": clue.description,
            "clock_skew_s": clue.clock_skew_s,
            "taken_by": clue.taken_by,
        }


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.execute(
            sa.select(sa.func.count()).select_from(model).where(*where)
        ).scalar_one()


def audit_of(app, record_type: str, record_id) -> list[dict]:
    with app.app_context():
        entries = db.session.execute(
            sa.select(AuditEntry)
            .where(AuditEntry.record_type == record_type, AuditEntry.record_id == str(record_id))
            .order_by(AuditEntry.seq)
        ).scalars()
        return [{"action": e.action, "actor_id": e.actor_id, "detail": e.detail} for e in entries]
