"""Pushes of different townships run side by side: each takes its own township's audit chain
(test_audit_chain.py), and writes its rows with stand-in change numbers, taking the change
counter only at its very end, so the counter's row (held until commit, which keeps numbers
in commit order for the pull) is not held while a push does its work. On SQLite and
PostgreSQL."""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from server.audit import chain as audit
from server.clues.models import Clue
from server.core.db import (
    PROVISIONAL_FLOOR,
    Counter,
    db,
    number_changes,
    provisional_changes,
)
from server.evidence.models import Evidence
from tests.server.evidence_kit import phone_photo, record_evidence, upload
from tests.server.world import clue_payload

PHOTO = phone_photo()


def _committed_counter() -> int:
    return db.session.scalar(sa.select(Counter.value).where(Counter.name == "change"))


def test_a_push_gives_its_rows_real_numbers_after_the_last_one_in_the_order_written(
    app, world, login
):
    with app.app_context():
        before = _committed_counter()
    grid = login("grid_a")
    ids = []
    for i in range(3):
        # Kilometres apart: no possible duplicate (R8) moves an earlier one to the feed's end.
        body = clue_payload()
        body["location"] = {**body["location"], "lat": 28.2 + 0.05 * i}
        assert grid.post("/api/v1/clues", json=body).status_code == 201
        ids.append(uuid.UUID(body["id"]))
    with app.app_context():
        seqs = [db.session.scalar(sa.select(Clue.seq).where(Clue.id == i)) for i in ids]
        assert seqs == list(range(before + 1, before + 4))
        assert _committed_counter() == before + 3
        assert db.session.scalar(sa.select(sa.func.min(Clue.seq))) > 0


def test_stand_in_numbers_never_commit_and_go_with_a_rollback(app, world):
    with app.app_context():
        clue = db.session.get(Clue, world.clues["clue_a"])
        clue.seq = provisional_changes(1)
        assert clue.seq == PROVISIONAL_FLOOR + 1
        with pytest.raises(RuntimeError, match="number_changes"):
            db.session.commit()
        db.session.rollback()
        # Forgotten with the rollback: the next transaction starts afresh.
        assert provisional_changes(2) == PROVISIONAL_FLOOR + 2
        db.session.rollback()

        before = _committed_counter()
        clue = db.session.get(Clue, world.clues["clue_a"])
        clue.seq = provisional_changes(1)
        number_changes(Clue)
        db.session.commit()
        assert db.session.get(Clue, world.clues["clue_a"]).seq == before + 1 == _committed_counter()


def test_a_townships_push_in_flight_does_not_hold_up_another_townships(
    app, world, login, db_url, monkeypatch
):
    """Township A's push is stopped after writing its rows and audit entries, before it
    commits: township B's push goes through meanwhile. It would wait if A held a head B
    needs (one audit chain for all) or the change counter (taken before the rows)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time")
    grid_a, grid_b = login("grid_a"), login("grid_b")
    written, go_on = threading.Event(), threading.Event()
    append_many = audit.append_many
    grid_a_id = world.users["grid_a"]

    def pausing(head, entries, at=None):
        append_many(head, entries, at=at)
        if entries[0].actor_id == grid_a_id:  # A's rows are written: it holds all it will
            written.set()
            go_on.wait(120)

    monkeypatch.setattr(audit, "append_many", pausing)
    done: dict[str, int] = {}

    def push(name: str, grid) -> None:
        done[name] = grid.post("/api/v1/clues", json=clue_payload()).status_code

    a = threading.Thread(target=push, args=("a", grid_a))
    b = threading.Thread(target=push, args=("b", grid_b))
    a.start()
    try:
        assert written.wait(60)
        b.start()
        b.join(60)
        assert done == {"b": 201}  # B committed while A was still in flight
    finally:
        go_on.set()
        for t in (a, b):
            if t.ident is not None:
                t.join(60)
    assert done == {"a": 201, "b": 201}
    with app.app_context():
        seqs = db.session.execute(sa.select(Clue.seq).order_by(Clue.seq)).scalars().all()
        assert len(seqs) == len(set(seqs)) and seqs[-1] == _committed_counter()


def test_a_photo_completing_in_one_township_does_not_hold_up_anothers_push(
    app, world, login, db_url, monkeypatch
):
    """A photo's last byte is in and verified in township A, its transaction stopped after
    its audit entries, before it commits: township B's push goes through meanwhile. It
    waited when the photo's change number was taken in the middle (the counter is every
    push's, held to commit), behind an upload worker that runs under ``nice``."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time")
    grid_a, grid_b = login("grid_a"), login("grid_b")
    evidence_id = record_evidence(grid_a, world.clues["clue_a"], PHOTO)
    written, go_on = threading.Event(), threading.Event()
    record = audit.record

    def pausing(action, *args, **kwargs):
        entry = record(action, *args, **kwargs)
        if action == "evidence.verified":  # the photo is held: it holds all it will
            written.set()
            go_on.wait(120)
        return entry

    monkeypatch.setattr(audit, "record", pausing)
    done: dict[str, int] = {}

    def send_photo() -> None:
        done["photo"] = upload(grid_a, evidence_id, PHOTO).status_code

    def push_b() -> None:
        done["push"] = grid_b.post("/api/v1/clues", json=clue_payload()).status_code

    a = threading.Thread(target=send_photo)
    b = threading.Thread(target=push_b)
    a.start()
    try:
        assert written.wait(60)
        b.start()
        b.join(60)
        assert done == {"push": 201}  # B committed while the photo was still in flight
    finally:
        go_on.set()
        for t in (a, b):
            if t.ident is not None:
                t.join(60)
    assert done == {"photo": 204, "push": 201}
    with app.app_context():
        seq = db.session.scalar(
            sa.select(Evidence.seq).where(Evidence.id == uuid.UUID(evidence_id))
        )
        assert seq == _committed_counter()  # the photo's change came after B's
