"""Replays recorded segments against a clock of recorded time: one clock per playback
dialog, shared by the cameras of a canvass so they all show the same moment. Each camera
decodes in a thread of its own and keeps only the newest frame (a slot of one, as for
live capture)."""

from __future__ import annotations

import bisect
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

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0)
MAX_SKIP_FRAMES = 400  # further ahead than this, reopening the segment beats grabbing


class PlaybackClock:
    """The recorded moment on screen: it runs at `speed` times real time while playing and
    jumps when scrubbed. Any thread may read or move it; the workers hear each change."""

    def __init__(self, at: datetime, speed: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._anchor, self._anchor_mono = at, time.monotonic()
        self._speed, self._playing = speed, False
        self._listeners: list[threading.Event] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> datetime:
        if not self._playing:
            return self._anchor
        return self._anchor + timedelta(seconds=(time.monotonic() - self._anchor_mono)
                                        * self._speed)

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def speed(self) -> float:
        return self._speed

    def listen(self, wake: threading.Event) -> None:
        with self._lock:
            self._listeners.append(wake)

    def forget(self, wake: threading.Event) -> None:
        with self._lock:
            if wake in self._listeners:
                self._listeners.remove(wake)

    def _moved(self, at: datetime | None = None, speed: float | None = None,
               playing: bool | None = None) -> None:
        with self._lock:
            self._anchor = self._now_locked() if at is None else at
            self._anchor_mono = time.monotonic()
            if speed is not None:
                self._speed = speed
            if playing is not None:
                self._playing = playing
            listeners = list(self._listeners)
        for wake in listeners:
            wake.set()

    def seek(self, at: datetime) -> None:
        self._moved(at=at)

    def play(self) -> None:
        self._moved(playing=True)

    def pause(self) -> None:
        self._moved(playing=False)

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("the speed must be positive")
        self._moved(speed=speed)


@dataclass(frozen=True, slots=True)
class PlaybackPosition:
    seq: int
    segment: int
    frame: int
    at: datetime  # the recorded time of the frame: segment start + frame / fps


class PlaybackWorker(threading.Thread):
    """Shows, for one camera, the frame recorded at the clock's moment: it decodes forward
    as the clock runs (grabbing without decoding the frames a fast speed skips) and
    reopens a segment when the clock jumps back. When the clock is in a gap of this
    camera (`segment_at` is None) it waits; the dialog moves the clock past gaps that all
    its cameras share. `stop` may be called from any thread."""

    def __init__(self, segments: Sequence[SegmentView], clock: PlaybackClock,
                 camera_code: str) -> None:
        if not segments:
            raise ValueError("nothing to play")
        super().__init__(name=f"playback-{camera_code}-Worker", daemon=True)
        self.segments, self.clock = list(segments), clock
        self._starts = [s.started_at for s in self.segments]
        self._slot: tuple[np.ndarray, PlaybackPosition] | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._seq = 0
        self.problem = ""

    def latest(self) -> tuple[np.ndarray, PlaybackPosition] | None:
        with self._lock:
            return self._slot

    def segment_at(self, at: datetime) -> int | None:
        """The index of the segment recording at `at`, or None in a gap."""
        i = bisect.bisect_right(self._starts, at) - 1
        return i if i >= 0 and at < self.segments[i].ended_at else None

    def next_start_after(self, at: datetime) -> datetime | None:
        """Where this camera's recording resumes after `at` (a gap's end), if it does."""
        i = bisect.bisect_right(self._starts, at)
        return self._starts[i] if i < len(self._starts) else None

    def stop(self, timeout_s: float = 5.0) -> bool:
        self._stopping.set()
        self._wake.set()
        if self.ident is not None and threading.current_thread() is not self:
            self.join(timeout_s)
        return not self.is_alive()

    def run(self) -> None:
        self.clock.listen(self._wake)
        capture: cv2.VideoCapture | None = None
        opened = -1  # the segment `capture` reads
        next_frame = 0  # the frame `capture` reads next
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                at = self.clock.now()
                index = self.segment_at(at)
                if index is None:
                    resume = self.next_start_after(at)
                    self._wait_until(resume)
                    continue
                segment = self.segments[index]
                wanted = math.floor((at - segment.started_at).total_seconds() * segment.fps)
                wanted = min(wanted, segment.frames - 1)
                shown = self._slot[1] if self._slot else None
                if shown is not None and (shown.segment, shown.frame) == (index, wanted):
                    self._wait_until(segment.started_at + timedelta(
                        seconds=(wanted + 1) / segment.fps))
                    continue
                if (capture is None or opened != index or wanted < next_frame
                        or wanted - next_frame > MAX_SKIP_FRAMES):
                    capture = self._open(capture, index)
                    opened, next_frame = index, 0
                next_frame += self._skip(capture, wanted - next_frame)
                ok, frame = capture.read()
                if not ok:
                    self.problem = f"frame {wanted + 1} of segment {index + 1} would not decode"
                    self._wait_until(segment.ended_at)
                    continue
                next_frame += 1
                self._seq += 1
                with self._lock:
                    self._slot = (frame, PlaybackPosition(self._seq, index, next_frame - 1,
                                                          segment.started_at + timedelta(
                                                              seconds=wanted / segment.fps)))
        finally:
            self.clock.forget(self._wake)
            if capture is not None:
                capture.release()

    def _wait_until(self, moment: datetime | None) -> None:
        """Sleeps until the clock reaches `moment` (None: until it is moved), or a change."""
        clock = self.clock
        if moment is None or not clock.playing:
            self._wake.wait()
            return
        ahead = (moment - clock.now()).total_seconds() / clock.speed
        if ahead > 0:
            self._wake.wait(ahead)

    def _open(self, old: cv2.VideoCapture | None, index: int) -> cv2.VideoCapture:
        if old is not None:
            old.release()
        path = self.segments[index].path
        capture = cv2.VideoCapture(path, cv2.CAP_ANY)
        if not capture.isOpened():
            self.problem = f"segment {index + 1} ({path}) could not be opened"
            logger.warning("playback: %s", self.problem)
        return capture

    @staticmethod
    def _skip(capture: cv2.VideoCapture, frames: int) -> int:
        """Grabs, without decoding, the frames a seek or a fast speed passes over."""
        for n in range(max(0, frames)):
            if not capture.grab():
                return n
        return max(0, frames)
