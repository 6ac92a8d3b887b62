"""one audit chain per township, and the county's

Every push waited on the single chain's head row. Entries now go to the chain of their
actor's township (``server.audit.chain``): an entry names its chain, sequence numbers count
within a chain, and the head table holds one row a chain. The existing single chain becomes
the county's, untouched: its entries keep their sequence numbers, links and hashes (the
hash never covered the chain's name), so they verify as before and every hash handed out
(an evidence export's) still names its entry.

Down again only while the county's is the only chain: township chains cannot be merged
back into one without recomputing their hashes, which is what an audit log must never do.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COUNTY = "county"


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(
            sa.Column("chain", sa.String(length=32), nullable=False, server_default=COUNTY)
        )
        batch.drop_constraint(op.f("uq_audit_entry_seq"), type_="unique")
        batch.create_unique_constraint(op.f("uq_audit_entry_chain_seq"), ["chain", "seq"])
    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("chain", server_default=None)

    head = op.get_bind().execute(sa.text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
    op.drop_table("audit_head")
    table = op.create_table(
        "audit_head",
        sa.Column("chain", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_head")),
    )
    if head is not None:
        op.bulk_insert(table, [{"chain": COUNTY, "seq": head.seq, "hash": head.hash}])


def downgrade() -> None:
    bind = op.get_bind()
    others = bind.execute(
        sa.text("SELECT count(*) FROM audit_entry WHERE chain <> :county"), {"county": COUNTY}
    ).scalar_one()
    if others:
        raise RuntimeError(
            f"{others} audit entries are in township chains: they cannot go back into one "
            "chain without recomputing their hashes. Restore a backup taken before 0012."
        )
    head = bind.execute(
        sa.text("SELECT seq, hash FROM audit_head WHERE chain = :county"), {"county": COUNTY}
    ).first()
    op.drop_table("audit_head")
    table = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    if head is not None:
        op.bulk_insert(table, [{"id": 1, "seq": head.seq, "hash": head.hash}])

    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_constraint(op.f("uq_audit_entry_chain_seq"), type_="unique")
        batch.create_unique_constraint(op.f("uq_audit_entry_seq"), ["seq"])
        batch.drop_column("chain")
