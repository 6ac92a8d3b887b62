"""a case may end without a penalty (art. 57): four more closed statuses

行政处罚法 第五十七条: after the investigation the head decides a penalty, no penalty
(不予行政处罚), that the violation is not established (违法事实不能成立), or a transfer; and an
opening that should not have been is revoked (撤销立案). Each is a closed status of its own,
so the case's status check admits them. Their facts live in the case's ``data``.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 18:20:00
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Written out: a migration must not change when the workflow does.
BEFORE = [
    "proposed", "investigating", "notified", "hearing", "heard", "reviewed", "discussed",
    "decided", "served", "paid", "closed", "not_opened", "handed_over",
]  # fmt: skip
AFTER = [*BEFORE, "not_penalised", "not_established", "transferred_out", "revoked"]
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
    # The ends written out as what they were closest to before: a closed case.
    op.execute(
        "UPDATE enforcement_case SET status = 'closed' WHERE status IN "
        "('not_penalised', 'not_established', 'transferred_out', 'revoked')"
    )
    _allow(BEFORE)
