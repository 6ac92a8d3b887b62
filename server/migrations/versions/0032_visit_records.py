"""a visit's record (检查记录) is synced from the phone, offline if need be

One of the two officers drawn for an inspection visit records it on his phone, item by
item, with the party's signature; it reaches the server through the sync push like a
report (sync.workflow.visit_record) and makes its visit done.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 22:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visit_record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("field_meta", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("clock_skew_s", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_visit_record_version_positive")),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["inspection_visit.id"],
            name=op.f("fk_visit_record_visit_id_inspection_visit"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["admin_unit.id"], name=op.f("fk_visit_record_unit_id_admin_unit")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user_account.id"],
            name=op.f("fk_visit_record_reporter_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["user_account.id"],
            name=op.f("fk_visit_record_partner_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_visit_record_device_id_device")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_record")),
    )
    op.create_index(op.f("ix_visit_record_visit_id"), "visit_record", ["visit_id"])
    op.create_index(op.f("ix_visit_record_unit_id"), "visit_record", ["unit_id"])
    op.create_index(op.f("ix_visit_record_seq"), "visit_record", ["seq"])
    op.create_index("ix_visit_record_reporter_seq", "visit_record", ["reporter_id", "seq"])
    op.create_index("ix_visit_record_partner_seq", "visit_record", ["partner_id", "seq"])


def downgrade() -> None:
    op.drop_table("visit_record")
