"""departures: a record that left some users' view (R11)

A write that changes a record's view field (a clue's transfer recalled) keeps the value it
took away, numbered in the change feed, so the devices of those who saw the record by it
pull tombstones for it and its children (``sync.views``).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 20:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_departure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_type", sa.String(32), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sync_departure_record_id", "sync_departure", ["record_id"])
    op.create_index("ix_sync_departure_seq", "sync_departure", ["seq"])
    op.create_index(
        "ix_sync_departure_field_value_seq", "sync_departure", ["field", "value", "seq"]
    )


def downgrade() -> None:
    op.drop_table("sync_departure")
