"""The retention purge on PostgreSQL: reads over 2 years with images and hits, 1,000 of them
held, everything older than 1 year removed (except the held) by the real purge workflow:
whole week partitions dropped after their held reads moved out, the cutoff's week by rows.

Loading is set-up and not timed: rows are generated inside PostgreSQL (one plate image per
read, a hit on one read in 200), the retention is set to 365 days, 1,000 reads past it are
held through the hold service. Timed: the dry run (counts), the purge (the service's batches,
each its own transaction, then the one audit event), and, while the purge runs, a small
read (the hit queue's list query) repeated from another connection: the console's view of
a running purge.

    python benchmarks/bench_purge.py [--rows N] [--held N] [--batch N] [--reuse NAME]

--reuse builds the reads once into a database of that name (kept) and runs each purge on a
copy of it, so repeated runs measure the same data without the build (about 3 minutes for
10 million reads); a copy built by an older schema is migrated before the timing. The
build is relative to its day: rebuild (drop the database) on another day.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_setup import (
    ADMIN_DSN,
    PASSWORD,
    _admin,
    migrated_with_admin,
    throwaway_database,
)

from rtic_console.config import Settings
from rtic_console.services import evidence_holds, hits, retention
from rtic_console.services.auth import sign_in
from rtic_console.services.evidence_holds import HoldRequest
from rtic_console.services.retention_purge import run_purge
from rtic_console.services.runner import perform, query
from rtic_console.store.database import open_database
from rtic_console.store.migrations import upgrade

SPAN_DAYS = 730
_LOAD_SQL = """
INSERT INTO detections (source_format, source_id, plate, plate_raw, state, confidence,
    captured_at, received_at, device_ref, candidates, vehicle)
SELECT 'bench', 'b' || g, p, p, 'CA', 0.9, t, t, 'DEV-1', '[]', '{}'
FROM generate_series(%(start)s, %(stop)s) AS g
CROSS JOIN LATERAL (SELECT now() - random() * interval '%(days)s days' + 0 * g * interval '1s'
                    AS t) AS tt
CROSS JOIN LATERAL (SELECT lpad((g %% 9999991)::text, 7, '0') AS p) AS pp
"""

TARGET_S = 5.0  # a year's purge of 10M reads (issue 14; goal 1 s)


def _build(url: str, rows: int) -> None:
    db, _ = migrated_with_admin(url)
    db.engine.dispose()
    conn = psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://"))
    conn.autocommit = True
    with conn.cursor() as cur:
        # The day partitions the service would have made over two years.
        cur.execute("SELECT rtic_ensure_detection_weeks(((now() AT TIME ZONE 'UTC')::date "
                    "- %s), (now() AT TIME ZONE 'UTC')::date + 3)", (SPAN_DAYS + 1,))
        chunk = 1_000_000
        for start in range(1, rows + 1, chunk):
            stop = min(start + chunk - 1, rows)
            cur.execute(_LOAD_SQL, {"start": start, "stop": stop, "days": SPAN_DAYS})
            print(f"loaded {stop:,} reads", file=sys.stderr, flush=True)
        cur.execute("INSERT INTO detection_images (detection_id, kind, jpeg, captured_at) "
                    "SELECT id, 'plate', '\\xffd8'::bytea, captured_at FROM detections")
        cur.execute("INSERT INTO hot_lists (name, kind, description) VALUES "
                    "('bench', 'spd_hot_plate', '') RETURNING id")
        list_id = cur.fetchone()[0]
        cur.execute("INSERT INTO hits (detection_id, list_id, read_plate, listed_plate, "
                    "captured_at, substitutions, state_mismatch, priority, reason, "
                    "informational, status, created_at) SELECT id, %s, plate, plate, "
                    "captured_at, 0, false, 1, 'stolen_vehicle', false, 'closed', captured_at "
                    "FROM detections WHERE id %% 200 = 0",
                    (list_id,))
        cur.execute("VACUUM ANALYZE")
    conn.close()


def _measure(url: str, held: int, batch: int | None, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    db = open_database(url, interactive=False)
    started = time.perf_counter()
    upgrade(db)  # a kept build of an older schema: migrated, not part of the purge's time
    migrate_s = time.perf_counter() - started
    ctx = sign_in(db, Settings(database_url=url, workstation="BENCH"), "1001", PASSWORD)
    perform(db, ctx, retention.set_retention, "detections", 365)
    cutoff = datetime.now(UTC) - timedelta(days=366)
    with db.engine.connect() as conn:
        old = [r[0] for r in conn.exec_driver_sql(
            "SELECT id FROM detections WHERE captured_at < %(c)s LIMIT 200000", {"c": cutoff})]
        total = conn.exec_driver_sql("SELECT count(*) FROM detections").scalar()
    held_ids = rng.sample(old, min(held, len(old)))
    for detection_id in held_ids:
        perform(db, ctx, evidence_holds.place_hold,
                HoldRequest("26-BENCH", "benchmark hold", detection_id=detection_id))

    with psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://")) as conn, \
            conn.cursor() as cur:
        cur.execute("ANALYZE evidence_holds")  # as autovacuum would have by the daily run
    started = time.perf_counter()
    dry = run_purge(db, ctx, dry_run=True)
    dry_s = time.perf_counter() - started

    stalls: list[float] = []
    running = threading.Event()

    def console() -> None:
        while running.is_set():
            t0 = time.perf_counter()
            query(db, ctx, hits.list_hits, limit=50)
            stalls.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.1)

    running.set()
    reader = threading.Thread(target=console, name="bench-console")
    reader.start()
    weeks: list[float] = []
    batches: list[float] = []  # the reads' batches after the weeks: the cutoff's week

    def heard(line: str) -> None:
        if line.startswith("detections: week of"):
            weeks.append(time.perf_counter())
        elif line.startswith("detections: "):
            batches.append(time.perf_counter())

    started = time.perf_counter()
    report = run_purge(db, ctx, batch=batch, progress=heard)
    purge_s = time.perf_counter() - started
    running.clear()
    reader.join()
    with db.engine.connect() as conn:
        left_held = conn.exec_driver_sql(
            "SELECT count(*) FROM detections WHERE id = ANY(%(ids)s)", {"ids": held_ids}).scalar()
        left_old = conn.exec_driver_sql(
            "SELECT count(*) FROM detections WHERE captured_at < %(c)s", {"c": cutoff}).scalar()
    db.engine.dispose()
    removed = report.kinds[0].removed
    ordered = sorted(stalls)
    return {
        "reads": total, "held": len(held_ids), "batch": batch,
        "dry_run_s": round(dry_s, 2), "purge_s": round(purge_s, 2),
        "weeks_dropped": len(weeks),
        "until_last_week_dropped_s": round(weeks[-1] - started, 2) if weeks else None,
        "cutoff_week_batches": len(batches),
        "cutoff_week_s": round(batches[-1] - (weeks[-1] if weeks else started), 2)
        if batches else None,
        # The dry run's cutoff is a few seconds older: reads crossing it meanwhile differ.
        "removed": removed, "dry_run_removed": dry.kinds[0].removed,
        "held_left": left_held, "unheld_past_retention_left": left_old - left_held,
        "console_query_ms": {"p50": round(statistics.median(ordered), 1),
                             "p99": round(ordered[min(len(ordered) - 1,
                                                      round(0.99 * (len(ordered) - 1)))], 1),
                             "max": round(ordered[-1], 1), "samples": len(ordered)}
        if ordered else None,
        "migrate_s": round(migrate_s, 2), "target_s": TARGET_S, "partitioned": True,
        "meets_target": purge_s <= TARGET_S and left_held == len(held_ids)
        and left_old == left_held,
    }


def _database_exists(name: str) -> bool:
    conn = psycopg2.connect(ADMIN_DSN)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return cur.fetchone() is not None
    finally:
        conn.close()


def _kept_build(name: str, rows: int) -> None:
    """The named database, built once: the template each reusing run copies."""
    if _database_exists(name):
        return
    params = dict(part.split("=", 1) for part in ADMIN_DSN.split())
    _admin(f'CREATE DATABASE "{name}"')
    try:
        _build(f"postgresql+psycopg2://{params.get('user', 'postgres')}@"
               f"{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}/{name}", rows)
    except BaseException:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        raise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--held", type=int, default=1000)
    parser.add_argument("--batch", type=int, help="rows a transaction (the service's "
                        "defaults if not given)")
    parser.add_argument("--seed", type=int, default=525)
    parser.add_argument("--reuse", metavar="NAME",
                        help="build once into this database and purge a copy of it")
    args = parser.parse_args()
    if args.reuse:
        _kept_build(args.reuse, args.rows)
    with throwaway_database(template=args.reuse) as url:
        if not args.reuse:
            _build(url, args.rows)
        figures = _measure(url, args.held, args.batch, args.seed)
    print(json.dumps(figures, indent=2))
    return 0 if figures["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
