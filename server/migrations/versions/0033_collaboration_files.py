"""files attached to a collaboration request: the department's answer, the township's materials

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collaboration_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collaboration_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("side", sa.String(length=12), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collaboration_id"],
            ["collaboration_request.id"],
            name=op.f("fk_collaboration_file_collaboration_id_collaboration_request"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["user_account.id"],
            name=op.f("fk_collaboration_file_uploaded_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collaboration_file")),
        sa.UniqueConstraint(
            "collaboration_id", "sha256", name=op.f("uq_collaboration_file_collaboration_id_sha256")
        ),
    )
    op.create_index(
        op.f("ix_collaboration_file_collaboration_id"), "collaboration_file", ["collaboration_id"]
    )


def downgrade() -> None:
    op.drop_table("collaboration_file")
