"""collaboration requests (执法协作申请) to county departments, made for a case

A township that needs a department's determination, appraisal, advice or materials while it
investigates a case sends a collaboration request; the department answers within 5 working
days, 10 once extended (seeds 004). Synced records (sync.workflow's ``collaboration``): the
fields lists filter on are columns, the rest is kept in ``data`` as the workflow holds it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The statuses as of this revision (sync.workflow), written out: a migration must not change
# when the workflow does.
STATUSES = ["requested", "answered", "withdrawn"]
INDEXED = ("case_id", "department_id", "due", "seq", "status")


def upgrade() -> None:
    op.create_table(
        "collaboration_request",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_late", sa.Boolean(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("field_meta", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("clock_skew_s", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            sa.column("status").in_(STATUSES),
            name=op.f("ck_collaboration_request_status_known"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_collaboration_request_version_positive")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
            name=op.f("fk_collaboration_request_case_id_enforcement_case"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_collaboration_request_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_collaboration_request_device_id_device")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user_account.id"],
            name=op.f("fk_collaboration_request_reporter_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collaboration_request")),
        sa.UniqueConstraint("code", name=op.f("uq_collaboration_request_code")),
    )
    for column in INDEXED:
        op.create_index(
            op.f(f"ix_collaboration_request_{column}"),
            "collaboration_request",
            [column],
            unique=False,
        )


def downgrade() -> None:
    for column in reversed(INDEXED):
        op.drop_index(
            op.f(f"ix_collaboration_request_{column}"), table_name="collaboration_request"
        )
    op.drop_table("collaboration_request")
