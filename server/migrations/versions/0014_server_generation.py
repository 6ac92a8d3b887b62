"""the server generation: which line of history the database holds (R12)

A restore from a backup forks the database's history; devices' pull cursors carry the
generation so that a cursor of another history resets the device instead of silently
skipping records (server/sync_api/generation.py). The database gets its first generation
here, with a new random id: a copy of one database migrated on two servers still gets one
id, and the first restore (``flask --app server restore``) starts the second.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 18:40:00
"""

import datetime as dt
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    generation = op.create_table(
        "server_generation",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("change_at_start", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_server_generation")),
        sa.UniqueConstraint("id", name=op.f("uq_server_generation_id")),
    )
    change = op.get_bind().scalar(sa.text("SELECT value FROM counter WHERE name = 'change'"))
    op.bulk_insert(
        generation,
        [
            {
                "number": 1,
                "id": secrets.token_hex(8),
                "started_at": dt.datetime.now(dt.UTC),
                "reason": "first",
                "source": None,
                "change_at_start": change or 0,
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("server_generation")
