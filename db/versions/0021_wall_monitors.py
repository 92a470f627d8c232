"""A saved wall layout remembers its monitors (issue 17): the monitor of the console's wall
and the walls opened on other monitors, each with its grid, cameras and monitor. Both
nullable: a layout saved before this revision is one wall on the console's monitor.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wall_layouts") as batch:
        batch.add_column(sa.Column("monitor", sa.Text(), nullable=True))
        batch.add_column(sa.Column("more_walls", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wall_layouts") as batch:
        batch.drop_column("more_walls")
        batch.drop_column("monitor")
