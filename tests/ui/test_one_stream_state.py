"""One state per camera: what a wall's capture worker sees of a real stream (the camera
simulator over loopback) is what the Cameras tab, the Devices tab and the dashboard say."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rtic_console.domain.stream_state import StreamHealth
from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.services.activity_stats import activity_stats
from rtic_console.services.devices import list_devices
from rtic_console.services.runner import query
from rtic_console.store.change_listeners import change_listener
from rtic_console.store.database import Database
from rtic_console.ui.admin.cameras_widget import CamerasWidget
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget
from tests.services.pscn_support import add_camera

WAIT = 20000
STATUS = 6


@pytest.fixture
def simulator() -> Iterator[CameraSimulator]:
    sim = CameraSimulator(["agency"], size=(320, 180), fps=10)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def listening(db: Database) -> Iterator[None]:
    """The console's change listener, as the app runs it: on PostgreSQL changes arrive
    through it alone."""
    listener = change_listener(db)
    assert listener is not None
    listener.start()
    try:
        assert listener.connected.wait(10)
        yield
    finally:
        listener.stop()


def _streaming(db: Database, ctx) -> int:
    return query(db, ctx, activity_stats, "24h").readers.cameras_streaming


def test_a_wall_worker_s_state_shows_on_every_screen(qtbot, console_session, db: Database,
                                                     admin, simulator, listening) -> None:
    camera = add_camera(db, admin, "CAM-S1", stream_url=simulator.url("agency"))
    session = console_session(admin)
    cameras = CamerasWidget(session)
    qtbot.addWidget(cameras)
    qtbot.waitUntil(lambda: cameras.model.rowCount() == 1, timeout=WAIT)
    assert cameras.model.index(0, STATUS).data() == "unknown"
    assert _streaming(db, admin) == 0

    wall = VideoWallWidget(session)
    wall._asked = True
    qtbot.addWidget(wall)
    wall.resize(800, 500)
    wall.show()
    try:
        wall.set_purpose("monitoring_location")
        wall.assign(0, camera.id)
        qtbot.waitUntil(lambda: cameras.model.index(0, STATUS).data() == "live", timeout=WAIT)
        assert _streaming(db, admin) == 1
        devices = {d.code: d for d in query(db, admin, list_devices)}
        assert devices["CAM-S1"].stream is StreamHealth.LIVE

        simulator.stop()  # the camera goes away: the worker sees it, and so does every screen
        qtbot.waitUntil(lambda: cameras.model.index(0, STATUS).data() == "offline",
                        timeout=WAIT)
        assert _streaming(db, admin) == 0
    finally:
        wall.shutdown()

