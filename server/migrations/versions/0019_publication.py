"""a decision's publication (art. 48): when it was made public and when withdrawn, and why

行政处罚法 第四十八条: 具有一定社会影响的行政处罚决定应当依法公开. 公开的行政处罚决定被依法
变更、撤销、确认违法或者确认无效的，行政机关应当在三日内撤回行政处罚决定信息并公开说明理由.
The redacted copy already kept beside a decision is served to anyone once published; a
withdrawal keeps the record and shows its reason instead.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issued_document") as batch:
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("published_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_issued_document_published_by_user_account"),
            "user_account",
            ["published_by"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_issued_document_withdrawn_by_user_account"),
            "user_account",
            ["withdrawn_by"],
            ["id"],
        )
        batch.create_index(op.f("ix_issued_document_published_at"), ["published_at"])


def downgrade() -> None:
    with op.batch_alter_table("issued_document") as batch:
        batch.drop_index(op.f("ix_issued_document_published_at"))
        batch.drop_constraint(
            op.f("fk_issued_document_withdrawn_by_user_account"), type_="foreignkey"
        )
        batch.drop_constraint(
            op.f("fk_issued_document_published_by_user_account"), type_="foreignkey"
        )
        for column in (
            "withdrawal_reason",
            "withdrawn_by",
            "withdrawn_at",
            "published_by",
            "published_at",
        ):
            batch.drop_column(column)
