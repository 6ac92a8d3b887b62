"""officers' own signing keys: an encrypted PKCS#12 and its certificate on the account

Issue 22: the two officers sign a document with their own certificates. The key is kept on
the officer's account encrypted under his own passphrase, which the server never stores: it
comes with the request that issues the document and opens the key for that one signature
(server.accounts.signing).

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-06 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("signing_p12", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("signing_certificate", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("signing_certificate")
        batch.drop_column("signing_p12")
