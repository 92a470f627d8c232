"""The wall against the real MJPEG simulator over loopback (F.2, G.2, G.3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QRegion
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget

from rtic_console.domain.devices import DeviceCategory
from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.video_capture import StreamState
from rtic_console.services.runner import perform
from rtic_console.services.viewing_requests import decide_viewing
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.ui.wall.camera_tile import CameraTile, TileCamera
from rtic_console.ui.wall.large_view import LargeViewDialog
from rtic_console.ui.wall.tile_painting import (
    CachedCaption,
    Draw,
    Placement,
    SharedCaptions,
    draw_bar,
)
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget
from tests.services.pscn_support import add_agreement, add_camera


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The wall's tests are about video, not the engine: SQLite only."""
    return sqlite_url


@pytest.fixture
def simulator() -> Iterator[CameraSimulator]:
    sim = CameraSimulator(["agency", "donor", "flaky"], size=(320, 180), fps=10,
                          dropout_stream="flaky", dropout_every_s=2.5, dropout_for_s=2.0)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def wall(qtbot, console_session, db: Database, admin, simulator) -> Iterator[VideoWallWidget]:
    widget = VideoWallWidget(console_session(admin))
    widget._asked = True  # the purpose is stated by each test, not through the modal dialog
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    yield widget
    widget.shutdown()


def _camera(db, admin, simulator, code: str, stream: str, category: str = "agency") -> int:
    return add_camera(db, admin, code, category=category, stream_url=simulator.url(stream)).id


def _live(tile) -> bool:
    return tile._image is not None and tile.worker is not None \
        and tile.worker.status.state is StreamState.LIVE


@pytest.mark.policy("F.2")
def test_no_camera_opens_without_a_purpose(qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-A1", "agency")
    wall.assign(0, cam)
    assert "State why" in wall.message.text()
    assert wall.grid.tiles[0].camera is None


def test_frames_are_displayed(qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-A1", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    image = tile.grab().toImage()
    center = image.pixelColor(image.width() // 2, image.height() // 2)
    assert center.value() > 20, "a live frame is painted, not a dark tile"


def test_offline_then_reconnect(qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-F1", "flaky")
    wall.set_purpose("monitoring_location")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    qtbot.waitUntil(lambda: tile.worker.status.state in (
        StreamState.OFFLINE, StreamState.RECONNECTING, StreamState.STALE), timeout=10000)
    assert tile._worker_reason(), "a dark or stale tile says why"
    qtbot.waitUntil(lambda: tile.worker.status.state is StreamState.LIVE, timeout=15000)


def _drawn_rect(tile) -> QRect:
    area = tile.picture_rect()
    size = tile._image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(area.center())
    return rect


@pytest.mark.policy("G.3.c")
def test_mask_pixels_are_black_in_the_rendered_tile(qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-D1", "donor", "private_donor")
    add_agreement(db, admin, ("CAM-D1",), mask_polygons=(
        ((0.0, 0.3), (0.5, 0.3), (0.5, 0.9), (0.0, 0.9)),))
    wall.set_purpose("monitoring_event")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    qtbot.wait(300)
    image = tile.grab().toImage()
    rect = _drawn_rect(tile)
    inside = image.pixelColor(rect.left() + rect.width() // 4, rect.top() + rect.height() * 6 // 10)
    outside = image.pixelColor(rect.left() + rect.width() * 3 // 4,
                               rect.top() + rect.height() * 6 // 10)
    assert (inside.red(), inside.green(), inside.blue()) == (0, 0, 0)
    assert outside.value() > 20


@pytest.mark.policy("G.3.c")
def test_donor_dark_outside_its_hours(qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-D2", "donor", "private_donor")
    now_local = datetime.now(ZoneInfo("America/Los_Angeles"))
    start = (now_local + timedelta(hours=3)).time().replace(second=0, microsecond=0)
    end = (now_local + timedelta(hours=4)).time().replace(second=0, microsecond=0)
    add_agreement(db, admin, ("CAM-D2",), reference="DA-2",
                  allowed_hours={d: ((start, end),) for d in range(7)},
                  time_zone="America/Los_Angeles")
    wall.set_purpose("monitoring_event")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: bool(tile.dark_reason), timeout=5000)
    assert tile.worker is None and "outside the viewing hours" in tile.dark_reason


@pytest.mark.policy("G.3.g")
def test_donor_goes_dark_by_itself_at_expiry(qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-D3", "donor", "private_donor")
    expires = datetime.now(UTC) + timedelta(seconds=4)
    add_agreement(db, admin, ("CAM-D3",), reference="DA-3", expires_at=expires,
                  allowed_hours={d: ((time(0), time.max),) for d in range(7)})
    wall.set_purpose("monitoring_event")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=4000)
    qtbot.waitUntil(lambda: bool(tile.dark_reason), timeout=8000)
    assert datetime.now(UTC) >= expires
    assert tile.worker is None and tile._image is None


@pytest.mark.policy("G.3.f")
def test_workstation_not_in_the_agreement_cannot_open_it(qtbot, wall, db, admin,
                                                         simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-D4", "donor", "private_donor")
    add_agreement(db, admin, ("CAM-D4",), reference="DA-4",
                  allowed_workstations=("ANOTHER-WS",))
    wall.set_purpose("monitoring_event")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: bool(tile.dark_reason), timeout=5000)
    assert tile.worker is None


def test_a_live_tile_paints_every_frame_its_stream_sends(qtbot, wall, db, admin,
                                                         simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-A2", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile) and tile.frames_painted >= 3, timeout=10000)
    first_seq, first_painted = tile._seq, tile.frames_painted
    qtbot.waitUntil(lambda: tile.frames_painted >= first_painted + 10, timeout=10000)
    # The 25 Hz paint timer outpaces the 10 fps stream: at most a burst's frame is dropped.
    assert tile.frames_painted - first_painted >= (tile._seq - first_seq) * 0.8


def test_the_window_holds_what_a_full_repaint_of_the_tile_draws(qtbot, wall, db, admin,
                                                                simulator) -> None:
    """A new frame repaints only its picture's rect (not the margins, nor the captions'
    ends over them): what the window holds must still be the whole tile, frame after frame."""
    cam = _camera(db, admin, simulator, "CAM-A6", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile) and tile.frames_painted >= 3, timeout=10000)
    window = tile.window()
    for _ in range(3):
        painted = tile.frames_painted
        qtbot.waitUntil(lambda: tile.frames_painted >= painted + 4, timeout=10000)  # noqa: B023
        held = window.screen().grabWindow(window.winId()).toImage()
        corner = tile.mapTo(window, tile.rect().topLeft())
        shown = held.copy(QRect(corner, tile.size()))
        drawn = tile.grab().toImage().convertToFormat(shown.format())
        assert shown == drawn


def test_a_feed_told_to_go_dark_is_dark_at_the_next_poll(qtbot, wall, db, admin,
                                                         simulator) -> None:
    """pause(clear_frame=True) drops the frame at once; the tile's next poll must see it,
    though the worker has no new frame and its status has not changed yet."""
    cam = _camera(db, admin, simulator, "CAM-A7", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile) and tile.frames_painted >= 2, timeout=10000)
    tile.poll()
    tile.worker.pause(clear_frame=True)
    tile.poll()
    assert tile._image is None


def test_tiles_draw_a_shared_caption_once(qtbot) -> None:
    """Every tile shows the same "last frame" clock: drawn once a second, not once a tile,
    and each tile's looks as if it had drawn it itself."""
    shared, drawn = SharedCaptions(), []
    target = QImage(400, 100, QImage.Format.Format_RGB32)
    target.fill(QColor("#0b1220"))
    painter = QPainter(target)

    def make_draw(text: str) -> Draw:
        drawn.append(text)
        return draw_bar(QFont(), QColor(0, 0, 0, 150), None, (text, QColor("white")))

    captions = [CachedCaption(shared) for _ in range(4)]
    for second in ("12:00:00", "12:00:01"):
        for row, caption in enumerate(captions):
            caption.paint(painter, 0, row * 20, 400, 20, 1.0, second,
                          lambda s=second: make_draw(s))
            if second == "12:00:00":
                painter.fillRect(0, row * 20, 400, 20, QColor("#0b1220"))
    CachedCaption().paint(painter, 0, 80, 400, 20, 1.0, "12:00:01",
                          lambda: make_draw("12:00:01"))
    painter.end()
    assert drawn == ["12:00:00", "12:00:01", "12:00:01"]
    alone = target.copy(0, 80, 400, 20)
    assert all(target.copy(0, row * 20, 400, 20) == alone for row in range(4))


def test_captions_follow_the_tile_state(qtbot) -> None:
    """Captions are drawn once and cached; after every change the tile must look exactly
    like a tile that draws the same state for the first time."""
    first = TileCamera(1, "CAM-X1", "First camera", DeviceCategory.AGENCY, "")
    second = TileCamera(2, "CAM-X2", "Second camera", DeviceCategory.PRIVATE_DONOR, "")
    warm = CameraTile(0)
    qtbot.addWidget(warm)
    warm.resize(400, 225)
    for camera, reason in ((first, "outside the viewing hours"), (first, "no agreement"),
                           (second, "no agreement")):
        warm.show_dark(camera, reason)
        shown = warm.grab().toImage()
        fresh = CameraTile(0)
        qtbot.addWidget(fresh)
        fresh.resize(400, 225)
        fresh.show_dark(camera, reason)
        assert shown == fresh.grab().toImage(), (camera.code, reason)
    warm.resize(320, 180)
    fresh.resize(320, 180)
    assert warm.grab().toImage() == fresh.grab().toImage()


@pytest.mark.parametrize("top", [0, 22])
@pytest.mark.parametrize(("image", "tile"), [((400, 225), (400, 300)), ((300, 225), (400, 225)),
                                             ((398, 223), (398, 223)), ((640, 360), (401, 223)),
                                             ((394, 222), (395, 223))])
def test_frame_and_margins_cover_the_picture_area_exactly(image, tile, top) -> None:
    area = QRect(0, top, tile[0], tile[1] - top)
    place = Placement.of(*image, area)
    covered = QRegion()
    for rect in (place.target, *place.margins):
        assert not covered.intersects(rect), "the tile paints every pixel once"
        covered = covered.united(rect)
    assert covered == QRegion(area)
    assert place.fitted == (place.target.size() == QSize(*image))


def test_hidden_tiles_stop_decoding(qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-A3", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    wall.hide()
    qtbot.waitUntil(lambda: tile.worker.status.state is StreamState.PAUSED, timeout=5000)
    wall.show()
    qtbot.waitUntil(lambda: tile.worker.status.state is StreamState.LIVE, timeout=10000)


def test_detached_wall_keeps_painting_and_comes_back(qtbot, wall, db, admin,
                                                     simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-A4", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    wall.toggle_detached()
    assert wall.detached is not None and wall.grid.window() is wall.detached
    painted = tile.frames_painted
    qtbot.waitUntil(lambda: tile.frames_painted > painted + 3, timeout=10000)
    wall.toggle_detached()
    assert wall.detached is None and wall.grid.window() is wall.window()
    painted = tile.frames_painted
    qtbot.waitUntil(lambda: tile.frames_painted > painted + 3, timeout=10000)


def test_double_click_opens_the_large_view(qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-A5", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    views = wall.findChildren(LargeViewDialog)
    assert len(views) == 1
    qtbot.waitUntil(lambda: _live(views[0].tile), timeout=10000)
    views[0].close()


@pytest.mark.policy("F.2.e")
def test_a_commander_approved_request_opens_the_wall_for_its_window(
        qtbot, console_session, db, admin, enrol, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-A1", "agency")
    viewer = enrol("7001", "supervisor")
    commander = enrol("8001", "division_commander")
    widget = VideoWallWidget(console_session(viewer))
    widget._asked = True
    qtbot.addWidget(widget)
    widget.show()
    try:
        widget.ask_commander("Follow the march route downtown for crowd safety")
        qtbot.waitUntil(lambda: "Asked as VR-1" in widget.message.text(), timeout=5000)
        widget.set_purpose("commander_approved_request", "VR-1")
        qtbot.waitUntil(lambda: "pending" in widget.message.text(), timeout=5000)
        assert widget.purpose is None, "a purpose refused is not taken"
        assert widget.purpose_label.text().startswith("No purpose stated")
        widget.assign(0, cam)
        assert "State why" in widget.message.text() and widget.grid.tiles[0].camera is None
        perform(db, commander, decide_viewing, 1, True, "For the march",
                datetime.now(UTC) + timedelta(hours=2))
        widget.set_purpose("commander_approved_request", "VR-1")
        qtbot.waitUntil(lambda: widget.purpose == "commander_approved_request", timeout=5000)
        assert widget.purpose_label.text().endswith("ref VR-1")
        widget.assign(0, cam)
        qtbot.waitUntil(lambda: _live(widget.grid.tiles[0]), timeout=10000)
    finally:
        widget.shutdown()


def _tiles_showing(wall: VideoWallWidget, device_id: int) -> list[int]:
    return [t.index for t in wall.grid.tiles
            if t.camera is not None and t.camera.device_id == device_id]


def test_a_camera_already_on_the_wall_is_not_added_twice(qtbot, wall, db, admin,
                                                        simulator) -> None:
    """Asked for twice before the service answers the first time, and again once shown."""
    cam = _camera(db, admin, simulator, "CAM-T1", "agency")
    wall.set_purpose("monitoring_location")
    wall.open_camera(cam)
    wall.open_camera(cam)
    assert "already on the console's wall (tile 1)" in wall.message.text()
    qtbot.waitUntil(lambda: _live(wall.grid.tiles[0]), timeout=10000)
    wall.open_camera(cam)
    qtbot.wait(300)  # time for a second answer, had one been asked for
    assert _tiles_showing(wall, cam) == [0]
    assert wall.grid.tiles[1].camera is None


def test_a_camera_dropped_on_another_tile_moves_there(qtbot, wall, db, admin,
                                                      simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-T2", "agency")
    wall.set_purpose("monitoring_location")
    wall.open_camera(cam)
    qtbot.waitUntil(lambda: _live(wall.grid.tiles[0]), timeout=10000)
    old_worker = wall.grid.tiles[0].worker
    wall.place_camera(4, cam)
    assert wall.grid.tiles[0].camera is None and 0 not in wall.grants
    qtbot.waitUntil(lambda: _live(wall.grid.tiles[4]), timeout=10000)
    assert _tiles_showing(wall, cam) == [4]
    assert old_worker is not None
    qtbot.waitUntil(lambda: not old_worker.is_alive(), timeout=8000)  # its stream ended


@pytest.mark.policy("F.2")
def test_a_smaller_grid_sets_cameras_aside_and_a_larger_one_brings_them_back(
        qtbot, wall, db, admin, simulator) -> None:
    """Brought back means asked for again: the view is audited again with its purpose."""
    first = _camera(db, admin, simulator, "CAM-T3", "agency")
    aside = _camera(db, admin, simulator, "CAM-T4", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(0, first)
    wall.assign(7, aside)
    qtbot.waitUntil(lambda: _live(wall.grid.tiles[0]) and _live(wall.grid.tiles[7]),
                    timeout=10000)
    views_before = len(_view_events(db, "CAM-T4"))
    wall.grid_combo.setCurrentIndex(1)  # 2×2
    assert len(wall.grid.tiles) == 4 and wall.set_aside == {7: aside}
    assert "Set aside" in wall.message.text()
    assert _tiles_showing(wall, first) == [0], "the tiles that fit keep their cameras"
    wall.grid_combo.setCurrentIndex(2)  # 3×3
    qtbot.waitUntil(lambda: _live(wall.grid.tiles[7]), timeout=10000)
    assert _tiles_showing(wall, aside) == [7] and wall.set_aside == {}
    assert len(_view_events(db, "CAM-T4")) == views_before + 1


def test_a_camera_set_aside_and_opened_meanwhile_is_not_brought_back_twice(
        qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-T5", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(8, cam)
    qtbot.waitUntil(lambda: _live(wall.grid.tiles[8]), timeout=10000)
    wall.grid_combo.setCurrentIndex(1)  # 2×2: set aside
    wall.open_camera(cam)
    qtbot.waitUntil(lambda: _live(wall.grid.tiles[0]), timeout=10000)
    wall.grid_combo.setCurrentIndex(2)  # 3×3
    qtbot.wait(300)
    assert _tiles_showing(wall, cam) == [0] and wall.grid.tiles[8].camera is None


def test_full_screen_for_the_wall_and_for_a_tile(qtbot, wall, db, admin, simulator) -> None:
    cam = _camera(db, admin, simulator, "CAM-T6", "agency")
    wall.set_purpose("monitoring_location")
    wall.assign(0, cam)
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: _live(tile), timeout=10000)
    wall.full_screen_button.click()
    window = wall.detached
    assert window is not None and window.isFullScreen() and wall.grid.window() is window
    _activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.isFullScreen()
    wall.toggle_detached()
    assert wall.grid.window() is wall.window()
    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    view = wall.findChildren(LargeViewDialog)[0]
    view.full_screen_button.click()
    assert view.isFullScreen()
    _activate(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.isFullScreen() and view.isVisible(), "Esc leaves full screen first"
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)


def _activate(qtbot, window: QWidget) -> None:
    """Keys reach a window's shortcuts once it is the active window."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def _view_events(db: Database, code: str) -> list:
    with db.read() as session:
        return [e for e in list_events(session, AuditFilter(action="pscn.view"))
                if e.object_id == code]


def test_a_layout_name_refused_is_asked_again_as_typed(qtbot, wall, db, admin,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty name did nothing and said nothing; a name too long was refused and what was
    typed lost. Now the question comes back, saying why, with the name as typed."""
    long_name = "Parade route downtown with the stadium and the river crossings too"
    answers = iter([("  ", True), (long_name, True), ("Parade route", True)])
    asked: list[tuple[str, str]] = []

    def get_text(_parent, _title, label, text="", **_kw):  # type: ignore[no-untyped-def]
        asked.append((label, text))
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    wall.save_button.click()
    assert asked[1][0].startswith("A layout needs a name.")
    assert asked[2] == (f"That name has {len(long_name)} characters. Layout name (1 to 60 "
                        "characters)", long_name), "asked again with the name as typed"
    qtbot.waitUntil(lambda: "Saved Parade route" in wall.message.text(), timeout=5000)
