"""electronic service: documents served on the party by SMS or e-mail, with his consent

行政处罚法 第六十一条第二款 (当事人同意并签订确认书的…): one row per document and consented
address, queued with the issue, with its delivery, the party's opening (收悉) and the
service recorded on the case, or why it failed.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-06 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "electronic_service",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("enforcement_case.id"), nullable=False),
        sa.Column("document_id", sa.Uuid(), sa.ForeignKey("issued_document.id"), nullable=False),
        sa.Column("link_id", sa.Uuid(), sa.ForeignKey("party_copy_link.id"), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("text", sa.String(600), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("served_on", sa.Date(), nullable=True),
        sa.Column("serve_outcome", sa.String(80), nullable=True),
    )
    op.create_index("ix_electronic_service_case_id", "electronic_service", ["case_id"])
    op.create_index("ix_electronic_service_link_id", "electronic_service", ["link_id"])
    op.create_index("ix_electronic_service_due", "electronic_service", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_electronic_service_due", "electronic_service")
    op.drop_index("ix_electronic_service_link_id", "electronic_service")
    op.drop_index("ix_electronic_service_case_id", "electronic_service")
    op.drop_table("electronic_service")
