"""the agency's electronic seal on an issued document: who sealed it, and whether the seal
carries a trusted time stamp

A document of a kind issued under seal (决定书, 告知书…) is signed with the township's key
(PAdES) when the township has one; ``sealed_by`` names the certificate (subject and serial),
``seal_timestamped`` says whether an RFC 3161 time stamp was obtained. Documents issued
before stay unsealed (NULL): they were stamped by hand, if at all.

Revision ID: 0026
Revises: 0023
Create Date: 2026-12-04 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issued_document") as batch:
        batch.add_column(sa.Column("sealed_by", sa.String(300), nullable=True))
        batch.add_column(sa.Column("seal_timestamped", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issued_document") as batch:
        batch.drop_column("seal_timestamped")
        batch.drop_column("sealed_by")
