"""a case transferred out to a county department is addressed to it, and received

``transfer_case`` may name a department on the platform; the case's transferred_to_id
column is what the department's jurisdiction rule and its pull read. The department
receives it (status transfer_received, naming the case it opened). Cases transferred
before this revision named their agency in words only and stay so.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05 23:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

# Written out: a migration must not change when the workflow does.
BEFORE = [
    "proposed", "investigating", "notified", "hearing", "heard", "reviewed", "discussed",
    "decided", "served", "paid", "closed", "not_opened", "handed_over", "not_penalised",
    "not_established", "transferred_out", "revoked",
]  # fmt: skip
AFTER = [*BEFORE, "transfer_received"]
NAME = "ck_enforcement_case_status_known"


def _allow(statuses: list[str]) -> None:
    # SQLite cannot alter a constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("enforcement_case") as batch:
        batch.drop_constraint(op.f(NAME), type_="check")
        batch.create_check_constraint(
            op.f(NAME), "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"
        )


def upgrade() -> None:
    _allow(AFTER)
    with op.batch_alter_table("enforcement_case") as batch:
        batch.add_column(sa.Column("transferred_to_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_enforcement_case_transferred_to_id_department"),
            "department",
            ["transferred_to_id"],
            ["id"],
        )
    transferred = sa.text("transferred_to_id IS NOT NULL")
    op.create_index(
        "ix_enforcement_case_transferred",
        "enforcement_case",
        ["transferred_to_id", "seq"],
        postgresql_where=transferred,
        sqlite_where=transferred,
    )


def downgrade() -> None:
    # A received transfer is written out as what it was before: transferred out.
    op.execute(
        "UPDATE enforcement_case SET status = 'transferred_out' WHERE status = 'transfer_received'"
    )
    _allow(BEFORE)
    op.drop_index("ix_enforcement_case_transferred", table_name="enforcement_case")
    with op.batch_alter_table("enforcement_case") as batch:
        batch.drop_constraint(
            batch.f("fk_enforcement_case_transferred_to_id_department"), type_="foreignkey"
        )
        batch.drop_column("transferred_to_id")
