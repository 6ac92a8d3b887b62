"""sync: clue workflow fields, notes, links, mutation log, conflicts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:13:20.495829
"""

import math

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_mutation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("op", sa.String(length=16), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_sync_mutation_device_id_device")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_sync_mutation_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_mutation")),
    )
    with op.batch_alter_table("sync_mutation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_mutation_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_mutation_outcome"), ["outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_mutation_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_mutation_user_id"), ["user_id"], unique=False)

    op.create_table(
        "clue_link",
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("other_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clue.id"], name=op.f("fk_clue_link_clue_id_clue")),
        sa.ForeignKeyConstraint(["other_id"], ["clue.id"], name=op.f("fk_clue_link_other_id_clue")),
        sa.PrimaryKeyConstraint("clue_id", "other_id", name=op.f("pk_clue_link")),
    )
    op.create_table(
        "clue_note",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("clock_skew_s", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('note', 'dissuasion', 'handling')", name=op.f("ck_clue_note_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_clue_note_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(["clue_id"], ["clue.id"], name=op.f("fk_clue_note_clue_id_clue")),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_clue_note_device_id_device")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_note")),
    )
    with op.batch_alter_table("clue_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clue_note_clue_id"), ["clue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_clue_note_seq"), ["seq"], unique=False)

    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("server_value", sa.JSON(), nullable=True),
        sa.Column("server_by", sa.Integer(), nullable=True),
        sa.Column("device_value", sa.JSON(), nullable=True),
        sa.Column("device_by", sa.Integer(), nullable=False),
        sa.Column("mutation_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kept", sa.String(length=16), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("field_meta", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'resolved')", name=op.f("ck_sync_conflict_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["device_by"], ["user_account.id"], name=op.f("fk_sync_conflict_device_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["mutation_id"],
            ["sync_mutation.id"],
            name=op.f("fk_sync_conflict_mutation_id_sync_mutation"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"],
            ["user_account.id"],
            name=op.f("fk_sync_conflict_resolved_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["server_by"], ["user_account.id"], name=op.f("fk_sync_conflict_server_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["admin_unit.id"], name=op.f("fk_sync_conflict_unit_id_admin_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflict_device_by"), ["device_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_conflict_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_conflict_seq"), ["seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_conflict_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_conflict_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("clue", schema=None) as batch_op:
        # R8's neighbour search wants (matter, cell); the matter-only index is its prefix.
        batch_op.add_column(sa.Column("geo_cell", sa.BigInteger(), nullable=True))
        batch_op.drop_index("ix_clue_matter_id")
        batch_op.create_index("ix_clue_matter_cell", ["matter_id", "geo_cell"], unique=False)
        batch_op.add_column(sa.Column("reject_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("duplicate_of", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("deadline", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("taken_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("handling_outcome", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("handling_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("feedback", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rating_comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("clock_skew_s", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("field_meta", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_clue_assignee_id_user_account"), "user_account", ["assignee_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_clue_taken_by_user_account"), "user_account", ["taken_by"], ["id"]
        )

    # Clues reported before this revision get their cell (sync.checks.geo_cell, inlined
    # here so this migration never changes when that code does).
    clue = sa.table(
        "clue",
        sa.column("id", sa.Uuid()),
        sa.column("lat", sa.Float()),
        sa.column("lng", sa.Float()),
        sa.column("geo_cell", sa.BigInteger()),
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(clue.c.id, clue.c.lat, clue.c.lng)).all():
        cell = math.floor((row.lat + 90) / 0.001) * 1_000_000 + math.floor((row.lng + 180) / 0.001)
        bind.execute(sa.update(clue).where(clue.c.id == row.id).values(geo_cell=cell))
    with op.batch_alter_table("clue", schema=None) as batch_op:
        batch_op.alter_column("geo_cell", existing_type=sa.BigInteger(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("clue", schema=None) as batch_op:
        batch_op.drop_index("ix_clue_matter_cell")
        batch_op.create_index("ix_clue_matter_id", ["matter_id"], unique=False)
        batch_op.drop_column("geo_cell")
        batch_op.drop_constraint(batch_op.f("fk_clue_taken_by_user_account"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_clue_assignee_id_user_account"), type_="foreignkey")
        batch_op.drop_column("field_meta")
        batch_op.drop_column("clock_skew_s")
        batch_op.drop_column("rating_comment")
        batch_op.drop_column("rating")
        batch_op.drop_column("feedback")
        batch_op.drop_column("handling_note")
        batch_op.drop_column("handling_outcome")
        batch_op.drop_column("taken_at")
        batch_op.drop_column("taken_by")
        batch_op.drop_column("deadline")
        batch_op.drop_column("assignee_id")
        batch_op.drop_column("duplicate_of")
        batch_op.drop_column("reject_reason")

    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflict_unit_id"))
        batch_op.drop_index(batch_op.f("ix_sync_conflict_status"))
        batch_op.drop_index(batch_op.f("ix_sync_conflict_seq"))
        batch_op.drop_index(batch_op.f("ix_sync_conflict_record_id"))
        batch_op.drop_index(batch_op.f("ix_sync_conflict_device_by"))

    op.drop_table("sync_conflict")
    with op.batch_alter_table("clue_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clue_note_seq"))
        batch_op.drop_index(batch_op.f("ix_clue_note_clue_id"))

    op.drop_table("clue_note")
    op.drop_table("clue_link")
    with op.batch_alter_table("sync_mutation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_mutation_user_id"))
        batch_op.drop_index(batch_op.f("ix_sync_mutation_record_id"))
        batch_op.drop_index(batch_op.f("ix_sync_mutation_outcome"))
        batch_op.drop_index(batch_op.f("ix_sync_mutation_device_id"))

    op.drop_table("sync_mutation")
