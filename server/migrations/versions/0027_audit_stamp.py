"""trusted time for the audit chain: RFC 3161 time stamps of chain heads

``flask audit seal`` stamps the county's head (which seals every township's) with a
time-stamping authority's token over the head's hash (server.audit.stamps).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 20:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_stamp",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("chain", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("token", sa.LargeBinary(), nullable=False),
        sa.Column("stamped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("chain", "seq", name="uq_audit_stamp_chain_seq"),
    )


def downgrade() -> None:
    op.drop_table("audit_stamp")
