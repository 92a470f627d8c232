"""Camera stream capture: one thread per visible tile keeping only the newest decoded frame."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

import cv2
import numpy as np

from rtic_console.domain.stream_urls import redact_url

if TYPE_CHECKING:
    from rtic_console.feeds.rtsp_source import RtspSource

logger = logging.getLogger(__name__)

MAX_BAD_FRAMES = 5
_JPEG_REDUCED = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2,
                 4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}


class Failure(StrEnum):
    UNREACHABLE = "unreachable"
    TIMED_OUT = "timed out"
    STREAM_ENDED = "stream ended"
    DECODE_ERROR = "decode error"
    REFUSED = "refused"  # the camera turned down the credentials
    UNSUPPORTED = "unsupported"  # a codec or stream this console cannot decode


class StreamError(Exception):
    def __init__(self, failure: Failure, reason: str) -> None:
        super().__init__(reason)
        self.failure, self.reason = failure, reason


def _jpeg_size(packet: np.ndarray) -> tuple[int, int] | None:
    """Width and height from the SOF header, the stream's own size whatever scale we decode at."""
    buf = memoryview(packet.reshape(-1))
    if len(buf) < 4 or buf[0] != 0xFF or buf[1] != 0xD8:
        return None
    i = 2
    while i + 9 < len(buf) and buf[i] == 0xFF:
        marker = buf[i + 1]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return (buf[i + 7] << 8 | buf[i + 8], buf[i + 5] << 8 | buf[i + 6])
        i += 2 + (buf[i + 2] << 8 | buf[i + 3])
    return None


class VideoSource:
    """One open HTTP (MJPEG) or file stream; `open` hands RTSP URLs to RtspSource.

    MJPEG packets are decoded here rather than inside FFmpeg: OpenCV's FFmpeg path rescales
    every frame to the size seen at open time (hiding a resolution change), cannot say which
    frame failed to decode, and cannot decode at 1/2, 1/4 or 1/8 scale, which libjpeg does
    for a fraction of the cost when the tile is small."""

    def __init__(self, capture: cv2.VideoCapture, read_timeout_s: float) -> None:
        self._capture, self._read_timeout_s = capture, read_timeout_s
        fourcc = int(capture.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little")
        self.raw_jpeg = fourcc == b"MJPG" and capture.set(cv2.CAP_PROP_FORMAT, -1)
        self.can_reduce = self.raw_jpeg  # libjpeg decodes at 1/2, 1/4 or 1/8 scale
        self.can_fit = False  # no read_fitted: DisplayFit scales what read gives
        self._bad = 0
        self._bad_since = 0.0

    @classmethod
    def open(cls, url: str, *, open_timeout_s: float, read_timeout_s: float,
             transport: str = "tcp") -> VideoSource | RtspSource:
        """`transport` ("tcp" or "udp") is for RTSP only."""
        from rtic_console.feeds.rtsp_source import RtspSource, is_rtsp  # it imports this module

        if is_rtsp(url):
            return RtspSource.open(url, open_timeout_s=open_timeout_s,
                                   read_timeout_s=read_timeout_s, transport=transport)
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(open_timeout_s * 1000),
                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(read_timeout_s * 1000),
                  cv2.CAP_PROP_N_THREADS, 1]  # one decoder thread per stream: lowest latency
        started = time.monotonic()
        try:
            capture = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
        except cv2.error as exc:  # its message may quote the URL: never its credentials
            reason = str(exc.err).replace(url, redact_url(url))
            raise StreamError(Failure.UNREACHABLE, f"unreachable: {reason}") from None
        if capture.isOpened():
            return cls(capture, read_timeout_s)
        capture.release()
        if time.monotonic() - started >= open_timeout_s * 0.9:
            raise StreamError(Failure.TIMED_OUT,
                              f"timed out: no answer within {open_timeout_s:g} s")
        raise StreamError(Failure.UNREACHABLE, "unreachable: the stream could not be opened")

    def read(self, reduce: int = 1) -> tuple[np.ndarray, tuple[int, int], float] | None:
        """The next frame, the stream's (width, height) and the monotonic time the frame arrived,
        or None for a frame that would not decode.

        `reduce` (1, 2, 4 or 8) shrinks frames while decoding when `can_reduce`. Raises
        StreamError when the stream is lost.
        """
        started, ok, data, now = self._next()
        if not ok:
            frame = None
        elif self.raw_jpeg:
            frame = cv2.imdecode(data, _JPEG_REDUCED[reduce])
        else:
            frame, reduce = data, 1  # FFmpeg decoded it at full size
        if frame is not None:
            self._bad = 0
            size = _jpeg_size(data) if self.raw_jpeg else None
            return frame, size or (frame.shape[1] * reduce, frame.shape[0] * reduce), now
        return self._bad_frame(started, ok, now)

    def arrival(self) -> tuple[tuple[int, int], float] | None:
        """The next frame's (width, height) and arrival time, with no picture handed out:
        MJPEG packets are never decoded (the size is read from the JPEG header), other
        codecs stay inside FFmpeg (`grab`). For connectivity checks of donor cameras (G.1).
        Returns None for a packet that is not a frame; raises StreamError like read()."""
        started = time.monotonic()
        if self.raw_jpeg:
            _, ok, data, now = self._next(started)
            size = _jpeg_size(data) if ok else None
        else:
            ok = self._capture.grab()
            now = self._check_timeout(started)
            size = (int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
                    int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT))) if ok else None
        if size is not None and all(size):
            self._bad = 0
            return size, now
        return self._bad_frame(started, ok, now)

    def _next(self, started: float | None = None) -> tuple[float, bool, np.ndarray, float]:
        started = time.monotonic() if started is None else started
        ok, data = self._capture.read()
        return started, ok, data, self._check_timeout(started)

    def _check_timeout(self, started: float) -> float:
        now = time.monotonic()
        if now - started >= self._read_timeout_s * 0.95:
            # FFmpeg's interrupt may hand back a half-read frame: never show it.
            raise StreamError(Failure.TIMED_OUT,
                              f"timed out: no data for {self._read_timeout_s:g} s")
        return now

    def _bad_frame(self, started: float, ok: bool, now: float) -> None:
        """A frame that would not decode: tolerated a few times, then the stream is lost."""
        if not ok and self.raw_jpeg:
            raise StreamError(Failure.STREAM_ENDED, "stream ended")  # demuxer EOF or error
        if self._bad == 0:
            self._bad_since = started
        self._bad += 1
        if self._bad < MAX_BAD_FRAMES:
            return None
        if not ok and now - self._bad_since < 0.05:
            # Failing again and again without waiting for data: there is no more data.
            raise StreamError(Failure.STREAM_ENDED, "stream ended")
        raise StreamError(Failure.DECODE_ERROR,
                          f"decode error: {self._bad} frames in a row would not decode")

    def release(self) -> None:
        self._capture.release()


def decode_reduction(width: int, height: int, target: tuple[int, int]) -> int:
    """The largest of 8, 4 or 2 that still leaves the frame at least `target` big, else 1."""
    return next((r for r in (8, 4, 2) if -(-width // r) >= target[0]
                 and -(-height // r) >= target[1]), 1)


class StreamState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    STALE = "stale"  # connected, but no frame for stale_after_s
    OFFLINE = "offline"  # lost; `reason` says why, `retry_at` when the next attempt starts
    RECONNECTING = "reconnecting"
    PAUSED = "paused"  # hidden tile: capture released, nothing decoded
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class StreamStatus:
    state: StreamState
    reason: str = ""
    failure: Failure | None = None
    retry_at: float | None = None
    since: float = field(default_factory=time.monotonic)


@dataclass(frozen=True, slots=True)
class FrameMeta:
    """`width` and `height` are the stream's own size, whatever size the transform delivers.
    `captured_monotonic` (time.monotonic) is for frame ages, `captured_wall` (time.time, UTC
    epoch seconds) for overlays; both are when the frame arrived, before decoding."""

    seq: int
    captured_monotonic: float
    captured_wall: float
    width: int
    height: int


FrameCallback = Callable[[np.ndarray, FrameMeta], None]
StateCallback = Callable[[StreamStatus], None]
FrameTransform = Callable[[np.ndarray], np.ndarray]


class Display(Protocol):
    """The last step of every frame (display_fit.DisplayFit): fits it inside `size` as
    BGRA, and passes a frame that already fits untouched."""

    size: tuple[int, int] | None

    def __call__(self, frame: np.ndarray) -> np.ndarray: ...


class StreamWatchdog(threading.Thread):
    """Runs beside a worker because the worker itself sits in a blocking read during a stall."""

    def __init__(self, worker_name: str, check: Callable[[], None], interval_s: float,
                 stopping: threading.Event) -> None:
        super().__init__(name=worker_name.removesuffix("Worker") + "Watchdog", daemon=True)
        self._check, self._interval_s, self._stopping = check, interval_s, stopping

    def run(self) -> None:
        while not self._stopping.wait(self._interval_s):
            self._check()


class CaptureWorker(threading.Thread):
    """Reads one stream and keeps only its newest frame, reconnecting with capped backoff.

    Threading contract: `on_frame(frame, meta)` runs in this thread after the frame is in the
    slot; `on_state(status)` runs in this thread or its watchdog, one call at a time, in the
    order of the transitions. Both must return quickly and must not call stop(). The frame
    handed out is never written again by the worker, so a GUI may wrap it without a copy.
    All other methods may be called from any thread.

    `transform` (a privacy mask) sees every frame before `display` scales it, so no masked
    pixel is ever blended into a shown one. Without a transform, a source that can
    (`can_fit`, RTSP) hands out frames already fitted to `display.size`.
    """

    def __init__(self, url: str, *, camera_id: str = "camera",
                 on_frame: FrameCallback | None = None, on_state: StateCallback | None = None,
                 transform: FrameTransform | None = None, display: Display | None = None,
                 target_size: tuple[int, int] | None = None, stale_after_s: float = 2.0,
                 open_timeout_s: float = 5.0, read_timeout_s: float = 5.0,
                 transport: str = "tcp", backoff_initial_s: float = 0.5,
                 backoff_max_s: float = 30.0) -> None:
        super().__init__(name=f"capture-{camera_id}-Worker", daemon=True)
        self.camera_id = camera_id
        self.transform = transform  # replaced at any time, e.g. when the agreement changes
        self.display = display  # set before start(); its size may change at any time
        self.target_size = target_size  # tile size: frames decode at the least scale above it
        self._url = url
        self._transport = transport  # RTSP: "tcp" (the default) or "udp", per camera
        self._on_frame, self._on_state = on_frame, on_state
        self._stale_after_s = stale_after_s
        self._open_timeout_s, self._read_timeout_s = open_timeout_s, read_timeout_s
        self._backoff = (backoff_initial_s, backoff_max_s)
        self._slot: tuple[np.ndarray, FrameMeta] | None = None
        self._slot_lock = threading.Lock()
        self._status = StreamStatus(StreamState.CONNECTING)
        self._status_lock = threading.RLock()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._paused = False
        self._seq = 0
        self._slot_changes = 0
        self._last_frame_at = 0.0
        self._failed_callbacks: set[str] = set()

    @property
    def status(self) -> StreamStatus:
        return self._status

    @property
    def slot_changes(self) -> int:
        """Counts every change of what `latest()` returns (a new frame, or the frame dropped),
        read without the slot's lock: a painter polls it many times a second and takes
        `latest()` only when it has moved."""
        return self._slot_changes

    @property
    def stop_bound_s(self) -> float:
        """The longest stop() waits: a read or open in progress ends within its timeout."""
        return max(self._open_timeout_s, self._read_timeout_s) + 1.0

    def latest(self) -> tuple[np.ndarray, FrameMeta] | None:
        """The newest frame; meta.seq tells a painter whether it has already drawn it."""
        with self._slot_lock:
            return self._slot

    def pause(self, clear_frame: bool = False) -> None:
        """Stops decoding and releases the stream. `clear_frame` also drops the last frame,
        for a donor feed that must go dark rather than freeze."""
        self._paused = True
        if clear_frame:
            with self._slot_lock:
                self._slot = None
                self._slot_changes += 1
        self._wake.set()

    def resume(self) -> None:
        self._paused = False
        self._wake.set()

    def request_stop(self) -> None:
        """Lets a wall stop all its workers at once, then join them."""
        self._stopping.set()
        self._wake.set()

    def stop(self, timeout_s: float | None = None) -> bool:
        """True when the thread has ended, which takes at most stop_bound_s."""
        self.request_stop()
        if self.ident is None:
            self._set_status(StreamStatus(StreamState.STOPPED))
        elif threading.current_thread() is not self:
            self.join(self.stop_bound_s if timeout_s is None else timeout_s)
        if self.is_alive():
            logger.warning("capture of %s did not stop in time", self.camera_id)
        return not self.is_alive()

    def run(self) -> None:
        watchdog = StreamWatchdog(self.name, self._check_silence,
                                  max(0.05, self._stale_after_s / 4), self._stopping)
        watchdog.start()
        try:
            self._loop()
        except Exception:
            logger.exception("capture of %s failed", self.camera_id)
        finally:
            self._stopping.set()
            watchdog.join()
            self._set_status(StreamStatus(StreamState.STOPPED))

    def _loop(self) -> None:
        initial, cap = self._backoff
        delay, lost = initial, None
        while not self._stopping.is_set():
            if self._paused:
                self._set_status(StreamStatus(StreamState.PAUSED))
                while self._paused and not self._stopping.is_set():
                    self._sleep(None)
                delay, lost = initial, None
                continue
            self._set_status(StreamStatus(StreamState.CONNECTING) if lost is None else
                             StreamStatus(StreamState.RECONNECTING, lost.reason, lost.failure))
            seq_before = self._seq
            try:
                source = VideoSource.open(self._url, open_timeout_s=self._open_timeout_s,
                                          read_timeout_s=self._read_timeout_s,
                                          transport=self._transport)
                try:
                    self._read_frames(source)
                finally:
                    source.release()
                lost = None  # paused or stopping
                continue
            except StreamError as exc:
                lost = exc
            if self._seq > seq_before:
                delay = initial
            wait = delay * random.uniform(0.8, 1.2)  # spread out a whole wall reconnecting
            logger.info("camera %s (%s) offline: %s; retry in %.1f s", self.camera_id,
                        redact_url(self._url), lost.reason, wait)
            self._set_status(StreamStatus(StreamState.OFFLINE, lost.reason, lost.failure,
                                          retry_at=time.monotonic() + wait))
            self._sleep(wait)
            delay = min(delay * 2, cap)

    def _read_frames(self, source: VideoSource | RtspSource) -> None:
        """Runs once a frame on every camera: kept to what each frame needs (a fitted frame
        skips the reduction and the display step, which would pass it untouched)."""
        reduce = 1
        display = self.display
        can_fit = source.can_fit
        while not self._stopping.is_set() and not self._paused:
            transform = self.transform
            box = display.size if display is not None and transform is None and can_fit \
                else None
            read = source.read_fitted(box) if box is not None else source.read(reduce)
            if read is None:
                continue
            frame, (width, height), arrived = read
            if box is None:
                reduce = self._reduction(source.can_reduce, width, height)
                try:
                    if transform is not None:
                        frame = transform(frame)
                    if display is not None:
                        frame = display(frame)
                except Exception as exc:
                    # Never show a frame whose privacy mask could not be applied.
                    logger.exception("frame transform of %s failed", self.camera_id)
                    raise StreamError(Failure.DECODE_ERROR,
                                      f"decode error: frame transform failed ({exc})") from exc
            meta = FrameMeta(self._seq + 1, arrived, time.time() - (time.monotonic() - arrived),
                             width, height)
            with self._slot_lock:
                if self._paused:
                    return  # decoded during pause(clear_frame=True): the slot stays empty
                self._slot = (frame, meta)
                self._slot_changes += 1
            self._seq = meta.seq
            self._last_frame_at = arrived
            if self._status.state is not StreamState.LIVE:
                self._set_status(StreamStatus(StreamState.LIVE))
            if self._on_frame is not None:
                self._call("on_frame", self._on_frame, frame, meta)

    def _reduction(self, can_reduce: bool, width: int, height: int) -> int:
        target = self.target_size
        if not can_reduce or target is None:
            return 1
        return decode_reduction(width, height, target)

    def _check_silence(self) -> None:
        with self._status_lock:
            silent = time.monotonic() - self._last_frame_at
            if self._status.state is StreamState.LIVE and silent >= self._stale_after_s:
                self._set_status(StreamStatus(StreamState.STALE,
                                              f"no frame for {self._stale_after_s:g} s"))

    def _set_status(self, status: StreamStatus) -> None:
        with self._status_lock:
            self._status = status
            self._call("on_state", self._on_state, status)

    def _call(self, name: str, callback: Callable[..., None] | None, *args: object) -> None:
        """A failing GUI slot must not end the capture; it is logged once, not 15 times a
        second."""
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            if name not in self._failed_callbacks:
                self._failed_callbacks.add(name)
                logger.exception("%s callback of %s failed", name, self.camera_id)

    def _sleep(self, seconds: float | None) -> None:
        """Waits, but pause(), resume() and stop() cut the wait short."""
        self._wake.wait(seconds)
        self._wake.clear()
