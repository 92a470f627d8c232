"""Runs one recorder per camera with recording enabled and indexes each finished segment."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from rtic_console.feeds.recorder import RecorderWorker, RecordingRefused
from rtic_console.services.context import InputRejected, Refused
from rtic_console.services.recordings import INDEX, SegmentInfo, index_segment, recording_targets
from rtic_console.services.runner import refusals_audited
from rtic_console.store.database import Database

logger = logging.getLogger(__name__)


class RecordingSupervisor:
    """Recorders write segments on their own threads; the index write happens there too,
    so neither the GUI nor the ingest loop waits on it."""

    def __init__(self, db: Database, out_dir: Path, segment_s: float = 60.0) -> None:
        self._db = db
        self._out_dir = out_dir
        self._segment_s = segment_s
        self.workers: list[RecorderWorker] = []

    def start(self) -> int:
        with self._db.read() as session:
            targets = recording_targets(session)
        for target in targets:
            try:
                worker = RecorderWorker(
                    target.device_id, target.code, target.category,
                    self._out_dir / target.code,
                    url=target.stream_url, on_segment=self._index, segment_s=self._segment_s)
            except RecordingRefused as exc:  # G.1 again, at the layer that touches pixels
                logger.warning("camera %s not recorded: %s", target.code, exc)
                continue
            worker.start()
            self.workers.append(worker)
        return len(self.workers)

    def _index(self, segment: SegmentInfo) -> None:
        """No one is signed in here: a refusal (a donor camera's segment, G.1) is audited
        with no actor."""
        try:
            with refusals_audited(self._db, None, INDEX), self._db.write() as session:
                index_segment(session, segment)
        except (Refused, InputRejected) as exc:
            logger.warning("segment refused: %s", exc)
        except DBAPIError as exc:
            logger.warning("segment %s not indexed yet (%s)", Path(segment.path).name,
                           type(exc).__name__)

    def stop(self) -> None:
        for worker in self.workers:
            worker.request_stop()
        for worker in self.workers:
            worker.stop()
        self.workers = []
