"""the working calendar as data: one State Council notice per year, with history

Deadlines in working days (arts. 56 and 64, the seeds' 5-working-day collaboration rule)
count with the holiday arrangement the State Council publishes each November for the next
year. It was a configuration file; an administrator now publishes each year's notice, and a
corrected notice supersedes the old one, which is kept.

The 2026 notice is written out here, as a migration must not change when the code does.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 04:41:09.590775
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _days(*spans: tuple[str, str]) -> list[str]:
    days = []
    for first, last in spans:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            days.append(day.isoformat())
            day += dt.timedelta(days=1)
    return days


# 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025).
NOTICE_2026 = {
    "year": 2026,
    "holidays": _days(
        ("2026-01-01", "2026-01-03"),  # 元旦
        ("2026-02-15", "2026-02-23"),  # 春节
        ("2026-04-04", "2026-04-06"),  # 清明节
        ("2026-05-01", "2026-05-05"),  # 劳动节
        ("2026-06-19", "2026-06-21"),  # 端午节
        ("2026-09-25", "2026-09-27"),  # 中秋节
        ("2026-10-01", "2026-10-07"),  # 国庆节
    ),
    "workdays": [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ],
    "source": "国务院办公厅关于2026年部分节假日安排的通知",
}


def upgrade() -> None:
    notice = op.create_table(
        "calendar_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("workdays", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_calendar_notice_published_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_notice")),
    )
    with op.batch_alter_table("calendar_notice", schema=None) as batch_op:
        batch_op.create_index(
            "uq_calendar_notice_current",
            ["year"],
            unique=True,
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )
    op.bulk_insert(notice, [{**NOTICE_2026, "published_at": dt.datetime.now(dt.UTC)}])


def downgrade() -> None:
    with op.batch_alter_table("calendar_notice", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_calendar_notice_current",
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )
    op.drop_table("calendar_notice")
