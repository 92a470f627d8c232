"""Work areas hand work to each other in the main window: search ↔ map, map → wall (F.2)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.ui.main_window import MainWindow
from tests.services.pscn_support import add_camera


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def simulator() -> Iterator[CameraSimulator]:
    sim = CameraSimulator(["agency"], size=(320, 180), fps=10)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def window(qtbot, console_session, admin) -> Iterator[MainWindow]:
    main = MainWindow(console_session(admin))
    qtbot.addWidget(main)
    main.areas["wall"]._asked = True  # purposes are stated by the tests, not the modal dialog
    main.show()
    yield main
    main.areas["wall"].shutdown()


def test_an_area_drawn_on_the_map_fills_the_search(qtbot, window: MainWindow) -> None:
    search, live_map = window.areas["search"], window.areas["map"]
    window.tabs.setCurrentWidget(search)
    search.area_requested.emit("circle")
    assert window.tabs.currentWidget() is live_map
    live_map.area_drawn.emit({"kind": "circle", "lat": 38.5771, "lon": -121.4851,
                              "radius_m": 420.4})
    assert window.tabs.currentWidget() is search
    assert (search.form.lat.text(), search.form.lon.text()) == ("38.577100", "-121.485100")
    assert search.form.radius.value() == 420


@pytest.mark.policy("F.2")
def test_a_camera_clicked_on_the_map_opens_on_the_wall_with_the_purpose(
        qtbot, window: MainWindow, db, admin, simulator) -> None:
    camera = add_camera(db, admin, "CAM-MAP-1", stream_url=simulator.url("agency"))
    wall = window.areas["wall"]
    wall.set_purpose("monitoring_event")
    qtbot.waitUntil(lambda: camera.id in wall.camera_list.cameras, timeout=5000)
    window.areas["map"].camera_open_requested.emit(camera.id)
    assert window.tabs.currentWidget() is wall
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: tile._image is not None, timeout=10000)
    assert tile.camera is not None and tile.camera.code == "CAM-MAP-1"
    assert wall.grants[0].allowed
