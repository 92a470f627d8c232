"""Disk caps of the recordings store (issue 17): the store's and the default per-camera cap,
a camera's own cap, the level each cap's use was last seen at, and the bytes per camera
kept by triggers on `recording_segments` (filled here from the segments already indexed).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# Every writer of the index (the recorder's, the purge's, the caps' removals, a repair by
# hand) keeps the counts right, since the database does it.
PG_TRIGGER = r"""
CREATE OR REPLACE FUNCTION rtic_recording_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO recording_usage (device_id, bytes, segments)
        VALUES (NEW.device_id, NEW.size_bytes, 1)
        ON CONFLICT (device_id) DO UPDATE
           SET bytes = recording_usage.bytes + EXCLUDED.bytes,
               segments = recording_usage.segments + 1;
        RETURN NEW;
    END IF;
    UPDATE recording_usage SET bytes = bytes - OLD.size_bytes, segments = segments - 1
     WHERE device_id = OLD.device_id;
    RETURN OLD;
END $$;
CREATE TRIGGER recording_usage_count AFTER INSERT OR DELETE ON recording_segments
FOR EACH ROW EXECUTE FUNCTION rtic_recording_usage();
"""
SQLITE_TRIGGERS = (
    """CREATE TRIGGER recording_usage_insert AFTER INSERT ON recording_segments BEGIN
        INSERT OR IGNORE INTO recording_usage (device_id, bytes, segments)
        VALUES (NEW.device_id, 0, 0);
        UPDATE recording_usage SET bytes = bytes + NEW.size_bytes, segments = segments + 1
         WHERE device_id = NEW.device_id;
    END""",
    """CREATE TRIGGER recording_usage_delete AFTER DELETE ON recording_segments BEGIN
        UPDATE recording_usage SET bytes = bytes - OLD.size_bytes, segments = segments - 1
         WHERE device_id = OLD.device_id;
    END""",
)


def upgrade() -> None:
    op.create_table(
        "recording_caps",
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("cap_bytes", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_recording_caps")),
    )
    op.create_table(
        "recording_cap_states",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_recording_cap_states")),
    )
    op.create_table(
        "recording_usage",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], ondelete="CASCADE",
                                name=op.f("fk_recording_usage_device_id_devices")),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_recording_usage")),
    )
    with op.batch_alter_table("camera_settings") as batch:
        batch.add_column(sa.Column("cap_bytes", sa.BigInteger(), nullable=True))
    op.execute("INSERT INTO recording_usage (device_id, bytes, segments) "
               "SELECT device_id, SUM(size_bytes), COUNT(*) FROM recording_segments "
               "GROUP BY device_id")
    if _sqlite():
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
    else:
        op.execute(PG_TRIGGER)


def downgrade() -> None:
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS recording_usage_insert")
        op.execute("DROP TRIGGER IF EXISTS recording_usage_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS recording_usage_count ON recording_segments")
        op.execute("DROP FUNCTION IF EXISTS rtic_recording_usage()")
    with op.batch_alter_table("camera_settings") as batch:
        batch.drop_column("cap_bytes")
    op.drop_table("recording_usage")
    op.drop_table("recording_cap_states")
    op.drop_table("recording_caps")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"
