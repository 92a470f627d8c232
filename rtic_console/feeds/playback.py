"""Replays recorded segments at their own frame rate in a thread keeping only the newest
frame (a slot of one, as for live capture)."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import cv2
import numpy as np

from rtic_console.services.recordings import SegmentView

logger = logging.getLogger(__name__)

MAX_LAG_S = 0.5  # further behind than this, playback skips ahead instead of racing


@dataclass(frozen=True, slots=True)
class PlaybackPosition:
    seq: int
    segment: int
    frame: int
    at: datetime  # the recorded time of the frame: segment start + frame / fps


class PlaybackWorker(threading.Thread):
    """Decodes segments in order at their own frame rate and keeps only the newest frame;
    the dialog's timer takes it. play, pause, seek and stop may be called from any thread."""

    def __init__(self, segments: Sequence[SegmentView], start: datetime, end: datetime,
                 camera_code: str) -> None:
        if not segments:
            raise ValueError("nothing to play")
        super().__init__(name=f"playback-{camera_code}-Worker", daemon=True)
        self.segments, self._start, self._end = list(segments), start, end
        self._slot: tuple[np.ndarray, PlaybackPosition] | None = None
        self._lock = threading.Lock()
        self._playing = threading.Event()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._seek: int | None = 0
        self._seq = 0
        self.ended = False
        self.problem = ""

    def latest(self) -> tuple[np.ndarray, PlaybackPosition] | None:
        with self._lock:
            return self._slot

    @property
    def playing(self) -> bool:
        return self._playing.is_set()

    def play(self) -> None:
        if self.ended:
            self.seek(0)
        self._playing.set()
        self._wake.set()

    def pause(self) -> None:
        self._playing.clear()
        self._wake.set()

    def seek(self, segment: int) -> None:
        """Start of that segment (or the requested start, within the first)."""
        with self._lock:
            self._seek = max(0, min(segment, len(self.segments) - 1))
        self._wake.set()

    def stop(self, timeout_s: float = 5.0) -> bool:
        self._stopping.set()
        self._wake.set()
        if self.ident is not None and threading.current_thread() is not self:
            self.join(timeout_s)
        return not self.is_alive()

    def run(self) -> None:
        capture: cv2.VideoCapture | None = None
        index, frame_no, due = 0, 0, time.monotonic()
        try:
            while not self._stopping.is_set():
                with self._lock:
                    seek, self._seek = self._seek, None
                if seek is not None:
                    capture = self._open(capture, seek)
                    index, frame_no, due = seek, self._first_frame(capture, seek), 0.0
                    self.ended = False
                elif not self._playing.is_set() or capture is None:
                    self._wait(None)
                    due = 0.0  # resumed: the clock starts again now, no burst to catch up
                    continue
                delay = due - time.monotonic()
                if delay > 0:
                    self._wait(delay)
                    continue
                segment = self.segments[index]
                at = segment.started_at + timedelta(seconds=frame_no / segment.fps)
                ok, frame = capture.read() if at < self._end else (False, None)
                if not ok:
                    if index + 1 < len(self.segments) and at < self._end:
                        index += 1  # the clock runs on: no pause between segments
                        capture = self._open(capture, index)
                        frame_no = self._first_frame(capture, index)
                    else:
                        self.ended = True
                        self._playing.clear()
                    continue
                self._seq += 1
                with self._lock:
                    self._slot = (frame, PlaybackPosition(self._seq, index, frame_no, at))
                frame_no += 1
                now = time.monotonic()
                due = (max(due, now - MAX_LAG_S) if due else now) + 1 / segment.fps
        finally:
            if capture is not None:
                capture.release()

    def _open(self, old: cv2.VideoCapture | None, index: int) -> cv2.VideoCapture:
        if old is not None:
            old.release()
        path = self.segments[index].path
        capture = cv2.VideoCapture(path, cv2.CAP_ANY)
        if not capture.isOpened():
            self.problem = f"segment {index + 1} ({path}) could not be opened"
            logger.warning("playback: %s", self.problem)
        return capture

    def _first_frame(self, capture: cv2.VideoCapture, index: int) -> int:
        """Skips, without decoding, the frames recorded before the requested start."""
        segment = self.segments[index]
        skip = max(0, math.floor((self._start - segment.started_at).total_seconds()
                                 * segment.fps))
        for n in range(skip):
            if not capture.grab():
                return n
        return skip

    def _wait(self, seconds: float | None) -> None:
        self._wake.wait(seconds)
        self._wake.clear()
