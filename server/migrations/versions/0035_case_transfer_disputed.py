"""a department may send a transferred case back, and the county arbitrates

The case's status may be transfer_disputed (退回, 争议协调) while the county command centre
decides; the reasons and the decision are in the case's data.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 02:10:00
"""

from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

# Written out: a migration must not change when the workflow does.
BEFORE = [
    "proposed", "investigating", "notified", "hearing", "heard", "reviewed", "discussed",
    "decided", "served", "paid", "closed", "not_opened", "handed_over", "not_penalised",
    "not_established", "transferred_out", "revoked", "transfer_received",
]  # fmt: skip
AFTER = [*BEFORE, "transfer_disputed"]
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


def downgrade() -> None:
    # A case in dispute is written out as what it was before: transferred out.
    op.execute(
        "UPDATE enforcement_case SET status = 'transferred_out' WHERE status = 'transfer_disputed'"
    )
    _allow(BEFORE)
