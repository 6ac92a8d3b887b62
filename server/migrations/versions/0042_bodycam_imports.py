"""body-camera files imported at the desk, and the ranges of them linked to cases

Issue 22: a township's staff import the files of its body cameras (执法记录仪) at the desk.
An import is a row of ``evidence`` whose parent is the township (``import_unit_id``: its
import inbox) until ranges of it are linked to cases (``case_clip``); ``bodycam_import``
keeps the file's name, who imported it and when, and apart from those when and on which
camera it was recorded, read from the file.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-06 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

TWO_PARENTS = "(clue_id IS NULL) <> (visit_record_id IS NULL)"
THREE_PARENTS = (
    "(CASE WHEN clue_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN visit_record_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN import_unit_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def upgrade() -> None:
    # SQLite cannot alter a constraint: batch mode copies the table.
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("import_unit_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_evidence_import_unit_id_admin_unit"),
            "admin_unit",
            ["import_unit_id"],
            ["id"],
        )
        batch.drop_constraint(batch.f("ck_evidence_one_parent"), type_="check")
        batch.create_check_constraint(batch.f("ck_evidence_one_parent"), THREE_PARENTS)
    op.create_index("ix_evidence_import_unit_id", "evidence", ["import_unit_id"])
    op.create_table(
        "bodycam_import",
        sa.Column(
            "evidence_id",
            sa.Uuid(),
            sa.ForeignKey("evidence.id", name="fk_bodycam_import_evidence_id_evidence"),
            primary_key=True,
        ),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column(
            "imported_by",
            sa.Integer(),
            sa.ForeignKey("user_account.id", name="fk_bodycam_import_imported_by_user_account"),
            nullable=False,
        ),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_at_source", sa.String(16), nullable=True),
        sa.Column("device", sa.String(120), nullable=True),
        sa.Column("device_source", sa.String(16), nullable=True),
        sa.Column("origin", sa.JSON(), nullable=False),
    )
    op.create_table(
        "case_clip",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "evidence_id",
            sa.Uuid(),
            sa.ForeignKey("evidence.id", name="fk_case_clip_evidence_id_evidence"),
            nullable=False,
        ),
        sa.Column(
            "case_id",
            sa.Uuid(),
            sa.ForeignKey("enforcement_case.id", name="fk_case_clip_case_id_enforcement_case"),
            nullable=False,
        ),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column(
            "linked_by",
            sa.Integer(),
            sa.ForeignKey("user_account.id", name="fk_case_clip_linked_by_user_account"),
            nullable=False,
        ),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "start_ms >= 0 AND start_ms < end_ms", name=op.f("ck_case_clip_range_ordered")
        ),
    )
    op.create_index("ix_case_clip_evidence_id", "case_clip", ["evidence_id"])
    op.create_index("ix_case_clip_case_id", "case_clip", ["case_id"])


def downgrade() -> None:
    # Imports have no place in the older schema: their links, uploads and rows go first.
    op.drop_index("ix_case_clip_case_id", "case_clip")
    op.drop_index("ix_case_clip_evidence_id", "case_clip")
    op.drop_table("case_clip")
    op.drop_table("bodycam_import")
    op.execute(
        "DELETE FROM evidence_upload WHERE evidence_id IN "
        "(SELECT id FROM evidence WHERE import_unit_id IS NOT NULL)"
    )
    op.execute("DELETE FROM evidence WHERE import_unit_id IS NOT NULL")
    op.drop_index("ix_evidence_import_unit_id", "evidence")
    with op.batch_alter_table("evidence") as batch:
        batch.drop_constraint(batch.f("ck_evidence_one_parent"), type_="check")
        batch.create_check_constraint(batch.f("ck_evidence_one_parent"), TWO_PARENTS)
        batch.drop_constraint(batch.f("fk_evidence_import_unit_id_admin_unit"), type_="foreignkey")
        batch.drop_column("import_unit_id")
