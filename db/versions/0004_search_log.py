"""Search log: every ALPR search with its purpose and case, for the quarterly review.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("actor_badge", sa.String(length=10), nullable=False),
        sa.Column("searched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("plate_pattern", sa.String(length=12), nullable=True),
        sa.Column("match_mode", sa.String(length=10), nullable=True),
        sa.Column("time_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("time_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("center_lat", sa.Float(), nullable=True),
        sa.Column("center_lon", sa.Float(), nullable=True),
        sa.Column("radius_m", sa.Float(), nullable=True),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("result_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["personnel.id"], name=op.f("fk_searches_person_id_personnel")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_searches")),
    )
    with op.batch_alter_table("searches", schema=None) as batch_op:
        batch_op.create_index("ix_searches_actor_badge", ["actor_badge"], unique=False)
        batch_op.create_index("ix_searches_searched_at", ["searched_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("searches", schema=None) as batch_op:
        batch_op.drop_index("ix_searches_searched_at")
        batch_op.drop_index("ix_searches_actor_badge")

    op.drop_table("searches")
