"""The wall on RTSP cameras from the real GStreamer server: tiles on the sub-stream, the large
view on the main stream, a refused login said in words on its tile."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rtic_console.feeds.rtsp_server_process import RtspServerProcess, encoders
from rtic_console.feeds.video_capture import Failure, StreamState
from rtic_console.store.database import Database
from rtic_console.ui.wall.large_view import LargeViewDialog
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget
from tests.services.pscn_support import add_agreement, add_camera

pytestmark = pytest.mark.skipif("h264" not in encoders(),
                                reason="GStreamer's RTSP server is not installed")


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """About video, not the engine: SQLite only."""
    return sqlite_url


@pytest.fixture(scope="module")
def rtsp() -> Iterator[RtspServerProcess]:
    server = RtspServerProcess.start(["cam/main=h264:640x360@15", "cam/sub=h264:320x180@15"],
                                     user="viewer:s3cret")
    yield server
    server.stop()


@pytest.fixture
def wall(qtbot, console_session, admin) -> Iterator[VideoWallWidget]:
    widget = VideoWallWidget(console_session(admin))
    widget._asked = True  # the purpose is stated by each test, not through the modal dialog
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    widget.set_purpose("monitoring_location")
    yield widget
    widget.shutdown()


def _rtsp_camera(db: Database, admin, rtsp: RtspServerProcess, code: str,
                 user: str | None = None, category: str = "agency") -> int:
    return add_camera(db, admin, code, category=category, stream_url=rtsp.url("cam/main", user),
                      substream_url=rtsp.url("cam/sub", user)).id


def _frame_width(worker) -> int:
    latest = worker.latest() if worker is not None else None
    return latest[1].width if latest else 0


def test_the_tile_plays_the_sub_stream_and_the_large_view_the_main(qtbot, wall, db, admin,
                                                                   rtsp) -> None:
    wall.assign(0, _rtsp_camera(db, admin, rtsp, "CAM-R1"))
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _frame_width(tile.worker) == 320, timeout=20000)
    tile.double_clicked.emit(0)
    qtbot.waitUntil(lambda: len(wall.large_views) == 1, timeout=2000)
    large: LargeViewDialog = wall.large_views[0]
    qtbot.waitUntil(lambda: _frame_width(large.tile.worker) == 640, timeout=20000)
    assert _frame_width(tile.worker) == 320, "the tile stays on its sub-stream"
    large.close()


def test_a_refused_login_says_so_on_its_tile_and_the_others_play(qtbot, wall, db, admin,
                                                                 rtsp) -> None:
    wall.assign(0, _rtsp_camera(db, admin, rtsp, "CAM-R1"))
    wall.assign(1, _rtsp_camera(db, admin, rtsp, "CAM-R2", user="viewer:wrong"))
    good, refused = wall.grid.tiles[:2]
    qtbot.waitUntil(lambda: refused.worker is not None
                    and refused.worker.status.failure is Failure.REFUSED, timeout=20000)
    assert "credentials refused" in refused._worker_reason()
    qtbot.waitUntil(lambda: good.worker is not None
                    and good.worker.status.state is StreamState.LIVE, timeout=20000)


@pytest.mark.policy("G.3.c")
def test_a_donor_rtsp_camera_is_masked_like_an_mjpeg_one(qtbot, wall, db, admin, rtsp) -> None:
    camera = _rtsp_camera(db, admin, rtsp, "CAM-RD", category="private_donor")
    add_agreement(db, admin, ("CAM-RD",), mask_polygons=(
        ((0.0, 0.0), (0.5, 0.0), (0.5, 1.0), (0.0, 1.0)),))
    wall.assign(0, camera)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _frame_width(tile.worker) == 320, timeout=20000)
    frame = tile.worker.latest()[0][..., :3]  # BGRA, fitted to the tile
    height, width = frame.shape[:2]
    assert not frame[height // 4: height * 3 // 4, 2: width // 2 - 4].any(), "masked: black"
    assert frame[:, width // 2 + 4:].any()
