"""The audit log is append-only and hash-chained (DESIGN §3, §5): editing, deleting or
cutting off any entry is found, by ``server.audit.chain.verify`` and by
``flask --app server audit verify``; concurrent writers still leave one unbroken chain."""

from __future__ import annotations

import itertools
import threading
import uuid

import sqlalchemy as sa

from server.audit import chain as audit
from server.audit.models import AuditEntry
from server.core.db import db
from tests.server.world import clue_payload


def _entries(app) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        return list(entries)


def _verify(app) -> audit.Verification:
    with app.app_context():
        return audit.verify()


def _cli_verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _execute(app, statement) -> None:
    with app.app_context():
        assert db.session.execute(statement).rowcount == 1
        db.session.commit()


def _assert_chained(entries: list[AuditEntry]) -> None:
    assert entries[0].seq == 1 and entries[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(entries):
        assert (after.seq, after.prev_hash) == (before.seq + 1, before.hash)


def test_a_login_and_a_reported_clue_append_chained_entries_and_the_untouched_log_verifies(
    app, world, login
):
    before = _entries(app)
    grid = login("grid_a")
    clue = clue_payload()
    assert grid.post("/api/v1/clues", json=clue).status_code == 201

    entries = _entries(app)
    new = entries[len(before) :]
    assert [e.hash for e in entries[: len(before)]] == [e.hash for e in before]  # appended
    assert [(e.action, e.record_type, e.record_id) for e in new] == [
        ("device.register", "device", grid.device_id),  # a first login from this phone
        ("auth.login", "user", str(world.users["grid_a"])),
        ("sync.create", "clue", clue["id"]),
    ]
    assert {e.actor_id for e in new} == {world.users["grid_a"]}
    assert {str(e.device_id) for e in new} == {grid.device_id}
    _assert_chained(entries)

    result = _verify(app)
    assert (result.ok, result.checked, result.problem) == (True, len(entries), None)
    cli = _cli_verify(app)
    assert cli.exit_code == 0, cli.output
    assert f"audit chain intact: {len(entries)} entries verified" in cli.output


def test_an_entry_edited_in_the_database_breaks_the_chain_at_that_entry(app, world, login):
    login("grid_a")
    login("officer_a")  # entries after the one edited
    entries = _entries(app)
    target = next(
        e for e in entries if e.action == "auth.login" and e.actor_id == world.users["grid_a"]
    )
    assert target.seq < entries[-1].seq
    edits = {
        "detail": {"note": "added afterwards"},
        "action": "auth.logout",
        "actor_id": world.users["officer_a"],  # pinned on someone else
    }
    for column, value in edits.items():
        original = getattr(target, column)
        assert original != value
        where = sa.update(AuditEntry).where(AuditEntry.seq == target.seq)
        _execute(app, where.values({column: value}))

        result = _verify(app)
        assert (result.ok, result.first_bad_seq, result.checked) == (
            False,
            target.seq,
            target.seq - 1,
        ), column
        assert "altered" in result.problem, column
        cli = _cli_verify(app)
        assert cli.exit_code == 1, column
        assert f"AUDIT CHAIN BROKEN at entry {target.seq}" in cli.output
        assert "altered" in cli.output

        _execute(app, where.values({column: original}))  # put back: intact again
        assert _verify(app).ok, column


def test_an_edited_entry_given_a_fresh_hash_no_longer_links_to_the_next_one(app, world):
    entries = _entries(app)
    target = entries[len(entries) // 2]
    forged = {
        "seq": target.seq,
        "at": target.at.isoformat(),
        "actor_id": target.actor_id,
        "device_id": str(target.device_id) if target.device_id else None,
        "action": target.action,
        "record_type": target.record_type,
        "record_id": target.record_id,
        "detail": {"forged": True},
        "ip": target.ip,
        "prev_hash": target.prev_hash,
    }
    _execute(
        app,
        sa.update(AuditEntry)
        .where(AuditEntry.seq == target.seq)
        .values(detail={"forged": True}, hash=audit.entry_hash(**forged)),
    )
    result = _verify(app)
    assert (result.ok, result.first_bad_seq) == (False, target.seq + 1)
    assert "previous hash" in result.problem


def test_a_deleted_entry_in_the_middle_is_reported_missing(app, world):
    entries = _entries(app)
    target = entries[len(entries) // 2].seq
    _execute(app, sa.delete(AuditEntry).where(AuditEntry.seq == target))

    result = _verify(app)
    assert (result.ok, result.first_bad_seq, result.checked) == (False, target, target - 1)
    assert "missing" in result.problem
    cli = _cli_verify(app)
    assert cli.exit_code == 1 and f"at entry {target}" in cli.output


def test_cutting_off_the_newest_entry_is_caught_by_the_head(app, world):
    entries = _entries(app)
    last = entries[-1].seq
    _execute(app, sa.delete(AuditEntry).where(AuditEntry.seq == last))

    # What is left is a perfectly linked chain: only the head knows there was more.
    _assert_chained(entries[:-1])
    result = _verify(app)
    assert (result.ok, result.first_bad_seq, result.checked) == (False, last, last - 1)
    assert "missing" in result.problem
    cli = _cli_verify(app)
    assert cli.exit_code == 1 and f"at entry {last}" in cli.output


def test_concurrent_writers_with_their_own_sessions_leave_one_unbroken_chain(app, world):
    before = len(_entries(app))
    per_thread, threads = 25, 2
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []
    run = uuid.uuid4().hex[:8]

    def writer(n: int) -> None:
        try:
            with app.app_context():  # its own scoped session and connection
                barrier.wait()
                for i in range(per_thread):
                    audit.record("test.concurrent", "test", f"{run}-{n}-{i}", {"i": i})
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in workers)
    assert errors == []

    entries = _entries(app)
    assert len(entries) == before + threads * per_thread
    _assert_chained(entries)
    written = [e.record_id for e in entries if e.action == "test.concurrent"]
    assert sorted(written) == sorted(
        f"{run}-{n}-{i}" for n in range(threads) for i in range(per_thread)
    )
    # Each writer's own entries stay in the order it wrote them.
    for n in range(threads):
        mine = [r for r in written if r.startswith(f"{run}-{n}-")]
        assert mine == [f"{run}-{n}-{i}" for i in range(per_thread)]
    result = _verify(app)
    assert (result.ok, result.checked) == (True, before + threads * per_thread)
