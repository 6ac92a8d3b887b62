"""party copy links: the party takes his copy of an issued document by QR code

A capability link (当事人扫码取件): the token's SHA-256 only, the document, who made it, when it
expires and whether the officer took it back.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "party_copy_link",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("document_id", sa.Uuid(), sa.ForeignKey("issued_document.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_party_copy_link_document_id", "party_copy_link", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_party_copy_link_document_id", "party_copy_link")
    op.drop_table("party_copy_link")
