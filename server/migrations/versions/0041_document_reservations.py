"""document reservations and offline copies: numbers taken ahead, copies printed on site

Issue 22: an officer makes and prints a document on site, offline. Its number (文号) and
act code come from a small reserve the server counted ahead for his phone
(``document_reservation``); the copy handed over is kept, by its SHA-256, beside the sealed
document the server issues under the same number when the phone reconnects
(``offline_document``).

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-06 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.Column:
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    t = "document_reservation"
    op.create_table(
        t,
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Integer(), _fk(t, "user_id", "user_account"), nullable=False),
        sa.Column("device_id", sa.Uuid(), _fk(t, "device_id", "device"), nullable=True),
        sa.Column("unit_id", sa.Integer(), _fk(t, "unit_id", "admin_unit"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("doc_number", sa.String(80), nullable=False),
        sa.Column("act_code", sa.String(40), nullable=False),
        sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_by", sa.Uuid(), _fk(t, "used_by", "issued_document"), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("act_code", name="uq_document_reservation_act_code"),
    )
    op.create_index("ix_document_reservation_user_id", t, ["user_id"])
    t = "offline_document"
    op.create_table(
        t,
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), _fk(t, "case_id", "enforcement_case"), nullable=False),
        sa.Column(
            "reservation_id",
            sa.Uuid(),
            _fk(t, "reservation_id", "document_reservation"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("paper", sa.String(8), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), _fk(t, "author_id", "user_account"), nullable=False),
        sa.Column("device_id", sa.Uuid(), _fk(t, "device_id", "device"), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "document_id", sa.Uuid(), _fk(t, "document_id", "issued_document"), nullable=True
        ),
    )
    op.create_index("ix_offline_document_case_id", t, ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_offline_document_case_id", "offline_document")
    op.drop_table("offline_document")
    op.drop_index("ix_document_reservation_user_id", "document_reservation")
    op.drop_table("document_reservation")
