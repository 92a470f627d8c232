"""A quarter's device rows for the inspection (D.2.b(1)) from PostgreSQL, as JSON.

The issue's set-up: 300 devices and 2,000,000 hourly health rows (about nine months of every
device's hours; loading them is set-up and not timed). Timed: `device_quarter_rows` for last
quarter, which the inspection's first page needs (target for the whole page: 1 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_setup import throwaway_database
from sqlalchemy import text

from rtic_console.services.device_quarter import device_quarter_rows
from rtic_console.store.database import open_database
from rtic_console.store.migrations import upgrade

_DEVICES_SQL = """
INSERT INTO devices (code, name, kind, category, area, address, service_state, version,
                     expected_version, installed_on)
SELECT 'DEV-' || g, 'Device ' || g,
       (ARRAY['alpr_fixed', 'alpr_mobile', 'trailer', 'camera'])[1 + g % 4], 'agency', '', '',
       'in_service', '5.4.' || (g % 3), '5.4.2', DATE '2025-01-01'
FROM generate_series(1, :count) AS g
"""
# Every device's hours back from :end, 2 % of them missing (an outage or a silent hour).
_HOURS_SQL = """
INSERT INTO device_health_hourly (device_id, hour, heartbeats, reads)
SELECT d.id, :end - h * interval '1 hour', CASE WHEN (h + d.id) % 50 = 0 THEN 0 ELSE 12 END,
       CASE WHEN (h + d.id) % 50 = 0 THEN 0 ELSE (random() * 40)::int END
FROM devices AS d CROSS JOIN generate_series(1, :hours) AS h
"""
_REPORTS_SQL = """
INSERT INTO device_reports (device_id, reported_by_badge, reported_at, problem, vandalism,
                            cleared_at, cleared_by_badge, clear_note)
SELECT d.id, '6301', :start + (d.id % 80) * interval '1 day', 'bench', false,
       CASE WHEN d.id % 2 = 0 THEN :start + (d.id % 80 + 2) * interval '1 day' END,
       CASE WHEN d.id % 2 = 0 THEN '1001' END, CASE WHEN d.id % 2 = 0 THEN 'fixed' END
FROM devices AS d WHERE d.id % 5 = 0
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=300)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    end = datetime(2026, 12, 1, tzinfo=UTC)
    start, stop = datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)
    with throwaway_database() as url:
        db = open_database(url, interactive=False)
        upgrade(db)
        started = time.perf_counter()
        with db.write() as session:
            session.execute(text("SET LOCAL statement_timeout = 0"))
            session.execute(text(_DEVICES_SQL), {"count": args.devices})
            session.execute(text(_HOURS_SQL), {"end": end, "hours": args.rows // args.devices})
            session.execute(text(_REPORTS_SQL), {"start": start})
        with db.write() as session:
            session.execute(text("SET LOCAL statement_timeout = 0"))
            session.execute(text("ANALYZE device_health_hourly"))
        loaded = time.perf_counter() - started
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            with db.read() as session:
                rows = device_quarter_rows(session, start, stop, now=end)
            times.append(time.perf_counter() - t0)
        db.dispose()
    print(json.dumps({
        "devices": len(rows), "hourly_rows": args.devices * (args.rows // args.devices),
        "load_s": round(loaded, 1), "quarter_rows_s_median": round(statistics.median(times), 3),
        "quarter_rows_s_max": round(max(times), 3),
        "uptime_mean": round(statistics.mean(r.uptime_share or 0 for r in rows), 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
