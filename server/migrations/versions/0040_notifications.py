"""notifications: an outbox of what to tell whom, and each person's DingTalk user id

Issue 24: Web Push through Google's service does not reach most phones in China. What a
push tells someone (a task, an answer, a case awaiting his step) is written to this table
in the push's transaction and sent after commit by ``flask notify send`` through a webhook,
DingTalk, 浙政钉 or an SMS gateway. The mobile number is the account's ``phone``.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("dingtalk_userid", sa.String(64), nullable=True))
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", name="fk_notification_user_id_user_account"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("record_type", sa.String(32), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
    )
    op.create_index("ix_notification_user_id", "notification", ["user_id"])
    op.create_index("ix_notification_due", "notification", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_notification_due", "notification")
    op.drop_index("ix_notification_user_id", "notification")
    op.drop_table("notification")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("dingtalk_userid")
