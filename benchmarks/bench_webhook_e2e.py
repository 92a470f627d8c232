"""Webhook to hit notification, end to end on PostgreSQL: latency percentiles and a loss check.

OpenALPR groups (with plate crops) are POSTed at a steady rate to the ingest service running
in its own process; another process LISTENs, as a second console does, and times every hit
notification from the moment its POST was due. The POSTs are built before the clock starts
and sent by a lean generator (webhook_load.py), so the generator's own core is not what
delays them; `--aiohttp-client` sends with the simulator's client as before, to compare.
Targets (issue 18): at 2,000 reads/s for 60 s, hit notification p99 <= 100 ms, nothing
lost or doubled. A hot plate read again within the
grouping window (D.5) is a sighting of its open hit, not a new hit: both count as found.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import psycopg2
import psycopg2.extensions
from ingest_setup import prepare, throwaway_database
from sqlalchemy import func
from sqlalchemy import select as sql_select
from webhook_load import send_all

from rtic_console.feeds.alpr_simulator import AlprSimulator, SimDevice, SimulatorConfig
from rtic_console.store.change_bus import CHANNEL, Change
from rtic_console.store.database import open_database
from rtic_console.store.models import Detection, Hit, HitSighting

TARGETS = {"p99_ms_max": 100.0, "lost": 0, "doubled": 0}
CALIBRATION_POSTS = 1000
DEVICES = tuple(SimDevice(f"ALPR-FX-{i:02d}", 38.55 + i / 100, -121.48, i >= 6)
                for i in range(1, 9))


def listen(dsn: str) -> None:
    """The second console: LISTEN in a process of its own (in the load generator's, the
    hit would wait for that busy process's GIL), noting when each hit id is announced;
    on SIGTERM it prints them as JSON and ends."""
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    conn = psycopg2.connect(dsn)
    conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
    with conn.cursor() as cur:
        cur.execute(f"LISTEN {CHANNEL}")
    print("listening", flush=True)
    heard: dict[int, float] = {}
    while not stopping.is_set():
        if select.select([conn], [], [], 0.2)[0]:
            conn.poll()
            now = time.time()
            while conn.notifies:
                note = json.loads(conn.notifies.pop(0).payload)
                if note["kind"] == Change.HIT_CREATED:
                    for hit_id in note["ids"]:
                        heard.setdefault(hit_id, now)
    conn.close()
    print(json.dumps(heard), flush=True)


def serve(url: str, spool: str, freeze: bool, drain_in_child: bool) -> None:
    """The ingest service, headless, as `rtic-console serve` runs it (without `freeze`, its
    start-up objects are put back in the collector's passes, as before they were frozen;
    without `drain_in_child`, the drain's lanes in the service's process, as before)."""
    from rtic_console.feeds.webhook_server import IngestConfig
    from rtic_console.headless import HeadlessConfig, run_headless

    db = open_database(url, interactive=False)
    run_headless(db, HeadlessConfig(IngestConfig(port=0, spool_path=Path(spool),
                                                 drain_in_child=drain_in_child)),
                 on_started=lambda services: (freeze or gc.unfreeze(),
                                              print(services.ingest.url, flush=True)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def run(args: argparse.Namespace) -> dict[str, object]:
    with throwaway_database() as url, tempfile.TemporaryDirectory() as tmp:
        db, _ctx, plates = prepare(url, args.hot, args.seed)
        server = subprocess.Popen([sys.executable, __file__, "--serve", url,
                                   str(Path(tmp) / "spool.sqlite3"),
                                   *(["--no-freeze"] if args.no_freeze else []),
                                   *(["--one-process"] if args.one_process else [])],
                                  stdout=subprocess.PIPE, text=True)
        base = server.stdout.readline().strip()  # type: ignore[union-attr]
        dsn = url.replace("postgresql+psycopg2://", "postgresql://")
        listener = subprocess.Popen([sys.executable, __file__, "--listen", dsn],
                                    stdout=subprocess.PIPE, text=True)
        listener.stdout.readline()  # type: ignore[union-attr]  # "listening"
        config = SimulatorConfig(url=f"{base}/alpr", devices=DEVICES, rate=args.rate,
                                 duration_s=args.duration, hot_plates=tuple(plates),
                                 hot_share=args.hit_rate, seed=args.seed,
                                 images=not args.no_images, concurrency=256)
        simulator = AlprSimulator(config)
        late: list[float] = []
        built_late = 0.0
        if args.aiohttp_client:
            report = asyncio.run(simulator.run())
        else:  # built first, then sent by the lean generator
            # A post costs what its plate crop's JPEG costs on this machine (it differs
            # between machines): timed on a sample, so the clock starts after the last is built.
            started = time.perf_counter()
            AlprSimulator(replace(config, duration_s=None, count=CALIBRATION_POSTS)) \
                .prepared(time.time())
            per_post = (time.perf_counter() - started) / CALIBRATION_POSTS
            start_at = time.time() + 1.0 + 1.5 * per_post * config.rate * config.duration_s
            posts = simulator.prepared(start_at)
            built_late = max(0.0, time.time() - start_at)  # counted in every latency below
            # No collector passes while sending: they would walk every post and every
            # answer so far, and hold the sender up for tens of milliseconds.
            gc.disable()
            try:
                report, late = asyncio.run(send_all(f"{base}/alpr", posts, start_at))
            finally:
                gc.enable()
        expected_hits = sum(1 for r in report.sent if r.hot)
        deadline = time.time() + 120
        while time.time() < deadline:  # every read stored, every hot one judged and heard
            with db.read() as session:
                count = session.scalar(sql_select(func.count()).select_from(Detection)) or 0
                hit_count = session.scalar(sql_select(func.count()).select_from(Hit)) or 0
                grouped = session.scalar(
                    sql_select(func.count()).select_from(HitSighting)) or 0
            if count >= len(report.sent) and hit_count + grouped >= expected_hits:
                break
            time.sleep(0.2)
        time.sleep(1.0)  # the last hits' notifications reach the listener
        listener.terminate()
        heard = {int(k): v for k, v in json.loads(listener.communicate(timeout=30)[0]).items()}
        server.terminate()
        server.wait(30)
        with db.read() as session:
            detections = {sid: det_id for sid, det_id in
                          session.execute(sql_select(Detection.source_id, Detection.id))}
            hits = session.execute(sql_select(Hit.id, Hit.detection_id, Hit.listed_plate,
                                              Detection.received_at)
                                   .join(Detection, Detection.id == Hit.detection_id)).all()
            # A hot plate read again within the grouping window joins its open hit (D.5).
            sightings = session.execute(sql_select(HitSighting.detection_id, Hit.listed_plate)
                                        .join(Hit, Hit.id == HitSighting.hit_id)).all()
        db.dispose()
    posted = {r.source_id: r for r in report.sent}
    by_detection = {det_id: sid for sid, det_id in detections.items()}
    # Where a hit's time went: before its drain transaction began (HTTP, spool, the wait for
    # the drain), and from then to the notification (the transaction, NOTIFY, LISTEN).
    drain_began = [(h.received_at.timestamp() - posted[by_detection[h.detection_id]].posted_at)
                   * 1000 for h in hits if h.id in heard]
    committed = [(heard[h.id] - h.received_at.timestamp()) * 1000
                 for h in hits if h.id in heard]
    latencies = [(heard[h.id] - posted[by_detection[h.detection_id]].posted_at) * 1000
                 for h in hits if h.id in heard]
    expected = {(detections.get(r.source_id), r.hot) for r in report.sent if r.hot}
    found = [(h.detection_id, h.listed_plate) for h in hits]
    seen_again = [(s.detection_id, s.listed_plate) for s in sightings]
    answers = [(r.answered_at - r.posted_at) * 1000 for r in report.sent]
    if args.hits_out:  # where each hit's time went, to find what a slow one waited for
        Path(args.hits_out).write_text("".join(json.dumps({
            "posted": sent.posted_at, "answered": sent.answered_at,
            "drain_began": h.received_at.timestamp(), "heard": heard[h.id]}) + "\n"
            for h in hits if h.id in heard
            for sent in [posted[by_detection[h.detection_id]]]))
    figures = {
        "benchmark": "webhook_e2e", "rate_target": args.rate, "duration_s": args.duration,
        "hot_list_entries": args.hot, "images": not args.no_images,
        "startup_objects_frozen": not args.no_freeze,
        "drain": "in the service's process" if args.one_process else "in its own process",
        "reads_sent": len(report.sent),
        "achieved_rate": round(len(report.sent) / report.elapsed_s, 1),
        "http_2xx": sum(n for s, n in report.statuses.items() if s in (200, 202)),
        "http_p50_ms": round(percentile(answers, 0.5), 1),
        "http_p99_ms": round(percentile(answers, 0.99), 1),
        "load_generator": "aiohttp" if args.aiohttp_client else "prepared+h11",
        "sender_late_p99_ms": round(percentile(late, 0.99), 1) if late else None,
        "posts_built_late_s": round(built_late, 2),
        "reads_stored": len(detections),
        "lost": len(set(posted) - set(detections)),
        "doubled": len(found) + len(seen_again) - len(set(found) | set(seen_again)),
        "hot_reads_expected": len(expected), "hits_created": len(hits),
        "sightings_grouped": len(seen_again),
        "hot_reads_correct": len(expected & (set(found) | set(seen_again))),
        "hits_notified": len(latencies),
        "hit_p50_ms": round(percentile(latencies, 0.5), 1),
        "hit_p99_ms": round(percentile(latencies, 0.99), 1),
        "hit_max_ms": round(max(latencies, default=float("nan")), 1),
        "hit_until_drain_p50_ms": round(percentile(drain_began, 0.5), 1),
        "hit_until_drain_p99_ms": round(percentile(drain_began, 0.99), 1),
        "hit_drain_to_heard_p50_ms": round(percentile(committed, 0.5), 1),
        "hit_drain_to_heard_p99_ms": round(percentile(committed, 0.99), 1),
    }
    figures["meets_targets"] = (figures["hit_p99_ms"] <= TARGETS["p99_ms_max"]
                                and figures["hits_notified"] == len(hits)
                                and figures["lost"] == 0 and figures["doubled"] == 0
                                and len(hits) + len(seen_again) == len(expected)
                                == figures["hot_reads_correct"])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=2000.0, help="reads per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of traffic")
    parser.add_argument("--hot", type=int, default=10_000, help="hot list entries")
    parser.add_argument("--hit-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=525)
    parser.add_argument("--no-images", action="store_true")
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave start-up's objects in the collector's passes (to compare)")
    parser.add_argument("--one-process", action="store_true",
                        help="the drain's lanes in the service's own process (before 2026-12-07 "
                             "17:30), to compare")
    parser.add_argument("--aiohttp-client", action="store_true",
                        help="send with the simulator's own client, payloads built on the way "
                             "(the load generator of the figures before 2026-12-07 10:30)")
    parser.add_argument("--hits-out", metavar="FILE",
                        help="write each hit's times (posted, answered, drain began, heard; "
                             "epoch seconds) as JSON lines")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "SPOOL"), help=argparse.SUPPRESS)
    parser.add_argument("--listen", metavar="DSN", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.listen:
        listen(args.listen)
        return 0
    if args.serve:
        serve(*args.serve, freeze=not args.no_freeze, drain_in_child=not args.one_process)
        return 0
    figures = run(args)
    print(json.dumps(figures))
    return 0 if figures["meets_targets"] else 1


if __name__ == "__main__":
    sys.exit(main())
