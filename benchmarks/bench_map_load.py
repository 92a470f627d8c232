"""The live map drawing 100,000 reads from PostgreSQL, timed from the page being ready, as JSON.

Target (issue 5): 100,000 detections drawn within 3 s of the page being ready. The database
holds `--background` reads over two years from 300 devices (10 million in the issue's set-up;
loading them is set-up and not timed) plus a busy shift of `--points` reads in the last 8 hours.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_setup import prepare, throwaway_database
from PySide6 import QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from rtic_console.services.context import Context
from rtic_console.store.database import Database
from rtic_console.ui.change_bridge import ChangeBridge
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.map import page_data
from rtic_console.ui.map.map_widget import MapWidget
from rtic_console.ui.map.time_filter import TimeWindow
from rtic_console.ui.operations import OperationRunner

DEVICES = 300
TARGET_S = 3.0
# Server-side generation: no row crosses into Python. Devices sit on a grid around Sacramento.
_DEVICES_SQL = """
INSERT INTO devices (code, name, kind, category, area, address, latitude, longitude,
                     service_state, is_streaming)
SELECT 'ALPR-B-' || g, 'Bench reader ' || g, 'alpr_fixed', 'agency', '', '',
       38.45 + (g % 20) * 0.012, -121.60 + (g / 20) * 0.015, 'in_service', true
FROM generate_series(1, :count) AS g
"""
_READS_SQL = """
INSERT INTO detections (source_format, source_id, plate, plate_raw, state, confidence,
                        captured_at, received_at, device_id, device_ref, latitude, longitude,
                        candidates, vehicle)
SELECT 'bench', :prefix || g, p, p, 'CA', 0.9, t, t, d.id, d.code,
       d.latitude + (random() - 0.5) * 0.01, d.longitude + (random() - 0.5) * 0.01, '[]', '{}'
FROM generate_series(1, :count) AS g
CROSS JOIN LATERAL (SELECT upper(substr(md5(g::text || :prefix), 1, 7)) AS p,
                           now() - (:offset + random() * :span) * interval '1 second' AS t
                   ) AS r
JOIN devices AS d ON d.code = 'ALPR-B-' || (1 + g % :devices)
"""


_CONSTRAINTS_SQL = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = 'detections'::regclass AND contype = 'u'
"""
_INDEXES_SQL = """
SELECT indexname, indexdef FROM pg_indexes
WHERE tablename = 'detections' AND indexname NOT IN (
    SELECT conname FROM pg_constraint WHERE conrelid = 'detections'::regclass)
"""


def seed_reads(db: Database, background: int, recent: int, recent_span_s: float,
               quiet_s: float = 0.0) -> float:
    """Devices, `background` reads over 2 years and `recent` in the last span; seconds taken.
    With `quiet_s`, no background read is newer than that.

    The secondary indexes are dropped while loading and rebuilt after (as a bulk load would);
    their definitions are read back from the catalogue, so they are the migration's own.
    """
    started = time.perf_counter()
    with db.write() as session:
        session.execute(text("SET LOCAL statement_timeout = 0"))
        session.execute(text(_DEVICES_SQL), {"count": DEVICES})
        constraints = session.execute(text(_CONSTRAINTS_SQL)).all()
        indexes = session.execute(text(_INDEXES_SQL)).all()
        for name, _ in constraints:
            session.execute(text(f'ALTER TABLE detections DROP CONSTRAINT "{name}"'))
        for name, _ in indexes:
            session.execute(text(f'DROP INDEX "{name}"'))
    for prefix, count, offset, span in (("old-", background, quiet_s, 730 * 86400.0 - quiet_s),
                                        ("new-", recent, 0.0, recent_span_s)):
        done = 0
        while done < count:  # in slices: one huge transaction would need a huge WAL
            size = min(2_000_000, count - done)
            with db.write() as session:
                session.execute(text("SET LOCAL statement_timeout = 0"))
                session.execute(text(_READS_SQL), {"prefix": f"{prefix}{done}-", "count": size,
                                                   "offset": offset, "span": span,
                                                   "devices": DEVICES})
            done += size
    with db.write() as session:
        session.execute(text("SET LOCAL statement_timeout = 0"))
        for name, definition in constraints:
            session.execute(text(f'ALTER TABLE detections ADD CONSTRAINT "{name}" {definition}'))
        for _, definition in indexes:
            session.execute(text(definition))
        session.execute(text("ANALYZE detections"))
        session.execute(text("ANALYZE devices"))
    return time.perf_counter() - started


class Heartbeat:
    """A 10 ms timer on the UI thread: the longest gap between ticks is the worst stall. It
    also counts the garbage collector's full passes, which hold the GIL and so the thread."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.gaps_ms: list[float] = []
        self.full_collections = 0
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps_ms.clear()
        self.full_collections = 0
        if self._on_collection not in gc.callbacks:
            gc.callbacks.append(self._on_collection)
        self.clock.start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)

    def _on_collection(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            self.full_collections += 1

    def _tick(self) -> None:
        self.gaps_ms.append(self.clock.nsecsElapsed() / 1e6)
        self.clock.restart()

    def worst_stall_ms(self) -> float:
        """How much longer than its 10 ms the longest gap took."""
        return round(max(self.gaps_ms, default=10.0) - 10.0, 1)

    def p99_gap_ms(self) -> float:
        ordered = sorted(self.gaps_ms) or [0.0]
        return round(ordered[int(len(ordered) * 0.99)], 1)


def plain_background(ctx: Context) -> Context:
    """No tile server: this machine has no network, and tiles are not what is measured."""
    return dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, map_tile_url=""))


def open_map(db: Database, ctx: Context) -> tuple[MapWidget, OperationRunner, ChangeBridge]:
    runner = OperationRunner()
    bridge = ChangeBridge(db.bus)
    widget = MapWidget(ConsoleSession(db, ctx, runner, bridge))
    widget.resize(1440, 900)
    widget.show()
    return widget, runner, bridge


def wait_until(app: QApplication, condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    return bool(condition())


def measure(db: Database, ctx: Context, expected: int, reloads: int) -> dict[str, object]:
    app = QApplication.instance() or QApplication([])
    heartbeat = Heartbeat()
    marks: dict[str, float] = {}
    drawn: list[tuple[float, int]] = []
    opened = time.monotonic()
    heartbeat.start()
    widget, runner, bridge = open_map(db, ctx)
    constructed = time.monotonic()
    assert widget.view is not None, widget.message.text()
    widget.view.bridge.page_ready.connect(lambda: marks.setdefault("ready", time.monotonic()))
    widget.view.bridge.points_drawn.connect(lambda n: drawn.append((time.monotonic(), n)))
    wait_until(app, lambda: any(n >= expected for _, n in drawn), 60)
    first_open_stall = heartbeat.worst_stall_ms()
    first = next(t for t, n in drawn if n >= expected)
    # Again with the page already up: the whole fetch, encode and draw after "ready".
    window = widget.time_filter.window()
    reload_s: list[float] = []
    reload_stalls: list[float] = []
    full_collections = 0
    for _ in range(reloads):
        drawn.clear()
        heartbeat.start()
        began = time.monotonic()
        widget.reload(TimeWindow(window.span))
        wait_until(app, lambda: any(n >= expected for _, n in drawn), 60)
        reload_s.append(next(t for t, n in drawn if n >= expected) - began)
        wait_until(app, lambda: False, 0.5)  # the page settles; stalls here count too
        heartbeat.stop()
        reload_stalls.append(heartbeat.worst_stall_ms())
        full_collections += heartbeat.full_collections
    stats: list[str] = []
    widget.view.evaluate("JSON.stringify(RticMap.stats())", stats.append)
    wait_until(app, lambda: bool(stats), 5)
    start, _ = window.bounds()
    began = time.perf_counter()
    prepared = page_data.prepare_snapshot(db, ctx, start, None, window.span, False)
    prepare_s = time.perf_counter() - began
    summary = widget.summary.text()
    runner.shutdown()
    bridge.close()
    return {
        "widget_construct_s": round(constructed - opened, 3),
        "page_open_to_ready_s": round(marks["ready"] - opened, 3),
        "ready_to_all_drawn_s": round(max(0.0, first - marks["ready"]), 3),
        "reloads": reloads,
        "reload_to_all_drawn_median_s": round(statistics.median(reload_s), 3),
        "reload_to_all_drawn_max_s": round(max(reload_s), 3),
        "snapshot_query_and_encode_s": round(prepare_s, 3),
        "snapshot_script_mb": round(len(prepared.script) / 1e6, 2),
        "ui_worst_stall_first_open_ms": first_open_stall,
        "ui_worst_stall_per_reload_ms": reload_stalls,
        "full_gc_collections_during_reloads": full_collections,
        "page_stats": json.loads(stats[0]) if stats else None,
        "summary_line": summary,
    }


def main() -> bool:
    """Prints the figures; True when the targets are met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--background", type=int, default=10_000_000)
    parser.add_argument("--reloads", type=int, default=5)
    args = parser.parse_args()
    with throwaway_database() as url:
        db, ctx, _ = prepare(url, 10, 1)
        ctx = plain_background(ctx)
        seed_s = seed_reads(db, args.background, args.points, 8 * 3600 - 120)
        try:
            figures = measure(db, ctx, args.points, args.reloads)
        finally:
            db.dispose()
    ready_s = float(figures["ready_to_all_drawn_s"])  # type: ignore[arg-type]
    result = {
        "benchmark": "map_load", "points": args.points, "background_reads": args.background,
        "seed_s_untimed": round(seed_s, 1), **figures, "target_s": TARGET_S,
        "meets_target": ready_s <= TARGET_S
        and float(figures["reload_to_all_drawn_max_s"]) <= TARGET_S,  # type: ignore[arg-type]
    }
    print(json.dumps(result, indent=2))
    return bool(result["meets_target"])


if __name__ == "__main__":
    met = main()
    sys.stdout.flush()
    # PySide 6.12 can abort in its own finalizer once a web view has run headless; the
    # figures are out, so leave now.
    os._exit(0 if met else 1)
