"""a clue keeps whether its reporter may be rung back and why he withdrew it; a matter
has a short name

The officer handling a clue sees the reporter's number only where the reporter agreed to be
called (``call_back``); a withdrawal, which is final, records the reporter's reason. A
matter's legal name is a sentence: lists on a phone show what people call it (占道经营).

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-04 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clue") as batch:
        batch.add_column(sa.Column("call_back", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("withdraw_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("matter") as batch:
        batch.add_column(sa.Column("short_name", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("matter") as batch:
        batch.drop_column("short_name")
    with op.batch_alter_table("clue") as batch:
        batch.drop_column("withdraw_reason")
        batch.drop_column("call_back")
