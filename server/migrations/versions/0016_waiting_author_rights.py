"""the rights a waiting child's author had when he sent it

A note or photo that reached the server before its parent is applied when the parent comes,
with the rights its author had when he sent it (R3), not the ones he has by then: a grid
worker moved away meanwhile would otherwise have his note refused or left waiting for good.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_waiting") as batch:
        batch.add_column(sa.Column("author_roles", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("author_unit_path", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_waiting") as batch:
        batch.drop_column("author_unit_path")
        batch.drop_column("author_roles")
