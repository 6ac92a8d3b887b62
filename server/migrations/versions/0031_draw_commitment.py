"""an inspection plan's seed and registers are fixed when it is approved

Approval makes the draw's seed and shows only its commitment (SHA-256), and freezes the
registers the plan will be drawn from, with their hashes (sync.draw: committed before it is
drawn). A plan approved before this revision has none: it is drawn as before, from the
registers at the time of the draw, with a seed made then.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 01:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspection_plan") as batch:
        batch.add_column(sa.Column("seed", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("seed_commitment", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("registers", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("register_hashes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inspection_plan") as batch:
        for name in ("register_hashes", "registers", "seed_commitment", "seed"):
            batch.drop_column(name)
