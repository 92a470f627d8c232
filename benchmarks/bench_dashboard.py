"""Dashboard counts on PostgreSQL with 10 million reads over 2 years from 300 devices.

The reads are built as bench_search_10m.py builds them (set-up, not timed); each window of
the dashboard is then fetched through the real service, as the console fetches it.

    python benchmarks/bench_dashboard.py [--rows N] [--runs N] [--keep-db NAME]

--keep-db reuses (or builds once) a database of that name, such as the search benchmark's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search_10m import _build, _percentiles
from ingest_setup import ADMIN_DSN, PASSWORD, _admin, throwaway_database

from rtic_console.config import Settings
from rtic_console.services.activity_stats import WINDOWS, activity_stats
from rtic_console.services.auth import sign_in
from rtic_console.services.runner import query
from rtic_console.store.database import open_database

TARGET_MS = 1000  # a refresh at most every few seconds: one second leaves the database idle
TARGET_30D_MS = 500  # issue 18: the 30-day view, on 100M reads


def _measure(url: str, runs: int) -> dict[str, object]:
    db = open_database(url, interactive=False)
    ctx = sign_in(db, Settings(database_url=url, workstation="BENCH"), "1001", PASSWORD)
    with db.engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT reltuples::bigint FROM pg_class "
                                     "WHERE relname = 'detections'").scalar()
    figures: dict[str, object] = {"rows": total, "runs": runs, "target_ms": TARGET_MS}
    for key in WINDOWS:
        samples, reads = [], 0
        for _ in range(runs + 1):
            started = time.perf_counter()
            stats = query(db, ctx, activity_stats, key)
            samples.append((time.perf_counter() - started) * 1000)
            reads = sum(stats.reads_per_hour)
        figures[key] = {"first_ms": round(samples[0], 1), **_percentiles(samples[1:]),
                        "reads_in_window": reads}
    db.engine.dispose()
    p95 = {key: figures[key]["p95_ms"] for key in WINDOWS}  # type: ignore[index]
    figures["target_30d_ms"] = TARGET_30D_MS
    figures["meets_targets"] = all(ms <= TARGET_MS for ms in p95.values()) \
        and p95["30d"] <= TARGET_30D_MS
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep-db", help="build once into this database and reuse it")
    args = parser.parse_args()
    if not args.keep_db:
        with throwaway_database() as url:
            _build(url, args.rows)
            figures = _measure(url, args.runs)
        print(json.dumps(figures, indent=2))
        return 0 if figures["meets_targets"] else 1
    params = dict(part.split("=", 1) for part in ADMIN_DSN.split())
    url = (f"postgresql+psycopg2://{params.get('user', 'postgres')}@"
           f"{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}/{args.keep_db}")
    conn = psycopg2.connect(ADMIN_DSN)
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.keep_db,))
        exists = cur.fetchone() is not None
    conn.close()
    if not exists:
        _admin(f'CREATE DATABASE "{args.keep_db}"')
        _build(url, args.rows)
    figures = _measure(url, args.runs)
    print(json.dumps(figures, indent=2))
    return 0 if figures["meets_targets"] else 1


if __name__ == "__main__":
    sys.exit(main())
