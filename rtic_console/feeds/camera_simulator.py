"""Synthetic MJPEG cameras on loopback for the demo, the tests and the benchmarks."""

from __future__ import annotations

import argparse
import logging
import random
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np

logger = logging.getLogger(__name__)

BOUNDARY = "rticframe"
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_VEHICLE_COLOURS = ((40, 40, 170), (160, 90, 30), (200, 200, 200), (30, 30, 30), (40, 140, 60))


@dataclass(frozen=True, slots=True)
class _Frame:
    """One encoded multipart part, built once and written to every client as is."""

    seq: int
    part: bytes


class _Scene:
    """Everything that does not move is drawn once per size, so a frame is a copy and a few
    pastes."""

    def __init__(self, name: str, width: int, height: int, plates: Sequence[str]) -> None:
        self.width, self.height, self.name = width, height, name
        self.background = self._draw_background()
        self.frame = np.empty_like(self.background)
        self.sprites = [self._draw_vehicle(i, plate) for i, plate in enumerate(plates)]
        lanes = np.linspace(0.62, 0.86, len(plates)) * height
        self.lanes = [int(y) - s.shape[0] // 2 for y, s in zip(lanes, self.sprites, strict=True)]

    def _draw_background(self) -> np.ndarray:
        w, h = self.width, self.height
        bg = np.empty((h, w, 3), np.uint8)
        bg[:] = np.linspace(200, 120, h, dtype=np.uint8)[:, None, None]  # sky gradient
        rng = random.Random(self.name)
        x = 0
        while x < w:  # skyline
            bw, bh = rng.randint(w // 16, w // 7), rng.randint(h // 6, h // 2)
            shade = rng.randint(60, 110)
            cv2.rectangle(bg, (x, h // 2 - bh), (x + bw, h // 2), (shade, shade, shade + 10), -1)
            x += bw + rng.randint(2, 8)
        bg[h // 2 :] = (70, 72, 70)  # road
        for y in (int(h * 0.74), int(h * 0.98)):
            for lx in range(0, w, w // 8):
                cv2.line(bg, (lx, y), (lx + w // 16, y), (220, 220, 220), max(1, h // 180))
        cv2.rectangle(bg, (0, 0), (w, max(18, h // 14)), (0, 0, 0), -1)  # overlay band
        return bg

    def _draw_vehicle(self, index: int, plate: str) -> np.ndarray:
        vw, vh = max(60, self.width // 4), max(30, self.height // 7)
        sprite = np.empty((vh, vw, 3), np.uint8)
        sprite[:] = (70, 72, 70)
        colour = _VEHICLE_COLOURS[index % len(_VEHICLE_COLOURS)]
        cv2.rectangle(sprite, (0, vh // 4), (vw - 1, vh * 5 // 6), colour, -1)
        cv2.rectangle(sprite, (vw // 5, 0), (vw * 3 // 4, vh // 4), colour, -1)
        cv2.rectangle(sprite, (vw // 4, vh // 20), (vw * 7 // 10, vh // 4), (150, 110, 90), -1)
        for cx in (vw // 5, vw * 4 // 5):
            cv2.circle(sprite, (cx, vh * 5 // 6), vh // 6, (15, 15, 15), -1)
        scale = vh / 80
        (tw, th), _ = cv2.getTextSize(plate, _FONT, scale, 2)
        px, py = (vw - tw) // 2, vh * 5 // 12
        cv2.rectangle(sprite, (px - 4, py - 3), (px + tw + 4, py + th + 5), (245, 245, 245), -1)
        cv2.putText(sprite, plate, (px, py + th), _FONT, scale, (10, 10, 10), 2, cv2.LINE_AA)
        return sprite

    def render(self, t: float, caption: str) -> np.ndarray:
        frame = self.frame
        np.copyto(frame, self.background)
        for i, (sprite, top) in enumerate(zip(self.sprites, self.lanes, strict=True)):
            sh, sw = sprite.shape[:2]
            span = self.width + sw
            left = int((t * self.width * (0.12 + 0.05 * i) + i * span / 3) % span) - sw
            lo, hi = max(left, 0), min(left + sw, self.width)
            if hi > lo:
                frame[top : top + sh, lo:hi] = sprite[:, lo - left : hi - left]
        scale = max(self.height, 240) / 720
        cv2.putText(frame, caption, (6, max(13, self.height // 20)), _FONT, scale,
                    (255, 255, 255), 1, cv2.LINE_AA)
        return frame


class SimulatedStream:
    """One synthetic camera: a producer thread renders and encodes each frame once, and every
    connected client writes the same bytes, so clients cost no encoding."""

    def __init__(self, name: str, size: tuple[int, int], fps: float, quality: int,
                 dropout: tuple[float, float] | None, epoch: float) -> None:
        self.name, self.fps, self._quality = name, fps, quality
        self._dropout, self._epoch = dropout, epoch
        # Test hooks, set through CameraSimulator.
        self.size = size
        self.offline = False
        self.stall_until = 0.0  # monotonic; clients writing a frame before then stop mid-frame
        self.corrupt_frames = 0
        rng = random.Random(name)
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        self._plates = [f"{rng.randint(1, 9)}{''.join(rng.choices(letters, k=3))}"
                        f"{rng.randint(0, 999):03d}" for _ in range(3)]
        self._cond = threading.Condition()
        self._frame: _Frame | None = None
        self._subscribers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"camsim-{name}-Worker",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join()

    def unavailable(self) -> HTTPStatus | None:
        """Why a client cannot have this stream now, or None when it can."""
        if self.offline:
            return HTTPStatus.NOT_FOUND
        if self._dropout is not None:
            up, down = self._dropout
            if (time.monotonic() - self._epoch) % (up + down) >= up:
                return HTTPStatus.SERVICE_UNAVAILABLE
        return None

    @contextmanager
    def subscription(self) -> Iterator[None]:
        """Producing only while someone watches keeps idle cameras free."""
        with self._cond:
            self._subscribers += 1
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._subscribers -= 1

    @property
    def clients(self) -> int:
        """Open connections and snapshot requests: a paused console tile holds none."""
        return self._subscribers

    @property
    def seq(self) -> int:
        frame = self._frame
        return 0 if frame is None else frame.seq

    def wait_frame(self, after: int, timeout: float) -> _Frame | None:
        with self._cond:
            self._cond.wait_for(lambda: self._stop.is_set() or (
                self._frame is not None and self._frame.seq > after), timeout)
            frame = self._frame
        return frame if frame is not None and frame.seq > after else None

    def _run(self) -> None:
        scene: _Scene | None = None
        seq, period = 0, 1.0 / self.fps
        next_due = time.monotonic()
        while not self._stop.is_set():
            with self._cond:
                if not self._cond.wait_for(lambda: self._subscribers or self._stop.is_set(), 0.5):
                    continue
            now = time.monotonic()
            if now < next_due:
                self._stop.wait(next_due - now)
                continue
            next_due = max(next_due + period, now)  # after a hiccup, skip instead of bursting
            if self.unavailable() is not None:
                continue
            if scene is None or (scene.width, scene.height) != self.size:
                scene = _Scene(self.name, *self.size, self._plates)
            wall = datetime.now()
            caption = f"{self.name}  {wall:%Y-%m-%d %H:%M:%S}.{wall.microsecond // 1000:03d}"
            ok, jpeg = cv2.imencode(".jpg", scene.render(now - self._epoch, caption),
                                    [cv2.IMWRITE_JPEG_QUALITY, self._quality])
            if not ok:
                logger.warning("camera simulator could not encode a frame of %s", self.name)
                continue
            self._publish(seq := seq + 1, jpeg.tobytes())

    def _publish(self, seq: int, jpeg: bytes) -> None:
        if self.corrupt_frames:
            self.corrupt_frames -= 1
            # Keep the start-of-image marker so the decoder tries, and fails, on the body.
            jpeg = jpeg[:2] + random.Random(seq).randbytes(len(jpeg) - 4) + jpeg[-2:]
        head = (f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                f"Content-Length: {len(jpeg)}\r\n\r\n").encode("ascii")
        with self._cond:
            self._frame = _Frame(seq, head + jpeg + b"\r\n")
            self._cond.notify_all()


class _Server(ThreadingHTTPServer):
    # Non-daemon handler threads so server_close() joins them: a test leaves nothing running.
    daemon_threads = False

    def __init__(self, address: tuple[str, int], streams: dict[str, SimulatedStream]) -> None:
        super().__init__(address, _Handler)
        self.streams = streams
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10.0  # a client that stops reading cannot pin a handler thread forever

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("camera simulator: " + format, *args)

    def do_GET(self) -> None:
        kind, _, file = self.path.lstrip("/").partition("/")
        name, _, ext = file.partition(".")
        stream = self.server.streams.get(name)
        if stream is None or (kind, ext) not in {("stream", "mjpg"), ("snapshot", "jpg")}:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if (status := stream.unavailable()) is not None:
            self.send_error(status)
            return
        with self.server.connections_lock:
            self.server.connections.add(self.connection)
        try:
            with stream.subscription():
                if kind == "stream":
                    self._stream(stream)
                else:
                    self._snapshot(stream)
        except OSError:
            pass  # the client went away, or stop() shut the socket
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def _snapshot(self, stream: SimulatedStream) -> None:
        frame = stream.wait_frame(after=stream.seq, timeout=2.0)
        if frame is None:
            self.send_error(HTTPStatus.SERVICE_UNAVAILABLE)
            return
        jpeg = frame.part[frame.part.index(b"\r\n\r\n") + 4 : -2]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(jpeg)))
        self.end_headers()
        self.wfile.write(jpeg)

    def _stream(self, stream: SimulatedStream) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", f"multipart/x-mixed-replace;boundary={BOUNDARY}")
        self.send_header("Cache-Control", "no-cache, no-store")
        self.end_headers()
        seq = 0
        while not self.server.stopping.is_set() and stream.unavailable() is None:
            frame = stream.wait_frame(after=seq, timeout=0.5)
            if frame is None:
                continue
            seq = frame.seq
            if (stall := stream.stall_until - time.monotonic()) > 0:
                half = len(frame.part) // 2
                self.wfile.write(frame.part[:half])
                self.server.stopping.wait(stall)
                self.wfile.write(frame.part[half:])
            else:
                self.wfile.write(frame.part)


class CameraSimulator:
    """A set of MJPEG cameras on one loopback port, with hooks that force the failures a real
    camera network produces.

    `dropout_stream`, when given, is up for `dropout_every_s`, then for `dropout_for_s` ends its
    connections and answers 503, over and over, like a camera on a flaky uplink.
    """

    def __init__(self, streams: int | Sequence[str] = 4, *, size: tuple[int, int] = (640, 360),
                 fps: float = 15.0, jpeg_quality: int = 80, dropout_stream: str | None = None,
                 dropout_every_s: float = 30.0, dropout_for_s: float = 5.0,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        names = [f"cam{i:02d}" for i in range(1, streams + 1)] if isinstance(streams, int) \
            else list(streams)
        epoch = time.monotonic()
        self.streams = {n: SimulatedStream(
            n, size, fps, jpeg_quality,
            (dropout_every_s, dropout_for_s) if n == dropout_stream else None, epoch)
            for n in names}
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the camera simulator is not running")
        return self._server.server_address[1]

    def url(self, name: str) -> str:
        return f"http://{self._address[0]}:{self.port}/stream/{name}.mjpg"

    def snapshot_url(self, name: str) -> str:
        return f"http://{self._address[0]}:{self.port}/snapshot/{name}.jpg"

    def start(self) -> CameraSimulator:
        self._server = _Server(self._address, self.streams)
        for stream in self.streams.values():
            stream.start()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="camsim-http-Worker", daemon=True)
        self._thread.start()
        logger.info("camera simulator serving %d streams on port %s", len(self.streams),
                    self.port)
        return self

    def stop(self) -> None:
        """Returns once every thread the simulator started has ended."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.stopping.set()
        server.shutdown()
        with server.connections_lock:
            for conn in server.connections:
                with suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        thread.join()
        for stream in self.streams.values():
            stream.stop()
        self._server = self._thread = None

    def __enter__(self) -> CameraSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Test hooks: each forces one failure on one stream.
    def force_stall(self, name: str, seconds: float) -> None:
        """Frames stop half written for `seconds`, as on a congested link. A deadline rather
        than a mark on one frame: a client a frame behind skips frames, and the stall too."""
        self.streams[name].stall_until = time.monotonic() + seconds

    def force_corrupt(self, name: str, frames: int = 1) -> None:
        """The next `frames` frames carry a JPEG whose body is noise."""
        self.streams[name].corrupt_frames = frames

    def set_resolution(self, name: str, width: int, height: int) -> None:
        self.streams[name].size = (width, height)

    def set_offline(self, name: str, offline: bool = True) -> None:
        """Offline streams answer 404 and their open connections end."""
        self.streams[name].offline = offline


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve synthetic MJPEG cameras on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8554, help="0 picks a free port")
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--size", default="640x360", help="WIDTHxHEIGHT")
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--dropout-every", type=float, default=30.0,
                        help="seconds the last stream stays up between dropouts; 0: never")
    parser.add_argument("--dropout-for", type=float, default=5.0)
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="serve until stdin closes (the parent process ended)")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    sim = CameraSimulator(args.streams, size=(int(width), int(height)), fps=args.fps,
                          dropout_stream=f"cam{args.streams:02d}" if args.dropout_every > 0
                          else None,
                          dropout_every_s=args.dropout_every, dropout_for_s=args.dropout_for,
                          host=args.host, port=args.port)
    with sim:
        print(f"listening on http://{args.host}:{sim.port}", flush=True)
        for name in sim.streams:
            print(sim.url(name), flush=True)
        with suppress(KeyboardInterrupt):
            if args.exit_with_parent:
                sys.stdin.buffer.read()  # EOF when the parent exits, even if it was killed
                return
            while True:
                time.sleep(3600)  # unlike Event.wait(), Ctrl+C interrupts this on Windows


if __name__ == "__main__":
    main()
