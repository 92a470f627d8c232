"""On SQLite, reads are found by time through an index that also holds their place, so the
map counts a window's cells without reading a row (services/map_data.map_clusters).

PostgreSQL keeps its time index: its planner already reads a large window in one pass.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PLACE_COLUMNS = ["captured_at", "latitude", "longitude", "device_id"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index("ix_detections_captured_at_place", "detections", PLACE_COLUMNS)
    op.drop_index("ix_detections_captured_at", table_name="detections")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index("ix_detections_captured_at", "detections", ["captured_at"])
    op.drop_index("ix_detections_captured_at_place", table_name="detections")
