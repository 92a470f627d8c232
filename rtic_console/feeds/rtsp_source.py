"""RTSP cameras (H.264, H.265 and whatever else FFmpeg decodes), read through PyAV.

Not through OpenCV's FFmpeg backend, for four reasons: its RTSP transport is set by a
process-wide environment variable (OPENCV_FFMPEG_CAPTURE_OPTIONS), so one camera on UDP would
switch every other capture opening at that moment; it rescales every frame to the size seen
at open time, hiding a resolution change; it cannot say *why* an open failed (wrong
credentials and a missing path look alike); and it converts at full size before we scale.
PyAV takes options per container, raises FFmpeg's own errors, hands out each frame at its
real size and scales while converting (swscale) for a small tile.
"""

from __future__ import annotations

import time

import av
import av.error
import numpy as np
from av.video.reformatter import VideoReformatter

from rtic_console.domain.stream_urls import STREAM_TRANSPORTS, redact_url
from rtic_console.feeds.display_fit import fit_picture
from rtic_console.feeds.video_capture import MAX_BAD_FRAMES, Failure, StreamError

TIMESTAMP_JUMP_S = 1.0  # going back further than this is a restarted camera, not reordering
CODEC_TITLES = {"h264": "H.264", "hevc": "H.265", "mjpeg": "MJPEG", "mpeg4": "MPEG-4"}


def is_rtsp(url: str) -> bool:
    return url[:8].lower().startswith(("rtsp://", "rtsps://"))


def rtsp_options(transport: str, read_timeout_s: float) -> dict[str, str]:
    """FFmpeg's options for a live camera: no buffering beyond what reordering needs, and a
    short probe, so a frame is shown as soon as it is decoded."""
    return {"rtsp_transport": transport, "timeout": str(int(read_timeout_s * 1e6)),
            "fflags": "nobuffer", "max_delay": "500000",
            "analyzeduration": "1000000", "probesize": "1000000"}


def _open_failure(exc: Exception, url: str, elapsed: float, open_timeout_s: float) -> StreamError:
    """FFmpeg's error in the words an operator acts on; never the URL's credentials."""
    if isinstance(exc, av.error.HTTPUnauthorizedError):
        return StreamError(Failure.REFUSED, "credentials refused: the camera did not accept "
                                            "the user name or password (RTSP 401)")
    if isinstance(exc, av.error.HTTPForbiddenError):
        return StreamError(Failure.REFUSED, "access refused by the camera (RTSP 403)")
    if isinstance(exc, av.error.HTTPNotFoundError):
        return StreamError(Failure.UNREACHABLE, "unreachable: the camera has no stream at "
                                                "this path (RTSP 404)")
    if isinstance(exc, ConnectionRefusedError):
        return StreamError(Failure.UNREACHABLE, "unreachable: connection refused")
    if isinstance(exc, av.error.ExitError | TimeoutError) or elapsed >= open_timeout_s * 0.9:
        return StreamError(Failure.TIMED_OUT, f"timed out: no video within {open_timeout_s:g} s"
                                              " (the camera answered but sent no picture, or "
                                              "did not answer)")
    reason = str(exc).replace(url, redact_url(url))
    return StreamError(Failure.UNREACHABLE, f"unreachable: {reason}")


class RtspSource:
    """One open RTSP stream, with VideoSource's interface (read, arrival, release)."""

    raw_jpeg = False
    can_reduce = True  # swscale shrinks while converting to BGR
    can_fit = True  # read_fitted: straight to a tile's size as BGRA, in one pass

    def __init__(self, container: av.container.InputContainer, read_timeout_s: float) -> None:
        self._container = container
        self._stream = container.streams.video[0]
        self._packets = container.demux(self._stream)
        self._read_timeout_s = read_timeout_s
        self._last_time: float | None = None
        self._bad = 0
        self._any_packet = False
        self._opened_at = time.monotonic()
        self._pictures = 0
        context = self._stream.codec_context
        self.codec = context.name
        context.thread_count = 1  # one decoder thread per stream: lowest latency
        # One scaler kept for the stream: a new one per frame set swscale up every time.
        self._reformatter = VideoReformatter()

    @classmethod
    def open(cls, url: str, *, open_timeout_s: float, read_timeout_s: float,
             transport: str = "tcp") -> RtspSource:
        if transport not in STREAM_TRANSPORTS:
            raise ValueError(f"transport must be one of {STREAM_TRANSPORTS}")
        options = rtsp_options(transport, read_timeout_s)
        started = time.monotonic()
        try:
            container = av.open(url, options=options, timeout=(open_timeout_s, read_timeout_s))
        except (av.error.FFmpegError, OSError) as exc:
            raise _open_failure(exc, url, time.monotonic() - started, open_timeout_s) from None
        try:
            _check_decodable(container)
        except BaseException:
            container.close()
            raise
        return cls(container, read_timeout_s)

    def read(self, reduce: int = 1) -> tuple[np.ndarray, tuple[int, int], float] | None:
        """The next frame (BGR, shrunk `reduce` times), the stream's own (width, height) and
        the monotonic time its packet arrived; None for a packet that gave no picture.
        Raises StreamError when the stream is lost."""
        frame, arrived = self._next_picture()
        if frame is None:
            return None
        width, height = frame.width, frame.height
        image = self._reformatter.reformat(frame, -(-width // reduce), -(-height // reduce),
                                           "bgr24", threads=1).to_ndarray()
        return image, (width, height), arrived

    def read_fitted(self, box: tuple[int, int]
                    ) -> tuple[np.ndarray, tuple[int, int], float] | None:
        """As read, but the picture comes as BGRA fitted inside `box` (display_fit.
        fitted_size), scaled and converted in one pass: what a tile paints as it is."""
        frame, arrived = self._next_picture()
        if frame is None:
            return None
        return fit_picture(frame, box, self._reformatter), (frame.width, frame.height), arrived

    def _next_picture(self) -> tuple[av.VideoFrame | None, float]:
        frame, arrived = self._next_frame(time.monotonic())
        if frame is None:
            return self._bad_frame(), arrived
        self._bad = 0
        self._pictures += 1
        return frame, arrived

    def arrival(self) -> tuple[tuple[int, int], float] | None:
        """The next packet's arrival and the stream's size, with no picture decoded (donor
        cameras' connectivity checks, G.1)."""
        started = time.monotonic()
        packet = self._next_packet(started)
        context = self._stream.codec_context
        if packet.size == 0 or not (context.width and context.height):
            return self._bad_frame()
        self._bad = 0
        self._pictures += 1
        return (context.width, context.height), time.monotonic()

    def _next_packet(self, started: float) -> av.Packet:
        try:
            packet = next(self._packets)
        except StopIteration:
            raise StreamError(Failure.STREAM_ENDED, "stream ended") from None
        except av.error.EOFError:
            raise StreamError(Failure.STREAM_ENDED, "stream ended") from None
        except (av.error.ExitError, TimeoutError):
            raise self._timed_out() from None
        except (av.error.FFmpegError, OSError) as exc:
            if time.monotonic() - started >= self._read_timeout_s * 0.95:
                raise self._timed_out() from None
            raise StreamError(Failure.STREAM_ENDED, f"stream ended: {exc.strerror or exc}") \
                from None
        if packet.size == 0 and packet.dts is None:
            raise StreamError(Failure.STREAM_ENDED, "stream ended")  # the demuxer's last flush
        self._any_packet = True
        return packet

    def _next_frame(self, started: float) -> tuple[av.VideoFrame | None, float]:
        packet = self._next_packet(started)
        arrived = time.monotonic()
        try:
            frames = packet.decode()
        except av.error.FFmpegError:
            return None, arrived
        if not frames:
            return None, arrived
        frame = frames[-1]  # only the newest picture matters on a wall
        self._check_time(frame)
        return frame, arrived

    def _check_time(self, frame: av.VideoFrame) -> None:
        """A camera whose clock or stream restarts sends timestamps that go back; the stream
        is opened again rather than shown out of order."""
        shown = frame.time
        if shown is None:
            return
        last, self._last_time = self._last_time, shown
        if last is not None and shown < last - TIMESTAMP_JUMP_S:
            raise StreamError(Failure.DECODE_ERROR,
                              f"timestamps jumped back {last - shown:.1f} s (the camera "
                              "restarted its stream); opening it again")

    def _timed_out(self) -> StreamError:
        if not self._any_packet:
            return StreamError(Failure.TIMED_OUT, "timed out: the camera answered but sent no "
                                                  f"video for {self._read_timeout_s:g} s")
        return StreamError(Failure.TIMED_OUT, f"timed out: no data for {self._read_timeout_s:g} s")

    def _bad_frame(self) -> None:
        """Packets that give no picture. Until the first key frame none do: that wait is
        bounded by the read timeout. After it a few are normal (a lost packet before the
        next key frame); many in a row is a stream we cannot decode."""
        codec = CODEC_TITLES.get(self.codec, self.codec)
        if self._pictures == 0:
            if time.monotonic() - self._opened_at < self._read_timeout_s:
                return None
            raise StreamError(Failure.DECODE_ERROR, f"decode error: no {codec} picture "
                                                    f"decoded in {self._read_timeout_s:g} s")
        self._bad += 1
        if self._bad < MAX_BAD_FRAMES * 6:  # up to two seconds of a 15 fps camera
            return None
        raise StreamError(Failure.DECODE_ERROR,
                          f"decode error: {self._bad} packets in a row gave no picture "
                          f"({codec})")

    def release(self) -> None:
        self._container.close()


def _check_decodable(container: av.container.InputContainer) -> None:
    """A stream we could not decode says which codec it is, not "decode error"."""
    if not container.streams.video:
        raise StreamError(Failure.UNSUPPORTED, "cannot decode: the camera sends no video "
                                               "stream this console recognises")
    context = container.streams.video[0].codec_context
    name = getattr(context, "name", "") or ""
    if not name or name == "none" or not context.is_decoder:
        raise StreamError(Failure.UNSUPPORTED,
                          "cannot decode: the camera's codec is not one this console "
                          f"decodes ({name or 'unknown'})")
