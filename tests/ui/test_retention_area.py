"""The Retention area: settings, the oldest data, the last purge, and holds placed, filtered
by case and released from the screen (C.1, F.5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtic_console.domain.recording_caps import CapLevel, CapScope
from rtic_console.domain.retention import RetentionKind
from rtic_console.services.retention_purge import run_purge
from rtic_console.store.database import Database
from rtic_console.ui.admin.hold_dialog import HoldDialog
from rtic_console.ui.admin.retention_widget import RetentionWidget
from tests.services.retention_support import add_read

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("C.1")
def test_settings_holds_and_purge_from_the_area(qtbot, console_session, db: Database, admin,
                                                enrol, tmp_path: Path) -> None:
    old = datetime.now(UTC) - timedelta(days=120)
    read_id, _ = add_read(db, "7ABC123", old, hit=True)
    run_purge(db, admin)
    session = console_session(admin)
    widget = RetentionWidget(session)
    qtbot.addWidget(widget)
    widget.resize(1100, 720)
    widget.show()
    qtbot.waitUntil(lambda: "Last purge: run #1" in widget.purge_label.text(), timeout=5000)
    assert widget.oldest[RetentionKind.DETECTIONS].text() == f"{old.astimezone():%Y-%m-%d %H:%M}"
    assert widget.days[RetentionKind.DETECTIONS].value() == 730

    widget.set_days(RetentionKind.DETECTIONS, 365)
    qtbot.waitUntil(lambda: "kept 365 days" in widget.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: widget.set_by[RetentionKind.DETECTIONS].text().startswith("1001"),
                    timeout=5000)

    dialog = HoldDialog(session, widget)
    qtbot.addWidget(dialog)
    dialog.case_number.setText("26-004512")
    dialog.reason.setText("robbery series")
    dialog.record_id.setValue(read_id)
    dialog._on_place_clicked()
    qtbot.waitUntil(lambda: dialog.placed is not None, timeout=5000)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    dialog2 = HoldDialog(session, widget)
    qtbot.addWidget(dialog2)
    dialog2.reason.setText("no case")
    dialog2.record_id.setValue(read_id)
    dialog2._on_place_clicked()
    qtbot.waitUntil(lambda: "case number" in dialog2.message.text(), timeout=5000)

    widget.case_filter.setText("99-")
    widget.refresh_holds()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 0, timeout=5000)
    widget.case_filter.setText("26-0045")
    widget.refresh_holds()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    widget.table.selectRow(0)
    assert widget.release_button.isEnabled()
    widget.grab().save(str(tmp_path / "retention_area.png"))
    widget.release(widget.model.row_at(0).id, "case closed")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 0, timeout=5000)
    widget._on_preview_clicked()
    qtbot.waitUntil(lambda: "A purge now would remove" in widget.message.text(), timeout=5000)

    supervisor = console_session(enrol("7001", "supervisor"))
    seen = RetentionWidget(supervisor)
    qtbot.addWidget(seen)
    assert not seen.place_button.isEnabled()
    assert not seen.set_buttons[RetentionKind.DETECTIONS].isEnabled()


def test_disk_caps_set_and_each_cameras_use_shown(qtbot, console_session, db: Database, admin,
                                                  enrol, tmp_path) -> None:
    from rtic_console.feeds.recording_supervisor import RecordingSupervisor
    from tests.services.pscn_support import add_camera
    from tests.services.test_recording_caps import MIB, segment

    camera = add_camera(db, admin, "CAM-CAP-21", recording_enabled=True)
    RecordingSupervisor(db, tmp_path).store_segment(segment(tmp_path, camera.id, 1, 950 * MIB))
    widget = RetentionWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.resize(1100, 900)
    widget.show()
    box = widget.caps
    qtbot.waitUntil(lambda: box.model.rowCount() == 1, timeout=5000)
    box.sizes[CapScope.CAMERA_DEFAULT].setText("1GiB")
    box.set_buttons[CapScope.CAMERA_DEFAULT].click()
    qtbot.waitUntil(lambda: "Cap saved" in widget.message.text(), timeout=5000)
    RecordingSupervisor(db, tmp_path).check_caps()
    box.refresh()
    qtbot.waitUntil(lambda: box.model.row_at(0).level is CapLevel.WARNING, timeout=5000)
    assert box.model.data(box.model.index(0, 3)) == "93%"
    assert "near its cap" in box.model.data(box.model.index(0, 4))
    assert box.sizes[CapScope.CAMERA_DEFAULT].text() == "1GiB"
    box.set_cap("store", "20 parsecs")
    qtbot.waitUntil(lambda: "not a size" in widget.message.text(), timeout=5000)

    it_staff = RetentionWidget(console_session(enrol("7401", "it_staff")))
    qtbot.addWidget(it_staff)
    assert not it_staff.caps.set_buttons[CapScope.STORE].isEnabled()
    qtbot.waitUntil(lambda: it_staff.caps.model.rowCount() == 1, timeout=5000)


def test_the_answer_to_a_setting_scrolls_into_view_on_a_short_screen(
        qtbot, console_session, admin, tmp_path: Path) -> None:
    """The settings sit at the top of the page and its message line at the foot: on a short
    window the answer to Save was set out of sight, and a trial saw nothing happen."""
    from PySide6.QtWidgets import QScrollArea

    page = QScrollArea()  # as the work areas' stack holds every area
    page.setWidgetResizable(True)
    widget = RetentionWidget(console_session(admin))
    page.setWidget(widget)
    qtbot.addWidget(page)
    page.resize(1100, 420)
    page.show()
    qtbot.waitExposed(page)
    page.verticalScrollBar().setValue(0)
    message = widget.message
    viewport = page.viewport()
    assert message.mapTo(viewport, message.rect().bottomLeft()).y() > viewport.height()

    widget.set_days(RetentionKind.DETECTIONS, 365)
    qtbot.waitUntil(lambda: "kept 365 days" in message.text(), timeout=5000)
    top = message.mapTo(viewport, message.rect().topLeft()).y()
    assert top >= 0 and top + message.height() <= viewport.height()
    page.grab().save(str(tmp_path / "retention_short_message.png"))
