"""The Search screen and Other-use requests on a real database: purpose first (D.1), the
shape-search gate (F.3), results for the map, areas from the map, an audited export, and
the request → approval → search flow (D.1.c) between two people's screens."""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import event

from rtic_console.domain.reads import PlateRead
from rtic_console.domain.search_rules import (
    MAX_CANVASS_RADIUS_M,
    MAX_CANVASS_SIDE_M,
    MAX_CANVASS_SPAN,
    SearchKind,
    SearchPurpose,
)
from rtic_console.services import recordings, search, search_requests
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import SearchRecord
from rtic_console.ui.audit_viewer import AuditViewerWidget
from rtic_console.ui.search import result_detail
from rtic_console.ui.search.other_use_requests_widget import (
    OtherUseRequestsWidget,
)
from rtic_console.ui.search.search_widget import SearchWidget
from rtic_console.ui.wall.playback_dialog import PlaybackDialog
from tests.services.pscn_support import add_camera, write_segment
from tests.services.test_search import NOW, PLACES, seed_reads

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
WAIT = 10000


@pytest.fixture
def officer(db: Database, enrol):
    seed_reads(db)
    return enrol("6301", "officer")


@pytest.fixture
def screen(qtbot, console_session, officer) -> SearchWidget:
    widget = SearchWidget(console_session(officer))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def choose(widget: SearchWidget, purpose: SearchPurpose, case: str = "26-011842") -> None:
    box = widget.purpose
    box.purpose.setCurrentIndex(box.purpose.findData(purpose.value))
    if purpose is not SearchPurpose.OTHER_USE:
        box.case.setText(case)


def run(qtbot, widget: SearchWidget) -> list[dict]:
    with qtbot.waitSignal(widget.results_ready, timeout=WAIT) as signal:
        widget.run_button.click()
    return signal.args[0]


def audited(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


@pytest.mark.policy("D.1")
def test_plate_search_fills_the_table_and_gives_the_map_its_points(qtbot, screen,
                                                                   db: Database) -> None:
    screen.form.plate.setText("7ab*")
    screen.run_button.click()
    qtbot.waitUntil(screen.message.isVisible, timeout=WAIT)
    assert "approved purpose" in screen.message.text()
    assert screen.status.text() == "No search ran." and screen.model.rowCount() == 0
    assert [e.details["clause"] for e in audited(db, "search.run.refused")] == ["D.1"]

    choose(screen, SearchPurpose.STOLEN_VEHICLE_OR_PLATE)
    points = run(qtbot, screen)
    assert {p["plate"] for p in points} == {"7ABC123", "7ABC999"}
    first = next(p for p in points if p["plate"] == "7ABC123")
    assert (first["lat"], first["lon"]) == PLACES["midtown"]
    assert first["device"] == "ALPR-MT-01" and first["captured_at"].endswith("+00:00")
    assert set(first) == {"id", "plate", "lat", "lon", "captured_at", "device"}
    assert screen.model.rowCount() == 2 and not screen.message.isVisible()
    assert screen.status.text().startswith("2 reads · plate search #")
    assert "case 26-011842" in screen.status.text()
    assert screen.export_button.isEnabled() and screen.truncated.isHidden()


@pytest.mark.policy("D.1")
def test_canvass_uses_the_area_drawn_on_the_map_and_exports(qtbot, screen, db: Database,
                                                            tmp_path: Path) -> None:
    screen.form.mode_bar.setCurrentIndex(1)
    assert screen.form.mode is SearchKind.CANVASS and screen.form.plate_box.isHidden()
    assert screen.purpose.purpose.currentData() == SearchPurpose.CRIME_SCENE_CANVASS.value
    with qtbot.waitSignal(screen.area_requested, timeout=WAIT) as asked:
        screen.form.draw_button.click()
    assert asked.args == ["circle"]
    screen.set_area({"kind": "circle", "lat": PLACES["south"][0], "lon": PLACES["south"][1],
                     "radius_m": 250.4})
    assert screen.form.radius.value() == 250
    screen.purpose.case.setText("26-2")
    screen.form.presets[24].click()  # the longest window a canvass may have, to the minute
    assert {p["plate"] for p in run(qtbot, screen)} == {"7ABC999", "4XYZ001"}
    assert "canvass search" in screen.status.text()

    screen.set_area({"kind": "rectangle", "south": 38.57, "west": -121.49, "north": 38.58,
                     "east": -121.48})
    assert screen.form.area() == "rectangle" and screen.form.north.text() == "38.580000"
    assert {p["plate"] for p in run(qtbot, screen)} == {"7ABC123", "7A8C123"}

    target = tmp_path / "canvass.csv"
    screen.export_to(target)
    qtbot.waitUntil(lambda: "Exported 2 rows" in screen.message.text(), timeout=WAIT)
    assert {r["plate"] for r in csv.DictReader(target.open())} == {"7ABC123", "7A8C123"}
    (event,) = audited(db, "search.export")
    assert event.details["rows"] == 2 and event.object_id == str(screen.result.search_id)


def test_areas_and_input_the_service_refuses_are_named(qtbot, screen, db: Database) -> None:
    screen.set_area({"kind": "triangle", "lat": 1})
    assert "not a circle or a rectangle" in screen.message.text()
    screen.set_area({"kind": "circle", "lat": "38.5; DROP TABLE", "lon": 1, "radius_m": 5})
    assert "not a circle or a rectangle" in screen.message.text()
    screen.form.mode_bar.setCurrentIndex(1)
    screen.purpose.case.setText("26-2")
    screen.form.lat.setText("38.5'; DROP TABLE detections;--")
    screen.form.lon.setText("-121.5")
    screen.run_button.click()
    qtbot.waitUntil(lambda: "Latitude: not a number" in screen.message.text(), timeout=WAIT)
    screen.form.mode_bar.setCurrentIndex(0)
    screen.run_button.click()
    assert screen.message.text().startswith("Plate: enter a plate")
    with db.read() as session:
        assert session.query(SearchRecord).count() == 0


@pytest.mark.policy("F.3")
def test_vehicle_description_search_needs_its_incident(qtbot, screen, db: Database) -> None:
    form = screen.form
    form.mode_bar.setCurrentIndex(2)
    choose(screen, SearchPurpose.WANTED_OR_MISSING, "26-3")
    screen.run_button.click()
    assert "at least a colour, make or body type" in screen.message.text()
    form.color.setCurrentText("red")
    screen.run_button.click()
    qtbot.waitUntil(lambda: "F.3" in screen.message.text(), timeout=WAIT)
    assert [e.details["clause"] for e in audited(db, "search.run.refused")] == ["F.3"]
    form.incident.setText("26-004417")
    form.description.setPlainText("Red sedan, two occupants, northbound on J St")
    assert {p["plate"] for p in run(qtbot, screen)} == {"7ABC123", "7A8C123"}
    with db.read() as session:
        log = session.get(SearchRecord, screen.result.search_id)
    assert log.kind == "shape" and log.incident_number == "26-004417"
    assert log.subject_description.startswith("Red sedan")


def test_truncated_results_are_flagged(qtbot, screen, monkeypatch) -> None:
    monkeypatch.setattr(search, "MAX_RESULTS", 1)
    screen.form.plate.setText("7AB*")
    choose(screen, SearchPurpose.STOLEN_VEHICLE_OR_PLATE)
    assert len(run(qtbot, screen)) == 1
    assert screen.truncated.isVisible() and "narrow" in screen.truncated.text().lower()


@pytest.fixture
def three_screens(qtbot, console_session, officer, enrol):
    """The officer's requests and search, the sergeant's inbox. Held here until teardown:
    dropping the last reference to a shown screen mid-test lets PySide free it too early."""
    sergeant = enrol("7101", "supervisor")
    screens = (OtherUseRequestsWidget(console_session(officer)),
               OtherUseRequestsWidget(console_session(sergeant)),
               SearchWidget(console_session(officer)))
    for w in screens:
        qtbot.addWidget(w)
        w.show()
    return screens


@pytest.mark.policy("D.1")
def test_other_use_request_approved_on_one_screen_runs_on_another(qtbot, db: Database,
                                                                  three_screens) -> None:
    mine, inbox, finder = three_screens
    assert mine.pending_box.isHidden() and inbox.pending_box.isVisible()

    mine.case.setText("26-7001")
    mine.use.setPlainText("Travel pattern of a fraud suspect's car for a warrant affidavit")
    mine.submit_button.click()
    qtbot.waitUntil(lambda: mine.mine.rowCount() == 1 and inbox.pending.rowCount() == 1,
                    timeout=WAIT)
    assert mine.mine.index(0, 3).data() == "Pending"

    choose(finder, SearchPurpose.OTHER_USE)
    assert finder.purpose.no_request.isVisible() and finder.purpose.request.isHidden()

    inbox.pending_table.selectRow(0)
    inbox.approve_button.click()
    qtbot.waitUntil(lambda: "note" in inbox.message.text().lower(), timeout=WAIT)
    inbox.note.setText("Reviewed with the case detective")
    inbox.approve_button.click()
    qtbot.waitUntil(lambda: inbox.pending.rowCount() == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: finder.purpose.request.count() == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: mine.mine.index(0, 3).data() == "Approved", timeout=WAIT)
    assert finder.purpose.case.text() == "26-7001" and finder.purpose.case.isReadOnly()

    finder.form.plate.setText("7ABC123")
    assert {p["plate"] for p in run(qtbot, finder)} == {"7ABC123"}
    with db.read() as session:
        log = session.get(SearchRecord, finder.result.search_id)
    assert (log.purpose, log.case_number, log.request_id) == ("other_use", "26-7001",
                                                              mine.mine.row_at(0).id)


def test_a_failed_search_clears_the_map_too(qtbot, screen) -> None:
    choose(screen, SearchPurpose.STOLEN_VEHICLE_OR_PLATE)
    screen.form.plate.setText("7AB*")
    assert len(run(qtbot, screen)) == 2
    screen.purpose.case.clear()  # the service refuses a search without its case (D.1)
    assert run(qtbot, screen) == []
    assert screen.status.text() == "No search ran." and screen.model.rowCount() == 0


def test_a_drawn_circle_outside_the_radius_range_is_refused_not_clamped(qtbot,
                                                                        screen) -> None:
    form = screen.form
    screen.set_area({"kind": "circle", "lat": 38.5, "lon": -121.5, "radius_m": 800})
    for radius in (25_000, 4, float("inf")):
        screen.set_area({"kind": "circle", "lat": 1.0, "lon": 2.0, "radius_m": radius})
        assert screen.message.text().startswith("Radius: the circle drawn is ")
        assert "draw one of 10 to 20000 m" in screen.message.text()
        assert (form.lat.text(), form.lon.text(), form.radius.value()) == (
            "38.500000", "-121.500000", 800), "nothing half-filled"
    with pytest.raises(ValueError, match="10 to 20000 m"):
        form.set_area({"kind": "circle", "lat": 1.0, "lon": 2.0, "radius_m": 20_001})


@pytest.mark.policy("D.1")
def test_a_canvass_larger_than_the_service_takes_is_said_as_it_is_entered(
        qtbot, screen, db: Database, tmp_path: Path) -> None:
    """A trial typed a 6 km canvass radius (the box takes the 20 km of a plate search) and
    heard of the canvass's limit only at Run: the bound is said beside the field, from the
    same rule, and the service still refuses it."""
    form = screen.form
    screen.resize(1100, 1000)
    form.mode_bar.setCurrentIndex(1)
    choose(screen, SearchPurpose.CRIME_SCENE_CANVASS)
    form.set_area({"kind": "circle", "lat": 38.5, "lon": -121.5, "radius_m": 800})
    assert form.area_note.isHidden() and form.window_note.isHidden()
    form.radius.setValue(MAX_CANVASS_RADIUS_M)
    assert form.area_note.isHidden(), "the limit itself is allowed"
    form.radius.setValue(MAX_CANVASS_RADIUS_M + 1000)
    assert form.area_note.isVisible()
    assert f"at most {MAX_CANVASS_RADIUS_M} m" in form.area_note.text()
    screen.grab().save(str(tmp_path / "search_canvass_radius_note.png"))
    screen.run_button.click()  # the service's own refusal stays, audited
    qtbot.waitUntil(lambda: f"at most {MAX_CANVASS_RADIUS_M} m" in screen.message.text(),
                    timeout=WAIT)
    assert [e.details["clause"] for e in audited(db, "search.run.refused")] == ["D.1"]
    form.mode_bar.setCurrentIndex(0)
    assert form.area_note.isHidden(), "a plate search may look over a wider circle"
    form.mode_bar.setCurrentIndex(1)
    assert form.area_note.isVisible()

    form.area_kind.setCurrentIndex(2)  # rectangle: checked once a corner is typed
    assert form.area_note.isHidden()
    across = MAX_CANVASS_SIDE_M * 1.5 / 111_000  # degrees of latitude
    for edit, value in zip((form.south, form.west, form.north, form.east),
                           (38.5, -121.5, 38.5 + across, -121.49), strict=True):
        edit.setText(str(value))
        edit.editingFinished.emit()
    assert f"{MAX_CANVASS_SIDE_M / 1000:.0f} km" in form.area_note.text()

    hours = int(MAX_CANVASS_SPAN.total_seconds() // 3600)
    form.time_from.setDateTime(form.time_to.dateTime().addSecs(-(hours + 6) * 3600))
    assert form.window_note.isVisible() and f"{hours} hours" in form.window_note.text()
    screen.grab().save(str(tmp_path / "search_canvass_rectangle_window_notes.png"))
    form.presets[1].click()
    assert form.window_note.isHidden()


@pytest.mark.policy("D.1")
def test_a_canvass_of_anywhere_is_not_sent(qtbot, screen, db: Database) -> None:
    screen.form.mode_bar.setCurrentIndex(1)
    screen.purpose.case.setText("26-2")
    screen.form.area_kind.setCurrentIndex(0)
    screen.form.devices.setText("ALPR-SO-01")
    screen.run_button.click()
    assert screen.message.text().startswith("Where: a canvass needs a place")
    assert not audited(db, "search.run.refused")


def test_the_audit_trail_screen_reloads_after_a_search(qtbot, console_session, db: Database,
                                                       enrol) -> None:
    """Why the search names a change no screen lists: the audit trail reloads on it."""
    seed_reads(db)
    supervisor = console_session(enrol("7101", "supervisor"))
    trail, finder = AuditViewerWidget(supervisor), SearchWidget(supervisor)
    for w in (trail, finder):
        qtbot.addWidget(w)
    qtbot.waitUntil(lambda: trail.model.rowCount() > 0, timeout=WAIT)
    choose(finder, SearchPurpose.STOLEN_VEHICLE_OR_PLATE)
    finder.form.plate.setText("7ABC123")
    run(qtbot, finder)
    qtbot.waitUntil(lambda: any(e.action == "search.run" for e in trail.model.rows),
                    timeout=WAIT)


def ask(db: Database, ctx, case: str) -> int:
    return perform(db, ctx, search_requests.request_other_use, case,
                   "Travel pattern of a fraud suspect's car for a warrant affidavit").id


@pytest.fixture
def inbox(qtbot, console_session, db: Database, officer, enrol) -> OtherUseRequestsWidget:
    widget = OtherUseRequestsWidget(console_session(enrol("7101", "supervisor")))
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.mark.policy("D.1")
def test_the_reviewers_choice_survives_a_reload(qtbot, db: Database, officer,
                                               inbox) -> None:
    first, second = ask(db, officer, "26-7001"), ask(db, officer, "26-7002")
    qtbot.waitUntil(lambda: inbox.pending.rowCount() == 2, timeout=WAIT)
    inbox.pending_table.selectRow(1)
    assert inbox.selected_pending().id == second
    third = ask(db, officer, "26-7003")  # someone else's change reloads it mid-review
    qtbot.waitUntil(lambda: inbox.pending.rowCount() == 3, timeout=WAIT)
    chosen = inbox.selected_pending()
    assert chosen is not None and chosen.id == second
    inbox.note.setText("Reviewed with the case detective")
    inbox.deny_button.click()
    # The list follows the decision's change event; the message its answer: either first.
    qtbot.waitUntil(lambda: inbox.pending.rowCount() == 2
                    and f"Request #{second} of 6301 denied" in inbox.message.text(),
                    timeout=WAIT)
    assert {v.id for v in inbox.pending.rows} == {first, third}


@pytest.fixture
def pending_queries(db: Database) -> Iterator[list[str]]:
    """The pending-requests queries the screens run on the reader threads."""
    seen: list[str] = []

    def note(_conn, _cursor, statement: str, *_rest) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread().name.startswith("rtic-read") and \
                "search_requests.status =" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def test_a_decision_reloads_the_inbox_once(qtbot, db: Database, officer,
                                           pending_queries: list[str], inbox) -> None:
    """The committed change on the bus costs the screen one query, for that request."""
    qtbot.waitUntil(lambda: len(pending_queries) == 1, timeout=WAIT)  # the first load
    ask(db, officer, "26-7001")
    qtbot.waitUntil(lambda: inbox.pending.rowCount() == 1, timeout=WAIT)
    inbox.pending_table.selectRow(0)
    inbox.note.setText("Reviewed with the case detective")
    inbox.approve_button.click()
    qtbot.waitUntil(lambda: inbox.pending.rowCount() == 0, timeout=WAIT)
    qtbot.wait(300)
    assert len(pending_queries) == 3, "one query for the request, one for the decision"


def test_a_selected_result_shows_the_read_its_place_and_no_video_for_an_officer(
        qtbot, screen: SearchWidget, db: Database) -> None:
    choose(screen, SearchPurpose.STOLEN_VEHICLE_OR_PLATE)
    screen.form.plate.setText("7ABC123")
    run(qtbot, screen)
    screen.table.selectRow(0)
    qtbot.waitUntil(lambda: screen.detail.isVisible() and screen.detail.detail is not None,
                    timeout=WAIT)
    assert screen.detail.panel.plate.text() == "7ABC123"
    assert screen.detail.panel.fields["reader"].text().startswith("ALPR-MT-01")
    assert [e.object_id for e in audited(db, "detection.view")] == \
        [str(screen.detail.detail.id)]
    with qtbot.waitSignal(screen.map_requested, timeout=WAIT) as signal:
        screen.detail.map_button.click()
    assert signal.args == [PLACES["midtown"][0], PLACES["midtown"][1]]
    assert not screen.detail.play_button.isEnabled()
    assert "do not view camera video" in screen.detail.nearby_note.text()


# The Search area's size in the user guide's 1440 × 900 window.
GUIDE_AREA = (1250, 830)


def _fits(detail: result_detail.SearchResultDetail, *widgets) -> bool:
    """Each widget shown whole in the pane, without scrolling it."""
    viewport = detail.viewport()
    return all(w.isVisible() and viewport.rect().contains(
        w.geometry().translated(w.parentWidget().mapTo(viewport, w.parentWidget().rect()
                                                        .topLeft()))) for w in widgets)


def test_an_empty_video_list_says_why_in_words_within_the_pane(
        qtbot, screen: SearchWidget, tmp_path: Path) -> None:
    """The guide's picture showed a blank list box cut at the pane's foot, its reason below
    the fold: with nothing to list there is no box, only the reason, in view."""
    screen.resize(*GUIDE_AREA)
    choose(screen, SearchPurpose.STOLEN_VEHICLE_OR_PLATE)
    screen.form.plate.setText("7ABC123")
    run(qtbot, screen)
    screen.table.selectRow(0)
    detail = screen.detail
    qtbot.waitUntil(lambda: "do not view" in detail.nearby_note.text(), timeout=WAIT)
    assert not detail.nearby.isVisible() and not detail.play_button.isVisible()
    # The note's new text is laid out on a later pass of the loop: waited for, not assumed.
    qtbot.waitUntil(lambda: _fits(detail, detail.nearby_title, detail.nearby_note)
                    and detail.verticalScrollBar().maximum() == 0, timeout=WAIT)
    screen.grab().save(str(tmp_path / "search-result-officer.png"))


def test_recorded_video_near_a_result_opens_in_playback_for_evidence_collection(
        qtbot, console_session, db: Database, admin, enrol, tmp_path: Path) -> None:
    seed_reads(db)
    camera = add_camera(db, admin, "CAM-MT-01", recording_enabled=True,
                        latitude=PLACES["midtown"][0], longitude=PLACES["midtown"][1])
    with db.write() as session:
        recordings.index_segment(session, write_segment(tmp_path, camera.id,
                                                        NOW - timedelta(minutes=1), 5))
    supervisor = enrol("6302", "supervisor")
    widget = SearchWidget(console_session(supervisor))
    qtbot.addWidget(widget)
    widget.resize(1500, 800)
    widget.show()
    choose(widget, SearchPurpose.WANTED_OR_MISSING, "26-0777")
    widget.form.plate.setText("7ABC123")
    run(qtbot, widget)
    widget.table.selectRow(0)
    qtbot.waitUntil(lambda: widget.detail.play_button.isEnabled(), timeout=WAIT)
    assert widget.detail.nearby.item(0).text().startswith("CAM-MT-01")
    widget.resize(*GUIDE_AREA)
    detail = widget.detail
    qtbot.wait(300)
    widget.grab().save(str(tmp_path / "search-result-supervisor.png"))
    qtbot.waitUntil(lambda: _fits(detail, detail.nearby, detail.nearby_note,
                                  detail.play_button), timeout=WAIT)
    assert "26-0777" in widget.detail.nearby_note.text()
    widget.detail.play_button.click()
    dialog = widget.detail.findChild(PlaybackDialog)
    assert dialog is not None and dialog.purpose.currentData() == "evidence_collection"
    assert dialog.reference.text() == "26-0777"
    dialog.close()


def test_an_earlier_reads_recordings_do_not_land_on_a_read_without_a_place(
        qtbot, console_session, db: Database, admin, enrol, tmp_path: Path) -> None:
    """The recordings near the read first chosen are still being looked up when the next
    read, one with no place, is shown: they must not appear as that read's, playable."""
    seed_reads(db)
    with db.write() as session:
        ingest_reads(session, [PlateRead(
            source="csv", source_id="nowhere", plate="7ABC123", plate_raw="7ABC123",
            state="CA", confidence=0.9, captured_at=NOW - timedelta(minutes=2),
            device_ref="ALPR-NOWHERE", latitude=None, longitude=None)], MatchingEngine(),
            NOW, "test")
    camera = add_camera(db, admin, "CAM-MT-01", recording_enabled=True,
                        latitude=PLACES["midtown"][0], longitude=PLACES["midtown"][1])
    with db.write() as session:
        recordings.index_segment(session, write_segment(tmp_path, camera.id,
                                                        NOW - timedelta(minutes=1), 5))
    widget = SearchWidget(console_session(enrol("6302", "supervisor")))
    qtbot.addWidget(widget)
    widget.show()
    choose(widget, SearchPurpose.WANTED_OR_MISSING, "26-0777")
    widget.form.plate.setText("7ABC123")
    found = {r["id"]: r for r in run(qtbot, widget)}
    placed, unplaced = (next(i for i, r in found.items() if (r["lat"] is None) is no_place)
                        for no_place in (False, True))
    runner = widget._session.runner
    gate = threading.Event()
    for _ in range(2):  # both reader threads busy: the look-up for recordings waits
        runner.read(lambda: gate.wait(10), lambda _r: None, lambda _e: None)

    def select(detection_id: int) -> None:
        source = widget.model.index(next(i for i in range(widget.model.rowCount())
                                         if widget.model.row_at(i).detection_id
                                         == detection_id), 0)
        widget.table.selectRow(widget.proxy.mapFromSource(source).row())

    select(placed)
    qtbot.waitUntil(lambda: widget.detail.detail is not None
                    and widget.detail.detail.id == placed
                    and widget.detail.nearby_note.text() == "Looking for recordings…",
                    timeout=WAIT)
    select(unplaced)
    qtbot.waitUntil(lambda: widget.detail.detail.id == unplaced, timeout=WAIT)
    assert "no place" in widget.detail.nearby_note.text()
    gate.set()
    qtbot.waitUntil(lambda: not runner._jobs, timeout=WAIT)  # every answer delivered
    assert widget.detail.nearby.count() == 0 and not widget.detail.play_button.isEnabled()
    assert "no place" in widget.detail.nearby_note.text()


def test_arrowing_through_results_opens_and_audits_only_the_read_stopped_on(
        qtbot, screen: SearchWidget, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(result_detail, "OPEN_AFTER_MS", 1500)  # generous on a loaded machine
    choose(screen, SearchPurpose.STOLEN_VEHICLE_OR_PLATE)
    screen.form.plate.setText("7ab*")
    run(qtbot, screen)
    screen.table.selectRow(0)
    qtbot.wait(400)  # arrowing on: a person's pace, not a stop
    screen.table.selectRow(1)
    qtbot.waitUntil(lambda: screen.detail.detail is not None, timeout=WAIT)
    second = screen.model.row_at(screen.proxy.mapToSource(screen.proxy.index(1, 0)).row())
    assert screen.detail.detail.id == second.detection_id
    assert [e.object_id for e in audited(db, "detection.view")] == [str(second.detection_id)]


def test_after_a_search_the_arrow_keys_go_through_its_results(qtbot, screen: SearchWidget,
                                                              db: Database, tmp_path: Path) -> None:
    """Focus was left wherever Qt put it when Run was disabled: with results it goes to the
    table (the Down key then takes the first read), with none back to the criteria."""
    screen.activateWindow()
    qtbot.waitActive(screen)
    choose(screen, SearchPurpose.STOLEN_VEHICLE_OR_PLATE)
    screen.form.plate.setText("7ab*")
    screen.form.plate.setFocus()
    run(qtbot, screen)
    assert screen.table.hasFocus()
    assert not screen.table.currentIndex().isValid(), "no read opened (and logged) unasked"
    screen.form.plate.setFocus()
    screen.table.setFocus(Qt.FocusReason.TabFocusReason)  # Tab, or Alt-Tab, back to it
    qtbot.wait(200)
    assert not screen.table.currentIndex().isValid(), "focus alone opens no read"
    assert audited(db, "detection.view") == []
    qtbot.keyClick(screen.table, Qt.Key.Key_Down)
    assert [i.row() for i in screen.table.selectionModel().selectedRows()] == [0]
    qtbot.waitUntil(lambda: screen.detail.detail is not None, timeout=WAIT)
    first = screen.model.row_at(screen.proxy.mapToSource(screen.proxy.index(0, 0)).row())
    assert [e.object_id for e in audited(db, "detection.view")] == [str(first.detection_id)]
    screen.grab().save(str(tmp_path / "search_focus_on_results.png"))

    screen.form.plate.setText("9ZZ*")
    screen.form.plate.setFocus()
    assert run(qtbot, screen) == []
    assert screen.form.plate.hasFocus(), "no reads: the criteria are what to change"
    screen.purpose.case.clear()  # refused: the case is what to give
    screen.run_button.setFocus()
    run(qtbot, screen)
    assert screen.run_button.hasFocus()
