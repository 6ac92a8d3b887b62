"""issued documents record whether the party signed on the phone

The province's indicators count the share of documents signed electronically (电子签名使用率):
each document a party signs now says whether it was signed on the phone, refused, or not.
Documents issued before this revision are left unknown (NULL), not guessed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 06:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_signing", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.drop_column("party_signing")
