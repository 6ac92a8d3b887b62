"""an inspection record keeps each named officer's confirmation that he was there

行政处罚法 第四十二条: 执法人员不得少于两人. The author of a 现场检查笔录 names the officers;
each other officer confirms on his own device, and the record is complete (and its documents
may print him as signing) once all have. Records made before this carry no confirmation:
they await theirs like a new one, as nobody vouched for them either.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspection_record") as batch:
        batch.add_column(
            sa.Column("confirmations", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("inspection_record") as batch:
        batch.drop_column("confirmations")
