"""a clue may be reported with a written address and no coordinates

A grid worker in a village with no fix and no base map must still report (sync.place): the
clue's coordinates may be absent, and ``location_source`` says where its place came from:
gps, map (picked by hand) or address (无坐标, address only). Clues reported before are gps,
or map where the phone wrote the map-picked note it wrote then.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

COORDINATES = [
    ("lat", sa.Float()),
    ("lng", sa.Float()),
    ("accuracy_m", sa.Float()),
    ("geo_cell", sa.BigInteger()),
    ("fix_time", sa.DateTime(timezone=True)),
]
# The note the phone added to a report whose place was picked on the map (zh-CN, en).
PICKED_NOTES = ("定位提示：未获得手机定位%", "Location warning: no phone fix%")


def upgrade() -> None:
    with op.batch_alter_table("clue") as batch:
        batch.add_column(
            sa.Column("location_source", sa.String(8), nullable=False, server_default="gps")
        )
        for name, kind in COORDINATES:
            batch.alter_column(name, existing_type=kind, nullable=True)
        batch.create_check_constraint(
            op.f("ck_clue_location_source_known"), "location_source IN ('gps', 'map', 'address')"
        )
        batch.create_check_constraint(
            op.f("ck_clue_location_or_address"),
            "(location_source = 'address') = (lat IS NULL AND lng IS NULL AND accuracy_m IS NULL"
            " AND fix_time IS NULL AND geo_cell IS NULL)",
        )
    op.execute(
        sa.text(
            "UPDATE clue SET location_source = 'map' WHERE id IN (SELECT n.clue_id FROM"
            " clue_note n JOIN clue c ON c.id = n.clue_id WHERE n.author_id = c.reporter_id"
            " AND (n.text LIKE :zh OR n.text LIKE :en))"
        ).bindparams(zh=PICKED_NOTES[0], en=PICKED_NOTES[1])
    )


def downgrade() -> None:
    # The schema before cannot hold a clue without coordinates, and no report is ever
    # dropped: refuse rather than lose or invent a place.
    count = op.get_bind().execute(
        sa.text("SELECT count(*) FROM clue WHERE location_source = 'address'")
    )
    if count.scalar():
        raise RuntimeError("clues reported with an address only: set their place first")
    with op.batch_alter_table("clue") as batch:
        batch.drop_constraint(op.f("ck_clue_location_or_address"), type_="check")
        batch.drop_constraint(op.f("ck_clue_location_source_known"), type_="check")
        for name, kind in COORDINATES:
            batch.alter_column(name, existing_type=kind, nullable=False)
        batch.drop_column("location_source")
