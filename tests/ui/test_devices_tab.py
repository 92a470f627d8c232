"""The Devices tab: the fleet with state, versions, last seen and open reports, live from
another console; register, report (B.2) and clear with a note."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from rtic_console.domain.device_reports import ReportInput
from rtic_console.domain.devices import DeviceKind, ServiceState
from rtic_console.services.demo_seed import DEMO_DEVICES
from rtic_console.services.device_reports import report_device
from rtic_console.services.devices import DeviceInput, add_device
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.store.models import Device
from rtic_console.ui.admin.device_dialog import DeviceDialog
from rtic_console.ui.admin.device_report_dialog import DeviceReportDialog
from rtic_console.ui.admin.devices_widget import DevicesWidget
from rtic_console.ui.shift_check_dialog import ShiftCheckDialog
from tests.services.fleet_support import add_fleet

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _state(widget: DevicesWidget, code: str) -> ServiceState:
    return next(r.service_state for r in widget.model.rows if r.code == code)


@pytest.mark.policy("B.2")
def test_reports_show_live_and_an_administrator_clears_them(qtbot, console_session,
                                                            db: Database, admin, enrol) -> None:
    add_fleet(db, admin)
    widget = DevicesWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 4, timeout=5000)
    assert widget.model.cell(widget.model.row_at(widget.model.row_of_key(
        next(r.id for r in widget.model.rows if r.code == "ALPR-MB-1134"))), 5,
        0) == "3.9.0"
    officer = enrol("6301", "officer")
    perform(db, officer, report_device, "ALPR-MB-1134", ReportInput(
        "camera arm snapped", mdc_request="MDC-4411: right camera arm snapped"))
    qtbot.waitUntil(lambda: _state(widget, "ALPR-MB-1134") is ServiceState.DAMAGED,
                    timeout=5000)
    perform(db, admin, add_device, DeviceInput("ALPR-FX-08", "fixed_reader", "New reader"))
    qtbot.waitUntil(lambda: widget.model.rowCount() == 5, timeout=5000)
    widget.select_device(next(r.id for r in widget.model.rows if r.code == "ALPR-MB-1134"))
    qtbot.waitUntil(lambda: widget.reports.rowCount() == 1, timeout=5000)
    assert widget.clear_button.isEnabled()
    widget.clear("ALPR-MB-1134", "arm replaced at the fleet garage")
    qtbot.waitUntil(lambda: _state(widget, "ALPR-MB-1134") is ServiceState.IN_SERVICE,
                    timeout=5000)
    qtbot.waitUntil(lambda: widget.reports.row_at(0).cleared_at is not None, timeout=5000)


def test_it_staff_register_but_do_not_clear(qtbot, console_session, db: Database, admin,
                                            enrol) -> None:
    it = enrol("7401", "it_staff")
    widget = DevicesWidget(console_session(it))
    qtbot.addWidget(widget)
    dialog = DeviceDialog(widget._session, None, widget)
    qtbot.addWidget(dialog)
    dialog.code.setText("ALPR-TR-05")
    dialog.kind.setCurrentIndex(dialog.kind.findData("trailer"))
    dialog.name.setText("Trailer five")
    dialog.version.setText("2.1")
    dialog._on_save_clicked()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=5000)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=5000)
    widget.table.selectRow(0)
    assert widget.edit_button.isEnabled() and not widget.clear_button.isEnabled()
    report = DeviceReportDialog(widget._session, widget.selected(), widget)
    qtbot.addWidget(report)
    report.problem.setPlainText("tyre flat")
    report._on_send_clicked()
    qtbot.waitUntil(lambda: bool(report.message.text()), timeout=5000)
    assert "secured location" in report.message.text()
    report.trailer_secured.setChecked(True)
    report._on_send_clicked()
    qtbot.waitUntil(lambda: report.saved is not None, timeout=5000)
    qtbot.waitUntil(lambda: widget.model.row_at(0).open_reports == 1, timeout=5000)
    assert not widget.clear_button.isEnabled()


@pytest.mark.policy("D.3.d")
def test_an_officer_signs_the_start_of_shift_check(qtbot, console_session, db: Database,
                                                   admin, enrol) -> None:
    add_fleet(db, admin)
    officer = enrol("6301", "officer")
    dialog = ShiftCheckDialog(console_session(officer))
    qtbot.addWidget(dialog)
    dialog.unit.setText("1134")
    dialog.items["cameras_affixed"].setChecked(True)
    dialog.items["cdms_started"].setChecked(True)
    assert dialog.mdc_request.isEnabled()  # the lights are not all green
    dialog._on_sign_clicked()
    qtbot.waitUntil(lambda: "MDC repair" in dialog.message.text(), timeout=5000)
    dialog.mdc_request.setPlainText("MDC-3321: GPS lamp red after start-up")
    dialog._on_sign_clicked()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=5000)
    assert dialog.saved.failed and len(dialog.saved.report_ids) == 1


# The Devices area's width in the user guide's 1440 × 900 window (beside the side navigation).
GUIDE_AREA = (1240, 600)


def test_the_fleet_fits_the_guides_window_without_scrolling_sideways(
        qtbot, console_session, db: Database, admin) -> None:
    """The guide's picture of the demo fleet needed sideways scrolling to reach the Stream
    column: every column was fitted to its longest text. Name and Place now share the width
    the others leave; what they cut short is whole in the tooltip, and the other columns
    show all they hold."""
    now = datetime.now(UTC)
    with db.write() as session:
        for code, name, kind, category, area, address, lat, lon, unit in DEMO_DEVICES:
            camera = kind is DeviceKind.CAMERA
            session.add(Device(code=code, name=name, kind=kind.value, category=category.value,
                               area=area, address=address, latitude=lat, longitude=lon,
                               vehicle_unit=unit, version="11.8.64" if camera else "5.4.2",
                               expected_version="11.8.64" if camera else "5.4.2",
                               last_seen_at=now))
    widget = DevicesWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.resize(*GUIDE_AREA)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == len(DEMO_DEVICES), timeout=5000)
    table, proxy = widget.table, widget.proxy
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=2000)
    for column in (0, 1, 4, 5, 6, 7, 8, 9):
        assert table.columnWidth(column) >= table.sizeHintForColumn(column), \
            widget.model.COLUMNS[column]
    for row in range(proxy.rowCount()):
        for column in (2, 3):
            index = proxy.index(row, column)
            assert index.data(Qt.ItemDataRole.ToolTipRole) == index.data()
