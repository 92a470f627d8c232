"""CaptureWorker against the camera simulator: real sockets, real FFmpeg, real decoding."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.video_capture import (
    CaptureWorker,
    Failure,
    StreamError,
    StreamState,
    VideoSource,
)
from tests.feeds.capture_harness import States, wait_until

STREAMS = ["frames", "newest", "stall", "stop", "corrupt1", "corrupt6", "resize", "reduce",
           "transform", "badmask", "pause", "dark", "gone"]


@pytest.fixture(scope="module")
def sim() -> Iterator[CameraSimulator]:
    with CameraSimulator(STREAMS, size=(320, 180), fps=15) as simulator:
        yield simulator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_frames_arrive_with_their_metadata(sim: CameraSimulator, start: Callable) -> None:
    frames: list[int] = []
    states = States()
    worker = start(sim.url("frames"), on_frame=lambda f, m: frames.append(m.seq),
                   on_state=states)
    wait_until(lambda: len(frames) >= 5)
    frame, meta = worker.latest()
    assert frame.shape == (180, 320, 3) and frame.dtype == np.uint8
    assert (meta.width, meta.height) == (320, 180)
    assert abs(meta.captured_wall - time.time()) < 1.0
    assert time.monotonic() - meta.captured_monotonic < 1.0
    assert frames == list(range(1, len(frames) + 1))
    assert states.states()[:2] == [StreamState.CONNECTING, StreamState.LIVE]


def test_only_the_newest_frame_is_kept(sim: CameraSimulator, start: Callable) -> None:
    worker = start(sim.url("newest"))
    wait_until(worker.latest)
    first = worker.latest()[1]
    time.sleep(0.6)  # a slow painter: about 9 frames arrive meanwhile
    meta = worker.latest()[1]
    assert meta.seq >= first.seq + 5
    assert time.monotonic() - meta.captured_monotonic < 0.3  # the newest, not a queued one


def test_unreachable_url_is_offline_quickly_with_a_reason(start: Callable) -> None:
    states = States()
    started = time.monotonic()
    start(f"http://127.0.0.1:{free_port()}/stream/x.mjpg", on_state=states)
    offline = states.wait(StreamState.OFFLINE)
    assert time.monotonic() - started < 1.0
    assert offline.failure is Failure.UNREACHABLE and "unreachable" in offline.reason
    assert offline.retry_at is not None and offline.retry_at > offline.since
    states.wait(StreamState.RECONNECTING)


def test_silent_server_times_out_on_open(start: Callable) -> None:
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        states = States()
        start(f"http://127.0.0.1:{silent.getsockname()[1]}/x.mjpg", on_state=states,
              open_timeout_s=0.5)
        offline = states.wait(StreamState.OFFLINE)
        assert offline.failure is Failure.TIMED_OUT
        assert offline.since - states.seen[0].since < 1.5


def test_missing_stream_is_unreachable(sim: CameraSimulator, start: Callable) -> None:
    states = States()
    start(sim.url("nonexistent"), on_state=states)
    assert states.wait(StreamState.OFFLINE).failure is Failure.UNREACHABLE


def test_dropout_goes_offline_then_reconnects_when_the_stream_returns(start: Callable) -> None:
    with CameraSimulator(["gate"], size=(160, 120), dropout_stream="gate",
                         dropout_every_s=1.0, dropout_for_s=1.0) as simulator:
        states = States()
        worker = start(simulator.url("gate"), on_state=states)
        states.wait(StreamState.LIVE)
        offline = states.wait(StreamState.OFFLINE, timeout=3.0)
        assert offline.failure in (Failure.STREAM_ENDED, Failure.UNREACHABLE)
        wait_until(lambda: states.states().count(StreamState.LIVE) >= 2, timeout=4.0)
        assert worker.status.state is StreamState.LIVE
        worker.stop()


def test_stall_mid_frame_goes_stale_then_times_out_and_recovers(sim: CameraSimulator,
                                                                start: Callable) -> None:
    states = States()
    worker = start(sim.url("stall"), on_state=states)
    states.wait(StreamState.LIVE)
    sim.force_stall("stall", 2.5)
    assert states.wait(StreamState.STALE).reason == "no frame for 0.4 s"
    offline = states.wait(StreamState.OFFLINE, timeout=3.0)
    assert offline.failure is Failure.TIMED_OUT
    states.seen.clear()
    states.wait(StreamState.LIVE, timeout=5.0)
    assert worker.latest()[0].shape == (180, 320, 3)


def test_stop_is_bounded_while_the_stream_is_stalled(sim: CameraSimulator,
                                                     start: Callable) -> None:
    states = States()
    worker = start(sim.url("stop"), on_state=states, read_timeout_s=1.5)
    states.wait(StreamState.LIVE)
    sim.force_stall("stop", 30.0)
    states.wait(StreamState.STALE)
    started = time.monotonic()
    assert worker.stop()
    assert time.monotonic() - started <= worker.stop_bound_s
    assert worker.status.state is StreamState.STOPPED


def test_a_corrupt_frame_is_skipped(sim: CameraSimulator, start: Callable) -> None:
    states = States()
    worker = start(sim.url("corrupt1"), on_state=states)
    states.wait(StreamState.LIVE)
    before = worker.latest()[1].seq
    sim.force_corrupt("corrupt1", 2)
    wait_until(lambda: worker.latest()[1].seq >= before + 6)
    assert states.states() == [StreamState.CONNECTING, StreamState.LIVE]


def test_a_run_of_corrupt_frames_is_a_decode_error(sim: CameraSimulator,
                                                   start: Callable) -> None:
    states = States()
    start(sim.url("corrupt6"), on_state=states)
    states.wait(StreamState.LIVE)
    sim.force_corrupt("corrupt6", 6)
    offline = states.wait(StreamState.OFFLINE)
    assert offline.failure is Failure.DECODE_ERROR and "5 frames" in offline.reason
    wait_until(lambda: states.states().count(StreamState.LIVE) >= 2)


def test_resolution_change_is_reported(sim: CameraSimulator, start: Callable) -> None:
    worker = start(sim.url("resize"))
    wait_until(worker.latest)
    sim.set_resolution("resize", 480, 270)
    wait_until(lambda: worker.latest()[1].width == 480)
    frame, meta = worker.latest()
    assert (meta.width, meta.height) == (480, 270) and frame.shape == (270, 480, 3)


def test_target_size_decodes_smaller_but_meta_keeps_the_stream_size(sim: CameraSimulator,
                                                                     start: Callable) -> None:
    worker = start(sim.url("reduce"), target_size=(150, 80))
    wait_until(lambda: (latest := worker.latest()) and latest[0].shape == (90, 160, 3))
    assert (worker.latest()[1].width, worker.latest()[1].height) == (320, 180)
    worker.target_size = None
    wait_until(lambda: worker.latest()[0].shape == (180, 320, 3))


def test_transform_runs_in_the_worker_thread(sim: CameraSimulator, start: Callable) -> None:
    threads: set[str] = set()

    def shrink(frame: np.ndarray) -> np.ndarray:
        threads.add(threading.current_thread().name)
        return np.ascontiguousarray(frame[::2, ::2])

    worker = start(sim.url("transform"), camera_id="t1", transform=shrink)
    wait_until(worker.latest)
    assert worker.latest()[0].shape == (90, 160, 3)
    assert threads == {"capture-t1-Worker"}


def test_failing_transform_never_publishes_an_unmasked_frame(sim: CameraSimulator,
                                                              start: Callable) -> None:
    def broken_mask(frame: np.ndarray) -> np.ndarray:
        raise RuntimeError("mask lost")

    states = States()
    worker = start(sim.url("badmask"), transform=broken_mask, on_state=states)
    offline = states.wait(StreamState.OFFLINE)
    assert offline.failure is Failure.DECODE_ERROR and "mask lost" in offline.reason
    assert worker.latest() is None


def test_paused_worker_releases_the_stream_and_decodes_nothing(sim: CameraSimulator,
                                                               start: Callable) -> None:
    states = States()
    worker = start(sim.url("pause"), on_state=states)
    states.wait(StreamState.LIVE)
    worker.pause()
    states.wait(StreamState.PAUSED)
    wait_until(lambda: sim.streams["pause"].clients == 0)
    seq = worker.latest()[1].seq
    time.sleep(0.5)
    assert worker.latest()[1].seq == seq
    assert worker.status.state is StreamState.PAUSED  # the watchdog leaves it alone
    worker.resume()
    wait_until(lambda: worker.latest()[1].seq > seq)
    assert worker.status.state is StreamState.LIVE


def test_pause_with_clear_frame_goes_dark(sim: CameraSimulator, start: Callable) -> None:
    worker = start(sim.url("dark"))
    wait_until(worker.latest)
    worker.pause(clear_frame=True)
    assert worker.latest() is None
    time.sleep(0.3)
    assert worker.latest() is None


def test_other_codecs_are_decoded_by_ffmpeg(tmp_path: Path) -> None:
    path = str(tmp_path / "clip.mp4")
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), 15, (160, 120))
    for shade in range(0, 200, 10):
        writer.write(np.full((120, 160, 3), shade, np.uint8))
    writer.release()
    source = VideoSource.open(path, open_timeout_s=2, read_timeout_s=2)
    try:
        assert not source.raw_jpeg
        frames = [source.read(reduce=4) for _ in range(20)]
        assert all(f is not None and f[0].shape == (120, 160, 3) and f[1] == (160, 120)
                   for f in frames)
        with pytest.raises(StreamError) as caught:
            while True:
                source.read()
        assert caught.value.failure is Failure.STREAM_ENDED
    finally:
        source.release()


def test_stop_before_start_reports_stopped() -> None:
    states = States()
    worker = CaptureWorker("http://127.0.0.1:9/x.mjpg", on_state=states)
    assert worker.stop()
    assert states.states() == [StreamState.STOPPED]


def test_callback_errors_do_not_kill_the_worker(sim: CameraSimulator, start: Callable,
                                                caplog: pytest.LogCaptureFixture) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("slot bug")

    worker = start(sim.url("gone"), on_frame=explode, on_state=explode)
    wait_until(lambda: (latest := worker.latest()) and latest[1].seq >= 3)
    assert caplog.text.count("on_frame callback of camera failed") == 1


def test_credentials_never_reach_logs_or_reasons(start: Callable,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="rtic_console")
    states = States()
    url = f"http://admin:hunter2@127.0.0.1:{free_port()}/stream/x.mjpg?pwd=hunter2&res=hd"
    start(url, on_state=states)
    states.wait(StreamState.OFFLINE)
    assert "127.0.0.1" in caplog.text
    assert "hunter2" not in caplog.text
    assert all("hunter2" not in s.reason for s in states.seen)
