"""The drain's own process: `rtic-console drain-child`, started by the ingest service
(`drain_process.DrainProcess`), never by hand.

Its stdin brings the configuration (one line), then bells (one byte per append batch of a
lane); its end means stop. Its stdout carries a status line every REPORT_EVERY_S and a
removal line for every committed batch (the service writes the spool file); its stderr,
its log. The lanes, their index and its change listener are the ones the service runs in
its own process otherwise (`SpoolDrainWorker`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from datetime import timedelta

from rtic_console.feeds.drain_process import (
    BELLS,
    LOG_SEPARATOR,
    REPORT_EVERY_S,
    DrainChildConfig,
    removal_line,
    report_line,
)
from rtic_console.feeds.spool import Spool
from rtic_console.feeds.spool_drain import SWITCH_INTERVAL_S, SpoolDrainWorker
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.change_listeners import change_listener
from rtic_console.store.database import open_database

_HOT_BY_BELL = {bell[0]: hot for hot, bell in BELLS.items()}


def _listen_for_bells(spool: Spool, stop: threading.Event) -> None:
    """Ring the lanes for each bell; the stdin's end (the service stopped, or died) stops."""
    stdin = sys.stdin.buffer.fileno()
    while True:
        try:
            chunk = os.read(stdin, 512)
        except OSError:
            chunk = b""
        if not chunk:
            stop.set()
            spool.wake()
            return
        for hot in {_HOT_BY_BELL[b] for b in chunk if b in _HOT_BY_BELL}:
            spool.ring(hot)


class _Stdout:
    """Whole lines from the lanes and the report loop; a closed pipe (the service gone
    without closing our stdin first) stops the child."""

    def __init__(self, stop: threading.Event) -> None:
        self._out = sys.stdout.buffer
        self._lock = threading.Lock()
        self._stop = stop

    def write(self, line: bytes) -> None:
        with self._lock:
            try:
                self._out.write(line)
                self._out.flush()
            except (BrokenPipeError, ValueError):
                self._stop.set()


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, force=True,
                        format=f"%(levelname)s{LOG_SEPARATOR}%(name)s: %(message)s")
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    stop = threading.Event()
    # Ctrl-C reaches the whole process group: the service stops this child by closing its
    # stdin, after its own orderly stop. A service manager's SIGTERM stops it in order too.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    config = DrainChildConfig.from_line(sys.stdin.buffer.readline())
    db = open_database(config.database_url, interactive=False)
    engine = MatchingEngine(group_window=timedelta(seconds=config.group_window_s))
    unsubscribe = db.bus.subscribe(engine.subscriber())
    listener = change_listener(db)
    if listener is not None:
        listener.start()
    out = _Stdout(stop)
    spool = Spool(config.spool_path, config.spool_max_bytes,
                  remover=lambda removal: out.write(removal_line(removal)))
    drain = SpoolDrainWorker(spool, db, engine, batch_size=config.batch_size,
                             limits=config.limits,
                             index_gate=listener.connected if listener else None)
    drain.start()
    threading.Thread(target=_listen_for_bells, args=(spool, stop), name="DrainBells",
                     daemon=True).start()
    try:
        while not stop.wait(REPORT_EVERY_S):
            out.write(report_line(drain.report()))
    finally:
        drain.stop()
        if listener is not None:
            listener.stop()
        unsubscribe()
        spool.close()
        db.dispose()
    return 0
