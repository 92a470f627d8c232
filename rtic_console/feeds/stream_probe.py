"""One-shot camera stream measurement for IT inspections (`feeds/stream_check.py` runs it)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from rtic_console.domain.stream_urls import redact_url
from rtic_console.feeds.video_capture import StreamError, VideoSource

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProbeResult:
    width: int
    height: int
    measured_fps: float
    first_frame_latency_ms: float
    frames_read: int
    picture: np.ndarray | None = None  # the last frame decoded (BGR); None when not decoded


class StreamProbeError(Exception):
    """`reason` is plain words for the inspection report; it never contains credentials."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def probe_stream(url: str, frames: int = 30, timeout_s: float = 10.0,
                 decode: bool = True, transport: str = "tcp") -> ProbeResult:
    """Reads `frames` frames the way the wall does (same backend, timeouts and decoder).

    The first-frame latency runs from the start of the connection, so it is what an operator
    waits for when a tile opens. The frame rate is measured between the first and last frame.
    A stream that stalls just before the deadline can hold the call for up to 2 x timeout_s.
    With `decode` False no picture is decoded at all (`VideoSource.arrival`): connectivity,
    size and rate only, for a camera whose pictures may not be looked at (G.1). `transport`
    is the camera's RTSP transport ("tcp" or "udp").
    """
    if frames < 1:
        raise ValueError("frames must be at least 1")
    started = time.monotonic()
    deadline = started + timeout_s
    logger.info("probing %s for %d frames", redact_url(url), frames)
    try:
        source = VideoSource.open(url, open_timeout_s=timeout_s, read_timeout_s=timeout_s,
                                  transport=transport)
    except StreamError as exc:
        raise StreamProbeError(exc.reason) from None
    arrivals: list[float] = []
    size = (0, 0)
    picture = None
    try:
        while len(arrivals) < frames:
            if time.monotonic() > deadline:
                raise StreamProbeError(f"timed out: {len(arrivals)} of {frames} frames "
                                       f"in {timeout_s:g} s")
            read = source.read() if decode else source.arrival()
            if read is not None:
                size, arrived = read[-2:]
                arrivals.append(arrived)
                if decode:
                    picture = read[0]
    except StreamError as exc:
        raise StreamProbeError(f"{exc.reason} after {len(arrivals)} of {frames} frames") from None
    finally:
        source.release()
    span = arrivals[-1] - arrivals[0]
    return ProbeResult(
        width=size[0],
        height=size[1],
        measured_fps=round((len(arrivals) - 1) / span, 2) if span > 0 else 0.0,
        first_frame_latency_ms=round((arrivals[0] - started) * 1000, 1),
        frames_read=len(arrivals),
        picture=picture,
    )
