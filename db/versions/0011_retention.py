"""Retention: settings per kind of data, purge runs, plate and hit holds, the purgeable plain
plates behind the audit trail's plate digests, and on PostgreSQL detections and their images
partitioned by week (converted in place with their data).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

DAYS_AHEAD = 7  # partitions made ahead at conversion; each purge keeps as many days ready

# PostgreSQL: detections and detection_images become LIST (held) partitioned: `*_held` keeps
# the reads an evidence hold moved out of their week, `*_live` is RANGE (captured_at)
# partitioned by UTC week from Monday (`*_wYYYYMMDD`) with a default partition for reads
# outside the weeks made so far. Weeks, not days: a query that cannot prune locks every
# partition and its indexes, and two years of days would overflow PostgreSQL's default lock
# table (max_locks_per_transaction 64). A partition's key must be in every unique
# constraint, so the primary and unique keys gain (held, captured_at), and hits and images no
# longer reference detections by a foreign key (the purge removes them with their reads).
# The two functions run as the schema's owner (SECURITY DEFINER), since the console and
# ingest logins may not create or drop tables; each checks what it is asked, so calling them
# directly can neither reach data inside retention nor lose held reads.
ENSURE_WEEKS = r"""
CREATE OR REPLACE FUNCTION rtic_ensure_detection_weeks(first_day date, last_day date)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE w date; lo timestamptz; hi timestamptz; made integer := 0; t text; parent text;
BEGIN
    IF last_day - first_day > 800 THEN
        RAISE EXCEPTION 'at most 800 days of partitions at once';
    END IF;
    FOR w IN SELECT generate_series(date_trunc('week', first_day),
                                    date_trunc('week', last_day), interval '7 days')::date LOOP
        lo := w::timestamp AT TIME ZONE 'UTC';
        hi := (w + 7)::timestamp AT TIME ZONE 'UTC';
        FOREACH parent IN ARRAY ARRAY['detections', 'detection_images'] LOOP
            t := parent || '_w' || to_char(w, 'YYYYMMDD');
            CONTINUE WHEN to_regclass(t) IS NOT NULL;
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', t, parent || '_live');
            EXECUTE format('WITH moved AS (DELETE FROM %I WHERE captured_at >= $1 AND '
                           'captured_at < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
                           parent || '_live_default', t) USING lo, hi;
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           parent || '_live', t, lo, hi);
            made := made + 1;
        END LOOP;
    END LOOP;
    RETURN made;
END $$
"""
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
    -- holds, a few index look-ups, not a scan of the week.
    UPDATE detections d SET held = true
     WHERE d.held = false AND d.captured_at >= lo AND d.captured_at < hi
       AND d.id IN (SELECT h.detection_id FROM evidence_holds h WHERE h.released_at IS NULL
                      AND h.scope IN ('detection', 'hit'));
    UPDATE detections d SET held = true
      FROM evidence_holds h
     WHERE h.released_at IS NULL AND h.scope = 'plate' AND d.plate = h.plate
       AND d.captured_at >= lo AND d.captured_at < hi AND d.held = false
       AND d.captured_at >= h.from_at AND d.captured_at <= h.to_at;
    UPDATE detection_images i SET held = true
     WHERE i.held = false AND i.captured_at >= lo AND i.captured_at < hi
       AND i.detection_id IN (SELECT k.id FROM detections_held k
                               WHERE k.captured_at >= lo AND k.captured_at < hi);
    EXECUTE format('DELETE FROM hit_steps WHERE hit_id IN (SELECT h.id FROM hits h JOIN %I d '
                   'ON d.id = h.detection_id)', part);
    GET DIAGNOSTICS n_steps = ROW_COUNT;
    EXECUTE format('DELETE FROM hits WHERE detection_id IN (SELECT id FROM %I)', part);
    GET DIAGNOSTICS n_hits = ROW_COUNT;
    EXECUTE format('SELECT count(*) FROM %I', part) INTO n_reads;
    EXECUTE format('SELECT count(*) FROM %I', ipart) INTO n_images;
    EXECUTE format('DROP TABLE %I', part);
    EXECUTE format('DROP TABLE IF EXISTS %I', ipart);
    RETURN QUERY SELECT n_reads, n_images, n_hits, n_steps;
END $$
"""
PARTITION_STATEMENTS = (
    # Copying a large table takes longer than a console's statement may.
    "SET LOCAL statement_timeout = 0",
    "ALTER TABLE hits DROP CONSTRAINT fk_hits_detection_id_detections",
    "ALTER TABLE detection_images DROP CONSTRAINT "
    "fk_detection_images_detection_id_detections",
    "ALTER TABLE detections ADD COLUMN held boolean NOT NULL DEFAULT false",
    "ALTER TABLE detection_images ADD COLUMN held boolean NOT NULL DEFAULT false, "
    "ADD COLUMN captured_at timestamp with time zone",
    "ALTER TABLE detections RENAME TO detections_unpartitioned",
    "ALTER TABLE detection_images RENAME TO detection_images_unpartitioned",
    # Index names are the schema's: the old ones step aside.
    """DO $$ DECLARE r record; BEGIN
        FOR r IN SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
                   AND tablename IN ('detections_unpartitioned',
                                     'detection_images_unpartitioned') LOOP
            EXECUTE format('ALTER INDEX %I RENAME TO %I', r.indexname,
                           left(r.indexname, 50) || '_flat');
        END LOOP;
    END $$""",
    "ALTER SEQUENCE detections_id_seq OWNED BY NONE",
    "ALTER SEQUENCE detection_images_id_seq OWNED BY NONE",
    "CREATE TABLE detections (LIKE detections_unpartitioned INCLUDING DEFAULTS) "
    "PARTITION BY LIST (held)",
    "ALTER TABLE detections ADD CONSTRAINT pk_detections PRIMARY KEY (id, held, captured_at)",
    "ALTER TABLE detections ADD CONSTRAINT uq_detections_source_day "
    "UNIQUE (source_format, source_id, held, captured_at)",
    "ALTER TABLE detections ADD CONSTRAINT fk_detections_device_id_devices "
    "FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE SET NULL",
    "CREATE INDEX ix_detections_captured_at ON detections (captured_at)",
    "CREATE INDEX ix_detections_device_captured_at ON detections (device_id, captured_at)",
    "CREATE INDEX ix_detections_plate_captured_at ON detections (plate, captured_at)",
    "CREATE INDEX ix_detections_plate_trgm ON detections USING gin (plate gin_trgm_ops)",
    "CREATE TABLE detections_held PARTITION OF detections FOR VALUES IN (true)",
    "CREATE TABLE detections_live PARTITION OF detections FOR VALUES IN (false) "
    "PARTITION BY RANGE (captured_at)",
    "CREATE TABLE detections_live_default PARTITION OF detections_live DEFAULT",
    "CREATE TABLE detection_images (LIKE detection_images_unpartitioned INCLUDING DEFAULTS) "
    "PARTITION BY LIST (held)",
    "ALTER TABLE detection_images ALTER COLUMN captured_at SET NOT NULL",
    "ALTER TABLE detection_images ADD CONSTRAINT pk_detection_images "
    "PRIMARY KEY (id, held, captured_at)",
    "ALTER TABLE detection_images ADD CONSTRAINT uq_detection_images_detection_kind_day "
    "UNIQUE (detection_id, kind, held, captured_at)",
    "CREATE TABLE detection_images_held PARTITION OF detection_images FOR VALUES IN (true)",
    "CREATE TABLE detection_images_live PARTITION OF detection_images FOR VALUES IN (false) "
    "PARTITION BY RANGE (captured_at)",
    "CREATE TABLE detection_images_live_default PARTITION OF detection_images_live DEFAULT",
    ENSURE_WEEKS,
    DROP_WEEK,
    # Weeks from the oldest read kept (at most about two years back) to a week ahead.
    f"""SELECT rtic_ensure_detection_weeks(
        greatest(coalesce((SELECT min(captured_at) FROM detections_unpartitioned),
                          now())::timestamptz AT TIME ZONE 'UTC',
                 (now() AT TIME ZONE 'UTC') - interval '740 days')::date,
        (now() AT TIME ZONE 'UTC')::date + {DAYS_AHEAD})""",
    "INSERT INTO detections SELECT * FROM detections_unpartitioned",
    "INSERT INTO detection_images (id, detection_id, kind, jpeg, held, captured_at) "
    "SELECT i.id, i.detection_id, i.kind, i.jpeg, false, d.captured_at "
    "FROM detection_images_unpartitioned i "
    "JOIN detections_unpartitioned d ON d.id = i.detection_id",
    "DROP TABLE detection_images_unpartitioned",
    "DROP TABLE detections_unpartitioned",
    "ALTER SEQUENCE detections_id_seq OWNED BY detections.id",
    "ALTER SEQUENCE detection_images_id_seq OWNED BY detection_images.id",
    "ANALYZE detections",
    "ANALYZE detection_images",
)
# The way back: plain tables again, with their keys and references as migration 0008 left
# them (held reads stay, as reads).
FLATTEN_STATEMENTS = (
    "DROP FUNCTION rtic_drop_detection_week(date)",
    "DROP FUNCTION rtic_ensure_detection_weeks(date, date)",
    "ALTER SEQUENCE detections_id_seq OWNED BY NONE",
    "ALTER SEQUENCE detection_images_id_seq OWNED BY NONE",
    "CREATE TABLE detections_flat (LIKE detections INCLUDING DEFAULTS)",
    "INSERT INTO detections_flat SELECT * FROM detections",
    "CREATE TABLE detection_images_flat (LIKE detection_images INCLUDING DEFAULTS)",
    "INSERT INTO detection_images_flat SELECT * FROM detection_images",
    "DROP TABLE detection_images",
    "DROP TABLE detections",
    "ALTER TABLE detections_flat RENAME TO detections",
    "ALTER TABLE detection_images_flat RENAME TO detection_images",
    "ALTER TABLE detections DROP COLUMN held",
    "ALTER TABLE detection_images DROP COLUMN held, DROP COLUMN captured_at",
    "ALTER TABLE detections ADD CONSTRAINT pk_detections PRIMARY KEY (id)",
    "ALTER TABLE detections ADD CONSTRAINT uq_detections_source "
    "UNIQUE (source_format, source_id)",
    "ALTER TABLE detections ADD CONSTRAINT fk_detections_device_id_devices "
    "FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE SET NULL",
    "CREATE INDEX ix_detections_captured_at ON detections (captured_at)",
    "CREATE INDEX ix_detections_device_captured_at ON detections (device_id, captured_at)",
    "CREATE INDEX ix_detections_plate_captured_at ON detections (plate, captured_at)",
    "CREATE INDEX ix_detections_plate_trgm ON detections USING gin (plate gin_trgm_ops)",
    "ALTER TABLE detection_images ADD CONSTRAINT pk_detection_images PRIMARY KEY (id)",
    "ALTER TABLE detection_images ADD CONSTRAINT uq_detection_images_detection_kind "
    "UNIQUE (detection_id, kind)",
    "ALTER TABLE detection_images ADD CONSTRAINT fk_detection_images_detection_id_detections "
    "FOREIGN KEY (detection_id) REFERENCES detections (id) ON DELETE CASCADE",
    "ALTER TABLE hits ADD CONSTRAINT fk_hits_detection_id_detections "
    "FOREIGN KEY (detection_id) REFERENCES detections (id) ON DELETE CASCADE",
    "ALTER SEQUENCE detections_id_seq OWNED BY detections.id",
    "ALTER SEQUENCE detection_images_id_seq OWNED BY detection_images.id",
)


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
    if op.get_bind().dialect.name == "postgresql":
        for statement in PARTITION_STATEMENTS:
            op.execute(statement)
        return
    with op.batch_alter_table("detections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table("detection_images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("captured_at", sa.DateTime(timezone=True),
                                      nullable=True))
    op.execute("UPDATE detection_images SET captured_at = (SELECT d.captured_at FROM "
               "detections d WHERE d.id = detection_images.detection_id)")
    with op.batch_alter_table("detection_images", schema=None) as batch_op:
        batch_op.alter_column("captured_at", existing_type=sa.DateTime(timezone=True),
                              nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in FLATTEN_STATEMENTS:
            op.execute(statement)
    else:
        with op.batch_alter_table("detection_images", schema=None) as batch_op:
            batch_op.drop_column("captured_at")
            batch_op.drop_column("held")
        with op.batch_alter_table("detections", schema=None) as batch_op:
            batch_op.drop_column("held")
    with op.batch_alter_table("evidence_holds", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_holds_plate")
        batch_op.drop_column("plate")
        batch_op.drop_column("hit_id")
    op.drop_table("audit_plates")
    op.drop_table("purge_runs")
    op.drop_table("retention_settings")
