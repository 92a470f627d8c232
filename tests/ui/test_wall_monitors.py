"""More than one wall: a wall of its own beside the console's, a camera never on two tiles of
any of them, every wall's streams ended at sign-out. The walls on other monitors, saved and
restored onto them, run in `wall_monitor_cases.py` under Qt's offscreen platform given three
screens (a platform is chosen once per process, so in a process of their own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.services import donors
from rtic_console.services.context import Context
from rtic_console.services.runner import perform
from rtic_console.services.wall_layouts import save_layout
from rtic_console.store.database import Database
from rtic_console.ui.main_window import MainWindow
from rtic_console.ui.wall.large_view import LargeViewDialog
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget
from tests.services.pscn_support import add_agreement
from tests.ui.wall_monitor_support import (  # noqa: F401
    camera,
    db_url,
    live,
    simulator,
    view_events,
    wall,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENS = [{"name": name, "x": x, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96,
            "logicalBpi": 96, "dpr": 1}
           for name, x in (("CONSOLE-1", 0), ("WALL-2", 1920), ("WALL-3", 3840))]


@pytest.mark.policy("F.2")
def test_two_walls_never_show_a_camera_twice(qtbot, wall: VideoWallWidget, db: Database,  # noqa: F811
                                             admin: Context, simulator: CameraSimulator) -> None:  # noqa: F811
    first = camera(db, admin, simulator, "CAM-W1", "one")
    second = camera(db, admin, simulator, "CAM-W2", "two")
    wall.set_purpose("monitoring_event", "Parade")
    other = wall.open_wall_on(None)
    assert other.tiles.title == "wall 2" and wall.walls == [wall.console_wall, other.tiles]
    wall.open_camera(first)
    wall.place_camera(0, second, other.tiles)
    qtbot.waitUntil(lambda: live(wall.grid.tiles[0]) and live(other.tiles.grid.tiles[0]),
                    timeout=10000)
    # The message names cameras from the camera list, a query of its own (the streams above
    # do not wait for it).
    qtbot.waitUntil(lambda: {first, second} <= set(wall.camera_list.cameras), timeout=10000)
    wall.open_camera(second)
    assert "CAM-W2 is already on wall 2 (tile 1)" in wall.message.text()
    wall.open_camera(first)
    assert "CAM-W1 is already on the console's wall (tile 1)" in wall.message.text()
    # Dropped on the other wall, a camera moves there: asked for again, audited again.
    old = wall.grid.tiles[0].worker
    wall.place_camera(3, first, other.tiles)
    assert wall.grid.tiles[0].camera is None and 0 not in wall.grants
    qtbot.waitUntil(lambda: live(other.tiles.grid.tiles[3]), timeout=10000)
    assert wall.where(first) == (other.tiles, 3) and len(view_events(db, "CAM-W1")) == 2
    assert old is not None
    qtbot.waitUntil(lambda: not old.is_alive(), timeout=8000)
    # A smaller grid on the other wall sets a camera aside; the console's wall takes it
    # meanwhile, so it is not brought back there.
    other.grid_combo.setCurrentIndex(0)  # 1×1
    assert other.tiles.set_aside == {3: first} and "Set aside from wall 2" in wall.message.text()
    wall.open_camera(first)
    qtbot.waitUntil(lambda: live(wall.grid.tiles[0]), timeout=10000)
    other.grid_combo.setCurrentIndex(1)  # 2×2
    qtbot.wait(300)
    assert other.tiles.grid.tiles[3].camera is None and wall.where(first) == (wall.console_wall, 0)


def test_a_wall_of_its_own_takes_a_saved_layout_leaving_cameras_on_other_walls(
        qtbot, wall: VideoWallWidget, db: Database, admin: Context,  # noqa: F811
        simulator: CameraSimulator) -> None:  # noqa: F811
    first = camera(db, admin, simulator, "CAM-L1", "one")
    second = camera(db, admin, simulator, "CAM-L2", "two")
    perform(db, admin, save_layout, "Pair", 2, ["CAM-L1", "CAM-L2"])
    wall.keeper.load()
    qtbot.waitUntil(lambda: bool(wall.keeper.saved and wall.camera_list.cameras), timeout=5000)
    wall.set_purpose("monitoring_location")  # the first saved layout opens on the console's
    qtbot.waitUntil(lambda: live(wall.grid.tiles[0]) and live(wall.grid.tiles[1]),
                    timeout=10000)
    wall.console_wall.clear_tile(1)
    other = wall.open_wall_on(None)
    assert other.layouts.itemText(1) == "Pair (2×2)"
    other.layouts.activated.emit(1)
    assert "Already on another wall, so left there: CAM-L1" in wall.message.text()
    qtbot.waitUntil(lambda: live(other.tiles.grid.tiles[1]), timeout=10000)
    assert other.tiles.grid.grid == 2 and other.grid_combo.currentData() == 2
    assert wall.where(first) == (wall.console_wall, 0)
    assert wall.where(second) == (other.tiles, 1) and other.tiles.grid.tiles[0].camera is None


@pytest.mark.policy("G.2")
def test_donor_terms_darken_a_tile_on_another_wall(qtbot, wall: VideoWallWidget,  # noqa: F811
                                                   db: Database, admin: Context,
                                                   simulator: CameraSimulator) -> None:  # noqa: F811
    donor = camera(db, admin, simulator, "CAM-PD-09", "donor", "private_donor")
    agreement = add_agreement(db, admin, ("CAM-PD-09",))
    wall.set_purpose("monitoring_event", "Kings game")
    other = wall.open_wall_on(None)
    wall.place_camera(1, donor, other.tiles)
    tile = other.tiles.grid.tiles[1]
    qtbot.waitUntil(lambda: live(tile), timeout=10000)
    wall.open_large_view(other.tiles, 1)
    (large,) = wall.large_views
    perform(db, admin, donors.withdraw_agreement, agreement.id, "the donor withdrew")
    qtbot.waitUntil(lambda: tile.worker is None, timeout=1000)  # the bus event, not a timer
    assert not large.isVisible()
    qtbot.waitUntil(lambda: 1 in other.tiles.grants and not other.tiles.grants[1].allowed,
                    timeout=5000)
    assert other.tiles.grants[1].clause == "G.2"


def test_closing_a_wall_or_signing_out_ends_every_walls_streams(
        qtbot, wall: VideoWallWidget, db: Database, admin: Context,  # noqa: F811
        simulator: CameraSimulator) -> None:  # noqa: F811
    ids = [camera(db, admin, simulator, f"CAM-S{n}", stream)
           for n, stream in enumerate(("one", "two", "three"))]
    wall.set_purpose("monitoring_location")
    closing, staying = wall.open_wall_on(None), wall.open_wall_on(None)
    assert staying.tiles.title == "wall 3"
    wall.assign(0, ids[0])
    wall.place_camera(0, ids[1], closing.tiles)
    wall.place_camera(2, ids[2], staying.tiles)
    tiles = [wall.grid.tiles[0], closing.tiles.grid.tiles[0], staying.tiles.grid.tiles[2]]
    qtbot.waitUntil(lambda: all(live(t) for t in tiles), timeout=10000)
    wall.open_large_view(staying.tiles, 2)
    (large,) = wall.findChildren(LargeViewDialog)
    qtbot.waitUntil(lambda: live(large.tile), timeout=10000)
    workers = [t.worker for t in tiles] + [large.tile.worker]

    closing.close()
    assert wall.monitor_walls == [staying] and wall.where(ids[1]) is None
    qtbot.waitUntil(lambda: not workers[1].is_alive(), timeout=8000)
    assert live(tiles[0]) and live(tiles[2])

    still = wall.shutdown()
    assert wall.monitor_walls == [] and not staying.isVisible() and not large.isVisible()
    for worker in still:
        worker.join(8)
    assert not any(w is not None and w.is_alive() for w in workers)


def test_walls_on_several_monitors(tmp_path: Path) -> None:
    """`wall_monitor_cases.py` in a process whose offscreen platform has three screens."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": SCREENS}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/ui/wall_monitor_cases.py", "-q",
         "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " skipped" not in done.stdout, done.stdout[-2000:]


def test_the_wall_fits_beside_the_navigation_on_a_1440_pixel_screen(
        qtbot, console_session, admin: Context, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """With New wall on… the one bar was wider than the room a 1440-pixel window leaves
    beside the navigation (it was already, with a long purpose): the area scrolled sideways
    and squeezed the camera list. The purpose has a row of its own now."""
    monkeypatch.setattr(VideoWallWidget, "ask_purpose", lambda self: None)
    window = MainWindow(console_session(admin))
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    window.show_area("wall")
    widget = window.areas["wall"]
    assert isinstance(widget, VideoWallWidget)
    try:
        widget.set_purpose("monitoring_event", "VR-2026-0042 march downtown, crowd safety")
        qtbot.wait(50)
        window.grab().save(str(tmp_path / "wall_1440.png"))
        assert widget.minimumSizeHint().width() <= widget.width()
        assert widget.camera_list.width() >= 200, "the camera list keeps its room"
        other = widget.open_wall_on(None, grid=2)
        other.resize(1280, 760)
        qtbot.wait(50)
        other.grab().save(str(tmp_path / "wall_2_window.png"))
        assert other.minimumSizeHint().width() <= 800
    finally:
        widget.shutdown()
