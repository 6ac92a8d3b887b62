"""departments answer what is addressed to them: transfers and collaboration requests

A department accepts a transferred clue (its own case number comes back), sends it back
(the county command centre arbitrates: 争议协调) and reports its result, which closes the
township's loop: three more clue statuses and the columns for the department's side. A
collaboration request is accepted or refused by the department: two more statuses. A
department's pull reads the requests addressed to it by (department_id, seq); the county's
board reads a unit's transfers from a partial index of the transferred clues.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

# Written out: a migration must not change when the workflow does.
CLUE_BEFORE = [
    "reported", "accepted", "rejected", "duplicate", "assigned", "in_progress", "handled",
    "closed", "withdrawn", "transferred",
]  # fmt: skip
CLUE_AFTER = [*CLUE_BEFORE, "transfer_accepted", "transfer_disputed", "transfer_concluded"]
COLLABORATION_BEFORE = ["requested", "answered", "withdrawn"]
COLLABORATION_AFTER = [*COLLABORATION_BEFORE, "accepted", "refused"]
CLUE_COLUMNS = [
    sa.Column("department_case_no", sa.String(length=64), nullable=True),
    sa.Column("transfer_returned_reason", sa.Text(), nullable=True),
    sa.Column("arbitration_note", sa.Text(), nullable=True),
    sa.Column("department_result", sa.Text(), nullable=True),
    sa.Column("transfer_accepted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("transfer_concluded_at", sa.DateTime(timezone=True), nullable=True),
]


def _check(statuses: list[str]) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade() -> None:
    # SQLite cannot alter a constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("clue") as batch:
        for column in CLUE_COLUMNS:
            batch.add_column(column)
        batch.drop_constraint(op.f("ck_clue_status_known"), type_="check")
        batch.create_check_constraint(op.f("ck_clue_status_known"), _check(CLUE_AFTER))
    with op.batch_alter_table("collaboration_request") as batch:
        batch.drop_constraint(op.f("ck_collaboration_request_status_known"), type_="check")
        batch.create_check_constraint(
            op.f("ck_collaboration_request_status_known"), _check(COLLABORATION_AFTER)
        )
    op.create_index(
        op.f("ix_collaboration_request_department_seq"),
        "collaboration_request",
        ["department_id", "seq"],
    )
    # The departments' board: a unit's transfers in a period, from the index alone.
    transferred = sa.text("transferred_to_id IS NOT NULL")
    op.create_index(
        "ix_clue_transfers",
        "clue",
        ["transferred_to_id", "created_at", "unit_id", "status"],
        postgresql_where=transferred,
        sqlite_where=transferred,
    )


def downgrade() -> None:
    op.drop_index("ix_clue_transfers", table_name="clue")
    op.drop_index(
        op.f("ix_collaboration_request_department_seq"), table_name="collaboration_request"
    )
    # What the department did is written out as what it was closest to before: a request
    # still awaiting its answer, a refusal as withdrawn; a clue still transferred.
    op.execute("UPDATE collaboration_request SET status = 'requested' WHERE status = 'accepted'")
    op.execute("UPDATE collaboration_request SET status = 'withdrawn' WHERE status = 'refused'")
    with op.batch_alter_table("collaboration_request") as batch:
        batch.drop_constraint(op.f("ck_collaboration_request_status_known"), type_="check")
        batch.create_check_constraint(
            op.f("ck_collaboration_request_status_known"), _check(COLLABORATION_BEFORE)
        )
    op.execute(
        "UPDATE clue SET status = 'transferred' WHERE status IN "
        "('transfer_accepted', 'transfer_disputed', 'transfer_concluded')"
    )
    with op.batch_alter_table("clue") as batch:
        batch.drop_constraint(op.f("ck_clue_status_known"), type_="check")
        batch.create_check_constraint(op.f("ck_clue_status_known"), _check(CLUE_BEFORE))
        for column in reversed(CLUE_COLUMNS):
            batch.drop_column(column.name)
