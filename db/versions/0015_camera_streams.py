"""Camera streams: the RTSP transport of each camera (TCP by default, UDP where a camera or
its network needs it).

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("stream_transport", sa.String(length=3), nullable=False,
                                   server_default="tcp"))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("stream_transport")
