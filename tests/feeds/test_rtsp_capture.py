"""CaptureWorker against a real RTSP server (GStreamer, H.264 and H.265, basic auth) and a
misbehaving one: real sockets, real RTP, real decoding."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from rtic_console.feeds.display_fit import DisplayFit
from rtic_console.feeds.rtsp_server_process import RtspServerProcess, encoders
from rtic_console.feeds.stream_probe import StreamProbeError, probe_stream
from rtic_console.feeds.video_capture import CaptureWorker, Failure, StreamState
from tests.feeds.capture_harness import States, wait_until
from tests.feeds.rtsp_misbehaving_server import misbehaving_server

pytestmark = pytest.mark.skipif("h264" not in encoders(),
                                reason="GStreamer's RTSP server is not installed "
                                       "(installer/install_system_libs.sh)")
CODECS = sorted(encoders())
STREAMS = [f"{codec}/{name}={codec}:{size}@15" for codec in CODECS
           for name, size in (("main", "640x360"), ("sub", "320x180"))] + \
          ["h264/udp=h264:320x180@15", "h264/drops=h264:320x180@15",
           "h264/resizes=h264:320x180@15"]


@pytest.fixture(scope="module")
def server() -> Iterator[RtspServerProcess]:
    server = RtspServerProcess.start(STREAMS, user="viewer:s3cret")
    yield server
    server.stop()
    assert server.process.returncode == 0


def frames_of(worker: CaptureWorker, count: int, timeout: float = 15.0) -> None:
    first = worker.latest()[1].seq if worker.latest() else 0
    wait_until(lambda: worker.latest() and worker.latest()[1].seq >= first + count, timeout)


@pytest.mark.parametrize("codec", CODECS)
def test_frames_are_shown_from_h264_and_h265(server: RtspServerProcess, start: Callable,
                                            codec: str) -> None:
    states = States()
    worker = start(server.url(f"{codec}/main"), on_state=states, open_timeout_s=5.0,
                   read_timeout_s=3.0, stale_after_s=2.0)
    frames_of(worker, 10)
    frame, meta = worker.latest()
    assert (meta.width, meta.height) == (640, 360) and frame.shape == (360, 640, 3)
    assert time.monotonic() - meta.captured_monotonic < 1.0
    assert states.wait(StreamState.LIVE)


def test_a_small_tile_gets_the_frame_shrunk_while_converting(server: RtspServerProcess,
                                                            start: Callable) -> None:
    worker = start(server.url("h264/main"), target_size=(300, 170), open_timeout_s=5.0,
                   read_timeout_s=3.0, stale_after_s=2.0)
    frames_of(worker, 5)
    frame, meta = worker.latest()
    assert (meta.width, meta.height) == (640, 360)  # the stream's own size
    assert frame.shape == (180, 320, 3)


def test_a_tile_gets_its_picture_fitted_as_32_bit_straight_from_the_decoder(
        server: RtspServerProcess, start: Callable) -> None:
    fit = DisplayFit((395, 230))
    worker = start(server.url("h264/main"), display=fit, open_timeout_s=5.0,
                   read_timeout_s=3.0, stale_after_s=2.0)
    frames_of(worker, 5)
    frame, meta = worker.latest()
    assert (meta.width, meta.height) == (640, 360)
    assert frame.shape == (222, 394, 4)  # even pixels, the aspect ratio kept
    fit.size = (200, 200)  # the tile was resized
    wait_until(lambda: worker.latest()[0].shape == (112, 200, 4), 10)


def test_a_masked_tile_is_masked_before_it_is_scaled(server: RtspServerProcess,
                                                    start: Callable) -> None:
    seen: list[tuple[int, ...]] = []

    def mask(frame):
        seen.append(frame.shape)
        frame[:, : frame.shape[1] // 2] = 0
        return frame

    worker = start(server.url("h264/main"), transform=mask, display=DisplayFit((395, 230)),
                   target_size=(300, 170), open_timeout_s=5.0, read_timeout_s=3.0)
    frames_of(worker, 5)
    frame = worker.latest()[0]
    assert frame.shape == (222, 394, 4) and seen[-1] == (180, 320, 3)
    assert not frame[:, :190, :3].any() and frame[:, 200:, :3].any()


def test_udp_transport_is_a_per_camera_choice(server: RtspServerProcess,
                                             start: Callable) -> None:
    states = States()
    udp = start(server.url("h264/udp"), transport="udp", on_state=states, open_timeout_s=5.0,
                read_timeout_s=3.0, stale_after_s=2.0)
    frames_of(udp, 10)
    assert [s.state for s in states.seen[:2]] == [StreamState.CONNECTING, StreamState.LIVE]


def test_a_camera_that_refuses_the_credentials_says_so(server: RtspServerProcess,
                                                      start: Callable) -> None:
    states = States()
    start(server.url("h264/sub", user="viewer:wrong"), on_state=states)
    offline = states.wait(StreamState.OFFLINE)
    assert offline.failure is Failure.REFUSED
    assert "credentials refused" in offline.reason and "wrong" not in offline.reason


def test_a_stream_that_drops_comes_back_by_itself(server: RtspServerProcess,
                                                 start: Callable) -> None:
    states = States()
    worker = start(server.url("h264/drops"), on_state=states, open_timeout_s=3.0,
                   read_timeout_s=1.5, stale_after_s=1.0, backoff_max_s=1.0)
    frames_of(worker, 5)
    server.command("drop 2")
    states.wait(StreamState.OFFLINE, timeout=10)
    before = worker.latest()[1].seq
    wait_until(lambda: worker.latest()[1].seq > before + 5, 20)
    assert worker.status.state is StreamState.LIVE


def test_a_resolution_change_reaches_the_frames(server: RtspServerProcess,
                                               start: Callable) -> None:
    worker = start(server.url("h264/resizes"), open_timeout_s=3.0, read_timeout_s=1.5,
                   stale_after_s=1.0, backoff_max_s=1.0)
    frames_of(worker, 3)
    server.command("resize h264/resizes 480x272")
    wait_until(lambda: worker.latest()[1].width == 480, 20)
    frame, meta = worker.latest()
    assert (meta.width, meta.height) == (480, 272) and frame.shape[:2] == (272, 480)


@pytest.mark.parametrize(("mode", "failure", "words"), [
    ("silent", Failure.TIMED_OUT, "sent no video"),
    ("unknown-codec", Failure.UNSUPPORTED, "cannot decode"),
    ("jump-back", Failure.DECODE_ERROR, "timestamps jumped back"),
])
def test_bad_streams_say_why_and_stall_nothing_else(server: RtspServerProcess,
                                                   start: Callable, mode: str,
                                                   failure: Failure, words: str) -> None:
    healthy = start(server.url("h264/sub"), open_timeout_s=5.0, read_timeout_s=3.0,
                    stale_after_s=2.0)
    frames_of(healthy, 3)
    with misbehaving_server(mode) as bad_camera:
        states = States()
        start(bad_camera.url, on_state=states, open_timeout_s=2.0, read_timeout_s=1.5)
        offline = states.wait(StreamState.OFFLINE, timeout=15)
        assert offline.failure is failure and words in offline.reason, offline
        frames_of(healthy, 10, timeout=5)  # the other camera kept going meanwhile
        assert healthy.status.state is StreamState.LIVE


@pytest.mark.parametrize("decode", [True, False])
def test_a_stream_check_measures_an_rtsp_camera(server: RtspServerProcess,
                                               decode: bool) -> None:
    """Over UDP, as a camera set to UDP is checked; without decoding for a donor camera."""
    result = probe_stream(server.url("h264/sub"), frames=10, timeout_s=10, decode=decode,
                          transport="udp")
    assert (result.width, result.height) == (320, 180) and result.frames_read == 10
    assert result.measured_fps > 5


def test_a_stream_check_says_the_credentials_were_refused(server: RtspServerProcess) -> None:
    with pytest.raises(StreamProbeError, match="credentials refused"):
        probe_stream(server.url("h264/sub", user="viewer:wrong"), frames=5, timeout_s=5)
