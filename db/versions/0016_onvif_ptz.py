"""ONVIF cameras: the device service address (sealed with credentials), the steered profile,
the PTZ range and the idle return home.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "camera_onvif",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("address_sealed", sa.Text(), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=True),
        sa.Column("profile_token", sa.String(length=64), nullable=False),
        sa.Column("ptz", sa.Boolean(), nullable=False),
        sa.Column("ptz_range", sa.String(length=200), nullable=True),
        sa.Column("home_after_minutes", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_camera_onvif_device_id_devices"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_camera_onvif")),
    )


def downgrade() -> None:
    op.drop_table("camera_onvif")
