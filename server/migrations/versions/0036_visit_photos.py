"""a visit's record carries photos: evidence hangs from a clue or from a visit's record

The officer recording an inspection visit (检查记录) photographs what he found; the photos
go through the evidence pipeline (upload by hash, checks, copies) as a clue's do. A row of
``evidence`` names exactly one parent.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

ONE_PARENT = "(clue_id IS NULL) <> (visit_record_id IS NULL)"


def upgrade() -> None:
    # SQLite cannot alter a column or add a constraint: batch mode copies the table.
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("visit_record_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_evidence_visit_record_id_visit_record"),
            "visit_record",
            ["visit_record_id"],
            ["id"],
        )
        batch.alter_column("clue_id", existing_type=sa.Uuid(), nullable=True)
        batch.create_check_constraint(batch.f("ck_evidence_one_parent"), ONE_PARENT)
    op.create_index(
        "ix_evidence_visit_record_seq", "evidence", ["visit_record_id", "seq"], unique=False
    )


def downgrade() -> None:
    # Visit photos have no place in the older schema: their rows and uploads go first.
    op.execute(
        "DELETE FROM evidence_upload WHERE evidence_id IN "
        "(SELECT id FROM evidence WHERE visit_record_id IS NOT NULL)"
    )
    op.execute("DELETE FROM evidence WHERE visit_record_id IS NOT NULL")
    op.drop_index("ix_evidence_visit_record_seq", table_name="evidence")
    with op.batch_alter_table("evidence") as batch:
        batch.drop_constraint(batch.f("ck_evidence_one_parent"), type_="check")
        batch.alter_column("clue_id", existing_type=sa.Uuid(), nullable=False)
        batch.drop_constraint(
            batch.f("fk_evidence_visit_record_id_visit_record"), type_="foreignkey"
        )
        batch.drop_column("visit_record_id")
