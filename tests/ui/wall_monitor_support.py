"""What the tests of walls on several monitors share: the simulator, a wall, cameras."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.video_capture import StreamState
from rtic_console.services.context import Context
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.ui.wall.camera_tile import CameraTile
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget
from tests.services.pscn_support import add_camera

STREAMS = ("one", "two", "three", "donor")


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The walls' tests are about screens and streams, not the engine: SQLite only."""
    return sqlite_url


@pytest.fixture
def simulator() -> Iterator[CameraSimulator]:
    with CameraSimulator(list(STREAMS), size=(320, 180), fps=10) as sim:
        yield sim


@pytest.fixture
def wall(qtbot, console_session, admin: Context) -> Iterator[VideoWallWidget]:
    widget = VideoWallWidget(console_session(admin))
    widget._asked = True  # the purpose is stated by each test, not through the modal dialog
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.move(0, 0)
    widget.show()
    yield widget
    widget.shutdown()


def camera(db: Database, admin: Context, simulator: CameraSimulator, code: str, stream: str,
           category: str = "agency") -> int:
    return add_camera(db, admin, code, category=category, stream_url=simulator.url(stream)).id


def live(tile: CameraTile) -> bool:
    return tile._image is not None and tile.worker is not None \
        and tile.worker.status.state is StreamState.LIVE


def view_events(db: Database, code: str) -> list:
    with db.read() as session:
        return [e for e in list_events(session, AuditFilter(action="pscn.view"))
                if e.object_id == code]
