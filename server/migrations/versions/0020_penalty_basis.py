"""a matter's penalty basis (处罚依据) apart from the provision violated (违法依据)

A decision names both (行政处罚法 第五十九条: 违反法律、法规、规章的事实…行政处罚的种类和
依据): the article broken and the article that sets the penalty are not the same text. The
catalogue keeps them apart; a matter loaded before keeps its one text for both until an
administrator splits it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("matter") as batch:
        batch.add_column(sa.Column("penalty_basis", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("matter") as batch:
        batch.drop_column("penalty_basis")
