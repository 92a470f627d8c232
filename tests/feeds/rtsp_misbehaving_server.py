"""An RTSP server that misbehaves on purpose, for the bad input a real camera can send:
it answers DESCRIBE and never sends RTP, it offers a codec nobody decodes, or its
timestamps jump back. A third-party device stand-in (stdlib sockets on loopback), not a
mock of ours; the well-behaved cases use the real GStreamer server."""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import av

FPS = 15
CLOCK = 90_000
JUMP_AFTER = 45  # frames, then the RTP clock goes back 3 s
_MODES = ("silent", "unknown-codec", "jump-back")


def encoded_h264(frames: int = FPS * 2, size: tuple[int, int] = (160, 96)) -> list[list[bytes]]:
    """Each frame's NAL units, parameter sets in front of every key frame."""
    codec = av.CodecContext.create("libx264", "w")
    codec.width, codec.height, codec.pix_fmt = size[0], size[1], "yuv420p"
    codec.framerate = FPS
    codec.options = {"tune": "zerolatency", "preset": "ultrafast",
                     "x264-params": f"keyint={FPS}:repeat-headers=1"}
    pictures = []
    for i in range(frames):
        frame = av.VideoFrame(size[0], size[1], "yuv420p")
        for plane in frame.planes:
            plane.update(bytes([(i * 8) % 256]) * plane.buffer_size)
        frame.pts = i
        pictures += [bytes(p) for p in codec.encode(frame)]
    pictures += [bytes(p) for p in codec.encode(None)]
    return [[n for n in re.split(b"\x00\x00\x00\x01|\x00\x00\x01", p) if n] for p in pictures]


class MisbehavingRtspServer:
    def __init__(self, mode: str) -> None:
        assert mode in _MODES
        self.mode = mode
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._frames = encoded_h264() if mode == "jump-back" else []
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}/camera"

    def start(self) -> None:
        self._spawn(self._accept)

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(5)

    def _spawn(self, target, *args) -> None:  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        with suppress(OSError):
            while not self._stopping.is_set():
                client, _ = self._listener.accept()
                self._spawn(self._serve, client)

    def _sdp(self) -> bytes:
        rtpmap = "X-RTIC-UNKNOWN/90000" if self.mode == "unknown-codec" else "H264/90000"
        return (f"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=test\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                f"m=video 0 RTP/AVP 96\r\na=rtpmap:96 {rtpmap}\r\n"
                f"a=fmtp:96 packetization-mode=1\r\na=control:track1\r\n").encode()

    def _serve(self, client: socket.socket) -> None:
        with client, suppress(OSError):
            client.settimeout(0.5)
            buffer = b""
            while not self._stopping.is_set():
                try:
                    chunk = client.recv(4096)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                buffer += chunk
                while b"\r\n\r\n" in buffer:
                    head, buffer = buffer.split(b"\r\n\r\n", 1)
                    if head.startswith(b"$"):
                        continue  # RTCP from the client, interleaved
                    if self._answer(client, head.decode(errors="replace")):
                        self._spawn(self._send_rtp, client)

    def _answer(self, client: socket.socket, request: str) -> bool:
        method = request.split(" ", 1)[0].lstrip("$\x00\x01")
        cseq = re.search(r"(?im)^cseq:\s*(\d+)", request)
        headers = [f"CSeq: {cseq[1] if cseq else 0}", "Session: 4242;timeout=60"]
        body = b""
        if method == "OPTIONS":
            headers.append("Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER")
        elif method == "DESCRIBE":
            body = self._sdp()
            headers += ["Content-Type: application/sdp", f"Content-Base: {self.url}/"]
        elif method == "SETUP":
            headers.append("Transport: RTP/AVP/TCP;unicast;interleaved=0-1")
        head = "RTSP/1.0 200 OK\r\n" + "".join(f"{h}\r\n" for h in headers)
        head += f"Content-Length: {len(body)}\r\n\r\n"
        client.sendall(head.encode() + body)
        return method == "PLAY" and self.mode != "silent"

    def _send_rtp(self, client: socket.socket) -> None:
        seq, started = 0, time.monotonic()
        with suppress(OSError):
            for i in range(10_000):
                if self._stopping.is_set():
                    return
                stamp = (i if i < JUMP_AFTER else i - JUMP_AFTER) * CLOCK // FPS
                if self.mode == "unknown-codec":
                    nals = [bytes(range(200))]
                else:
                    nals = self._frames[i % len(self._frames)]
                for n, nal in enumerate(nals):
                    marker = 0x80 if n == len(nals) - 1 else 0
                    rtp = struct.pack("!BBHII", 0x80, marker | 96, seq & 0xFFFF,
                                      stamp & 0xFFFFFFFF, 0x1234) + nal
                    client.sendall(b"$\x00" + struct.pack("!H", len(rtp)) + rtp)
                    seq += 1
                time.sleep(max(0.0, started + (i + 1) / FPS - time.monotonic()))


@contextmanager
def misbehaving_server(mode: str) -> Iterator[MisbehavingRtspServer]:
    server = MisbehavingRtspServer(mode)
    server.start()
    try:
        yield server
    finally:
        server.stop()
