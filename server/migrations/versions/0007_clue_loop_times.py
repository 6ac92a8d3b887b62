"""clues record when the command room answered, the officer handled, the loop closed

The closed-loop dashboard (响应率, 处置率, 满意率, response time, overdue) needs each clue's
times: ``responded_at`` (accepted, rejected, marked duplicate or transferred), ``handled_at``
and ``closed_at``, stamped by the workflow's transitions from now on. Clues already in the
database get them from the mutation log: the first applied transition of that name for the
clue, at the time the server received it (the same clock the transitions stamp with).
``return_comment`` holds what the command room asks for when it sends a report back.

An index on (unit_id, created_at) with the columns the dashboard counts serves a unit's clues
reported in a period from the index alone; it replaces the index on unit_id.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Which transition stamps which time (sync.workflow, as of this revision).
STAMPS = {
    "accept": "responded_at",
    "reject": "responded_at",
    "mark_duplicate": "responded_at",
    "transfer": "responded_at",
    "handle": "handled_at",
    "close": "closed_at",
}
BATCH = 5000
# A unit's clues in a period, with every column the dashboard counts: read from the index
# alone (index-only scans), not from rows spread over the whole table.
INDEXED = (
    "unit_id",
    "created_at",
    "status",
    "responded_at",
    "handled_at",
    "deadline",
    "rating",
    "dissuasion_result",
    "taken_by",
    "matter_id",
)


def upgrade() -> None:
    with op.batch_alter_table("clue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    _backfill_times()
    # After the backfill, which then writes to one index fewer. The new index starts with
    # unit_id: the old one on unit_id alone has nothing left to do.
    with op.batch_alter_table("clue", schema=None) as batch_op:
        batch_op.create_index("ix_clue_unit_created", [*INDEXED], unique=False)
        batch_op.drop_index("ix_clue_unit_id")


def _backfill_times() -> None:
    """Stream the log's applied clue transitions clue by clue, in receipt order (the
    payload is JSON: its ``name`` is read here, the same on SQLite and PostgreSQL), and
    write each clue the first time of each stamp it does not have, a batch of clues at a
    time: one pass over the log, and memory for a batch, however long the log."""
    log = sa.table(
        "sync_mutation",
        sa.column("record_type", sa.String()),
        sa.column("record_id", sa.Uuid()),
        sa.column("op", sa.String()),
        sa.column("outcome", sa.String()),
        sa.column("payload", sa.JSON()),
        sa.column("received_at", sa.DateTime(timezone=True)),
    )
    clue = sa.table(
        "clue",
        sa.column("id", sa.Uuid()),
        *(sa.column(column, sa.DateTime(timezone=True)) for column in set(STAMPS.values())),
    )
    bind = op.get_bind()

    def write(batch: list[tuple]) -> None:
        for column in sorted(set(STAMPS.values())):
            stamped = [{"clue_id": cid, "stamp": t[column]} for cid, t in batch if column in t]
            if stamped:
                bind.execute(
                    sa.update(clue)
                    .where(clue.c.id == sa.bindparam("clue_id"), clue.c[column].is_(None))
                    .values({column: sa.bindparam("stamp")}),
                    stamped,
                )

    rows = bind.execute(
        sa.select(log.c.record_id, log.c.payload, log.c.received_at)
        .where(log.c.record_type == "clue", log.c.op == "transition", log.c.outcome == "applied")
        .order_by(log.c.record_id, log.c.received_at)
        .execution_options(stream_results=True, yield_per=BATCH)
    )
    batch: list[tuple] = []
    for record_id, payload, received_at in rows:
        if not batch or batch[-1][0] != record_id:
            if len(batch) >= BATCH:
                write(batch)
                batch = []
            batch.append((record_id, {}))
        name = payload.get("name") if isinstance(payload, dict) else None
        if name in STAMPS:
            batch[-1][1].setdefault(STAMPS[name], received_at)  # the first one
    write(batch)


def downgrade() -> None:
    with op.batch_alter_table("clue", schema=None) as batch_op:
        batch_op.create_index("ix_clue_unit_id", ["unit_id"], unique=False)
        batch_op.drop_index("ix_clue_unit_created")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("handled_at")
        batch_op.drop_column("responded_at")
        batch_op.drop_column("return_comment")
