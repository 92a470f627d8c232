"""Hits carry their read's capture time, indexed, so the purge removes a dropped week's hits
by time span instead of looking for its reads' hits (a scan of the week or of all hits).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The week's hits by the hits' own time index, less the hits of its held reads (moved to
# detections_held just before: an index look-up each), then the week's tables dropped. What
# it reads grows with the week's hits and the holds, not with its reads, but for the two
# counts of the report (exact, for the audit event: a scan of each partition).
DROP_WEEK = r"""
CREATE OR REPLACE FUNCTION rtic_drop_detection_week(week date)
RETURNS TABLE (reads bigint, images bigint, hits bigint, hit_steps bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    lo timestamptz := week::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := (week + 7)::timestamp AT TIME ZONE 'UTC';
    part text := 'detections_w' || to_char(week, 'YYYYMMDD');
    ipart text := 'detection_images_w' || to_char(week, 'YYYYMMDD');
    kept integer;
    n_reads bigint; n_images bigint; n_hits bigint; n_steps bigint;
BEGIN
    SELECT greatest(90, least(730, coalesce(
        (SELECT s.days FROM retention_settings s WHERE s.kind = 'detections'), 730))) INTO kept;
    IF hi > now() - make_interval(days => kept) THEN
        RAISE EXCEPTION 'the reads of the week of % are inside retention (% days)', week, kept;
    END IF;
    IF to_regclass(part) IS NULL THEN
        RETURN;
    END IF;
    -- Held reads, and their images, leave the week before it goes (C.1): found from the
    -- holds, an index look-up each (`= ANY(ARRAY(...))`; 0011's `IN (...)` hashed the holds
    -- against a scan of the week).
    UPDATE detections d SET held = true
     WHERE d.held = false AND d.captured_at >= lo AND d.captured_at < hi
       AND d.id = ANY(ARRAY(SELECT h.detection_id FROM evidence_holds h
                             WHERE h.released_at IS NULL AND h.scope IN ('detection', 'hit')
                               AND h.detection_id IS NOT NULL));
    UPDATE detections d SET held = true
      FROM evidence_holds h
     WHERE h.released_at IS NULL AND h.scope = 'plate' AND d.plate = h.plate
       AND d.captured_at >= lo AND d.captured_at < hi AND d.held = false
       AND d.captured_at >= h.from_at AND d.captured_at <= h.to_at;
    UPDATE detection_images i SET held = true
     WHERE i.held = false AND i.captured_at >= lo AND i.captured_at < hi
       AND i.detection_id IN (SELECT k.id FROM detections_held k
                               WHERE k.captured_at >= lo AND k.captured_at < hi);
    DELETE FROM hit_steps s USING hits h
     WHERE s.hit_id = h.id AND h.captured_at >= lo AND h.captured_at < hi
       AND NOT EXISTS (SELECT 1 FROM detections_held k
                        WHERE k.id = h.detection_id AND k.captured_at = h.captured_at);
    GET DIAGNOSTICS n_steps = ROW_COUNT;
    DELETE FROM hits h
     WHERE h.captured_at >= lo AND h.captured_at < hi
       AND NOT EXISTS (SELECT 1 FROM detections_held k
                        WHERE k.id = h.detection_id AND k.captured_at = h.captured_at);
    GET DIAGNOSTICS n_hits = ROW_COUNT;
    EXECUTE format('SELECT count(*) FROM %I', part) INTO n_reads;
    EXECUTE format('SELECT count(*) FROM %I', ipart) INTO n_images;
    EXECUTE format('DROP TABLE %I', part);
    EXECUTE format('DROP TABLE IF EXISTS %I', ipart);
    RETURN QUERY SELECT n_reads, n_images, n_hits, n_steps;
END $$
"""
# Hits whose read is gone (no foreign key on PostgreSQL since 0011) take their own time.
BACKFILL = ("UPDATE hits SET captured_at = coalesce((SELECT d.captured_at FROM detections d "
            "WHERE d.id = hits.detection_id), hits.created_at)")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("SET LOCAL statement_timeout = 0")
    op.add_column("hits", sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)
    if postgres:
        op.alter_column("hits", "captured_at", existing_type=sa.DateTime(timezone=True),
                        nullable=False)
    else:
        _sqlite_hits_remade()
    op.create_index("ix_hits_captured_at", "hits", ["captured_at"], unique=False)
    if postgres:
        op.execute(DROP_WEEK)


def _sqlite_hits_remade() -> None:
    """SQLite: the column made NOT NULL in the table's stored definition, the procedure of
    SQLite's ALTER TABLE documentation for a change that leaves the stored rows as they are
    (the backfill left no NULL). Not by a batch copy: its DROP TABLE hits runs the foreign
    keys' ON DELETE actions (on, and not to be turned off inside the migration's
    transaction), which would take the hits' steps and sightings with them."""
    conn = op.get_bind()
    assert conn.exec_driver_sql("SELECT count(*) FROM hits WHERE captured_at IS NULL"
                                ).scalar_one() == 0
    table_sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'hits'").scalar_one()
    assert table_sql.count("captured_at DATETIME,") == 1
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    conn.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'hits'",
        (table_sql.replace("captured_at DATETIME,", "captured_at DATETIME NOT NULL,"),))
    conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"


def downgrade() -> None:
    op.drop_index("ix_hits_captured_at", table_name="hits")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_revision_0011().DROP_WEEK)
    # Not a batch copy on SQLite either (see _sqlite_hits_remade): SQLite drops the column.
    op.execute("ALTER TABLE hits DROP COLUMN captured_at")


def _revision_0011():  # type: ignore[no-untyped-def]
    """0011's module (its file name is no module name): the function's text to restore."""
    spec = importlib.util.spec_from_file_location(
        "rtic_revision_0011", Path(__file__).with_name("0011_retention.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
