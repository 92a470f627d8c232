"""A dispatcher works hits on the keyboard alone: every key goes to the focused widget, as a
person's would; no slot is called and nothing is clicked (issue 16, item 5 and defect 1)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget

from rtic_console.domain.checklist import HitStatus, Step, StepInput
from rtic_console.services import hits as hit_service
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.store.pg_listener import PgListener
from rtic_console.ui.hits.checklist_panel import CHOOSE
from rtic_console.ui.hits.hit_keys import FIELD_KEYS, HIT_KEYS, shown
from rtic_console.ui.hits.hit_queue_widget import HitQueueWidget
from tests.ui import test_hit_queue as queue_tests
from tests.ui.late_answers import late

engine = queue_tests.engine  # a stolen vehicle plate listed; the matching engine loaded


@pytest.fixture
def changes_heard(db: Database) -> Iterator[None]:
    """On PostgreSQL a commit is announced by NOTIFY: the console listens, as app.py does."""
    if not db.is_postgres:
        yield
        return
    listener = PgListener(db, db.bus)
    listener.start()
    try:
        assert listener.connected.wait(5)
        yield
    finally:
        listener.stop()


Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(key: Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def opened(qtbot, session) -> HitQueueWidget:  # type: ignore[no-untyped-def]
    """The area as the main window opens it: shown, in front, focus in it."""
    widget = HitQueueWidget(session)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)  # short enough that the checklist scrolls
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=3000)
    widget.setFocus()
    qtbot.waitUntil(lambda: widget.summary.text().startswith("0 open"), timeout=5000)
    return widget


def open_new_hit(qtbot, widget: HitQueueWidget, db: Database, engine,  # type: ignore[no-untyped-def]
                 plate: str, key: str) -> int:
    """A hit ingested and opened from the keyboard (Ctrl+Down), its claim offered."""
    hit_id = queue_tests._ingest(db, engine, plate, key)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=3000)
    press(Key.Key_Down, CTRL)
    qtbot.waitUntil(lambda: shows(widget, hit_id) and widget.checklist.claim_button.isVisible(),
                    timeout=5000)
    return hit_id


def shows(widget: HitQueueWidget, hit_id: int) -> bool:
    """The hit is selected and its checklist is on screen."""
    return widget.selected_id == hit_id and widget.checklist.isEnabled()


def visible_in_scroll(widget: QWidget, area: HitQueueWidget) -> bool:
    """The widget's whole height lies within the scrolled pane's viewport."""
    viewport = area.checklist.parentWidget().parentWidget()
    top = widget.mapTo(viewport, widget.rect().topLeft()).y()
    return top >= 0 and top + widget.height() <= viewport.height()


@pytest.mark.policy("D.6.a")
@pytest.mark.policy("D.3.e")
@pytest.mark.usefixtures("changes_heard")
def test_a_hit_from_arrival_to_confirmation_by_keys_alone(
        qtbot, console_session, db: Database, engine, enrol, tmp_path: Path) -> None:
    widget = opened(qtbot, console_session(enrol("5201", "dispatcher")))
    panel = widget.checklist
    assert focused() is widget.table
    hit_id = queue_tests._ingest(db, engine, "7KQM482", "k1")  # the read heads 95°: east
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=3000)

    press(Key.Key_Down, CTRL)  # the next hit: the most urgent, none being selected
    qtbot.waitUntil(lambda: panel.claim_button.isVisible() and panel.isEnabled(), timeout=5000)
    assert widget.selected_id == hit_id and focused() is widget.table
    press(Key.Key_Tab)  # Tab leaves the list, on to the panel, and selects nothing
    assert focused() is panel.claim_button and widget.selected_id == hit_id
    press(Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is widget.table
    press(Key.Key_F2)  # claim
    qtbot.waitUntil(lambda: focused() is panel.cad, timeout=5000)

    type_text("26-118812")
    press(Key.Key_Return)  # on to the incident's type code
    assert focused() is panel.incident_type
    type_text("10851")
    press(Key.Key_Return)  # step 1
    qtbot.waitUntil(lambda: focused() is panel.clets, timeout=5000)
    assert panel.step_done[Step.CALL_FOR_SERVICE].text().startswith("✓")
    assert visible_in_scroll(panel.clets, widget), "the next step is scrolled into view"

    type_text("SVS: STOLEN VEHICLE")
    press(Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # a new line, not a record
    type_text("CASE 26-011842")
    assert panel.clets.toPlainText() == "SVS: STOLEN VEHICLE\nCASE 26-011842"
    press(Key.Key_Tab)  # Tab leaves the CLETS box instead of typing a tab
    assert focused() is panel.ncic and "\t" not in panel.clets.toPlainText()
    type_text("NCIC: V264118820 ACTIVE")
    press(Key.Key_Tab)
    assert focused() is panel.attach_button
    results = tmp_path / "clets-26-118812.txt"
    results.write_text("SVS V264118820 STOLEN VEHICLE\n")

    def choose_file() -> None:  # the file dialog, on keys too
        dialog = QApplication.activeModalWidget()
        assert dialog is not None, "F3 opened no dialog"
        type_text(str(results))
        press(Key.Key_Return)

    QTimer.singleShot(300, choose_file)
    press(Key.Key_F3)  # attach the results file
    qtbot.waitUntil(lambda: panel.attach_button.text().startswith("Attached: clets-"),
                    timeout=5000)
    # The console's window is in front again once the dialog is gone (asynchronous here).
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=3000)
    press(Key.Key_Tab)
    assert focused() is panel.outcome and panel.outcome.currentData() is None
    press(Key.Key_Down)  # "Still wanted"
    assert panel.outcome.currentData() == "still_wanted"
    press(Key.Key_Return)  # step 2
    qtbot.waitUntil(lambda: focused() is panel.vehicle, timeout=5000)

    type_text("silver Honda Accord")
    press(Key.Key_Tab)
    assert focused() is panel.direction and panel.direction.currentData() == "E", \
        "the direction offered is the one the reader saw"
    press(Key.Key_Return)  # step 3
    qtbot.waitUntil(lambda: focused() is panel.channel, timeout=5000)
    assert visible_in_scroll(panel.channel, widget)

    type_text("Central 1")
    assert panel.broadcast.now.isChecked() and not panel.broadcast.at.isVisible()
    press(Key.Key_Return)  # step 4: broadcast when recorded
    qtbot.waitUntil(lambda: focused() is panel.confirm_button, timeout=5000)
    assert visible_in_scroll(panel.confirm_button, widget)

    press(Key.Key_Return)  # confirm
    qtbot.waitUntil(lambda: focused() is panel.recovery_cfs, timeout=5000)
    assert "confirmed" in widget.message.text()
    type_text("26-118990")
    press(Key.Key_Return)  # D.3.e: the recovery call for service
    qtbot.waitUntil(lambda: widget.selected_id is None, timeout=5000)
    assert focused() is widget.table, "nothing left on this hit: back to the queue"

    detail = perform(db, widget._session.ctx, hit_service.hit_detail, hit_id)
    assert detail.hit.status is HitStatus.CONFIRMED and detail.hit.recovery_cfs == "26-118990"
    steps = {s.step: s for s in detail.steps}
    assert steps[Step.RECORD_CHECKS].attachment_name == results.name
    assert steps[Step.VEHICLE_AND_DIRECTION].data == {
        "vehicle_description": "silver Honda Accord", "direction": "E"}
    broadcast = steps[Step.BROADCAST]
    assert datetime.fromisoformat(str(broadcast.data["broadcast_at"])) == broadcast.done_at


@pytest.mark.policy("D.6.a")
@pytest.mark.usefixtures("changes_heard")
def test_a_hit_closed_with_a_reason_by_keys(qtbot, console_session, db: Database, engine,
                                            enrol) -> None:
    widget = opened(qtbot, console_session(enrol("5201", "dispatcher")))
    panel = widget.checklist
    first = queue_tests._ingest(db, engine, "7KQM482", "k2")
    second = queue_tests._ingest(db, engine, "7KQM4B2", "k3")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=3000)
    press(Key.Key_Down, CTRL)
    press(Key.Key_Down, CTRL)
    qtbot.waitUntil(lambda: shows(widget, second), timeout=5000)
    press(Key.Key_Up, CTRL)
    qtbot.waitUntil(lambda: shows(widget, first), timeout=5000)
    press(Key.Key_Down)  # the arrows in the queue move too
    qtbot.waitUntil(lambda: shows(widget, second), timeout=5000)
    press(Key.Key_F2)
    qtbot.waitUntil(lambda: focused() is panel.cad, timeout=5000)
    press(Key.Key_F8)  # close it instead
    assert focused() is panel.closing and panel.closing.currentData() is None
    press(Key.Key_Down)
    assert panel.closing.currentData() == HitStatus.MISREAD
    press(Key.Key_Return)  # on to the reason
    assert focused() is panel.close_reason
    type_text("nah")
    press(Key.Key_Return)
    qtbot.waitUntil(lambda: "does not say what was found" in panel.message.text(), timeout=5000)
    assert focused() is panel.close_reason, "a refusal leaves focus where it is to fix it"
    type_text(": photo shows 7KQM4B2, the B is not an 8")
    press(Key.Key_Return)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    # The hit in its place is shown, fresh, and the focus is back in the list.
    qtbot.waitUntil(lambda: shows(widget, first) and panel.claim_button.isVisible(),
                    timeout=5000)
    assert focused() is widget.table
    assert not panel.close_reason.text() and panel.closing.currentData() is None
    closed = perform(db, widget._session.ctx, hit_service.hit_detail, second)
    assert closed.hit.status is HitStatus.MISREAD


@pytest.mark.usefixtures("changes_heard")
def test_the_checklist_chooses_nothing_and_resets_fully(qtbot, console_session, db: Database,
                                                       engine, enrol, tmp_path: Path) -> None:
    """Defect 1: no direction nobody chose, none carried over from the hit before, no
    broadcast time filled in ahead, and no stale ticks on an emptied panel."""
    widget = opened(qtbot, console_session(enrol("5201", "dispatcher")))
    panel = widget.checklist
    heading = queue_tests._ingest(db, engine, "7KQM482", "k4")  # heads 95°
    with db.write() as session:
        read = replace(queue_tests._read("7KQM482", "k5"), direction_deg=None)
        unknown = ingest_reads(session, [read], engine, datetime.now(UTC), "test").hit_ids[0]
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=3000)
    press(Key.Key_Down, CTRL)
    qtbot.waitUntil(lambda: shows(widget, heading), timeout=5000)
    assert panel.direction.currentData() == "E"
    press(Key.Key_F2)
    qtbot.waitUntil(lambda: focused() is panel.cad, timeout=5000)
    type_text("26-118812")
    press(Key.Key_Return)
    type_text("10851")
    press(Key.Key_Return)
    qtbot.waitUntil(lambda: panel.step_done[Step.CALL_FOR_SERVICE].text() != "", timeout=5000)

    press(Key.Key_Down, CTRL)  # the next hit, whose read says no direction
    qtbot.waitUntil(lambda: shows(widget, unknown), timeout=5000)
    assert panel.direction.currentText() == CHOOSE and panel.direction.currentData() is None
    assert not panel.cad.text() and not panel.incident_type.text()
    assert not panel.step_done[Step.CALL_FOR_SERVICE].text()
    assert panel.broadcast.now.isChecked() and panel.broadcast.value() is None
    assert panel.closing.currentData() is None and panel.outcome.currentData() is None

    press(Key.Key_F2)
    qtbot.waitUntil(lambda: focused() is panel.cad, timeout=5000)
    type_text("26-118813")
    press(Key.Key_Return)
    type_text("459")
    press(Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is panel.clets, timeout=5000)
    type_text("SVS: STOLEN")
    press(Key.Key_Tab)
    type_text("NIC ACTIVE")
    press(Key.Key_Tab)
    press(Key.Key_Tab)
    press(Key.Key_Down)
    press(Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is panel.vehicle, timeout=5000)
    type_text("blue Toyota Camry")
    press(Key.Key_Return)  # no direction chosen: refused, nothing recorded
    qtbot.waitUntil(lambda: "Direction of travel is required" in panel.message.text(),
                    timeout=5000)
    assert not panel.step_done[Step.VEHICLE_AND_DIRECTION].text()
    press(Key.Key_Tab)
    press(Key.Key_End)  # "unknown", chosen
    press(Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is panel.channel, timeout=5000)
    # An entered broadcast time starts at the moment it is entered, never before step 3.
    step_3 = perform(db, widget._session.ctx, hit_service.hit_detail, unknown).steps[2]
    assert step_3.data["direction"] == "unknown"
    press(Key.Key_Tab)
    press(Key.Key_Space)
    assert focused() is panel.broadcast.at and panel.broadcast.at.isVisible()
    earliest = panel.broadcast.at.minimumDateTime().toPython().astimezone()
    assert earliest == step_3.done_at.replace(microsecond=0)
    assert panel.broadcast.value() >= earliest
    panel.grab().save(str(tmp_path / "checklist_broadcast_time.png"))

    press(Key.Key_Escape)  # back to the queue; the hits leave it: the panel empties
    assert focused() is widget.table
    for hit_id in (heading, unknown):  # closed on another console
        perform(db, widget._session.ctx, hit_service.close_hit, hit_id, HitStatus.DUPLICATE,
                "same vehicle as another hit, same minute")
    qtbot.waitUntil(lambda: widget.selected_id is None, timeout=5000)
    assert not panel.isEnabled()
    assert all(not done.text() for done in panel.step_done.values()), "no stale ticks"
    assert not panel.cad.text() and not panel.vehicle.text() and not panel.clets.toPlainText()
    assert panel.direction.currentData() is None


@pytest.mark.usefixtures("changes_heard")
def test_the_help_overlay_lists_every_shortcut_and_keys_stay_in_their_area(
        qtbot, console_session, db: Database, engine, enrol, tmp_path: Path) -> None:
    container = QWidget()
    qtbot.addWidget(container)
    elsewhere = QLineEdit()
    widget = HitQueueWidget(console_session(enrol("5201", "dispatcher")))
    layout = QVBoxLayout(container)
    layout.addWidget(elsewhere)
    layout.addWidget(widget)
    container.resize(1400, 800)
    container.show()
    container.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is container, timeout=3000)
    hit_id = queue_tests._ingest(db, engine, "7KQM482", "k6")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=3000)
    elsewhere.setFocus()
    press(Key.Key_Down, CTRL)
    press(Key.Key_F1)
    assert widget.selected_id is None and not widget.keys.help.isVisible(), \
        "the hit queue's keys do nothing on another screen"

    widget.setFocus()
    press(Key.Key_Down, CTRL)
    qtbot.waitUntil(lambda: shows(widget, hit_id), timeout=5000)
    press(Key.Key_F1)
    overlay = widget.keys.help
    assert overlay.isVisible() and focused() is overlay
    overlay.grab().save(str(tmp_path / "hit_queue_help.png"))
    texts = {label.text() for label in overlay.findChildren(QLabel)}
    for key in HIT_KEYS.values():
        assert key.does in texts
    for keys, does in FIELD_KEYS:
        assert keys in texts and does in texts
    press(Key.Key_F2)  # any key closes the help, and does nothing else
    assert not overlay.isVisible() and focused() is widget.table
    assert widget.checklist.claim_button.isVisible(), "F2 did not claim behind the help"
    QTest.keyClicks(focused(), "?")
    assert overlay.isVisible()
    press(Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)  # "?" as Shift+/ gives it
    assert not overlay.isVisible()
    press(Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert overlay.isVisible()
    press(Key.Key_Escape)
    assert not overlay.isVisible() and focused() is widget.table


def test_the_user_guide_lists_every_shortcut() -> None:
    guide = (Path(__file__).parents[2] / "USER_GUIDE.md").read_text(encoding="utf-8")
    chapter = guide[guide.index("## Dispatchers: the hit queue"):]
    chapter = chapter[:chapter.index("\n## ", 1)]
    for key in HIT_KEYS.values():
        for k in key.keys:
            assert f"**{k}**" in chapter or f"`{k}`" in chapter, f"{shown(key)} not listed"


@pytest.mark.usefixtures("changes_heard")
def test_f8_and_f9_say_why_when_their_button_is_not_open(qtbot, console_session,
                                                         db: Database, engine, enrol) -> None:
    widget = opened(qtbot, console_session(enrol("5201", "dispatcher")))
    panel = widget.checklist
    open_new_hit(qtbot, widget, db, engine, "7KQM482", "k9")
    press(Key.Key_F8)  # not claimed yet: nothing to close, and the line says so
    assert "Claim this hit first (F2)" in panel.message.text()
    assert focused() is widget.table, "the key did not move the focus"
    panel.message.clear_message()
    press(Key.Key_F9)
    assert "Claim this hit first (F2)" in panel.message.text()
    press(Key.Key_F2)
    qtbot.waitUntil(lambda: focused() is panel.cad, timeout=5000)
    press(Key.Key_F9)  # claimed, no step recorded: confirm is not open yet
    assert ("cannot be confirmed before all four steps are done; missing step 1, 2, 3, 4 "
            "(D.6.a)") in panel.message.text()
    assert focused() is panel.cad
    press(Key.Key_F8)  # now it is: the closing choice takes the focus
    assert focused() is panel.closing



@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_focus_moves_on_when_the_change_is_shown_before_the_answer(
        qtbot, console_session, db: Database, engine, enrol) -> None:
    """The change event of the dispatcher's own claim can show it before the write's answer
    arrives; the answer then changes nothing on screen, and the focus still moves on (seen
    as F2 leaving the focus in the queue). Once the dispatcher has moved on, a late answer
    leaves the focus where they put it."""
    widget = opened(qtbot, late(console_session, enrol("5201", "dispatcher")))
    panel = widget.checklist
    hit_id = open_new_hit(qtbot, widget, db, engine, "7KQM482", "k10")
    press(Key.Key_F2)
    qtbot.waitUntil(lambda: panel.status.text().startswith("Claimed by you"), timeout=5000)
    assert panel.writing == hit_id, "shown from the change event; the answer is to come"
    qtbot.waitUntil(lambda: focused() is panel.cad, timeout=5000)

    type_text("26-118812")
    press(Key.Key_Return)
    type_text("10851")
    press(Key.Key_Return)  # step 1: its change event moves the focus on
    qtbot.waitUntil(lambda: focused() is panel.clets, timeout=5000)
    assert panel.writing == hit_id
    press(Key.Key_Tab)
    assert focused() is panel.ncic
    qtbot.waitUntil(lambda: panel.writing is None, timeout=5000)  # the answer
    assert focused() is panel.ncic, "a late answer does not take the focus back"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_confirmation_sent_before_the_last_step_is_answered_keeps_its_recovery_call(
        qtbot, console_session, db: Database, engine, enrol) -> None:
    """D.3.e on a slow workstation: the dispatcher confirms as soon as step 4 shows, before
    its answer. That older answer must neither end the confirmation's wait (the confirmed
    hit would leave the panel without its recovery call) nor put the hit back in the queue."""
    me = enrol("5201", "dispatcher")
    widget = opened(qtbot, late(console_session, me))
    panel = widget.checklist
    hit_id = queue_tests._ingest(db, engine, "7KQM482", "k11")
    perform(db, me, hit_service.claim_hit, hit_id)
    for item in (StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118812",
                                                   "incident_type": "10851"}),
                 StepInput(Step.RECORD_CHECKS, {"clets_result": "SVS: STOLEN",
                                                "ncic_result": "NCIC: ACTIVE",
                                                "outcome": "still_wanted"}),
                 StepInput(Step.VEHICLE_AND_DIRECTION, {"vehicle_description": "silver Honda",
                                                        "direction": "E"})):
        perform(db, me, hit_service.record_step, hit_id, item)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1
                    and len(widget.model.row_at(0).steps_done) == 3, timeout=3000)
    press(Key.Key_Down, CTRL)
    qtbot.waitUntil(lambda: shows(widget, hit_id) and panel.channel.isEnabled(), timeout=5000)
    panel.channel.setFocus()
    type_text("Central 1")
    press(Key.Key_Return)  # step 4: its change event moves the focus to Confirm
    qtbot.waitUntil(lambda: focused() is panel.confirm_button, timeout=5000)
    assert panel.writing == hit_id, "step 4 is not answered yet"
    press(Key.Key_Return)  # confirm
    rows: list[int] = []
    widget.model.rowsInserted.connect(lambda *_a: rows.append(widget.model.rowCount()))
    qtbot.waitUntil(lambda: focused() is panel.recovery_cfs, timeout=5000)
    assert widget.selected_id == hit_id and panel.recovery_box.isVisible()
    assert "confirmed" in widget.message.text()
    assert widget.model.rowCount() == 0 and rows == [], "the confirmed hit never came back"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_late_answer_does_not_bring_back_a_hit_closed_since(
        qtbot, console_session, db: Database, engine, enrol) -> None:
    """Step 1 is recorded here and the hit closed on another console before the step's
    answer arrives: the answer (the hit still open) is older than the close shown."""
    me = enrol("5201", "dispatcher")
    widget = opened(qtbot, late(console_session, me))
    panel = widget.checklist
    hit_id = queue_tests._ingest(db, engine, "7KQM482", "k12")
    perform(db, me, hit_service.claim_hit, hit_id)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1
                    and widget.model.row_at(0).claimed_by == "5201", timeout=3000)
    press(Key.Key_Down, CTRL)
    qtbot.waitUntil(lambda: shows(widget, hit_id) and panel.cad.isEnabled(), timeout=5000)
    panel.cad.setFocus()
    type_text("26-118812")
    press(Key.Key_Return)
    type_text("10851")
    press(Key.Key_Return)  # step 1
    qtbot.waitUntil(lambda: panel.step_done[Step.CALL_FOR_SERVICE].text() != "",
                    timeout=5000)
    assert panel.writing == hit_id, "step 1 is not answered yet"
    perform(db, me, hit_service.close_hit, hit_id, HitStatus.DUPLICATE,
            "same vehicle as another hit, same minute")  # on another console
    qtbot.waitUntil(lambda: widget.model.rowCount() == 0, timeout=5000)
    qtbot.waitUntil(lambda: panel.writing is None, timeout=5000)  # the late answer
    assert widget.model.rowCount() == 0, "the closed hit stays out of the queue"
    assert widget.selected_id is None and not panel.isEnabled()
