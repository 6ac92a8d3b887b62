"""Pushes that really run at the same time, on SQLite and PostgreSQL.

Each thread has its own test client on the same app, so each request has its own app
context, session and database connection; a barrier releases them together. On PostgreSQL
this exercises the row locks and the unique insert of the mutation log; on SQLite, writers
queue on BEGIN IMMEDIATE.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from server.audit import chain
from server.clues.models import Clue, ClueNote
from server.core.db import db
from server.sync_api.models import SyncMutation
from tests.server.sync_kit import (
    PUSH,
    QUIET,
    edit,
    new_clue,
    north_of,
    note,
    pull_all,
    push_one,
    step,
    view,
)

TIMEOUT_S = 60


def concurrently(app, *devices: tuple[str, Callable]) -> list[list[list[dict]]]:
    """Run each device's script from its own client, all released at once by a barrier.

    A device is (access token, script); the script gets ``push(batch) -> results`` and
    decides each batch from the answers so far, as a phone's outbox does. Returns, per
    device, the results of each of its pushes.
    """
    barrier = threading.Barrier(len(devices))
    answers: list = [None] * len(devices)

    def run(i: int, token: str, script: Callable):
        client = app.test_client()
        results: list[list[dict]] = []

        def push(batch: list[dict]) -> list[dict]:
            r = client.post(
                PUSH, json={"mutations": batch}, headers={"Authorization": f"Bearer {token}"}
            )
            assert r.status_code == 200, r.get_json()
            results.append(r.get_json()["results"])
            return results[-1]

        try:
            barrier.wait(TIMEOUT_S)
            script(push)
        except BaseException as exc:  # raised again below, in the test's own thread
            answers[i] = exc
            return
        answers[i] = results

    threads = [
        threading.Thread(target=run, args=(i, token, script))
        for i, (token, script) in enumerate(devices)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT_S)
        assert not t.is_alive(), "a push never finished"
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return answers


def chain_verifies(app) -> bool:
    with app.app_context():
        return chain.verify().ok


def test_the_same_batch_pushed_twice_at_once_is_applied_once(app, world, login):
    grid = login("grid_a")
    creates = [new_clue(at=north_of(QUIET, 1000 * i)) for i in range(3)]
    first_id = creates[0]["record_id"]
    batch = [
        *creates,
        edit(first_id, 1, description="补充：火已蔓延到田埂"),
        note(first_id, "附近还有一处"),
    ]
    with app.app_context():
        clues_before = db.session.execute(sa.select(sa.func.count(Clue.id))).scalar_one()

    # A retry sent while the first request is still in flight: same device, same outbox.
    def send(push):
        push(batch)

    [[one], [two]] = concurrently(app, (grid.token, send), (grid.token, send))

    for i, (a, b) in enumerate(zip(one, two, strict=True)):
        assert sorted([bool(a.get("replay")), bool(b.get("replay"))]) == [False, True], (i, a, b)
        applied, replay = (b, a) if a.get("replay") else (a, b)
        assert applied["outcome"] == "applied", (i, applied)
        assert {k: v for k, v in replay.items() if k != "replay"} == applied, i
    # Whichever answered first, its versions are those of one application of the batch.
    first_answer = two if one[0].get("replay") else one
    assert [r["version"] for r in first_answer] == [1, 1, 1, 2, 1]

    with app.app_context():
        ids = [uuid.UUID(m["record_id"]) for m in creates]
        assert (
            db.session.execute(sa.select(sa.func.count(Clue.id))).scalar_one() == clues_before + 3
        )
        versions = dict(
            db.session.execute(sa.select(Clue.id, Clue.version).where(Clue.id.in_(ids))).all()
        )
        assert versions == {ids[0]: 2, ids[1]: 1, ids[2]: 1}
        assert (
            db.session.execute(
                sa.select(sa.func.count(ClueNote.id)).where(ClueNote.clue_id == ids[0])
            ).scalar_one()
            == 1
        )
        logged = db.session.execute(
            sa.select(sa.func.count(SyncMutation.id)).where(
                SyncMutation.id.in_([uuid.UUID(m["id"]) for m in batch])
            )
        ).scalar_one()
        assert logged == len(batch)
    assert chain_verifies(app)
    held = {c["id"]: c for c in pull_all(grid)["changes"]}
    assert held[first_id]["version"] == 2
    assert held[first_id]["data"]["description"] == "补充：火已蔓延到田埂"


def test_two_devices_editing_one_clue_at_once_lose_no_update(app, world, login):
    clue_a = str(world.clues["clue_a"])
    reporter, dispatcher = login("grid_a"), login("dispatcher_a")
    rounds = 6
    matters = ("CG-001", "SR-001")

    # Each device edits its own field, round after round, from the version it last heard of
    # (it never pulls, so it learns the other's versions only from its own answers).
    def reporter_script(push):
        base = 1
        for i in range(rounds):
            [result] = push([edit(clue_a, base, description=f"描述第{i}版")])
            base = result["version"]

    def dispatcher_script(push):
        base = 1
        for i in range(rounds):
            batch = [edit(clue_a, base, matter_code=matters[i % 2])]
            if i == rounds // 2:
                # A transition racing with the reporter's edits: after it his reported
                # facts are locked, so his later edits become conflicts (R6).
                batch.append(step(clue_a, "accept", base))
            base = push(batch)[-1]["version"]

    reporter_pushes, dispatcher_pushes = concurrently(
        app, (reporter.token, reporter_script), (dispatcher.token, dispatcher_script)
    )

    reporter_results = [r for [r] in reporter_pushes]
    dispatcher_results = [r for batch in dispatcher_pushes for r in batch]
    assert all(r["outcome"] in ("applied", "merged") for r in dispatcher_results)
    for r in reporter_results:
        assert r["outcome"] in ("applied", "merged") or r["reason"] == "locked", r
    writes = [r for r in reporter_results + dispatcher_results if r["outcome"] != "conflict"]
    with app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_a))
        stored = (clue.version, clue.description, clue.matter.code, clue.status)
    # Each accepted write made exactly one new version: none was lost or given twice.
    assert sorted(r["version"] for r in writes) == list(range(2, 2 + len(writes)))
    assert stored[0] == 1 + len(writes)
    applied = [f"描述第{i}版" for i, r in enumerate(reporter_results) if r["outcome"] != "conflict"]
    original = "农户在田间焚烧秸秆"  # clue_payload() in tests/server/world.py
    assert stored[1] == (applied[-1] if applied else original), applied
    assert stored[2] == matters[(rounds - 1) % 2]
    assert stored[3] == "accepted"
    assert chain_verifies(app)


def test_a_change_committed_between_the_pulls_statements_is_not_skipped(app, world, login):
    """A pull reads each record type in its own statement. Under PostgreSQL's READ COMMITTED
    each statement sees what was committed when it began: a clue edit and a note committed
    together between the clue statement and the note statement put the note in the page and
    the cursor past the edit, and the device never received the edit (found by
    bench/chaos_sync.py). The pull now stops every statement at one committed change number.
    """
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's read transaction is one snapshot; a writer waits for it")
    grid, dispatcher = login("grid_a"), login("dispatcher_a")
    create = new_clue()
    clue_id = create["record_id"]
    push_one(grid, create)
    cursor = pull_all(dispatcher)["cursor"]

    puller = threading.get_ident()
    landed = []

    def another_phone_pushes():
        batch = [edit(clue_id, 1, description="两条语句之间提交的修改"), note(clue_id, "同批备注")]
        r = app.test_client().post(
            PUSH, json={"mutations": batch}, headers={"Authorization": f"Bearer {grid.token}"}
        )
        landed.extend(r.get_json()["results"])

    def between(conn, cursor_, statement, *args):
        if threading.get_ident() == puller and not landed and "FROM clue_note" in statement:
            t = threading.Thread(target=another_phone_pushes)
            t.start()
            t.join(TIMEOUT_S)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", between)
    try:
        first = pull_all(dispatcher, cursor)
    finally:
        sa.event.remove(engine, "before_cursor_execute", between)
    assert [r["outcome"] for r in landed] == ["applied", "applied"]

    rest = pull_all(dispatcher, first["cursor"])
    incremental = view(first["changes"] + rest["changes"])
    edited = incremental.get(("clue", str(clue_id)))
    assert edited is not None, "the edit was skipped: this device will never receive it"
    assert edited["data"]["description"] == "两条语句之间提交的修改"
    assert ("clue_note", landed[1]["record_id"]) in incremental
