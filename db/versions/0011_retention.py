"""Retention: settings per kind of data, purge runs, plate and hit holds, and the purgeable
plain plates behind the audit trail's plate digests.

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_settings",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_retention_settings")),
    )
    op.create_table(
        "purge_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_by", sa.String(length=80), nullable=False),
        sa.Column("workstation", sa.String(length=80), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("cutoffs", sa.Text(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_runs")),
    )
    op.create_table(
        "audit_plates",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("plate", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", "field", name=op.f("pk_audit_plates")),
    )
    with op.batch_alter_table("audit_plates", schema=None) as batch_op:
        batch_op.create_index("ix_audit_plates_occurred_at", ["occurred_at"], unique=False)
        batch_op.create_index("ix_audit_plates_plate", ["plate"], unique=False)
    with op.batch_alter_table("evidence_holds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hit_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("plate", sa.String(length=10), nullable=True))
        batch_op.create_index("ix_evidence_holds_plate", ["plate"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence_holds", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_holds_plate")
        batch_op.drop_column("plate")
        batch_op.drop_column("hit_id")
    op.drop_table("audit_plates")
    op.drop_table("purge_runs")
    op.drop_table("retention_settings")
