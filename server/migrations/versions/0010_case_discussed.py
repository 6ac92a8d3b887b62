"""a case may be "discussed": the heads' collective discussion (art. 57(2))

行政处罚法 第五十七条第二款: 对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论
决定. The discussion is a step of its own between the notice (and any review) and the
decision, so the case's status check admits ``discussed``. The discussion's facts live in the
case's ``data`` like every other workflow field.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 12:00:00
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Written out: a migration must not change when the workflow does.
BEFORE = [
    "proposed", "investigating", "notified", "hearing", "heard", "reviewed", "decided",
    "served", "paid", "closed", "not_opened", "handed_over",
]  # fmt: skip
AFTER = [*BEFORE[:6], "discussed", *BEFORE[6:]]
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
    op.execute("UPDATE enforcement_case SET status = 'reviewed' WHERE status = 'discussed'")
    _allow(BEFORE)
