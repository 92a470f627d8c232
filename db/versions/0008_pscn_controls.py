"""Enrolled workstations, sealed camera credentials, withdrawn donor agreements kept.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workstations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("name_key", sa.String(length=63), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("enrolled_by", sa.String(length=10), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.String(length=10), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workstations")),
        sa.UniqueConstraint("name_key", name=op.f("uq_workstations_name_key")),
    )
    op.create_table(
        "camera_credentials",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("stream_url_sealed", sa.Text(), nullable=True),
        sa.Column("substream_url_sealed", sa.Text(), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_camera_credentials_device_id_devices"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_camera_credentials")),
    )
    with op.batch_alter_table("donor_agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_by", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("withdraw_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("donor_agreements", schema=None) as batch_op:
        batch_op.drop_column("withdraw_reason")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("withdrawn_by")
    op.drop_table("camera_credentials")
    op.drop_table("workstations")
