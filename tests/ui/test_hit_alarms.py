"""A new hit reaches the operator: the count on the area and in the title, a desktop notice
when the console is not in front, the tone (D.5.a)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from rtic_console.domain.reads import PlateRead
from rtic_console.services import hits as hit_service
from rtic_console.services import hotlists
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.ui.desktop_notice import FLASH, TRAY, DesktopNotifier
from rtic_console.ui.hits.hit_alarm import notice_text
from rtic_console.ui.hits.hit_queue_widget import HitQueueWidget
from rtic_console.ui.hits.hit_sound import HitSound
from rtic_console.ui.main_window import MainWindow

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def engine(db: Database, enrol) -> MatchingEngine:
    officer = enrol("6301", "officer")
    for plate, case in (("7KQM482", "26-011842"), ("8FJD219", "26-011907")):
        perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
            plate=plate, state="CA", reason="stolen_vehicle", case_number=case, xref=None,
            ncic_system="SVS", ncic_record="V1"))
    eng = MatchingEngine()
    with db.read() as session:
        eng.load(session)
    return eng


def ingest(db: Database, engine: MatchingEngine, plate: str, sid: str) -> int:
    read = PlateRead(source="openalpr", source_id=sid, plate=plate, plate_raw=plate,
                     state="CA", confidence=0.9, captured_at=datetime.now(UTC) - timedelta(
                         seconds=3), device_ref="ALPR-FX-01", direction_deg=95.0)
    with db.write() as session:
        return ingest_reads(session, [read], engine, datetime.now(UTC), "test").hit_ids[0]


@SQLITE
@pytest.mark.policy("D.5.a")
def test_unclaimed_hits_count_on_the_area_and_in_the_title(
        qtbot, console_session, db: Database, engine: MatchingEngine, enrol) -> None:
    dispatcher = enrol("5201", "dispatcher")
    window = MainWindow(console_session(dispatcher))
    qtbot.addWidget(window)
    first = ingest(db, engine, "7KQM482", "r1")
    ingest(db, engine, "8FJD219", "r2")
    qtbot.waitUntil(lambda: window.nav.text_of("hits") == "Hit queue (2)", timeout=5000)
    assert window.windowTitle() == "(2) RTIC Console — 5201 Person 5201"
    perform(db, dispatcher, hit_service.claim_hit, first)  # claimed: no longer waiting
    qtbot.waitUntil(lambda: window.nav.text_of("hits") == "Hit queue (1)", timeout=5000)
    assert window.windowTitle().startswith("(1) RTIC Console")


@SQLITE
def test_a_notice_only_when_the_console_is_not_in_front(
        qtbot, console_session, db: Database, engine: MatchingEngine, enrol) -> None:
    widget = HitQueueWidget(console_session(enrol("5201", "dispatcher")))
    qtbot.addWidget(widget)
    notices: list[tuple[str, str]] = []
    widget.alarm.notice_due.connect(lambda title, text: notices.append((title, text)))
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=5000)
    qtbot.waitUntil(lambda: widget.summary.text().startswith("0 open"), timeout=5000)
    ingest(db, engine, "7KQM482", "r1")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    assert notices == []  # in front: the queue itself is the signal
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not widget.isActiveWindow(), timeout=5000)
    ingest(db, engine, "8FJD219", "r2")
    qtbot.waitUntil(lambda: len(notices) == 1, timeout=5000)
    title, text = notices[0]
    assert title == "New hit: 8FJD219"
    assert text == "8FJD219 · stolen vehicle · SPD hot plates · ALPR-FX-01"
    assert widget.alarm.last_channel in (TRAY, FLASH)


def test_notice_text_names_plate_list_and_camera_and_no_more() -> None:
    class Hit:
        def __init__(self, plate: str) -> None:
            self.best_plate, self.reason, self.list_name = plate, "stolen_plate", "NCIC"
            self.device_code, self.device_name = "CAM-7", "Broadway"

    title, text = notice_text([Hit(p) for p in ("A1", "B2", "C3", "D4", "E5")])  # type: ignore[misc]
    assert title == "5 new hits"
    assert text.splitlines() == ["A1 · stolen plate · NCIC · CAM-7", "B2 · stolen plate · NCIC · "
                                 "CAM-7", "C3 · stolen plate · NCIC · CAM-7", "and 2 more"]


def test_without_a_tray_the_notice_flashes_the_taskbar(qtbot) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    window = QWidget()
    qtbot.addWidget(window)
    how = DesktopNotifier(window).notify("New hit: 7KQM482", "7KQM482 · SVS · CAM-1")
    assert how == (TRAY if QSystemTrayIcon.isSystemTrayAvailable() else FLASH)


def test_the_tone_is_per_workstation_and_silenced_per_person(qtbot, tmp_path) -> None:
    settings = QSettings(str(tmp_path / "station.ini"), QSettings.Format.IniFormat)
    off = HitSound(False, "5201", settings)
    off.play()
    assert off.played == 0  # the workstation has no tone
    on = HitSound(True, "5201", settings)
    on.play()  # no audio device here: nothing fails
    assert on.played == 1
    on.set_silenced(True)
    on.play()
    assert on.played == 1 and HitSound(True, "5201", settings).silenced
    assert not HitSound(True, "5202", settings).silenced  # another person still hears it


@SQLITE
def test_recent_hits_show_dispositions_live_by_period(
        qtbot, console_session, db: Database, engine: MatchingEngine, enrol, tmp_path) -> None:
    from rtic_console.domain.checklist import HitStatus
    from rtic_console.ui.hits.recent_hits_widget import RecentHitsWidget

    dispatcher = enrol("5201", "dispatcher")
    closed = ingest(db, engine, "7KQM482", "r1")
    perform(db, dispatcher, hit_service.claim_hit, closed)
    perform(db, dispatcher, hit_service.close_hit, closed, HitStatus.MISREAD,
            "Plate photo shows 7KQM487, a different car")
    widget = RecentHitsWidget(console_session(dispatcher))
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    row = [widget.model.data(widget.model.index(0, c)) for c in range(11)]
    assert row[1] == "7KQM482" and row[7] == "Closed: misread" and row[8] == "5201"
    assert row[10] == "Plate photo shows 7KQM487, a different car" and row[9]
    ingest(db, engine, "8FJD219", "r2")  # arrives live, newest first
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=5000)
    assert widget.model.row_at(0).best_plate == "8FJD219"
    assert widget.summary.text() == "2 hits · 1 closed · 1 open"
    widget.period.setCurrentIndex(1)  # 7 days: the same two here
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=5000)


@SQLITE
@pytest.mark.policy("D.5.a")
def test_the_sergeant_sees_the_escalation_and_opens_the_hit(
        qtbot, console_session, db: Database, engine: MatchingEngine, enrol) -> None:
    from rtic_console.services.audit_anchor import SystemIdentity
    from rtic_console.services.hit_escalation import DEFAULT_RULE, escalate_waiting_hits

    sergeant = enrol("4102", "supervisor")
    window = MainWindow(console_session(sergeant))
    qtbot.addWidget(window)
    window.show()
    hit_id = ingest(db, engine, "7KQM482", "r1")
    with db.write() as session:
        escalate_waiting_hits(session, SystemIdentity("hit-escalation", "ingest-1"),
                              DEFAULT_RULE, datetime.now(UTC) + timedelta(minutes=6))
    banner = window.alert_banner
    qtbot.waitUntil(lambda: "Hit #" in banner.text.text() and banner.show_button.isVisible(),
                    timeout=5000)
    assert "unclaimed for 6 min" in banner.text.text()
    window.show_area("account")
    queue = window.areas["hits"]
    qtbot.waitUntil(lambda: queue.model.row_of(hit_id) is not None, timeout=5000)
    banner.show_button.click()
    assert window.current_area() is queue
    assert queue.selected_id == hit_id


@SQLITE
def test_a_sighting_shows_in_the_selected_hit_and_its_row(
        qtbot, console_session, db: Database, engine: MatchingEngine, enrol) -> None:
    engine.group_window = timedelta(minutes=5)
    widget = HitQueueWidget(console_session(enrol("5201", "dispatcher")))
    qtbot.addWidget(widget)
    hit_id = ingest(db, engine, "7KQM482", "r1")
    qtbot.waitUntil(lambda: widget.model.row_of(hit_id) is not None, timeout=5000)
    widget.select_hit(hit_id)
    sightings = widget.detail_panel.fields["sightings"]
    qtbot.waitUntil(lambda: sightings.text() == "—", timeout=5000)
    with db.write() as session:  # the same car again, read with a B for the 8
        read = PlateRead(source="openalpr", source_id="r2", plate="7KQM4B2",
                         plate_raw="7KQM4B2", state="CA", confidence=0.8,
                         captured_at=datetime.now(UTC), device_ref="ALPR-FX-02")
        assert ingest_reads(session, [read], engine, datetime.now(UTC), "test").hit_ids == ()
    qtbot.waitUntil(lambda: sightings.text().startswith("seen again 1×"), timeout=5000)
    assert "7KQM4B2 (≈1)" in sightings.text()
    status = widget.model.data(widget.model.index(widget.model.row_of(hit_id), 8))
    assert status == "New · seen 2×"
