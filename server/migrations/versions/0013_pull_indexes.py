"""the pull's indexes: each visibility key, then the change sequence

A pull asks for the changes after a cursor that the user may see. With only an index on
``seq`` that meant reading every change the county wrote since (a grid worker's pull read
100,000 rows to send 20); with the key first (his grid, himself, his department, a clue
for its notes and photos, a case for its records) each is one range in seq order
(server/sync_api/pull.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 18:45:00
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_clue_unit_seq", "clue", ["unit_id", "seq"]),
    ("ix_clue_reporter_seq", "clue", ["reporter_id", "seq"]),
    ("ix_clue_transferred_seq", "clue", ["transferred_to_id", "seq"]),
    ("ix_clue_note_clue_seq", "clue_note", ["clue_id", "seq"]),
    ("ix_evidence_clue_seq", "evidence", ["clue_id", "seq"]),
    ("ix_enforcement_case_unit_seq", "enforcement_case", ["unit_id", "seq"]),
    ("ix_inspection_record_case_seq", "inspection_record", ["case_id", "seq"]),
    ("ix_collaboration_request_case_seq", "collaboration_request", ["case_id", "seq"]),
    ("ix_sync_conflict_device_by_seq", "sync_conflict", ["device_by", "seq"]),
    ("ix_sync_conflict_unit_seq", "sync_conflict", ["unit_id", "seq"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
