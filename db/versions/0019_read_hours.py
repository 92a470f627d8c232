"""Reads counted per UTC hour and device (`read_hours`), so the dashboard's month comes from
the counts rather than every read (issue 18); filled here from the reads already stored.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# The hour in each engine's stored form: services/read_hours.hour_expression, written out
# here so the migration keeps meaning what it meant when the code moves on.
HOUR = {
    "postgresql": "timezone('UTC', date_trunc('hour', timezone('UTC', captured_at)))",
    "sqlite": "substr(captured_at, 1, 13) || ':00:00.000000'",
}

# 0017's function, and then the week's hours recounted (from its held reads) in the same
# transaction as the drop, whoever calls it.
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
    -- The week's hours counted again from what is left of them (its held reads): the
    -- dropped table took its reads with it, unseen by any statement on detections.
    DELETE FROM read_hours WHERE hour >= lo AND hour < hi;
    INSERT INTO read_hours (hour, device_id, reads)
    SELECT timezone('UTC', date_trunc('hour', timezone('UTC', captured_at))),
           coalesce(device_id, 0), count(*)
      FROM detections WHERE captured_at >= lo AND captured_at < hi
     GROUP BY 1, 2;
    RETURN QUERY SELECT n_reads, n_images, n_hits, n_steps;
END $$
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("SET LOCAL statement_timeout = 0")  # one pass over every read
    op.create_table(
        "read_hours",
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("reads", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("hour", "device_id", name=op.f("pk_read_hours")),
    )
    op.create_index("ix_read_hours_device_hour", "read_hours", ["device_id", "hour"])
    hour = HOUR[dialect]
    op.execute(f"INSERT INTO read_hours (hour, device_id, reads) "  # noqa: S608
               f"SELECT {hour}, coalesce(device_id, 0), count(*) FROM detections "
               f"GROUP BY {hour}, coalesce(device_id, 0) "
               # In hour order, as ingest adds them: a window's rows on few pages.
               f"ORDER BY {hour}, coalesce(device_id, 0)")
    if dialect == "postgresql":
        op.execute(DROP_WEEK)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_revision_0017().DROP_WEEK)
    op.drop_table("read_hours")


def _revision_0017():  # type: ignore[no-untyped-def]
    """0017's module (its file name is no module name): the function's text to restore."""
    spec = importlib.util.spec_from_file_location(
        "rtic_revision_0017", Path(__file__).with_name("0017_hits_captured_at.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
