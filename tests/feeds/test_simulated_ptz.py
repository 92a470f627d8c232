"""The demo's PTZ camera for real: steered through the ONVIF client against the loopback
responder, its picture from the real RTSP server (decoded with PyAV on one connection that
stays open) shows the scene where the camera points, main and sub-stream alike."""

from __future__ import annotations

from collections.abc import Iterator

import av
import numpy as np
import pytest

from rtic_console.domain.ptz import PtzCommand, PtzMove
from rtic_console.feeds.child_server import ChildServerError
from rtic_console.feeds.onvif_client import OnvifAddress, steer
from rtic_console.feeds.onvif_responder import OnvifResponder, ResponderProfile
from rtic_console.feeds.rtsp_server_process import RtspServerProcess, encoders
from rtic_console.feeds.simulated_ptz import PtzPictureWorker

pytestmark = pytest.mark.skipif("h264" not in encoders(),
                                reason="GStreamer's RTSP server is not installed "
                                       "(installer/install_system_libs.sh)")
FRAMES_TO_WAIT = 90  # 6 s at 15 fps: a move shows well within that
CHANGED = 15.0  # mean difference of two different views' colour values (same view: 5 or less)
SAME = 8.0


class Viewer:
    """One RTSP connection kept open, as a wall tile keeps it: frames as arrays, the
    top quarter (title and clock overlays) left out. In colour: the scene's columns differ
    by hue more than by brightness."""

    def __init__(self, url: str) -> None:
        self.container = av.open(url, options={"rtsp_transport": "tcp"}, timeout=5.0)
        stream = self.container.streams.video[0]
        stream.thread_count = 1  # as the console's RtspSource decodes
        self.frames = self.container.decode(stream)
        for _ in range(15):  # past the first key frame
            next(self.frames)

    def frame(self) -> np.ndarray:
        rgb = next(self.frames).to_ndarray(format="rgb24").astype(np.int16)
        return rgb[rgb.shape[0] // 4:]

    def wait_for(self, like: np.ndarray, same: bool) -> np.ndarray:
        for _ in range(FRAMES_TO_WAIT):
            frame = self.frame()
            difference = float(np.abs(frame - like).mean())
            if (difference < SAME) if same else (difference > CHANGED):
                return frame
        raise AssertionError(f"the picture {'never came back' if same else 'never moved'}")

    def close(self) -> None:
        self.container.close()


@pytest.fixture
def camera() -> Iterator[tuple[RtspServerProcess, OnvifResponder, OnvifAddress]]:
    server = RtspServerProcess.start(["dome/main=h264:640x360@15", "dome/sub=h264:320x180@15",
                                      "fixed/main=h264:320x180@15"],
                                     user="viewer:s3cret", ptz=["dome"])
    responder = OnvifResponder([
        ResponderProfile("main", "Main", 640, 360, server.url("dome/main")),
        ResponderProfile("sub", "Sub", 320, 180, server.url("dome/sub"))],
        user="onvif", password="Pa55word").start()
    worker = PtzPictureWorker(responder, server, "dome").start()
    try:
        yield server, responder, OnvifAddress("127.0.0.1", responder.port, "onvif", "Pa55word")
    finally:
        worker.stop()
        responder.stop()
        server.stop()
    assert server.process.returncode == 0


def test_the_picture_follows_every_kind_of_move(camera) -> None:
    server, responder, address = camera
    main, sub = Viewer(server.url("dome/main")), Viewer(server.url("dome/sub"))
    try:
        home_main, home_sub = main.frame(), sub.frame()

        steer(address, "main", PtzCommand(PtzMove.ABSOLUTE, pan=0.6, tilt=0.3, zoom=0.5))
        moved = main.wait_for(home_main, same=False)
        sub.wait_for(home_sub, same=False)

        steer(address, "main", PtzCommand(PtzMove.RELATIVE, pan=-0.3))
        stepped = main.wait_for(moved, same=False)

        responder.set_position((-0.8, -0.4, 0.0))
        responder.store_preset("West gate")
        steer(address, "main", PtzCommand(PtzMove.HOME))
        main.wait_for(home_main, same=True)
        steer(address, "main", PtzCommand(PtzMove.PRESET, preset="1"))
        at_preset = main.wait_for(home_main, same=False)
        assert float(np.abs(at_preset - stepped).mean()) > CHANGED, "a third view"

        steer(address, "main", PtzCommand(PtzMove.CONTINUOUS, pan=1.0))
        panning = main.wait_for(at_preset, same=False)
        steer(address, "main", PtzCommand(PtzMove.STOP))
        assert responder.position()[0] > -0.8, "it panned right, then stopped"
        main.wait_for(panning, same=False)

        steer(address, "main", PtzCommand(PtzMove.HOME))
        main.wait_for(home_main, same=True)
        sub.wait_for(home_sub, same=True)
    finally:
        main.close()
        sub.close()


def test_a_camera_nobody_steers_streams_its_home_view(camera) -> None:
    """No PTZ command at all: the dome streams (home, widest), and so does a fixed camera
    beside it; a view opened later starts where the camera points."""
    server, _responder, address = camera
    fixed = Viewer(server.url("fixed/main"))
    first = Viewer(server.url("dome/main"))
    try:
        assert fixed.frame().shape == (135, 320, 3)
        home = first.frame()
        steer(address, "main", PtzCommand(PtzMove.ABSOLUTE, pan=-0.5, tilt=0.0, zoom=0.0))
        first.wait_for(home, same=False)
    finally:
        first.close()
        fixed.close()
    later = Viewer(server.url("dome/main"))
    try:
        later.wait_for(home, same=False)
    finally:
        later.close()


def test_the_server_refuses_an_aim_at_a_camera_without_ptz(camera) -> None:
    server, _responder, _address = camera
    with pytest.raises(ChildServerError, match="fixed is not a PTZ camera"):
        server.aim("fixed", 0.0, 0.0, 0.5)
    server.aim("dome", 0.0, 0.0, 0.5)  # and it goes on answering
