"""The MJPEG camera simulator over real loopback sockets."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from rtic_console.feeds.camera_simulator import BOUNDARY, CameraSimulator


@pytest.fixture
def sim() -> Iterator[CameraSimulator]:
    before = set(threading.enumerate())
    with CameraSimulator(["north", "south"], size=(320, 180), fps=15) as simulator:
        yield simulator
    assert set(threading.enumerate()) <= before, "the simulator left a thread running"


def get(sim: CameraSimulator, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=5)
    conn.request("GET", path)
    return conn.getresponse()


def read_parts(response: http.client.HTTPResponse, count: int) -> list[bytes]:
    parts = []
    while len(parts) < count:
        line = response.readline()
        if not line:
            break
        if line.strip() != f"--{BOUNDARY}".encode():
            continue
        headers = {}
        while (line := response.readline().strip()):
            key, _, value = line.decode().partition(":")
            headers[key.lower()] = value.strip()
        assert headers["content-type"] == "image/jpeg"
        parts.append(response.read(int(headers["content-length"])))
    return parts


def decode(jpeg: bytes) -> np.ndarray | None:
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)


def test_stream_is_multipart_mjpeg_at_the_configured_size_and_rate(sim: CameraSimulator) -> None:
    response = get(sim, "/stream/north.mjpg")
    assert response.status == 200
    assert response.getheader("Content-Type") == f"multipart/x-mixed-replace;boundary={BOUNDARY}"
    started = time.monotonic()
    parts = read_parts(response, 16)
    elapsed = time.monotonic() - started
    response.close()
    assert all(decode(p).shape == (180, 320, 3) for p in parts)
    assert 0.6 < elapsed < 2.0  # 15 frames apart at 15 fps


def test_snapshot_is_one_jpeg(sim: CameraSimulator) -> None:
    response = get(sim, "/snapshot/south.jpg")
    assert response.status == 200 and response.getheader("Content-Type") == "image/jpeg"
    assert decode(response.read()).shape == (180, 320, 3)


def test_clients_share_each_encoded_frame(sim: CameraSimulator) -> None:
    first, second = get(sim, "/stream/north.mjpg"), get(sim, "/stream/north.mjpg")
    assert sim.streams["north"].clients == 2
    a, b = read_parts(first, 6), read_parts(second, 6)
    first.close()
    second.close()
    assert set(a) & set(b), "two clients should receive byte-identical frames"


def test_idle_stream_encodes_nothing(sim: CameraSimulator) -> None:
    time.sleep(0.3)
    assert sim.streams["south"].seq == 0


def test_unknown_and_offline_streams_are_404(sim: CameraSimulator) -> None:
    assert get(sim, "/stream/nowhere.mjpg").status == 404
    assert get(sim, "/stream/north.avi").status == 404
    response = get(sim, "/stream/north.mjpg")
    read_parts(response, 1)
    sim.set_offline("north")
    assert response.read() is not None  # the open stream ends instead of hanging
    assert get(sim, "/snapshot/north.jpg").status == 404
    sim.set_offline("north", False)
    assert get(sim, "/snapshot/north.jpg").status == 200


def test_resolution_change_takes_effect_mid_stream(sim: CameraSimulator) -> None:
    response = get(sim, "/stream/north.mjpg")
    read_parts(response, 1)
    sim.set_resolution("north", 160, 120)
    shapes = [decode(p).shape for p in read_parts(response, 4)]
    response.close()
    assert shapes[-1] == (120, 160, 3)


def test_corrupt_frame_does_not_decode_and_the_stream_goes_on(sim: CameraSimulator) -> None:
    response = get(sim, "/stream/north.mjpg")
    read_parts(response, 1)
    sim.force_corrupt("north")
    parts = read_parts(response, 4)
    response.close()
    decoded = [decode(p) is not None for p in parts]
    assert decoded.count(False) == 1 and decoded[-1]


def test_stall_stops_mid_frame(sim: CameraSimulator) -> None:
    response = get(sim, "/stream/north.mjpg")
    read_parts(response, 1)
    sim.force_stall("north", 3.0)
    response.fp.raw._sock.settimeout(0.8)  # type: ignore[attr-defined]
    received = b""
    deadline = time.monotonic() + 5
    with pytest.raises(TimeoutError):
        while time.monotonic() < deadline:
            received = (received + response.read1(65536))[-200_000:]
    response.close()
    last_part = received.rpartition(b"Content-Length: ")[2]
    length, _, body = last_part.partition(b"\r\n\r\n")
    assert 0 < len(body) < int(length)


def test_dropout_stream_goes_away_and_comes_back() -> None:
    with CameraSimulator(["gate"], size=(160, 120), dropout_stream="gate",
                         dropout_every_s=0.6, dropout_for_s=0.6) as simulator:
        statuses = set()
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline and len(statuses) < 2:
            statuses.add(get(simulator, "/snapshot/gate.jpg").status)
            time.sleep(0.1)
    assert statuses == {200, 503}


def test_stop_ends_streams_a_client_stopped_reading() -> None:
    before = set(threading.enumerate())
    simulator = CameraSimulator(["east"], size=(640, 360), fps=30).start()
    client = socket.create_connection(("127.0.0.1", simulator.port))
    client.sendall(b"GET /stream/east.mjpg HTTP/1.0\r\n\r\n")
    time.sleep(1.0)  # frames pile up in the socket buffers; nobody reads them
    started = time.monotonic()
    simulator.stop()
    client.close()
    assert time.monotonic() - started < 3
    assert set(threading.enumerate()) <= before


def test_runs_as_a_module_on_a_free_port() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "rtic_console.feeds.camera_simulator",
                             "--port", "0", "--streams", "2", "--size", "160x120"],
                            stdout=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().split()[-1]  # type: ignore[union-attr]
        urls = [proc.stdout.readline().strip() for _ in range(2)]  # type: ignore[union-attr]
        assert urls == [f"{base}/stream/cam01.mjpg", f"{base}/stream/cam02.mjpg"]
        port = int(base.rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/snapshot/cam01.jpg")
        assert decode(conn.getresponse().read()).shape == (120, 160, 3)
    finally:
        proc.terminate()
        proc.wait(5)
