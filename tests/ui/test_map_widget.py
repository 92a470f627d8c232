"""The map work area: reads from the database, each view audited, live updates, clicks, areas,
search results and the cameras of a registry look-up."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDateTime, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QTabWidget
from sqlalchemy import text

from rtic_console.domain.checklist import STOP_WARNING
from rtic_console.domain.devices import DeviceCategory, DeviceKind
from rtic_console.domain.reads import PlateRead
from rtic_console.feeds.alpr_simulator import plate_crop_jpeg
from rtic_console.services import hotlists, registry
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.registry import EntryInput, NearInput
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.database import Database
from rtic_console.store.models import Device
from rtic_console.ui.map.map_widget import MapWidget
from rtic_console.ui.map.time_filter import PRESETS

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

CAMERA_AT = (38.5990, -121.4500)

# The navigation list, the window's frame and margins take about this much of the width.
NAVIGATION_ROOM = 240


def _read(sid: str, plate: str, minutes_ago: float, lat: float, lon: float,
          images: dict[str, bytes] | None = None) -> PlateRead:
    return PlateRead(source="csv", source_id=sid, plate=plate, plate_raw=plate, state="CA",
                     confidence=0.9, captured_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
                     device_ref="ALPR-FX-01", latitude=lat, longitude=lon,
                     images=images or {})


@pytest.fixture
def engine(db: Database, enrol) -> MatchingEngine:
    with db.write() as session:
        session.add_all([
            Device(code="ALPR-FX-01", name="J St fixed", kind=DeviceKind.ALPR_FIXED.value,
                   category="agency", latitude=38.577, longitude=-121.485),
            Device(code="CAM-1", name="Plaza camera", kind=DeviceKind.CAMERA.value,
                   category="city", latitude=CAMERA_AT[0], longitude=CAMERA_AT[1],
                   stream_url="rtsp://127.0.0.1/cam1"),
        ])
    perform(db, enrol("6301", "officer"), hotlists.add_hot_plate, HotPlateInput(
        plate="7KQM482", state="CA", reason="stolen_vehicle", case_number="26-011842",
        xref=None, ncic_system="SVS", ncic_record="V264118820"))
    eng = MatchingEngine()
    with db.read() as session:
        eng.load(session)
    return eng


def ingest(db: Database, engine: MatchingEngine, *reads: PlateRead) -> tuple[int, ...]:
    with db.write() as session:
        return ingest_reads(session, reads, engine, datetime.now(UTC), "test").detection_ids


def evaluate(qtbot, widget: MapWidget, script: str) -> Any:
    out: list[Any] = []
    assert widget.view is not None
    widget.view.evaluate(script, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=5000)
    return out[0]


def stats(qtbot, widget: MapWidget) -> dict[str, Any]:
    return json.loads(evaluate(qtbot, widget, "JSON.stringify(RticMap.stats())"))


def pixel_of(qtbot, widget: MapWidget, lat: float, lon: float, zoom: int = 18) -> QPoint:
    """Centres the map there and returns where that place is in the view."""
    x, y = json.loads(evaluate(qtbot, widget, f"""(() => {{
        const map = window[Object.keys(window).find((k) => k.startsWith("map_"))];
        map.setView([{lat}, {lon}], {zoom}, {{animate: false}});
        const p = map.latLngToContainerPoint([{lat}, {lon}]);
        return JSON.stringify([p.x, p.y]); }})()"""))
    return QPoint(round(x), round(y))


def click(qtbot, widget: MapWidget, point: QPoint) -> None:
    assert widget.view is not None
    target = widget.view.focusProxy()
    QTest.mouseMove(target, point)
    qtbot.wait(150)
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    qtbot.wait(150)


@pytest.fixture
def open_map(qtbot, console_session, enrol, tmp_path):
    # Tiles from a folder that does not exist: the test machine has no network to try.
    tiles = (tmp_path / "no-tiles").as_uri() + "/{z}/{x}/{y}.png"

    def make(badge: str = "5201", role: str = "dispatcher", **settings: Any) -> MapWidget:
        ctx = enrol(badge, role)
        ctx = dataclasses.replace(ctx, settings=dataclasses.replace(
            ctx.settings, map_tile_url=tiles, **settings))
        widget = MapWidget(console_session(ctx))
        qtbot.addWidget(widget)
        widget.resize(1200, 800)
        widget.show()
        assert widget.view is not None, widget.message.text()
        qtbot.waitUntil(lambda: widget.view.ready and " · " in widget.summary.text(),
                        timeout=15000)
        return widget

    return make


def test_reads_hits_and_devices_show_on_the_map(qtbot, db: Database, engine, open_map) -> None:
    ingest(db, engine, *(_read(f"r{i}", f"5ABC{i:03d}", i, 38.57 + i * 0.0005, -121.49)
                         for i in range(40)),
           _read("hit", "7KQM4B2", 2, 38.58, -121.48),
           _read("old", "5OLD001", 60 * 20, 38.57, -121.49))  # outside the 8-hour shift
    widget = open_map()
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 41, timeout=10000)
    shown = stats(qtbot, widget)
    assert shown["drawn"] == 41 and shown["markers"] > 0
    assert shown["hits"] == 1 and shown["approximate"] == 1, "the OCR-equivalent hit is marked"
    assert shown["readers"] == 1 and shown["cameras"] == 1
    assert widget.summary.text() == "41 reads · 1 hit · live"
    assert not widget.layer_boxes["registry"].isVisibleTo(widget), "dispatchers: no registry"
    assert shown["registry"] == 0
    widget.layer_boxes["detections"].setChecked(False)
    qtbot.waitUntil(lambda: stats(qtbot, widget)["markers"] == 0, timeout=5000)
    widget.category_actions[DeviceCategory.CITY].setChecked(False)
    qtbot.waitUntil(lambda: stats(qtbot, widget)["cameras"] == 0, timeout=5000)
    assert stats(qtbot, widget)["readers"] == 1, "the agency reader stays"


def test_new_reads_arrive_live_without_reloading_the_page(qtbot, db: Database, engine,
                                                          open_map) -> None:
    ingest(db, engine, _read("a", "5ABC001", 3, 38.57, -121.49))
    widget = open_map()
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 1, timeout=10000)
    evaluate(qtbot, widget, "window.pageLoadedOnce = true")
    ingest(db, engine, _read("b", "5ABC002", 0.1, 38.571, -121.49),
           _read("c", "7KQM482", 0.1, 38.572, -121.49))
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 3, timeout=10000)
    qtbot.waitUntil(lambda: stats(qtbot, widget)["hits"] == 1, timeout=5000)
    assert evaluate(qtbot, widget, "window.pageLoadedOnce === true"), "no reload"
    qtbot.waitUntil(lambda: widget.summary.text().startswith("3 reads · 1 hit"), timeout=5000)


def test_a_window_over_the_point_limit_is_drawn_as_cells_counted_by_the_console(
        qtbot, db: Database, engine, open_map) -> None:
    """1,200 reads over a limit of 1,000: cells, regrouped as the map moves and as reads
    arrive; a read alone in its cell still opens its details."""
    ingest(db, engine, *(_read(f"c{i}", f"5CEL{i:04d}", 1 + i % 50, 38.50 + (i % 40) * 0.004,
                               -121.55 + (i // 40) * 0.004) for i in range(1_200)))
    (lone,) = ingest(db, engine, _read("lone", "7LONE77", 2, 38.70, -121.20))
    widget = open_map(map_max_points=1_000)
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 1_201, timeout=15000)
    qtbot.waitUntil(lambda: widget.summary.text() == "1,201 reads, grouped by area, 1,201 in "
                    "view · 0 hits · live", timeout=5000)
    first = stats(qtbot, widget)
    assert 0 < first["cells"] < 1_201 and first["drawn"] == 1_201
    point = pixel_of(qtbot, widget, 38.70, -121.20, 17)  # the console counts again, zoomed in
    qtbot.waitUntil(lambda: stats(qtbot, widget)["cells"] == 1, timeout=10000)
    assert widget.summary.text().startswith("1,201 reads, grouped by area, 1 in view")
    click(qtbot, widget, point)
    qtbot.waitUntil(lambda: widget.panel.detection_id == lone, timeout=5000)
    evaluate(qtbot, widget, "window.pageLoadedOnce = true")
    ingest(db, engine, _read("new", "5NEW001", 0.1, 38.70001, -121.20001))
    qtbot.waitUntil(lambda: stats(qtbot, widget)["fresh"] == 1, timeout=10000)
    qtbot.waitUntil(lambda: stats(qtbot, widget)["fresh"] == 0
                    and stats(qtbot, widget)["points"] == 2, timeout=15000)
    assert widget.summary.text().startswith("1,202 reads, grouped by area, 2 in view")
    assert evaluate(qtbot, widget, "window.pageLoadedOnce === true"), "no reload"


def test_panning_and_zooming_out_over_cells_asks_the_console_for_no_new_count(
        qtbot, db: Database, engine, open_map) -> None:
    """The console counts cells finer than the fitted view, and the page merges them: a
    person zooming out or panning waits on no new count of the window (a million reads took
    seconds each on SQLite); only a view zoomed in past that is counted again."""
    ingest(db, engine, *(_read(f"c{i}", f"5CEL{i:04d}", 1 + i % 50, 38.50 + (i % 40) * 0.004,
                               -121.55 + (i // 40) * 0.004) for i in range(1_200)))
    widget = open_map(map_max_points=1_000)
    qtbot.waitUntil(lambda: stats(qtbot, widget)["drawn"] == 1_200, timeout=15000)
    evaluate(qtbot, widget, """(() => { window.counts = 0; const load = RticMap.loadClusters;
        RticMap.loadClusters = (p) => { window.counts += 1; return load(p); }; })()""")
    fitted = stats(qtbot, widget)["markers"]
    evaluate(qtbot, widget, """(() => {
        const map = window[Object.keys(window).find((k) => k.startsWith("map_"))];
        map.setZoom(map.getZoom() - 2, {animate: false});
        map.panBy([40, 30], {animate: false}); })()""")
    qtbot.wait(1500)
    zoomed_out = stats(qtbot, widget)
    assert evaluate(qtbot, widget, "window.counts") == 0, "counted again for a coarser view"
    assert zoomed_out["drawn"] == 1_200 and 0 < zoomed_out["markers"] < fitted
    pixel_of(qtbot, widget, 38.52, -121.53, 17)
    qtbot.waitUntil(lambda: evaluate(qtbot, widget, "window.counts") == 1, timeout=10000)


@pytest.mark.policy("D.4")
def test_clicking_a_read_opens_its_images_and_details(qtbot, db: Database, engine,
                                                      open_map) -> None:
    (det_id,) = ingest(db, engine, _read("img", "7KQM4B2", 1, 38.5801, -121.4802,
                                         images={"plate": plate_crop_jpeg("7KQM4B2")}))
    widget = open_map()
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 1, timeout=10000)
    widget.layer_boxes["hits"].setChecked(False)  # click the read itself, not its hit
    point = pixel_of(qtbot, widget, 38.5801, -121.4802)
    click(qtbot, widget, point)
    qtbot.waitUntil(lambda: widget.panel.detection_id == det_id, timeout=5000)
    panel = widget.panel
    assert panel.isVisible() and panel.plate.text() == "7KQM4B2"
    assert panel.warning.text() == STOP_WARNING and panel.warning.isVisibleTo(widget)
    assert "APPROXIMATE" in panel.hits.text() and "7KQM482" in panel.hits.text()
    assert panel.plate_image.pixmap() is not None and not panel.plate_image.pixmap().isNull()
    assert panel.fields["reader"].text() == "ALPR-FX-01 J St fixed"
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="detection.view"))
    assert event.actor_badge == "5201" and event.object_id == str(det_id)


def test_clicking_a_camera_asks_for_it_on_the_wall(qtbot, db: Database, engine,
                                                   open_map) -> None:
    widget = open_map()
    qtbot.waitUntil(lambda: stats(qtbot, widget)["cameras"] == 1, timeout=10000)
    point = pixel_of(qtbot, widget, *CAMERA_AT)
    with db.read() as session:
        camera_id = session.query(Device).filter_by(code="CAM-1").one().id
    with qtbot.waitSignal(widget.camera_open_requested, timeout=5000) as asked:
        click(qtbot, widget, point)
    assert asked.args == [camera_id]


def test_an_area_drawn_on_the_map_is_signalled(qtbot, db: Database, engine,
                                               open_map) -> None:
    widget = open_map()
    pixel_of(qtbot, widget, 38.58, -121.49, zoom=14)
    widget.start_area_drawing("circle")
    assert widget.view is not None
    centre = QPoint(widget.view.width() // 2, widget.view.height() // 2)
    with qtbot.waitSignal(widget.area_drawn, timeout=5000) as drawn:
        click(qtbot, widget, centre)
        click(qtbot, widget, centre + QPoint(80, 0))
    area = drawn.args[0]
    assert area["kind"] == "circle" and area["radius_m"] > 100
    assert area["lat"] == pytest.approx(38.58, abs=0.001)
    with pytest.raises(ValueError, match="circle, rectangle"):
        widget.start_area_drawing("polygon")


def test_search_results_show_as_their_own_layer(qtbot, db: Database, engine, open_map) -> None:
    widget = open_map()
    rows = [{"id": 7, "plate": "7ABC123", "lat": 38.57, "lon": -121.48,
             "captured_at": datetime.now(UTC), "device": "ALPR-FX-01"},
            {"id": 8, "plate": "7ABC124", "lat": 38.56, "lon": -121.47,
             "captured_at": "2026-03-01T10:15:00+00:00", "device": "ALPR-FX-01"},
            {"id": 9, "plate": "7ABC125", "lat": None, "lon": None,
             "captured_at": datetime.now(UTC), "device": "ALPR-MB-1"}]
    widget.show_search_results(rows)
    qtbot.waitUntil(lambda: stats(qtbot, widget)["search"] == 2, timeout=5000)
    assert widget.layer_boxes["search"].isVisibleTo(widget)


def _map_views(db: Database) -> list:  # type: ignore[type-arg]
    with db.read() as session:
        return list_events(session, AuditFilter(action="map.view"))


@pytest.mark.policy("H.3")
def test_the_map_shows_registry_cameras_only_from_a_look_up(qtbot, db: Database, engine,
                                                            admin, open_map) -> None:
    for owner, lat in (("Near By", 38.5779), ("Also Near", 38.5790), ("Far Away", 38.6200)):
        perform(db, admin, registry.add_entry, EntryInput(owner, "", f"{owner} St", lat,
                                                          -121.4850, "doorbell"))
    widget = open_map("6302", "officer")
    box = widget.layer_boxes["registry"]
    with db.write() as session:
        publish(session, Change.REGISTRY)
    qtbot.wait(1500)  # what the old layer's refresh timer waited
    assert stats(qtbot, widget)["registry"] == 0 and not box.isVisibleTo(widget)

    officer = widget._session.ctx
    result = perform(db, officer, registry.cameras_near,
                     NearInput(38.5770, -121.4850, 300, "26-004417"))
    assert len(result.cameras) == 2
    widget.show_registry_results(result)
    qtbot.waitUntil(lambda: stats(qtbot, widget)["registry"] == 2, timeout=5000)
    assert box.isVisibleTo(widget) and box.isChecked()
    assert "26-004417" in box.text()


@pytest.mark.policy("AUDIT")
def test_each_window_asked_for_is_audited_and_live_updates_are_not(
        qtbot, db: Database, engine, open_map) -> None:
    ingest(db, engine, _read("now", "5NOW001", 5, 38.57, -121.49))
    widget = open_map()
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 1, timeout=10000)
    (opened,) = _map_views(db)
    assert opened.actor_badge == "5201" and opened.details["live"] is True
    assert opened.details["reads"] == 1 and opened.details["end"] is None
    ingest(db, engine, _read("live", "5LIV001", 0.1, 38.571, -121.49))
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 2, timeout=10000)
    assert len(_map_views(db)) == 1, "live updates belong to the audited window"
    widget.time_filter.preset.setCurrentIndex(
        [title for title, _ in PRESETS].index("Last hour"))
    qtbot.waitUntil(lambda: len(_map_views(db)) == 2, timeout=10000)
    latest = _map_views(db)[0]
    started = datetime.fromisoformat(latest.details["start"])
    assert timedelta(minutes=59) < datetime.now(UTC) - started < timedelta(minutes=61)
    assert latest.details["reads"] == 2


@pytest.mark.policy("AUDIT")
def test_nothing_is_shown_when_the_view_cannot_be_recorded(qtbot, db: Database, engine,
                                                           open_map) -> None:
    ingest(db, engine, _read("now", "5NOW001", 5, 38.57, -121.49))
    widget = open_map("6302", "officer")
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 1, timeout=10000)
    # The audit store refuses map views from here on (a failure of the database itself).
    with db.write() as session:
        session.execute(text(
            "CREATE TRIGGER no_map_views BEFORE INSERT ON audit_events "
            "WHEN NEW.action = 'map.view' BEGIN SELECT RAISE(ABORT, 'audit store full'); END"))
    widget.time_filter.preset.setCurrentIndex(
        [title for title, _ in PRESETS].index("Day (24 h)"))
    qtbot.waitUntil(lambda: widget.summary.text().startswith("No reads shown"),
                    timeout=10000)
    assert "IntegrityError" in widget.message.text() and widget.message.isVisible()
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 0, timeout=5000)
    ingest(db, engine, _read("live", "5LIV001", 0.1, 38.571, -121.49))
    qtbot.wait(1000)
    assert stats(qtbot, widget)["points"] == 0, "no live updates for an unrecorded view"


@pytest.mark.policy("D.1")
def test_only_those_who_search_reads_get_a_custom_range(qtbot, db: Database, engine,
                                                        open_map) -> None:
    def titles(widget: MapWidget) -> list[str]:
        combo = widget.time_filter.preset
        return [combo.itemText(i) for i in range(combo.count())]

    live_presets = ["Last hour", "Shift (8 h)", "Day (24 h)"]
    assert titles(open_map()) == live_presets
    assert titles(open_map("6302", "officer")) == [*live_presets, "Custom range…"]


def test_the_time_filter_narrows_the_reads(qtbot, db: Database, engine, open_map) -> None:
    ingest(db, engine, _read("now", "5NOW001", 5, 38.57, -121.49),
           _read("earlier", "5EAR001", 5 * 60, 38.57, -121.49))
    widget = open_map("6302", "officer")
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 2, timeout=10000)
    widget.time_filter.preset.setCurrentIndex(
        [title for title, _ in PRESETS].index("Last hour"))
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 1, timeout=10000)
    widget.time_filter.preset.setCurrentIndex(
        [title for title, _ in PRESETS].index("Custom range…"))
    widget.time_filter.end_edit.setDateTime(widget.time_filter.start_edit.dateTime()
                                            .addSecs(-60))
    widget.time_filter.apply.click()
    assert "must end after it starts" in widget.message.text()


def test_a_map_built_in_a_hidden_tab_shows_its_reads_when_opened(
        qtbot, console_session, db: Database, engine, enrol) -> None:
    """The console builds every area at sign-in; the map is first seen later, at full size."""
    ingest(db, engine, *(_read(f"h{i}", f"6HID{i:03d}", i, 38.60 + i * 0.002, -121.40)
                         for i in range(5)))
    ctx = enrol("5201", "dispatcher")
    ctx = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, map_tile_url=""))
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QLabel("another area"), "first")
    widget = MapWidget(console_session(ctx))
    tabs.addTab(widget, "map")
    tabs.resize(1200, 800)
    tabs.show()
    qtbot.waitUntil(lambda: widget.view.ready and "5 reads" in widget.summary.text(),
                    timeout=15000)
    tabs.setCurrentWidget(widget)
    in_view = """(() => {
        const map = window[Object.keys(window).find((k) => k.startsWith("map_"))];
        const size = map.getSize();
        return size.x > 600 && [0, 4].every((i) =>
            map.getBounds().contains([38.60 + i * 0.002, -121.40])); })()"""
    qtbot.waitUntil(lambda: evaluate(qtbot, widget, in_view) is True, timeout=5000)
    shown = stats(qtbot, widget)
    assert shown["noticeShown"] and shown["noticeText"].startswith("No tile server is set")


@pytest.mark.policy("D.1")
def test_a_look_back_asks_its_purpose_case_and_area_and_is_logged_as_a_search(
        qtbot, db: Database, engine, open_map, tmp_path: Path) -> None:
    ingest(db, engine, _read("past", "5PST001", 30 * 60, 38.58, -121.49),
           _read("far", "5FAR001", 30 * 60, 38.70, -121.20),
           _read("now", "5NOW001", 5, 38.58, -121.49))
    widget = open_map("6302", "officer")
    bar, box = widget.time_filter, widget.look_back_box
    bar.preset.setCurrentIndex([title for title, _ in PRESETS].index("Custom range…"))
    assert not box.isVisible(), "a range within the live day is a plain view"
    start = QDateTime.currentDateTime().addSecs(-32 * 3600)
    bar.start_edit.setDateTime(start)
    bar.end_edit.setDateTime(start.addSecs(4 * 3600))
    assert box.isVisible() and box.area_label.text() == "No area drawn yet."
    assert box.purpose.purpose.currentData() == "crime_scene_canvass"
    widget.grab().save(str(tmp_path / "map_look_back.png"))

    def refused(match: str) -> None:
        bar.apply.click()
        qtbot.waitUntil(lambda: match in widget.message.text(), timeout=10000)
        assert widget.summary.text().startswith("No reads shown")

    refused("names the case number")
    box.purpose.case.setText("26-011842")
    refused("draw the area to look back over")
    widget.grab().save(str(tmp_path / "map_look_back_refused.png"))
    pixel_of(qtbot, widget, 38.58, -121.49, zoom=14)
    box.draw_circle.click()
    assert widget.view is not None
    centre = QPoint(widget.view.width() // 2, widget.view.height() // 2)
    click(qtbot, widget, centre)
    click(qtbot, widget, centre + QPoint(80, 0))
    qtbot.waitUntil(lambda: box.area_label.text().startswith("Circle of"), timeout=5000)
    bar.apply.click()
    qtbot.waitUntil(lambda: widget.summary.text().startswith("Look back: search #"),
                    timeout=10000)
    assert widget.summary.text().endswith("· case 26-011842 · 1 read · 0 hits")
    qtbot.waitUntil(lambda: stats(qtbot, widget)["points"] == 1, timeout=10000)
    with db.read() as session:
        refusals = list_events(session, AuditFilter(action="search.run.refused"))
        (search,) = list_events(session, AuditFilter(action="search.run"))
    assert len(refusals) == 2 and all(e.details["clause"] == "D.1" for e in refusals)
    assert search.actor_badge == "6302" and search.details["via"] == "map"
    assert search.details["results"] == 1 and search.details["kind"] == "canvass"
    qtbot.wait(600)
    widget.grab().save(str(tmp_path / "map_look_back_done.png"))


def test_a_look_back_fits_beside_the_navigation_on_a_1440_pixel_screen(
        qtbot, db: Database, open_map) -> None:
    """A custom range's two times, the layers and the look back's purpose once made the map
    wider than the room a 1440-pixel window leaves beside the navigation, so the area
    scrolled sideways and its right-hand side was cut off."""
    widget = open_map("6302", "officer")
    bar = widget.time_filter
    bar.preset.setCurrentIndex([title for title, _ in PRESETS].index("Custom range…"))
    start = QDateTime.currentDateTime().addSecs(-32 * 3600)
    bar.start_edit.setDateTime(start)
    bar.end_edit.setDateTime(start.addSecs(4 * 3600))
    widget.layer_boxes["search"].setVisible(True)  # as after a look back is drawn
    assert widget.look_back_box.isVisible()
    assert widget.minimumSizeHint().width() <= 1440 - NAVIGATION_ROOM
