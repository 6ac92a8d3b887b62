"""sound and video evidence: the kinds audio and video, and a recording's duration kept
with its file (server.evidence.media)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 21:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


NAME = "ck_evidence_kind_known"


def _allow(kinds: list[str]) -> None:
    # SQLite cannot alter a constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("evidence") as batch:
        batch.drop_constraint(op.f(NAME), type_="check")
        batch.create_check_constraint(
            op.f(NAME), "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"
        )


def upgrade() -> None:
    with op.batch_alter_table("evidence_blob") as batch:
        batch.add_column(sa.Column("duration_ms", sa.BigInteger(), nullable=True))
    _allow(["photo", "audio", "video"])  # written out: a migration must not follow the code


def downgrade() -> None:
    # A recording cannot become a photo: downgrading with recordings held fails here.
    _allow(["photo"])
    with op.batch_alter_table("evidence_blob") as batch:
        batch.drop_column("duration_ms")
