"""Work areas hand work to each other in the main window: search ↔ map, registry → map (H.2,
H.3), map → wall (F.2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.services import registry
from rtic_console.services.registry import EntryInput
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.ui.main_window import MainWindow
from rtic_console.ui.map.map_widget import MapWidget
from tests.services.pscn_support import add_camera

# The registry layer's markers, read from the page itself: where each one is.
REGISTRY_MARKERS = """(() => {
    const map = window[Object.keys(window).find((k) => k.startsWith("map_"))];
    const found = [];
    map.eachLayer((layer) => {
        if (layer instanceof L.CircleMarker && layer.options.color === "#0f766e") {
            const p = layer.getLatLng();
            found.push([p.lat, p.lng]);
        }
    });
    return JSON.stringify(found.sort()); })()"""


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
    window.show_area("search")
    search.area_requested.emit("circle")
    assert window.current_area() is live_map
    live_map.area_drawn.emit({"kind": "circle", "lat": 38.5771, "lon": -121.4851,
                              "radius_m": 420.4})
    assert window.current_area() is search
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
    assert window.current_area() is wall
    tile = wall.grid.tiles[0]
    qtbot.waitUntil(lambda: tile._image is not None, timeout=10000)
    assert tile.camera is not None and tile.camera.code == "CAM-MAP-1"
    assert wall.grants[0].allowed


def _registry_markers(qtbot, live_map: MapWidget) -> list[list[float]]:
    out: list[Any] = []
    assert live_map.view is not None
    live_map.view.evaluate(REGISTRY_MARKERS, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=5000)
    return json.loads(out[0])  # type: ignore[no-any-return]


@pytest.mark.policy("H.3")
def test_a_registry_look_up_shows_exactly_its_cameras_on_the_map(
        qtbot, window: MainWindow, db, admin) -> None:
    places = {"Near By": 38.5779, "Also Near": 38.5790, "Far Away": 38.6200}
    for owner, lat in places.items():
        perform(db, admin, registry.add_entry, EntryInput(owner, "", f"{owner} St", lat,
                                                          -121.4850, "doorbell"))
    live_map, registry_area = window.areas["map"], window.areas["registry"]
    assert live_map.view is not None
    qtbot.waitUntil(lambda: live_map.view.ready and " · " in live_map.summary.text(),
                    timeout=15000)
    box = live_map.layer_boxes["registry"]
    assert _registry_markers(qtbot, live_map) == [] and not box.isVisibleTo(live_map)

    window.show_area("registry")
    panel = registry_area.near_panel
    panel.latitude.setText("38.5770")
    panel.longitude.setText("-121.4850")
    panel.case_number.setText("26-004417")
    panel.radius.setValue(300)
    panel.find_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10000)
    expected = sorted([[places["Also Near"], -121.485], [places["Near By"], -121.485]])
    qtbot.waitUntil(lambda: _registry_markers(qtbot, live_map) == expected, timeout=5000)
    assert window.current_area() is registry_area, "the person stays where they are"
    assert "26-004417" in box.text()
    window.show_area("map")
    assert box.isVisibleTo(live_map) and box.isChecked()
    with db.read() as session:
        [look_up] = list_events(session, AuditFilter(action="registry.near"))
    assert look_up.details["case"] == "26-004417" and look_up.details["results"] == 2


MAP_CENTRE = """(() => {
    const map = window[Object.keys(window).find((k) => k.startsWith("map_"))];
    const c = map.getCenter();
    return JSON.stringify([c.lat, c.lng, map.getZoom()]); })()"""


def test_a_search_result_s_place_opens_the_live_map_centred_there(
        qtbot, window: MainWindow) -> None:
    search, live_map = window.areas["search"], window.areas["map"]
    assert live_map.view is not None
    qtbot.waitUntil(lambda: live_map.view.ready, timeout=15000)
    window.show_area("search")
    search.map_requested.emit(38.5812, -121.4944)
    assert window.current_area() is live_map

    def centre() -> list[float]:
        out: list[Any] = []
        live_map.view.evaluate(MAP_CENTRE, out.append)
        qtbot.waitUntil(lambda: bool(out), timeout=5000)
        return json.loads(out[0])  # type: ignore[no-any-return]

    qtbot.waitUntil(lambda: abs(centre()[0] - 38.5812) < 1e-4
                    and abs(centre()[1] + 121.4944) < 1e-4, timeout=5000)
    assert centre()[2] >= 15, "street level, not the whole city"
