"""children that wait for their parent (R3), and the parent a mutation named

A note, photo or inspection record that reaches the server before the record it hangs from
is kept (``sync_waiting``) and applied when the parent is created, instead of being refused
for good as ``parent_missing``. The mutation log keeps the parent the device named, so that
a record kept after its author's rights changed can be told from a stranger's guess.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-03 19:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_mutation") as batch:
        batch.add_column(sa.Column("parent_id", sa.Uuid(), nullable=True))
        batch.create_index(op.f("ix_sync_mutation_parent_id"), ["parent_id"])
    op.create_table(
        "sync_waiting",
        sa.Column("mutation_id", sa.Uuid(), nullable=False),
        sa.Column("parent_type", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mutation_id"],
            ["sync_mutation.id"],
            name=op.f("fk_sync_waiting_mutation_id_sync_mutation"),
        ),
        sa.PrimaryKeyConstraint("mutation_id", name=op.f("pk_sync_waiting")),
    )
    op.create_index(op.f("ix_sync_waiting_parent_id"), "sync_waiting", ["parent_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_waiting_parent_id"), table_name="sync_waiting")
    op.drop_table("sync_waiting")
    with op.batch_alter_table("sync_mutation") as batch:
        batch.drop_index(op.f("ix_sync_mutation_parent_id"))
        batch.drop_column("parent_id")
