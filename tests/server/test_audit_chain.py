"""The audit log is append-only and hash-chained: editing, deleting or cutting off any
entry is detected, by the verify function and by the CLI."""

from __future__ import annotations

import itertools
import threading

import sqlalchemy as sa

from server.audit import chain as audit
from server.audit.models import AuditEntry
from server.core.db import db
from tests.server.test_sync_api import new_clue, push_one


def _entries(app) -> list[AuditEntry]:
    with app.app_context():
        return db.session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()


def _verify(app):
    with app.app_context():
        return audit.verify()


def test_logins_and_reports_are_chained_and_the_untouched_chain_verifies(app, world, login):
    grid = login("grid_a")
    push_one(grid, new_clue())
    entries = _entries(app)
    actions = [e.action for e in entries]
    assert "auth.login" in actions and "sync.create" in actions
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash and after.seq == before.seq + 1
    result = _verify(app)
    assert result.ok and result.checked == len(entries)
    cli = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert cli.exit_code == 0 and f"{len(entries)} entries verified" in cli.output


def _edit(app, seq: int, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(AuditEntry).where(AuditEntry.seq == seq).values(**values))
        db.session.commit()


def test_an_edited_entry_breaks_the_chain_at_that_entry(app, world, login):
    login("grid_a")
    target = _entries(app)[3].seq
    _edit(app, target, detail={"username": "someone else"})
    result = _verify(app)
    assert not result.ok
    assert (result.first_bad_seq, result.problem) == (target, "entry was altered")
    cli = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert cli.exit_code == 1 and f"entry {target}" in cli.output


def test_a_changed_actor_or_action_is_detected_too(app, world):
    target = _entries(app)[1].seq
    _edit(app, target, action="user.delete")
    assert _verify(app).first_bad_seq == target


def test_a_deleted_entry_in_the_middle_is_detected(app, world):
    target = _entries(app)[2].seq
    with app.app_context():
        db.session.execute(sa.delete(AuditEntry).where(AuditEntry.seq == target))
        db.session.commit()
    result = _verify(app)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, target, "entry missing")


def test_cutting_off_the_newest_entries_is_detected(app, world):
    last = _entries(app)[-1].seq
    with app.app_context():
        db.session.execute(sa.delete(AuditEntry).where(AuditEntry.seq == last))
        db.session.commit()
    result = _verify(app)
    assert not result.ok and result.first_bad_seq == last


def test_appends_from_concurrent_requests_keep_one_unbroken_chain(app, world):
    before = len(_entries(app))
    barrier = threading.Barrier(2)

    def writer(n: int) -> None:
        with app.app_context():
            barrier.wait()
            for i in range(25):
                audit.record("test.concurrent", "test", f"{n}-{i}", {"i": i})
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = _verify(app)
    assert result.ok and result.checked == before + 50
