"""evidence: records naming photos by hash, the files held (blobs), resumable uploads

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 23:06:36.179328
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("exif", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["received_by"],
            ["user_account.id"],
            name=op.f("fk_evidence_blob_received_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_evidence_blob")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("original_sha256", sa.String(length=64), nullable=False),
        sa.Column("original_size", sa.BigInteger(), nullable=False),
        sa.Column("original_media_type", sa.String(length=32), nullable=False),
        sa.Column("original_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("copy_sha256", sa.String(length=64), nullable=True),
        sa.Column("copy_size", sa.BigInteger(), nullable=True),
        sa.Column("copy_media_type", sa.String(length=32), nullable=True),
        sa.Column("copy_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lng", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("fix_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("exclude_reason", sa.Text(), nullable=True),
        sa.Column("excluded_by", sa.Integer(), nullable=True),
        sa.Column("excluded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disagreements", sa.JSON(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("field_meta", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("clock_skew_s", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('photo')", name=op.f("ck_evidence_kind_known")),
        sa.CheckConstraint(
            "status IN ('included', 'excluded')", name=op.f("ck_evidence_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_evidence_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(["clue_id"], ["clue.id"], name=op.f("fk_evidence_clue_id_clue")),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_evidence_device_id_device")
        ),
        sa.ForeignKeyConstraint(
            ["excluded_by"], ["user_account.id"], name=op.f("fk_evidence_excluded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_clue_id"), ["clue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_copy_sha256"), ["copy_sha256"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evidence_original_sha256"), ["original_sha256"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_seq"), ["seq"], unique=False)

    op.create_table(
        "evidence_upload",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("evidence_id", sa.Uuid(), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("upload_offset", sa.BigInteger(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("metadata_raw", sa.String(length=2000), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "tier IN ('original', 'copy')", name=op.f("ck_evidence_upload_tier_known")
        ),
        sa.CheckConstraint(
            "upload_offset <= length", name=op.f("ck_evidence_upload_offset_within_length")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_evidence_upload_device_id_device")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_evidence_upload_evidence_id_evidence")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_evidence_upload_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_upload")),
    )
    with op.batch_alter_table("evidence_upload", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_upload_evidence_id"), ["evidence_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evidence_upload_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_upload_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_upload_user_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_upload_expires_at"))
        batch_op.drop_index(batch_op.f("ix_evidence_upload_evidence_id"))

    op.drop_table("evidence_upload")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_seq"))
        batch_op.drop_index(batch_op.f("ix_evidence_original_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_copy_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_clue_id"))

    op.drop_table("evidence")
    op.drop_table("evidence_blob")
