"""Bulk ingest of a reads file into PostgreSQL with matching, as `rtic-console ingest` does.

Targets: >= 5,000 reads/s on a 2-core machine, and ingest >= 50% of a raw COPY (issue 18).
`parse_us_per_read` is the parse alone, timed before the ingest; the ingest parses a chunk
while it stores the one before, so its time is not the parse's plus the store's.

In the same run, the rows the ingest stored are copied out, the table emptied, and the same
rows written back by a raw COPY into the same table (partitioned by week on PostgreSQL, with
its indexes): `ingest_to_copy` is ingest's rate over COPY's, the floor no ingest can beat
(issue 18 asks for >= 0.5). COPY writes the reads only; ingest also matches them, writes
the hits and the audit events.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ingest_setup import prepare, throwaway_database
from sqlalchemy import func, select, text

from rtic_console.cli import ingest_commands
from rtic_console.feeds.read_formats import parse_payload
from rtic_console.services.ingest import DETECTION_COLUMNS
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.database import Database
from rtic_console.store.models import Detection, Hit

TARGETS = {"reads_per_second_min": 5000.0, "ingest_to_copy_min": 0.5}
DEVICES = [f"ALPR-FX-{i:02d}" for i in range(1, 9)]
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def write_reads(path: Path, count: int, plates: list[str], hit_rate: float, seed: int) -> int:
    """A reads CSV with hit_rate of its plates from the hot list; returns how many."""
    rng = random.Random(seed)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    hot = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("plate,state,confidence,captured_at,device,latitude,longitude,direction\n")
        for i in range(count):
            if rng.random() < hit_rate:
                plate, hot = rng.choice(plates), hot + 1
            else:  # ABC1234 is two substitutions at least from any 9ABC123: never a hit
                plate = f"{''.join(rng.choices(LETTERS, k=3))}{rng.randint(0, 9999):04d}"
            at = start + timedelta(seconds=i // len(DEVICES))
            out.write(f"{plate},CA,{rng.randint(70, 99)},{at.isoformat()},"
                      f"{DEVICES[i % len(DEVICES)]},38.5{i % 97:02d},-121.4{i % 89:02d},90\n")
    return hot


def raw_copy_seconds(db: Database) -> tuple[int, float]:
    """The stored reads copied out, the table emptied, and the same rows COPYed back in
    (the columns ingest writes; ids from the sequence as ingest's): how many, how long."""
    columns = ", ".join(DETECTION_COLUMNS)
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            rows = io.StringIO()
            cur.copy_expert(f"COPY (SELECT {columns} FROM detections) TO STDOUT",  # noqa: S608
                            rows)
            cur.execute("TRUNCATE detections, hits, hit_steps, hit_sightings")
            raw.commit()
            count = rows.getvalue().count("\n")
            rows.seek(0)
            started = time.perf_counter()
            cur.copy_expert(f"COPY detections ({columns}) FROM STDIN", rows)
            raw.commit()
            return count, time.perf_counter() - started
    finally:
        raw.close()


def run(args: argparse.Namespace) -> dict[str, object]:
    with throwaway_database() as url, tempfile.TemporaryDirectory() as tmp:
        db, ctx, plates = prepare(url, args.hot, args.seed)
        path = Path(tmp) / "reads.csv"
        expected_hits = write_reads(path, args.count, plates, args.hit_rate, args.seed)
        engine = MatchingEngine()
        with db.read() as session:
            engine.load(session)
        data = path.read_bytes()
        started = time.perf_counter()
        for _, body in ingest_commands.file_chunks(data, "csv"):
            parse_payload(body, "text/csv")
        parse_s = time.perf_counter() - started
        started = time.perf_counter()
        report = ingest_commands.ingest_path(db, ctx, engine, path, "csv")
        total_s = time.perf_counter() - started
        with db.read() as session:
            stored = session.scalar(select(func.count()).select_from(Detection))
            hits = session.scalar(select(func.count()).select_from(Hit))
            partitioned = bool(session.scalar(text(
                "SELECT to_regclass('detections_live') IS NOT NULL")))
        copied, copy_s = raw_copy_seconds(db)
        db.dispose()
    rate = args.count / total_s
    copy_rate = copied / copy_s
    return {
        "benchmark": "bulk_ingest", "reads": args.count, "hot_list_entries": args.hot,
        "chunk_rows": ingest_commands.CSV_CHUNK_ROWS, "seconds": round(total_s, 2),
        "reads_per_second": round(rate),
        "parse_us_per_read": round(parse_s / args.count * 1e6, 1),
        "ingest_us_per_read": round(total_s / args.count * 1e6, 1),
        "raw_copy_reads_per_second": round(copy_rate),
        "ingest_to_copy": round(rate / copy_rate, 3),
        "partitioned": partitioned,
        "stored": stored, "rejected": len(report.rejected), "hits_expected": expected_hits,
        "hits_created": hits,
        "load_average": [round(x, 2) for x in os.getloadavg()], "targets": TARGETS,
        "meets_targets": rate >= TARGETS["reads_per_second_min"] and stored == args.count
        and hits == expected_hits and rate / copy_rate >= TARGETS["ingest_to_copy_min"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000, help="reads in the file")
    parser.add_argument("--hot", type=int, default=10_000, help="hot list entries")
    parser.add_argument("--hit-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=525)
    figures = run(parser.parse_args())
    print(json.dumps(figures))
    return 0 if figures["meets_targets"] else 1


if __name__ == "__main__":
    sys.exit(main())
