"""Walls on other monitors, saved with them and restored onto them. Run by
`test_wall_monitors.test_walls_on_several_monitors` in a process of their own whose offscreen
platform has three screens (CONSOLE-1, WALL-2, WALL-3, left to right); run alone, they skip."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.services.context import Context
from rtic_console.services.runner import perform
from rtic_console.services.wall_layouts import Monitor, WallSpec, save_layout
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget
from tests.ui.wall_monitor_support import (  # noqa: F401
    camera,
    db_url,
    live,
    simulator,
    wall,
)


@pytest.fixture(autouse=True)
def _three_screens(qapp) -> None:
    names = [s.name() for s in QGuiApplication.screens()]
    if names != ["CONSOLE-1", "WALL-2", "WALL-3"]:
        pytest.skip(f"needs the three offscreen screens of test_wall_monitors, not {names}")


def _screen(name: str):
    return next(s for s in QGuiApplication.screens() if s.name() == name)


def test_new_wall_on_lists_the_other_monitors_and_opens_full_screen_there(
        qtbot, wall: VideoWallWidget) -> None:  # noqa: F811
    assert wall.console_screen().name() == "CONSOLE-1"
    wall._fill_new_wall_menu()
    texts = [a.text() for a in wall.new_wall_menu.actions() if a.text()]
    assert texts == ["WALL-2 (1920×1080)", "WALL-3 (1920×1080)", "A window on this monitor"]
    wall.new_wall_menu.actions()[1].trigger()
    (window,) = wall.monitor_walls
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=3000)
    assert window.screen().name() == "WALL-3" and window.geometry() == _screen("WALL-3").geometry()
    wall._fill_new_wall_menu()
    assert wall.new_wall_menu.actions()[1].text() == "WALL-3 (1920×1080) · has a wall"


def test_a_layout_saved_with_its_monitors_opens_each_wall_on_its_monitor(
        qtbot, wall: VideoWallWidget, db: Database, admin: Context,  # noqa: F811
        simulator: CameraSimulator) -> None:  # noqa: F811
    first = camera(db, admin, simulator, "CAM-M1", "one")
    second = camera(db, admin, simulator, "CAM-M2", "two")
    wall.set_purpose("monitoring_event", "Parade")
    other = wall.open_wall_on(_screen("WALL-3"), grid=2)
    wall.assign(0, first)
    wall.place_camera(1, second, other.tiles)
    qtbot.waitUntil(lambda: live(wall.grid.tiles[0]) and live(other.tiles.grid.tiles[1]),
                    timeout=10000)
    wall.keeper.save("Parade route")
    qtbot.waitUntil(lambda: "Saved Parade route" in wall.message.text(), timeout=5000)
    assert "3×3 on CONSOLE-1; 2×2 on WALL-3" in wall.message.text()
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="pscn.layout.save"))
    assert event.details["monitor"]["name"] == "CONSOLE-1"
    (more,) = event.details["more_walls"]
    assert more["monitor"] == {"name": "WALL-3", "x": 3840, "y": 0, "width": 1920,
                               "height": 1080}
    assert more["tiles"] == [None, "CAM-M2", None, None]

    wall.close_monitor_walls()
    wall.console_wall.clear_tile(0)
    qtbot.waitUntil(lambda: len(wall.keeper.saved) == 1, timeout=5000)
    wall._on_layout_chosen(1)
    (restored,) = wall.monitor_walls
    qtbot.waitUntil(lambda: live(restored.tiles.grid.tiles[1]) and live(wall.grid.tiles[0]),
                    timeout=10000)
    assert restored.screen().name() == "WALL-3" and restored.isFullScreen()
    assert restored.tiles.grid.grid == 2 and restored.grid_combo.currentData() == 2
    assert wall.detached is None, "the console's wall stays in the console, as saved"


def test_a_wall_whose_monitor_is_gone_opens_on_the_consoles(
        qtbot, wall: VideoWallWidget, db: Database, admin: Context,  # noqa: F811
        simulator: CameraSimulator) -> None:  # noqa: F811
    camera(db, admin, simulator, "CAM-G1", "one")
    perform(db, admin, save_layout, "Old desk", 1, [], Monitor("CONSOLE-1", 0, 0, 1920, 1080),
            [WallSpec(1, ("CAM-G1",), Monitor("GONE-9", 5760, 0, 1920, 1080))])
    wall.keeper.load()
    qtbot.waitUntil(lambda: len(wall.keeper.saved) == 1 and bool(wall.camera_list.cameras),
                    timeout=5000)
    wall.set_purpose("monitoring_location")
    wall.keeper.choose(wall.keeper.saved[0])
    (window,) = wall.monitor_walls
    assert "GONE-9 (wall 2 opened in a window on this monitor)" in wall.message.text()
    assert window.screen().name() == "CONSOLE-1" and not window.isFullScreen()
    qtbot.waitUntil(lambda: live(window.tiles.grid.tiles[0]), timeout=10000)


def test_signing_in_with_a_purpose_opens_the_saved_walls_on_their_monitors(
        qtbot, console_session, db: Database, admin: Context,
        simulator: CameraSimulator) -> None:  # noqa: F811
    """The console's wall saved full screen on WALL-2 and another wall on WALL-3."""
    camera(db, admin, simulator, "CAM-I1", "one")
    camera(db, admin, simulator, "CAM-I2", "two")
    perform(db, admin, save_layout, "A night", 2, ["CAM-I1"],
            Monitor("WALL-2", 1920, 0, 1920, 1080),
            [WallSpec(1, ("CAM-I2",), Monitor("WALL-3", 3840, 0, 1920, 1080))])
    signed_in = VideoWallWidget(console_session(admin))
    signed_in._asked = True
    qtbot.addWidget(signed_in)
    signed_in.move(0, 0)
    signed_in.show()
    try:
        qtbot.waitUntil(lambda: bool(signed_in.keeper.saved and signed_in.camera_list.cameras),
                        timeout=5000)
        signed_in.set_purpose("training")
        (other,) = signed_in.monitor_walls
        detached = signed_in.detached
        assert detached is not None and detached.screen().name() == "WALL-2"
        assert detached.isFullScreen() and signed_in.grid.window() is detached
        assert other.screen().name() == "WALL-3" and other.isFullScreen()
        qtbot.waitUntil(lambda: live(signed_in.grid.tiles[0])
                        and live(other.tiles.grid.tiles[0]), timeout=10000)
        assert signed_in.grid.grid == 2 and signed_in.grid_combo.currentData() == 2
    finally:
        signed_in.shutdown()
    assert signed_in.monitor_walls == [] and signed_in.detached is None
