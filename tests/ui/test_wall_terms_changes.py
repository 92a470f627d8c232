"""A withdrawn or changed donor agreement takes effect at once on every open tile (G.2, G.3):
within one console through its change bus, and across consoles on PostgreSQL (NOTIFY)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.video_capture import StreamState
from rtic_console.services import cameras, donors, workstations
from rtic_console.services.cameras import CameraInput
from rtic_console.services.context import Context
from rtic_console.services.runner import perform
from rtic_console.store.database import Database, open_database
from rtic_console.store.pg_listener import PgListener
from rtic_console.ui.wall.camera_tile import CameraTile
from rtic_console.ui.wall.large_view import LargeViewDialog
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget
from tests.services.pscn_support import add_agreement, add_camera, agreement

NEW_MASK = (((0.5, 0.5), (1.0, 0.5), (1.0, 1.0)),)


@pytest.fixture
def simulator() -> Iterator[CameraSimulator]:
    with CameraSimulator(["donor", "agency"], size=(320, 180), fps=10) as sim:
        yield sim


@pytest.fixture
def wall(qtbot, console_session, admin: Context) -> Iterator[VideoWallWidget]:
    widget = VideoWallWidget(console_session(admin))
    widget._asked = True
    qtbot.addWidget(widget)
    widget.resize(900, 560)
    widget.show()
    yield widget
    widget.shutdown()


def _live(tile: CameraTile) -> bool:
    return tile._image is not None and tile.worker is not None \
        and tile.worker.status.state is StreamState.LIVE


def _open_donor(qtbot, wall: VideoWallWidget, db: Database, admin: Context,
                simulator: CameraSimulator) -> tuple[int, int, CameraTile]:
    camera = add_camera(db, admin, "CAM-PD-01", "private_donor", stream_url=simulator.url("donor"))
    view = add_agreement(db, admin, ("CAM-PD-01",))
    wall.set_purpose("monitoring_event", "Kings game")
    wall.assign(0, camera.id)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    return camera.id, view.id, tile


@pytest.mark.policy("G.2")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_withdrawn_agreement_darkens_the_tile_and_closes_its_large_view_at_once(
        qtbot, wall: VideoWallWidget, db: Database, admin: Context,
        simulator: CameraSimulator) -> None:
    _, agreement_id, tile = _open_donor(qtbot, wall, db, admin, simulator)
    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    (large,) = wall.large_views
    assert isinstance(large, LargeViewDialog)
    qtbot.waitUntil(lambda: _live(large.tile), timeout=10000)

    perform(db, admin, donors.withdraw_agreement, agreement_id, "the donor withdrew")
    qtbot.waitUntil(lambda: tile.worker is None, timeout=1000)  # the bus event, not a timer
    assert tile._image is None and tile.dark_reason
    assert not large.isVisible() and large.tile.worker is None, "the large view closed too"
    qtbot.waitUntil(lambda: not wall.grants[0].allowed, timeout=5000)
    assert wall.grants[0].clause == "G.2" and "no terms and conditions" in tile.dark_reason
    assert tile.worker is None


@pytest.mark.policy("G.3.c")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_changed_agreement_reopens_the_tile_with_its_new_masks(
        qtbot, wall: VideoWallWidget, db: Database, admin: Context,
        simulator: CameraSimulator) -> None:
    _, agreement_id, tile = _open_donor(qtbot, wall, db, admin, simulator)
    old_worker = tile.worker
    perform(db, admin, donors.update_agreement, agreement_id,
            agreement(("CAM-PD-01",), mask_polygons=NEW_MASK))
    qtbot.waitUntil(lambda: wall.grants[0].terms.mask_polygons == NEW_MASK, timeout=5000)
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    assert tile.worker is not old_worker, "the stream restarted under the new mask"
    image = tile.grab().toImage()
    area = tile.picture_rect()
    size = tile._image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    left = area.left() + (area.width() - size.width()) // 2 + size.width() * 9 // 10
    top = area.top() + (area.height() - size.height()) // 2 + size.height() * 8 // 10
    masked = image.pixelColor(left, top)
    assert (masked.red(), masked.green(), masked.blue()) == (0, 0, 0)


@pytest.mark.policy("G.3.f")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_revoking_the_workstation_darkens_its_donor_tiles(
        qtbot, wall: VideoWallWidget, db: Database, admin: Context,
        simulator: CameraSimulator) -> None:
    agency = add_camera(db, admin, "CAM-AG-01", stream_url=simulator.url("agency"))
    _, _, tile = _open_donor(qtbot, wall, db, admin, simulator)
    wall.assign(1, agency.id)
    qtbot.waitUntil(lambda: _live(wall.grid.tiles[1]), timeout=10000)
    perform(db, admin, workstations.revoke_workstation, "TEST-WS-01", "screen faces the window")
    qtbot.waitUntil(lambda: tile.worker is None, timeout=1000)
    qtbot.waitUntil(lambda: not wall.grants[0].allowed, timeout=5000)
    assert wall.grants[0].clause == "G.3.f" and "revoked" in tile.dark_reason
    assert _live(wall.grid.tiles[1]), "an agency camera is not a donor's to withdraw"


@pytest.mark.policy("G.2")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_agency_camera_made_a_donor_camera_goes_dark_on_the_wall(
        qtbot, wall: VideoWallWidget, db: Database, admin: Context,
        simulator: CameraSimulator) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", stream_url=simulator.url("agency"))
    wall.set_purpose("monitoring_location")
    wall.assign(0, camera.id)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    perform(db, admin, cameras.edit_camera, camera.id, CameraInput(
        code="CAM-AG-01", name="Now the donor's", category="private_donor",
        stream_url=camera.display_url))
    qtbot.waitUntil(lambda: tile.worker is None and bool(tile.dark_reason), timeout=5000)
    qtbot.waitUntil(lambda: not wall.grants[0].allowed, timeout=5000)
    assert wall.grants[0].clause == "G.2"


@pytest.mark.policy("G.2")
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_another_consoles_withdrawal_darkens_this_wall_through_notify(
        qtbot, wall: VideoWallWidget, db: Database, db_url: str, admin: Context,
        simulator: CameraSimulator) -> None:
    listener = PgListener(db, db.bus)
    listener.start()
    other = open_database(db_url)  # the administrator's console: its own engine and bus
    try:
        assert listener.connected.wait(5)
        _, agreement_id, tile = _open_donor(qtbot, wall, db, admin, simulator)
        perform(other, admin, donors.withdraw_agreement, agreement_id, "the donor withdrew")
        qtbot.waitUntil(lambda: tile.worker is None, timeout=3000)
        qtbot.waitUntil(lambda: not wall.grants[0].allowed, timeout=5000)
        assert wall.grants[0].clause == "G.2" and tile._image is None
    finally:
        listener.stop()
        other.dispose()
