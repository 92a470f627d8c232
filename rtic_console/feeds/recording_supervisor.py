"""Runs one recorder per camera with recording enabled and indexes each finished segment.

The set of cameras is not fixed at start: a camera turned into a donor camera, or put under
a donor agreement, must stop being recorded at once (G.1). The supervisor re-reads its
targets when the change bus reports a camera or donor-terms change, and every 30 s in any
case (a headless service may not hear other consoles' changes); a recorder whose camera is
no longer a target is stopped, and its last segment is refused and deleted by the index.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from rtic_console.feeds.recorder import RecorderWorker, RecordingRefused
from rtic_console.services.cameras import CAMERA_CHANGED
from rtic_console.services.context import Refused
from rtic_console.services.donors import DONOR_TERMS_CHANGED
from rtic_console.services.recordings import (
    RecordingTarget,
    SegmentInfo,
    index_segment,
    recording_targets,
)
from rtic_console.services.runner import audit_refusal
from rtic_console.store.change_bus import ChangeEvent
from rtic_console.store.database import Database
from rtic_console.store.private_files import private_folder

logger = logging.getLogger(__name__)

RECHECK_S = 30.0
_RECHECK_ON = frozenset({CAMERA_CHANGED, DONOR_TERMS_CHANGED, "resync"})


class RecordingSupervisor:
    """Recorders write segments on their own threads; the index write happens there too,
    so neither the GUI nor the ingest loop waits on it."""

    def __init__(self, db: Database, out_dir: Path, segment_s: float = 60.0,
                 recheck_s: float = RECHECK_S) -> None:
        self._db = db
        self._out_dir = out_dir
        self._segment_s = segment_s
        self._recheck_s = recheck_s
        self._running: dict[int, tuple[RecordingTarget, RecorderWorker]] = {}
        self._lock = threading.Lock()
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def workers(self) -> list[RecorderWorker]:
        with self._lock:
            return [worker for _, worker in self._running.values()]

    def start(self) -> int:
        """Starts the recorders of today's targets; returns how many."""
        private_folder(self._out_dir)
        self.reconcile()
        self._unsubscribe = self._db.bus.subscribe(self._on_change)
        self._watcher = threading.Thread(target=self._watch, daemon=True,
                                         name="recording-reconcile-Worker")
        self._watcher.start()
        return len(self.workers)

    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in _RECHECK_ON:
            self._dirty.set()  # the bus's thread only flags it; the watcher does the work

    def _watch(self) -> None:
        while not self._stopping.is_set():
            self._dirty.wait(self._recheck_s)
            self._dirty.clear()
            if self._stopping.is_set():
                return
            try:
                self.reconcile()
            except DBAPIError as exc:
                logger.warning("recording targets not re-read (%s)", type(exc).__name__)

    def reconcile(self) -> None:
        """Stops recorders whose camera may no longer be recorded, starts new targets."""
        with self._db.read() as session:
            targets = {t.device_id: t for t in recording_targets(session)}
        retired = []
        with self._lock:
            for device_id, (target, worker) in list(self._running.items()):
                if targets.get(device_id) != target:
                    del self._running[device_id]
                    worker.request_stop()
                    retired.append(worker)
                    logger.info("camera %s no longer recorded here", target.code)
            for device_id, target in targets.items():
                if device_id not in self._running and not self._stopping.is_set():
                    worker = self._recorder(target)
                    if worker is not None:
                        self._running[device_id] = (target, worker)
        for worker in retired:
            worker.stop()

    def _recorder(self, target: RecordingTarget) -> RecorderWorker | None:
        try:
            worker = RecorderWorker(
                target.device_id, target.code, target.category, self._out_dir / target.code,
                url=target.url.reveal(), on_segment=self.store_segment, segment_s=self._segment_s)
        except RecordingRefused as exc:  # G.1 again, at the layer that touches pixels
            logger.warning("camera %s not recorded: %s", target.code, exc)
            return None
        worker.start()
        return worker

    def store_segment(self, segment: SegmentInfo) -> None:
        """Each recorder's on_segment: index it, or delete and audit a refused one (G.1)."""
        try:
            with self._db.write() as session:
                index_segment(session, segment)
        except Refused as exc:
            logger.warning("segment refused: %s", exc)
            self._dirty.set()  # that camera's recorder is stopped on the next reconcile
            try:
                audit_refusal(self._db, None, exc)
            except DBAPIError as failed:
                logger.warning("refused segment not audited (%s)", type(failed).__name__)
        except DBAPIError as exc:
            logger.warning("segment %s not indexed yet (%s)", Path(segment.path).name,
                           type(exc).__name__)

    def stop(self) -> None:
        self._stopping.set()
        self._dirty.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            workers = [worker for _, worker in self._running.values()]
            self._running.clear()
        for worker in workers:
            worker.request_stop()
        for worker in workers:
            worker.stop()
