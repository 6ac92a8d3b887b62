"""inspections planned, drawn at random and done once (双随机一公开, 综合查一次): the county's
register of inspection objects and recusals, plans, their draws, and the visits they make

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 00:15:08
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspection_object",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county_id", sa.Integer(), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=True),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lng", sa.Float(), nullable=True),
        sa.Column("matter_codes", sa.JSON(), nullable=False),
        sa.Column("risk_grade", sa.String(length=8), nullable=False),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "risk_grade IN ('high', 'medium', 'low')",
            name=op.f("ck_inspection_object_risk_grade_known"),
        ),
        sa.ForeignKeyConstraint(
            ["county_id"], ["admin_unit.id"], name=op.f("fk_inspection_object_county_id_admin_unit")
        ),
        sa.ForeignKeyConstraint(
            ["township_id"],
            ["admin_unit.id"],
            name=op.f("fk_inspection_object_township_id_admin_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_object")),
        sa.UniqueConstraint(
            "county_id", "credit_code", name=op.f("uq_inspection_object_county_id_credit_code")
        ),
    )
    with op.batch_alter_table("inspection_object", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_object_county_id"), ["county_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspection_object_township_id"), ["township_id"], unique=False
        )

    op.create_table(
        "inspection_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county_id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("plan_ids", sa.JSON(), nullable=False),
        sa.Column("officers", sa.JSON(), nullable=False),
        sa.Column("joint", sa.Boolean(), nullable=False),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'done', 'merged')", name=op.f("ck_inspection_visit_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["county_id"], ["admin_unit.id"], name=op.f("fk_inspection_visit_county_id_admin_unit")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["inspection_visit.id"],
            name=op.f("fk_inspection_visit_merged_into_id_inspection_visit"),
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["inspection_object.id"],
            name=op.f("fk_inspection_visit_object_id_inspection_object"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_visit")),
    )
    with op.batch_alter_table("inspection_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_visit_county_id"), ["county_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspection_visit_object_id"), ["object_id"], unique=False
        )

    op.create_table(
        "inspection_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("matter_codes", sa.JSON(), nullable=False),
        sa.Column("object_count", sa.Integer(), nullable=False),
        sa.Column("shares", sa.JSON(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'drawn', 'published')",
            name=op.f("ck_inspection_plan_status_known"),
        ),
        sa.CheckConstraint(
            "(unit_id IS NULL) <> (department_id IS NULL)",
            name=op.f("ck_inspection_plan_one_owner"),
        ),
        sa.CheckConstraint("object_count >= 0", name=op.f("ck_inspection_plan_count_positive")),
        sa.CheckConstraint(
            "period_start <= period_end", name=op.f("ck_inspection_plan_period_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["user_account.id"],
            name=op.f("fk_inspection_plan_approved_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["county_id"], ["admin_unit.id"], name=op.f("fk_inspection_plan_county_id_admin_unit")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_inspection_plan_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_inspection_plan_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["admin_unit.id"], name=op.f("fk_inspection_plan_unit_id_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plan")),
    )
    with op.batch_alter_table("inspection_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_plan_county_id"), ["county_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspection_plan_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspection_plan_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "inspection_recusal",
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["inspection_object.id"],
            name=op.f("fk_inspection_recusal_object_id_inspection_object"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["user_account.id"],
            name=op.f("fk_inspection_recusal_officer_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("officer_id", "object_id", name=op.f("pk_inspection_recusal")),
    )
    op.create_table(
        "inspection_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("hashes", sa.JSON(), nullable=False),
        sa.Column("registers", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["drawn_by_id"],
            ["user_account.id"],
            name=op.f("fk_inspection_draw_drawn_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["inspection_plan.id"],
            name=op.f("fk_inspection_draw_plan_id_inspection_plan"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_draw")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_inspection_draw_plan_id")),
    )
    with op.batch_alter_table("inspection_draw", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_draw_published_at"), ["published_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inspection_draw", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_draw_published_at"))

    op.drop_table("inspection_draw")
    op.drop_table("inspection_recusal")
    with op.batch_alter_table("inspection_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_plan_unit_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_plan_department_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_plan_county_id"))

    op.drop_table("inspection_plan")
    with op.batch_alter_table("inspection_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_visit_object_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_visit_county_id"))

    op.drop_table("inspection_visit")
    with op.batch_alter_table("inspection_object", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_object_township_id"))
        batch_op.drop_index(batch_op.f("ix_inspection_object_county_id"))

    op.drop_table("inspection_object")
