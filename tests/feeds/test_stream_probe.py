"""The one-shot stream check IT staff run during inspections."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.stream_probe import StreamProbeError, probe_stream


@pytest.fixture(scope="module")
def sim() -> Iterator[CameraSimulator]:
    with CameraSimulator(["lobby", "stalled"], size=(480, 270), fps=15) as simulator:
        yield simulator


def test_probe_reports_size_rate_and_latency(sim: CameraSimulator) -> None:
    result = probe_stream(sim.url("lobby"), frames=10, timeout_s=5)
    assert (result.width, result.height, result.frames_read) == (480, 270, 10)
    assert 10 < result.measured_fps < 20
    assert 0 < result.first_frame_latency_ms < 2000


def test_probe_of_one_frame_has_no_rate(sim: CameraSimulator) -> None:
    result = probe_stream(sim.url("lobby"), frames=1, timeout_s=5)
    assert result.frames_read == 1 and result.measured_fps == 0.0


def test_unreachable_camera_gives_a_plain_reason() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StreamProbeError) as caught:
        probe_stream(f"http://ops:s3cret@127.0.0.1:{port}/video.mjpg", frames=5, timeout_s=2)
    assert caught.value.reason.startswith("unreachable")
    assert "s3cret" not in str(caught.value)


def test_missing_stream_is_unreachable(sim: CameraSimulator) -> None:
    with pytest.raises(StreamProbeError, match="unreachable"):
        probe_stream(sim.url("basement"), frames=5, timeout_s=2)


def test_stalled_stream_times_out(sim: CameraSimulator) -> None:
    threading.Timer(0.3, sim.force_stall, ("stalled", 5.0)).start()
    with pytest.raises(StreamProbeError, match="timed out"):
        probe_stream(sim.url("stalled"), frames=200, timeout_s=1.0)


def test_frames_must_be_positive(sim: CameraSimulator) -> None:
    with pytest.raises(ValueError):
        probe_stream(sim.url("lobby"), frames=0)


def test_connectivity_only_decodes_no_picture(sim: CameraSimulator,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """For donor cameras (G.1): size and rate from the packets, no call to the decoder."""
    import cv2

    decoded: list[object] = []
    real = cv2.imdecode
    monkeypatch.setattr(cv2, "imdecode", lambda *a: decoded.append(a) or real(*a))
    result = probe_stream(sim.url("lobby"), frames=8, timeout_s=5, decode=False)
    assert (result.width, result.height, result.frames_read) == (480, 270, 8)
    assert result.measured_fps > 5
    assert decoded == [], "no frame was decoded"
    probe_stream(sim.url("lobby"), frames=2, timeout_s=5)
    assert decoded, "the ordinary check decodes, so the spy would have seen it"
