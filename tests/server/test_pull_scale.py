"""What a pull costs: a grid worker's pull reads the index ranges of what he may see (his
grid, his own reports, their notes and photos), never the whole change sequence since his
cursor. Shown by the plans of the statements the pull really runs, on both databases."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import sqlalchemy as sa

from server.clues.models import Clue, ClueNote
from server.core.db import Counter, db
from server.evidence.models import Evidence
from tests.server.sync_kit import new_clue, note, pull_all, push

NOW = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
# The indexes of the change sequence alone: reading a range of one of them for a grid
# worker's pull is reading everything the county wrote since his cursor. (Probing one for
# the page's own seqs, once they are known, is not.)
SEQ_ONLY = re.compile(r"\bix_(clue|clue_note|evidence)_seq\b")
SEQ_RANGE = re.compile(r"\bseq ?> ?")
WHOLE_TABLE = re.compile(r"^(SCAN|Seq Scan on) (clue|clue_note|evidence)\b")


def _elsewhere(app, world, count: int) -> None:
    """``count`` clues in another township's grid, each with a note and a photo, written
    straight into the tables after everything else (the change sequence goes on)."""
    with app.app_context():
        seq = db.session.scalar(sa.select(Counter.value).where(Counter.name == "change"))
        unit_id = world.units["grid_b"].id
        reporter = world.users["grid_b"]
        matter_id = world.matters["SR-001"].id
        clues, notes, photos = [], [], []
        for n in range(count):
            clue_id = uuid.uuid4()
            clues.append(
                dict(id=clue_id, code=f"XS-T-{n:05d}", unit_id=unit_id, reporter_id=reporter,
                     matter_id=matter_id, lat=28.6, lng=119.3, geo_cell=1, accuracy_m=8.0,
                     fix_time=NOW, address="石练村", description="别处的线索",
                     dissuasion_done=False, status="reported", field_meta={},
                     updated_at=NOW, version=1, seq=seq + 3 * n + 1, created_at=NOW)
            )  # fmt: skip
            notes.append(
                dict(id=uuid.uuid4(), clue_id=clue_id, author_id=reporter, kind="note",
                     text="补充", late=False, version=1, seq=seq + 3 * n + 2, created_at=NOW)
            )  # fmt: skip
            photos.append(
                dict(id=uuid.uuid4(), clue_id=clue_id, author_id=reporter, kind="photo",
                     original_sha256=uuid.uuid4().hex * 2, original_size=1000,
                     original_media_type="image/jpeg", captured_at=NOW, status="included",
                     disagreements=[], late=False, field_meta={}, version=1,
                     seq=seq + 3 * n + 3, created_at=NOW)
            )  # fmt: skip
        db.session.execute(sa.insert(Clue), clues)
        db.session.execute(sa.insert(ClueNote), notes)
        db.session.execute(sa.insert(Evidence), photos)
        db.session.execute(
            sa.update(Counter).where(Counter.name == "change").values(value=seq + 3 * count)
        )
        db.session.commit()
        # The statistics a running server has (PRAGMA optimize, autovacuum).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def _plans(app, statements) -> list[str]:
    """Each statement's plan, as text. On PostgreSQL sequential scans are priced out: on a
    test's few hundred rows one is cheapest, on a county's millions it is not."""
    plans = []
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            postgres = db.engine.dialect.name == "postgresql"
            if postgres:
                cursor.execute("SET enable_seqscan = off")
            for statement, parameters in statements:
                cursor.execute(
                    ("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + statement, parameters
                )
                lines = [row[0] if postgres else row[-1] for row in cursor.fetchall()]
                plans.append("\n".join(line.strip(" ->") for line in lines))
        finally:
            raw.close()
    return plans


def test_a_grid_workers_pull_reads_what_he_may_see_not_every_change_since(app, world, login):
    grid_a = login("grid_a")
    cursor = pull_all(grid_a)["cursor"]
    _elsewhere(app, world, 300)
    mine = new_clue()
    push(grid_a, mine, note(mine["record_id"], "现场已劝离"))

    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if re.search(r"\bFROM (clue|clue_note|evidence)\b", statement) and ".seq" in statement:
            statements.append((statement, parameters))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", capture)
        try:
            changes = pull_all(grid_a, cursor)["changes"]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", capture)

    # His two changes, and nothing of the 900 elsewhere.
    assert [(c["record_type"], c["id"]) for c in changes] == [
        ("clue", mine["record_id"]),
        ("clue_note", changes[1]["id"]),
    ]
    assert statements, "the pull ran no statement on clues, notes or evidence"
    for (statement, _), plan in zip(statements, _plans(app, statements), strict=True):
        walks = SEQ_ONLY.search(plan) and SEQ_RANGE.search(plan)
        assert not walks, f"walks the change sequence:\n{statement}\n{plan}"
        for line in plan.splitlines():
            assert not WHOLE_TABLE.match(line), f"reads a whole table:\n{statement}\n{plan}"
