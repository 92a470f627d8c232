"""Adding a camera by its ONVIF address and steering it from the large view, against the real
loopback ONVIF responder whose stream URIs point at the camera simulator."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from rtic_console.domain.ptz import PtzCommand, PtzMove
from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.onvif_responder import PAN_TILT_SPEED, OnvifResponder, ResponderProfile
from rtic_console.services import onvif_cameras, ptz
from rtic_console.services.cameras import CameraInput
from rtic_console.services.onvif_cameras import OnvifSettings
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.ui.admin.camera_dialog import CameraDialog
from rtic_console.ui.wall.large_view import LargeViewDialog
from rtic_console.ui.wall.ptz_controls import KEY_SPEED, TAP_MS, PtzController, PtzPanel
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget
from tests.services.pscn_support import add_agreement


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The screens' tests: SQLite; the services are tested on both engines."""
    return sqlite_url


@pytest.fixture
def simulator() -> Iterator[CameraSimulator]:
    with CameraSimulator(["main", "sub"], size=(320, 180), fps=10) as sim:
        yield sim


@pytest.fixture
def responder(simulator: CameraSimulator) -> Iterator[OnvifResponder]:
    with OnvifResponder([ResponderProfile("main", "Main", 320, 180, simulator.url("main")),
                         ResponderProfile("sub", "Sub", 320, 180, simulator.url("sub"))],
                        user="onvif", password="Pa55word") as camera:
        yield camera


class _NotOnvif(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = b"<html><body>router login</body></html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def not_onvif() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotOnvif)
    thread = threading.Thread(target=server.serve_forever, name="not-onvif-http", daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(5)


def _dialog(qtbot, console_session, admin) -> CameraDialog:
    dialog = CameraDialog(console_session(admin))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _read(qtbot, dialog: CameraDialog, address: str, user: str = "",
          password: str = "") -> str:
    dialog.onvif.address.setText(address)
    dialog.onvif.user.setText(user)
    dialog.onvif.password.setText(password)
    dialog.onvif.read_button.click()
    qtbot.waitUntil(lambda: dialog.onvif.read_button.isEnabled(), timeout=15000)
    return dialog.onvif.result.text()


def test_add_by_onvif_address_fills_the_streams_and_the_test_shows_a_picture(
        qtbot, console_session, db: Database, admin, responder: OnvifResponder,
        simulator: CameraSimulator) -> None:
    dialog = _dialog(qtbot, console_session, admin)
    text = _read(qtbot, dialog, f"127.0.0.1:{responder.port}", "onvif", "Pa55word")
    assert "2 profile(s), PTZ" in text
    assert "RTIC Test PTZ-Sim 1" in dialog.onvif.device.text()
    assert dialog.stream_url.text().startswith("http://***@127.0.0.1:"), \
        "the password typed for ONVIF is never shown in the stream URL"
    assert dialog.value().stream_url.startswith("http://onvif:Pa55word@127.0.0.1:")
    assert dialog.onvif.ptz.isChecked()

    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=20000)
    assert dialog.probe_result.text().startswith("Stream OK"), dialog.probe_result.text()
    assert dialog.picture.isVisible() and not dialog.picture.pixmap().isNull(), \
        "the test shows a picture, not only numbers"

    dialog.code.setText("CAM-AG-20")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10000)
    saved = query(db, admin, onvif_cameras.camera_onvif, dialog.saved.id)
    assert saved is not None and saved.ptz and saved.home_after_minutes == 10
    assert "Pa55word" not in saved.address


@pytest.mark.parametrize("case", ["wrong password", "closed port", "not onvif", "silent"])
def test_bad_onvif_addresses_say_why_in_the_dialog(qtbot, console_session, admin, case: str,
                                                   responder: OnvifResponder,
                                                   not_onvif: int) -> None:
    dialog = _dialog(qtbot, console_session, admin)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    try:
        if case == "wrong password":
            text = _read(qtbot, dialog, f"127.0.0.1:{responder.port}", "onvif", "nope")
            expected = "refused the user name or password"
        elif case == "closed port":
            text = _read(qtbot, dialog, f"127.0.0.1:{closed_port}")
            expected = "nothing answers at"
        elif case == "not onvif":
            text = _read(qtbot, dialog, f"127.0.0.1:{not_onvif}")
            expected = "not an ONVIF camera"
        else:
            dialog.onvif.timeout_s = 1.5
            ticks: list[int] = []
            timer = QTimer()
            timer.timeout.connect(lambda: ticks.append(1))
            timer.start(50)
            text = _read(qtbot, dialog, f"127.0.0.1:{silent.getsockname()[1]}")
            timer.stop()
            expected = "did not answer within 1.5 s"
            assert len(ticks) >= 10, "the GUI thread kept running while the camera was silent"
    finally:
        silent.close()
    assert text.startswith("Not read:") and expected in text, text
    assert dialog.isVisible(), "the dialog stays usable"


def _open_large_view(qtbot, console_session, db, admin, responder) -> tuple[
        VideoWallWidget, LargeViewDialog, PtzPanel]:
    dialog = _dialog(qtbot, console_session, admin)
    _read(qtbot, dialog, f"127.0.0.1:{responder.port}", "onvif", "Pa55word")
    dialog.code.setText("CAM-AG-21")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10000)
    wall = VideoWallWidget(console_session(admin))
    wall._asked = True
    qtbot.addWidget(wall)
    wall.show()
    wall.set_purpose("monitoring_event")
    wall.assign(0, dialog.saved.id)
    qtbot.waitUntil(lambda: 0 in wall.grants, timeout=10000)
    qtbot.mouseDClick(wall.grid.tiles[0], Qt.MouseButton.LeftButton)
    view = wall.findChildren(LargeViewDialog)[0]
    qtbot.waitUntil(lambda: bool(view.findChildren(PtzPanel)), timeout=10000)
    return wall, view, view.findChildren(PtzPanel)[0]


LargeView = tuple[LargeViewDialog, PtzPanel]


@pytest.fixture
def large_view(qtbot, console_session, db, admin, responder) -> Iterator[LargeView]:
    """The ONVIF camera's large view and its PTZ strip; the view and its wall closed after."""
    wall, view, panel = _open_large_view(qtbot, console_session, db, admin, responder)
    yield view, panel
    if shiboken6.isValid(view):  # a test may have closed (and so deleted) it
        view.close()
    wall.shutdown()


def _moves(db: Database) -> list:
    with db.read() as session:
        return list(reversed(list_events(session, AuditFilter(action="ptz.move"))))


def test_keys_and_mouse_on_the_large_view_steer_the_camera(
        qtbot, db: Database, responder: OnvifResponder, large_view: LargeView) -> None:
    view, panel = large_view
    qtbot.keyPress(view.tile, Qt.Key.Key_Right)
    qtbot.waitUntil(responder.moving, timeout=5000)
    qtbot.wait(300)
    qtbot.keyRelease(view.tile, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: not responder.moving(), timeout=5000)
    assert responder.position()[0] > 0.02, "the arrow panned right"

    qtbot.keyClick(view.tile, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: responder.position() == pytest.approx((0, 0, 0)), timeout=5000)

    qtbot.mouseClick(view.tile, Qt.MouseButton.LeftButton,
                     pos=QPoint(view.tile.width() - 2, view.tile.height() // 2))
    qtbot.waitUntil(lambda: responder.position()[0] > 0.2, timeout=5000)

    moves = _moves(db)
    assert [m.details["move"] for m in moves] == ["continuous", "home", "relative"]
    assert all(m.details["purpose"] == "monitoring_event" for m in moves)
    assert "pan" in panel.status.text() or "PTZ" in panel.status.text()


def test_keys_held_together_steer_together_and_plus_stops_however_released(
        qtbot, db: Database, responder: OnvifResponder, large_view: LargeView) -> None:
    view, _ = large_view
    # "+" is Shift+"="; with Shift let go first, its release comes back as "=".
    qtbot.keyPress(view.tile, Qt.Key.Key_Plus, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(responder.moving, timeout=5000)
    qtbot.keyRelease(view.tile, Qt.Key.Key_Equal)
    qtbot.waitUntil(lambda: not responder.moving(), timeout=5000)
    assert responder.position()[2] > 0, "zoomed in, then stopped"

    qtbot.keyPress(view.tile, Qt.Key.Key_Left)
    qtbot.keyPress(view.tile, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: responder.position()[1] > 0.02, timeout=5000)
    qtbot.keyRelease(view.tile, Qt.Key.Key_Left)
    qtbot.wait(300)
    assert responder.moving(), "up still held: still moving"
    pan, tilt = responder.position()[:2]
    qtbot.wait(300)
    assert responder.position()[0] == pytest.approx(pan) and responder.position()[1] > tilt
    qtbot.keyRelease(view.tile, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: not responder.moving(), timeout=5000)
    assert responder.position()[0] < 0 < responder.position()[1]


def test_a_tap_of_an_arrow_moves_the_camera_a_step_and_stops(
        qtbot, db: Database, responder: OnvifResponder, large_view: LargeView) -> None:
    """Press and release come milliseconds apart; the move lasts TAP_MS all the same."""
    view, _ = large_view
    qtbot.keyClick(view.tile, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: "Stop" in responder.requests, timeout=5000)
    assert not responder.moving()
    # At velocity KEY_SPEED for TAP_MS; less the request's own trip time.
    step = KEY_SPEED * PAN_TILT_SPEED * TAP_MS / 1000
    assert step * 0.5 < responder.position()[0] < step * 1.5, responder.position()


def test_after_a_long_move_letting_go_stops_at_once(
        qtbot, db: Database, responder: OnvifResponder, large_view: LargeView) -> None:
    """Only a tap waits out TAP_MS: a change of keys during a long move does not start it
    again, so the last release stops the camera without the tap's delay."""
    view, panel = large_view
    qtbot.keyPress(view.tile, Qt.Key.Key_Left)
    qtbot.keyPress(view.tile, Qt.Key.Key_Up)
    qtbot.waitUntil(responder.moving, timeout=5000)
    qtbot.wait(TAP_MS + 100)
    qtbot.keyRelease(view.tile, Qt.Key.Key_Left)  # still steering up: a new move is sent
    qtbot.keyRelease(view.tile, Qt.Key.Key_Up)
    assert not panel._tap_stop.isActive(), "the stop went at once, not after a tap's wait"
    qtbot.waitUntil(lambda: not responder.moving(), timeout=5000)


def test_a_stop_queued_behind_a_command_keeps_the_move_it_stops(
        qtbot, db: Database, responder: OnvifResponder, large_view: LargeView) -> None:
    """Home is in flight when a move and its stop are sent: both go, in order."""
    _, panel = large_view
    controller = panel.controller
    controller.send(PtzCommand(PtzMove.HOME))
    controller.send(PtzCommand(PtzMove.CONTINUOUS, pan=1.0))
    controller.send(PtzCommand(PtzMove.STOP))
    qtbot.waitUntil(lambda: "Stop" in responder.requests, timeout=5000)
    assert [r for r in responder.requests if r in {"GotoHomePosition", "ContinuousMove",
                                                  "Stop"}] == [
        "GotoHomePosition", "ContinuousMove", "Stop"]
    assert responder.position()[0] > 0 and not responder.moving()


def test_closing_the_view_while_an_arrow_is_held_stops_the_camera(
        qtbot, db: Database, responder: OnvifResponder, large_view: LargeView) -> None:
    view, _ = large_view
    qtbot.keyPress(view.tile, Qt.Key.Key_Up)
    qtbot.waitUntil(responder.moving, timeout=5000)
    view.close()  # the key's release goes to no one
    qtbot.waitUntil(lambda: not responder.moving(), timeout=5000)


def test_a_move_beyond_the_range_says_so_on_the_view(
        qtbot, db: Database, responder: OnvifResponder, large_view: LargeView) -> None:
    view, panel = large_view
    qtbot.keyClick(view.tile, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: "no preset 3" in panel.status.text(), timeout=5000)
    panel.controller.send(PtzCommand(PtzMove.ABSOLUTE, tilt=0.9))
    qtbot.waitUntil(lambda: "outside this camera's range" in panel.status.text(),
                    timeout=5000)
    assert responder.position()[1] == pytest.approx(0.0)


def test_an_idle_camera_returns_home_by_itself(
        qtbot, console_session, db: Database, admin, responder: OnvifResponder) -> None:
    """The wall's controller outlives the large view; a test minute is 10 ms."""
    wall, view, _ = _open_large_view(qtbot, console_session, db, admin, responder)
    view.close()
    try:
        session = console_session(admin)
        camera_id = next(iter(wall.grants.values())).camera.id
        target = query(db, admin, ptz.ptz_target, camera_id)
        controller = PtzController(session, target, lambda: ("monitoring_event", ""), wall,
                                   minute_ms=10)
        controller.send(PtzCommand(PtzMove.RELATIVE, pan=0.3))
        qtbot.waitUntil(lambda: "RelativeMove" in responder.requests, timeout=5000)
        qtbot.waitUntil(lambda: responder.position() == pytest.approx((0, 0, 0)),
                        timeout=5000)
        qtbot.waitUntil(lambda: len(_moves(db)) == 2, timeout=5000)
        relative, home = _moves(db)
        assert relative.details["move"] == "relative" and "idle_minutes" not in relative.details
        assert home.details["move"] == "home" and home.details["idle_minutes"] == 10
        assert not controller.home_pending
    finally:
        wall.shutdown()


@pytest.mark.policy("G.3.c")
def test_a_donor_ptz_camera_shows_its_controls_disabled_and_never_moves(
        qtbot, console_session, db: Database, admin, responder: OnvifResponder,
        simulator: CameraSimulator) -> None:
    address = f"http://onvif:Pa55word@127.0.0.1:{responder.port}/onvif/device_service"
    view = perform(db, admin, onvif_cameras.save_onvif_camera, None, CameraInput(
        code="CAM-PD-21", name="Donor dome", category="private_donor",
        stream_url=simulator.url("main")), OnvifSettings(address, "main", True, None, 5))
    add_agreement(db, admin, ("CAM-PD-21",), mask_polygons=())
    wall = VideoWallWidget(console_session(admin))
    wall._asked = True
    qtbot.addWidget(wall)
    wall.show()
    try:
        wall.set_purpose("monitoring_location")
        wall.assign(0, view.id)
        qtbot.waitUntil(lambda: 0 in wall.grants and wall.grants[0].allowed, timeout=10000)
        qtbot.mouseDClick(wall.grid.tiles[0], Qt.MouseButton.LeftButton)
        large = wall.findChildren(LargeViewDialog)[0]
        qtbot.waitUntil(lambda: bool(large.findChildren(PtzPanel)), timeout=10000)
        panel = large.findChildren(PtzPanel)[0]
        assert "never moved" in panel.status.text() and "G.3.c" in panel.status.text()
        assert not panel.home_button.isEnabled()
        assert not any(b.isEnabled() for b in panel.buttons.values())
        qtbot.keyPress(large.tile, Qt.Key.Key_Right)
        qtbot.keyRelease(large.tile, Qt.Key.Key_Right)
        qtbot.wait(300)
        assert not {"ContinuousMove", "Stop", "GetPresets"} & set(responder.requests)
        large.close()
    finally:
        wall.shutdown()


def test_the_wheel_zooms_and_a_drag_steers(
        qtbot, db: Database, responder: OnvifResponder, large_view: LargeView) -> None:
    view, _ = large_view
    tile = view.tile
    centre = QPointF(tile.width() / 2, tile.height() / 2)
    wheel = QWheelEvent(centre, tile.mapToGlobal(centre), QPoint(), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(tile, wheel)
    qtbot.waitUntil(lambda: responder.position()[2] == pytest.approx(0.2), timeout=5000)

    start = QPoint(tile.width() // 2, tile.height() // 2)
    qtbot.mousePress(tile, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(tile, start - QPoint(tile.width() // 4, 0))
    qtbot.waitUntil(responder.moving, timeout=5000)
    qtbot.wait(300)
    qtbot.mouseRelease(tile, Qt.MouseButton.LeftButton,
                       pos=start - QPoint(tile.width() // 4, 0))
    qtbot.waitUntil(lambda: not responder.moving(), timeout=5000)
    assert responder.position()[0] < -0.02, "dragged left, it panned left"
    assert [m.details["move"] for m in _moves(db)] == ["relative", "continuous"]
