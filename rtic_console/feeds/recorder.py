"""Records one agency, city or traffic camera into rolling MJPEG/AVI segments on disk (F.5);
never a private donor camera (G.1)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from rtic_console.domain.donor_terms import recording_allowed
from rtic_console.domain.stream_urls import redact_url
from rtic_console.feeds.video_capture import CaptureWorker, FrameMeta, StreamStatus
from rtic_console.services.clip_export import file_sha256
from rtic_console.services.recordings import SegmentInfo
from rtic_console.store.private_files import private_file

logger = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial.avi"  # a segment being written; never indexed
SegmentCallback = Callable[[SegmentInfo], None]


class RecordingRefused(Exception):
    def __init__(self, reason: str, clause: str) -> None:
        super().__init__(reason)
        self.reason, self.clause = reason, clause


@dataclass
class _Segment:
    writer: cv2.VideoWriter
    partial: Path
    final: Path
    size: tuple[int, int]
    started_at: datetime
    started_mono: float
    frames: int = 0


class RecorderWorker(threading.Thread):
    """Writes the newest frame at a constant `fps`, repeating it when the camera is slower,
    so frame i of a segment shows `started_at + i / fps`: export cuts by index, and a
    segment lasts as long on screen as it did on the street. A silence longer than
    `stale_after_s`, a change of resolution, or falling 2 s behind ends the segment; the
    next starts with the next frame, and the gap is left as a gap.

    Frames come from the worker's own CaptureWorker on `url` (the main stream, whatever
    the wall shows), or from `feed()` when `url` is None. Each finished segment is hashed,
    renamed from `*.partial.avi` to `*.avi`, and passed to `on_segment` in this thread;
    the callback should hand it to a database thread (recordings.index_segment).
    """

    def __init__(self, device_id: int, camera_code: str, category: str, out_dir: str | Path,
                 *, url: str | None = None, on_segment: SegmentCallback | None = None,
                 segment_s: float = 60.0, fps: float = 10.0, stale_after_s: float = 2.0,
                 jpeg_quality: int = 80,
                 capture_options: Mapping[str, Any] | None = None) -> None:
        decision = recording_allowed(category)
        if not decision.allowed:
            raise RecordingRefused(f"camera {camera_code} is not recorded: {decision.reason}",
                                   decision.clause)
        if fps <= 0 or segment_s <= 0:
            raise ValueError("fps and segment_s must be positive")
        super().__init__(name=f"recorder-{camera_code}-Worker", daemon=True)
        self.device_id, self.camera_code = device_id, camera_code
        self._folder = Path(out_dir) / camera_code
        self._on_segment = on_segment
        self._segment_s, self._fps, self._stale_after_s = segment_s, fps, stale_after_s
        self._quality = jpeg_quality
        self._slot: tuple[np.ndarray, float] | None = None
        self._slot_lock = threading.Lock()
        self._stopping = threading.Event()
        self._segment: _Segment | None = None
        self._last_end: tuple[datetime, float] | None = None  # wall and monotonic
        self._capture = CaptureWorker(url, camera_id=camera_code, on_frame=self.feed,
                                      **dict(capture_options or {})) if url else None
        self._url = url
        self.segments_written = 0
        self.last_error = ""

    @property
    def stream_status(self) -> StreamStatus | None:
        """What its capture sees of the camera's stream; None when frames are fed."""
        return self._capture.status if self._capture is not None else None

    @property
    def stop_bound_s(self) -> float:
        return (self._capture.stop_bound_s if self._capture else 0.0) + 2.0

    def feed(self, frame: np.ndarray, meta: FrameMeta | None = None) -> None:
        """The newest full-size frame; kept by reference, so it must not be written again."""
        arrived = meta.captured_monotonic if meta else time.monotonic()
        with self._slot_lock:
            self._slot = (frame, arrived)

    def request_stop(self) -> None:
        self._stopping.set()

    def stop(self, timeout_s: float | None = None) -> bool:
        """Ends the current segment (indexed like any other) and the capture."""
        self.request_stop()
        if self.ident is not None and threading.current_thread() is not self:
            self.join(self.stop_bound_s if timeout_s is None else timeout_s)
        return not self.is_alive()

    def run(self) -> None:
        logger.info("recording %s from %s into %s", self.camera_code,
                    redact_url(self._url) if self._url else "fed frames", self._folder)
        if self._capture is not None:
            self._capture.start()
        period = 1.0 / self._fps
        try:
            while not self._stopping.wait(period / 2):
                self._tick()
        except Exception:
            logger.exception("recorder of %s failed", self.camera_code)
        finally:
            if self._capture is not None:
                self._capture.stop()
            self._finish()

    def _tick(self) -> None:
        with self._slot_lock:
            slot = self._slot
        now = time.monotonic()
        if slot is None or now - slot[1] > self._stale_after_s:
            self._finish()
            return
        frame = slot[0]
        size = (frame.shape[1], frame.shape[0])
        segment = self._segment
        if segment is not None and segment.size != size:
            self._finish()
            segment = None
        if segment is None and (segment := self._begin(size, now)) is None:
            return
        due = int((now - segment.started_mono) * self._fps) + 1
        if due - segment.frames > 2 * self._fps:
            logger.warning("recorder of %s fell behind; starting a new segment", self.camera_code)
            self._finish()
            return
        for _ in range(due - segment.frames):
            segment.writer.write(frame)
            segment.frames += 1
        if segment.frames >= self._segment_s * self._fps:
            self._finish(roll_over=True)

    def _begin(self, size: tuple[int, int], now: float,
               started_at: datetime | None = None) -> _Segment | None:
        if started_at is None:
            started_at = datetime.now(UTC)
            if self._last_end is not None and self._last_end[0] > started_at:
                # The last frame of the previous segment is still on screen: start after it.
                started_at, now = self._last_end
        millis = started_at.microsecond // 1000
        name = f"{self.camera_code}-{started_at:%Y%m%dT%H%M%S}.{millis:03d}Z"
        folder = self._folder / f"{started_at:%Y-%m-%d}"
        partial = folder / f"{name}{PARTIAL_SUFFIX}"
        try:
            private_file(partial)  # video of the street: readable by this account only
        except OSError as exc:
            return self._failed(f"cannot create {partial}: {exc.strerror}")
        writer = cv2.VideoWriter(str(partial), cv2.CAP_OPENCV_MJPEG,
                                 cv2.VideoWriter_fourcc(*"MJPG"), self._fps, size,
                                 [cv2.VIDEOWRITER_PROP_QUALITY, self._quality])
        if not writer.isOpened():
            return self._failed(f"cannot write {partial}")
        self.last_error = ""
        self._segment = _Segment(writer, partial, folder / f"{name}.avi", size, started_at, now)
        return self._segment

    def _failed(self, error: str) -> None:
        if error != self.last_error:  # once per failure, not once per tick
            logger.error("recorder of %s: %s", self.camera_code, error)
        self.last_error = error
        return None

    def _finish(self, roll_over: bool = False) -> None:
        """Closes the segment; on roll-over the next one starts where it ended, no gap."""
        segment, self._segment = self._segment, None
        if segment is None:
            return
        segment.writer.release()
        if segment.frames == 0:
            segment.partial.unlink(missing_ok=True)
            return
        duration = segment.frames / self._fps
        ended_at = segment.started_at + timedelta(seconds=duration)
        self._last_end = (ended_at, segment.started_mono + duration)
        try:
            digest = file_sha256(segment.partial)
            segment.partial.rename(segment.final)
            size_bytes = segment.final.stat().st_size
        except OSError as exc:
            self._failed(f"cannot finish {segment.partial}: {exc.strerror}")
            return
        if roll_over:
            self._begin(segment.size, segment.started_mono + duration, ended_at)
        self.segments_written += 1
        info = SegmentInfo(self.device_id, str(segment.final), segment.started_at, ended_at,
                           segment.frames, self._fps, segment.size[0], segment.size[1],
                           size_bytes, digest)
        if self._on_segment is not None:
            try:
                self._on_segment(info)
            except Exception:
                logger.exception("indexing segment %s of %s failed", segment.final.name,
                                 self.camera_code)
