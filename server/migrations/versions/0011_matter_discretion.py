"""a matter's published discretion standard (裁量基准, art. 34)

行政处罚法 第三十四条: 行政机关可以依法制定行政处罚裁量基准…应当向社会公布. Each matter of the
catalogue may carry its levels (阶次): the circumstances each applies to and the fine it
allows, in fen. A fine for a matter with a standard names its level and lies within it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("matter") as batch:
        batch.add_column(
            sa.Column("discretion", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("matter") as batch:
        batch.drop_column("discretion")
