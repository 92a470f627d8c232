"""Hit alarms: a hit's escalation to the sergeant on duty (D.5.a) and the later sightings
of the same vehicle grouped under an open hit.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    # A column only added: SQLite alters in place (no batch copy of `hits`).
    op.add_column("hits", sa.Column("escalated_at", UTC_TIME, nullable=True))
    op.create_table(
        "hit_sightings",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("hit_id", BIG_ID, nullable=False),
        sa.Column("detection_id", BIG_ID, nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("read_plate", sa.String(length=10), nullable=False),
        sa.Column("substitutions", sa.Integer(), nullable=False),
        sa.Column("captured_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["hit_id"], ["hits.id"], name=op.f("fk_hit_sightings_hit_id_hits"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hit_sightings")),
        sa.UniqueConstraint("detection_id", "entry_id",
                            name="uq_hit_sightings_detection_entry"),
    )
    op.create_index("ix_hit_sightings_hit_id", "hit_sightings", ["hit_id"])


def downgrade() -> None:
    op.drop_index("ix_hit_sightings_hit_id", table_name="hit_sightings")
    op.drop_table("hit_sightings")
    with op.batch_alter_table("hits") as batch_op:
        batch_op.drop_column("escalated_at")
