"""The audit log is append-only and hash-chained (DESIGN §3, §5), one chain per township and
the county's: editing, deleting or cutting off any entry is found, and named by its chain,
by ``server.audit.chain.verify`` and by ``flask --app server audit verify``; each chain
verifies on its own; the county's chain seals the townships' heads; concurrent writers still
leave unbroken chains. (That a township's push does not wait for another's: see
test_change_numbers.py.)"""

from __future__ import annotations

import itertools
import json
import threading
import uuid

import pytest
import sqlalchemy as sa

from server.audit import chain as audit
from server.audit.models import AuditEntry, AuditHead
from server.core import migrate
from server.core.db import db
from tests.server.world import clue_payload

TOWN_A, TOWN_B = "331123102", "331123103"  # tests/server/world.py


def _entries(app, chain: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = sa.select(AuditEntry).order_by(AuditEntry.chain, AuditEntry.seq)
        if chain is not None:
            query = query.where(AuditEntry.chain == chain)
        return list(db.session.execute(query).scalars())


def _verify(app) -> audit.Verification:
    with app.app_context():
        return audit.verify()


def _cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["audit", *args])


def _execute(app, statement) -> None:
    with app.app_context():
        assert db.session.execute(statement).rowcount == 1
        db.session.commit()


def _assert_chained(entries: list[AuditEntry]) -> None:
    """Every chain among ``entries`` starts at 1 from its own genesis and links on."""
    for chain, group in itertools.groupby(entries, key=lambda e: e.chain):
        group = list(group)
        assert group[0].seq == 1 and group[0].prev_hash == audit.genesis(chain), chain
        for before, after in itertools.pairwise(group):
            assert (after.seq, after.prev_hash) == (before.seq + 1, before.hash), chain


def _broken(result: audit.Verification) -> dict[str, tuple[int, str]]:
    return {b.chain: (b.seq, b.problem) for b in result.breaks}


def _report(grid) -> dict:
    clue = clue_payload()
    assert grid.post("/api/v1/clues", json=clue).status_code == 201
    return clue


def test_a_login_and_a_reported_clue_append_to_the_chain_of_the_users_township(app, world, login):
    before = _entries(app)
    grid = login("grid_a")
    clue = _report(grid)

    entries = _entries(app)
    new = [e for e in entries if e.id not in {b.id for b in before}]
    assert [(e.chain, e.action, e.record_type, e.record_id) for e in new] == [
        (TOWN_A, "device.register", "device", grid.device_id),  # a first login from this phone
        (TOWN_A, "auth.login", "user", str(world.users["grid_a"])),
        (TOWN_A, "sync.create", "clue", clue["id"]),
    ]
    assert {e.actor_id for e in new} == {world.users["grid_a"]}
    assert {str(e.device_id) for e in new} == {grid.device_id}
    assert [e.hash for e in entries if e.id in {b.id for b in before}] == [e.hash for e in before]
    _assert_chained(entries)
    # The world's people were made from the command line (no user): the county's chain.
    assert {e.action for e in entries if e.chain == audit.COUNTY} == {"user.create"}

    result = _verify(app)
    assert (result.ok, result.checked, result.breaks) == (True, len(entries), [])
    assert result.chains == [audit.COUNTY, TOWN_A, TOWN_B]
    cli = _cli(app, "verify")
    assert cli.exit_code == 0, cli.output
    assert f"audit chain intact: {len(entries)} entries verified in 3 chains" in cli.output


def test_a_county_level_user_writes_to_the_countys_chain(app, world, login):
    county_length = len(_entries(app, audit.COUNTY))
    login("dispatcher_county")
    new = _entries(app, audit.COUNTY)[county_length:]
    assert [e.action for e in new] == ["device.register", "auth.login"]
    assert {e.actor_id for e in new} == {world.users["dispatcher_county"]}
    assert _verify(app).ok


def test_two_townships_chains_verify_independently_and_tampering_names_the_chain(app, world, login):
    for name in ("grid_a", "grid_b", "officer_a", "officer_b"):
        _report(login(name))
    town_a, town_b = _entries(app, TOWN_A), _entries(app, TOWN_B)
    # Each township numbers its own entries from 1, from its own genesis.
    assert [e.seq for e in town_a] == list(range(1, len(town_a) + 1))
    assert [e.seq for e in town_b] == list(range(1, len(town_b) + 1))
    assert audit.genesis(TOWN_A) != audit.genesis(TOWN_B) != audit.GENESIS

    target = town_a[len(town_a) // 2]
    _execute(app, sa.update(AuditEntry).where(AuditEntry.id == target.id).values(ip="10.0.0.9"))
    result = _verify(app)
    assert not result.ok
    # Township A is broken at that entry; township B and the county still verify, whole.
    assert _broken(result) == {TOWN_A: (target.seq, "entry was altered")}
    assert result.breaks[0].checked == target.seq - 1
    everything = len(_entries(app))
    assert result.checked == everything - (len(town_a) - target.seq + 1)
    cli = _cli(app, "verify")
    assert cli.exit_code == 1
    assert f"AUDIT CHAIN BROKEN: chain {TOWN_A} 大柘镇, at entry {target.seq}" in cli.output
    assert "altered" in cli.output and TOWN_B not in cli.output

    # Broken in both: each named at its own entry.
    other = town_b[0]
    _execute(app, sa.update(AuditEntry).where(AuditEntry.id == other.id).values(ip="10.0.0.9"))
    assert _broken(_verify(app)) == {
        TOWN_A: (target.seq, "entry was altered"),
        TOWN_B: (1, "entry was altered"),
    }


def test_an_entry_edited_in_the_database_breaks_its_chain_at_that_entry(app, world, login):
    login("grid_a")
    login("officer_a")  # entries after the one edited
    entries = _entries(app, TOWN_A)
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
        where = sa.update(AuditEntry).where(AuditEntry.id == target.id)
        _execute(app, where.values({column: value}))

        result = _verify(app)
        assert (result.ok, result.chain, result.first_bad_seq) == (False, TOWN_A, target.seq)
        assert result.breaks[0].checked == target.seq - 1, column
        assert "altered" in result.problem, column
        cli = _cli(app, "verify")
        assert cli.exit_code == 1, column
        assert f"chain {TOWN_A} 大柘镇, at entry {target.seq}: entry was altered" in cli.output

        _execute(app, where.values({column: original}))  # put back: intact again
        assert _verify(app).ok, column


def test_an_edited_entry_given_a_fresh_hash_no_longer_links_to_the_next_one(app, world, login):
    login("grid_a")
    entries = _entries(app, TOWN_A)
    target = entries[len(entries) // 2]
    forged = {**audit._fields_of(target), "detail": {"forged": True}}
    _execute(
        app,
        sa.update(AuditEntry)
        .where(AuditEntry.id == target.id)
        .values(detail={"forged": True}, hash=audit.entry_hash(**forged)),
    )
    result = _verify(app)
    assert (result.ok, result.chain, result.first_bad_seq) == (False, TOWN_A, target.seq + 1)
    assert "previous hash" in result.problem


def test_a_deleted_entry_in_the_middle_is_reported_missing(app, world):
    entries = _entries(app, audit.COUNTY)
    target = entries[len(entries) // 2]
    _execute(app, sa.delete(AuditEntry).where(AuditEntry.id == target.id))

    result = _verify(app)
    assert (result.ok, result.chain, result.first_bad_seq) == (False, audit.COUNTY, target.seq)
    assert result.breaks[0].checked == target.seq - 1
    assert "missing" in result.problem
    cli = _cli(app, "verify")
    assert cli.exit_code == 1 and f"chain the county's, at entry {target.seq}" in cli.output


def test_cutting_off_the_newest_entry_is_caught_by_the_head(app, world, login):
    login("grid_a")
    entries = _entries(app, TOWN_A)
    last = entries[-1]
    _execute(app, sa.delete(AuditEntry).where(AuditEntry.id == last.id))

    # What is left is a perfectly linked chain: only the head knows there was more.
    _assert_chained(entries[:-1])
    result = _verify(app)
    assert (result.ok, result.chain, result.first_bad_seq) == (False, TOWN_A, last.seq)
    assert "missing" in result.problem
    cli = _cli(app, "verify")
    assert cli.exit_code == 1 and f"chain {TOWN_A} 大柘镇, at entry {last.seq}" in cli.output


# -- the county's chain of township heads ---------------------------------------------------


def _seal(app) -> int | None:
    with app.app_context():
        seq = audit.seal()
        db.session.commit()
        return seq


def _heads(app) -> dict[str, dict]:
    with app.app_context():
        rows = db.session.execute(sa.select(AuditHead)).scalars()
        return {h.chain: {"seq": h.seq, "hash": h.hash} for h in rows if h.chain != "county"}


def test_the_countys_chain_seals_every_township_head_when_one_moved(app, world, login):
    _report(login("grid_a"))
    _report(login("grid_b"))
    heads = _heads(app)
    assert set(heads) == {TOWN_A, TOWN_B}
    assert _verify(app).unsealed == [TOWN_A, TOWN_B]

    seq = _seal(app)
    seal = _entries(app, audit.COUNTY)[-1]
    assert (seal.seq, seal.action, seal.actor_id) == (seq, "audit.seal", None)
    assert seal.detail == {"heads": heads}
    result = _verify(app)
    assert result.ok and result.unsealed == []
    assert _seal(app) is None  # nothing moved: no new seal

    _report(login("officer_b"))
    assert _verify(app).unsealed == [TOWN_B]
    cli = _cli(app, "verify")
    assert "seals the heads of 1 of 2 township chains; newer entries in 331123103" in cli.output
    sealed = _cli(app, "seal")
    assert (
        sealed.exit_code == 0 and f"sealed: entry {seq + 1} of the county's chain" in sealed.output
    )
    assert _entries(app, audit.COUNTY)[-1].detail == {"heads": _heads(app)}
    assert _verify(app).ok


def test_a_township_chain_rewritten_whole_is_caught_by_the_countys_seal(app, world, login):
    """Whoever can write the database can recompute one chain end to end, its head too: the
    chain alone then verifies. The county's seal still names the old hashes."""
    for name in ("grid_a", "officer_a"):
        _report(login(name))
    _seal(app)
    entries = _entries(app, TOWN_A)
    target = entries[1]
    with app.app_context():
        prev = audit.genesis(TOWN_A)
        for entry in _entries(app, TOWN_A):
            fields = {**audit._fields_of(entry), "prev_hash": prev}
            if entry.id == target.id:
                fields["detail"] = {"rewritten": True}
            new_hash = audit.entry_hash(**fields)
            db.session.execute(
                sa.update(AuditEntry)
                .where(AuditEntry.id == entry.id)
                .values(detail=fields["detail"], prev_hash=prev, hash=new_hash)
            )
            prev = new_hash
        db.session.execute(sa.update(AuditHead).where(AuditHead.chain == TOWN_A).values(hash=prev))
        db.session.commit()

    result = _verify(app)
    assert _broken(result) == {
        TOWN_A: (
            entries[-1].seq,
            f"not the entry the county's seal {_entries(app, audit.COUNTY)[-1].seq} recorded",
        )
    }


def test_sealed_entries_cut_off_a_township_chain_with_its_head_are_caught(app, world, login):
    _report(login("grid_a"))
    _seal(app)
    entries = _entries(app, TOWN_A)
    last = entries[-1]
    _execute(app, sa.delete(AuditEntry).where(AuditEntry.id == last.id))
    # The head moved back too: the township's chain alone looks whole.
    _execute(
        app,
        sa.update(AuditHead)
        .where(AuditHead.chain == TOWN_A)
        .values(seq=entries[-2].seq, hash=entries[-2].hash),
    )
    result = _verify(app)
    assert _broken(result) == {TOWN_A: (last.seq, "entries the county's chain sealed are missing")}

    # A whole township chain dropped, head and all, is missing too.
    with app.app_context():
        db.session.execute(sa.delete(AuditEntry).where(AuditEntry.chain == TOWN_A))
        db.session.execute(sa.delete(AuditHead).where(AuditHead.chain == TOWN_A))
        db.session.commit()
    assert _broken(_verify(app)) == {TOWN_A: (1, "entries the county's chain sealed are missing")}


# -- writers at once ------------------------------------------------------------------------


def test_concurrent_writers_with_their_own_sessions_leave_unbroken_chains(app, world):
    before = len(_entries(app))
    per_thread = 25
    errors: list[BaseException] = []
    run = uuid.uuid4().hex[:8]
    # Two writers on the county's chain (no user), two on township A's (its grid worker).
    actors = [None, None, world.users["grid_a"], world.users["grid_a"]]

    def writer(n: int) -> None:
        try:
            with app.app_context():  # its own scoped session and connection
                barrier.wait()
                for i in range(per_thread):
                    audit.record(
                        "test.concurrent", "test", f"{run}-{n}-{i}", {"i": i}, actor_id=actors[n]
                    )
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = len(actors)
    barrier = threading.Barrier(threads)
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
    written = [(e.chain, e.record_id) for e in entries if e.action == "test.concurrent"]
    assert sorted(r for _, r in written) == sorted(
        f"{run}-{n}-{i}" for n in range(threads) for i in range(per_thread)
    )
    for n in range(threads):
        mine = [(c, r) for c, r in written if r.startswith(f"{run}-{n}-")]
        # Each writer's entries are in its actor's chain, in the order it wrote them.
        chain = audit.COUNTY if actors[n] is None else TOWN_A
        assert mine == [(chain, f"{run}-{n}-{i}") for i in range(per_thread)]
    result = _verify(app)
    assert (result.ok, result.checked) == (True, before + threads * per_thread)


# -- from the single chain ------------------------------------------------------------------


def test_the_single_chain_of_before_becomes_the_countys_and_its_entries_still_verify(make_app):
    app = make_app(migrated=False)
    with app.app_context():
        migrate.upgrade("0011")
        prev, rows = audit.GENESIS, []
        for seq in (1, 2, 3):
            fields = {
                "seq": seq,
                "at": f"2026-11-0{seq}T08:00:00+00:00",
                "actor_id": None,
                "device_id": None,
                "action": "test.before",
                "record_type": None,
                "record_id": str(seq),
                "detail": {"n": seq},
                "ip": None,
                "prev_hash": prev,
            }
            prev = audit.entry_hash(**fields)
            rows.append({**fields, "hash": prev})
        with db.engine.begin() as conn:
            for row in rows:
                conn.execute(
                    sa.text(
                        "INSERT INTO audit_entry (seq, at, action, record_id, detail, "
                        "prev_hash, hash) VALUES (:seq, :at, :action, :record_id, :detail, "
                        ":prev_hash, :hash)"
                    ),
                    {
                        **row,
                        "at": row["at"].replace("T", " ").replace("+00:00", ""),
                        "detail": json.dumps(row["detail"]),
                    },
                )
            conn.execute(
                sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 3, :hash)"),
                {"hash": prev},
            )
        migrate.upgrade("head")

        entries = db.session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        assert [(e.chain, e.seq, e.hash) for e in entries] == [
            (audit.COUNTY, r["seq"], r["hash"]) for r in rows
        ]
        result = audit.verify()
        assert (result.ok, result.checked, result.chains) == (True, 3, [audit.COUNTY])
        # The county's chain goes on from where the single one stopped.
        audit.record("test.after")
        db.session.commit()
        assert (db.session.get(AuditHead, audit.COUNTY).seq, audit.verify().ok) == (4, True)

        db.session.commit()  # the migrations run on a connection of their own
        migrate.downgrade("0011")  # only the county's chain: it goes back as it was
        assert db.session.execute(sa.text("SELECT id, seq FROM audit_head")).one() == (1, 4)
        db.session.commit()
        migrate.upgrade("head")
        assert audit.verify().ok

        # Once a township has its chain, there is no single chain to go back to.
        audit.append_many(
            audit.lock_head("330101"), [audit.Entry("test.t", None, None, {}, None, None, None)]
        )
        db.session.commit()
        db.session.remove()
        with pytest.raises(RuntimeError, match="1 audit entries are in township chains"):
            migrate.downgrade("0011")


# -- the evidence export's chain proof --------------------------------------------------------


def _entry(chain: str, seq: int, prev_hash: str, action: str = "test.entry", **detail) -> dict:
    fields = {
        "seq": seq,
        "at": "2026-12-01T08:00:00+00:00",
        "actor_id": None,
        "device_id": None,
        "action": action,
        "record_type": "clue",
        "record_id": "c1",
        "detail": detail,
        "ip": None,
        "prev_hash": prev_hash,
    }
    return {**fields, "hash": audit.entry_hash(**fields), "chain": chain}


def _export(entries: list[dict]) -> bytes:
    """An export as the server writes it (server/evidence/api.py), around ``entries``."""
    import hashlib
    import io

    from server.evidence import export

    out = io.BytesIO()
    writer = export.ExportWriter(out)
    manifest = export.canonical_json({"format": export.FORMAT, "evidence": [], "audit": entries})
    writer.add_bytes(export.MANIFEST, manifest)
    sums = writer.finish_sums()
    entry = _entry(
        TOWN_A,
        9,
        "f" * 64,
        "evidence.export",
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
        sums_sha256=hashlib.sha256(sums).hexdigest(),
    )
    writer.add_bytes(export.ENTRY, export.canonical_json(entry), False)
    writer.close()
    return out.getvalue()


def test_an_export_checks_the_links_of_each_chain_apart():
    from server.evidence import export

    # Township A's entry 1 and the county's entry 2: numbers that follow each other, in
    # chains that do not. Then A's entry 2, which links to A's 1.
    a1 = _entry(TOWN_A, 1, audit.genesis(TOWN_A))
    county2 = _entry(audit.COUNTY, 2, "e" * 64)
    a2 = _entry(TOWN_A, 2, a1["hash"])
    report = export.verify(_export([a1, county2, a2]))
    assert (report.ok, report.audit_entries_checked) == (True, 3), report.problems

    broken = _entry(TOWN_A, 2, "d" * 64)  # says it follows A's 1, links elsewhere
    report = export.verify(_export([a1, county2, broken]))
    assert report.problems == [f"audit entry 2 of chain {TOWN_A}: chain link broken"]
