"""a legal reviewer's 法律职业资格 on his account

行政处罚法 第五十八条: 行政机关中初次从事行政处罚决定法制审核的人员，应当通过国家统一法律
职业资格考试取得法律职业资格. The certificate's number is recorded on the account, and a
review by someone without one is refused (sync.cases.review).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 18:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("legal_qualification_no", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("legal_qualification_no")
