"""month roll-ups of the closed loop's counts, and an index of the open clues

A county's dashboard over a year or three read every clue of the period (a million at the
bench's size: 0.9 to 1.6 s). ``clue_rollup`` holds, per unit, China month, dimension
(``officer``: who took the clues; ``matter``) and key, the counts the figures are made of
and a histogram of response times. It starts empty: the first dashboard that needs a whole
month builds it from the clues (or ``flask rollup`` beforehand), and it follows the clues'
change sequence from then on (``server.console.rollup``).

What is open and overdue depends on the hour of asking: a partial index holds the open
clues alone, so counting them never reads the closed ones.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# As of this revision (server.console.rollup): the counts, then the 20 response-time bins.
SUMS = (
    "reported",
    "responded",
    "to_dispose",
    "disposed",
    "rated",
    "satisfied",
    "handled",
    "handled_late",
    "stopped",
)
HIST = tuple(f"rh{i:02d}" for i in range(20))
OPEN_CLUE = sa.text("status IN ('assigned', 'in_progress')")


def upgrade() -> None:
    op.create_table(
        "clue_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("dim", sa.String(length=8), nullable=False),
        sa.Column("key", sa.Integer(), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in SUMS + HIST),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["admin_unit.id"], name=op.f("fk_clue_rollup_unit_id_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_rollup")),
    )
    op.create_index(
        "ix_clue_rollup_dim_month", "clue_rollup", ["dim", "month", "unit_id"], unique=False
    )
    op.create_index(
        "ix_clue_open",
        "clue",
        ["unit_id", "created_at", "deadline", "taken_by", "matter_id"],
        unique=False,
        postgresql_where=OPEN_CLUE,
        sqlite_where=OPEN_CLUE,
    )


def downgrade() -> None:
    op.drop_index("ix_clue_open", table_name="clue")
    op.drop_index("ix_clue_rollup_dim_month", table_name="clue_rollup")
    op.drop_table("clue_rollup")
