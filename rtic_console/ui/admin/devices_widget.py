"""The Devices tab (ALPR administrators, IT staff): every reader, trailer and camera with its
service state, version against the expected one, last seen and open damage reports; register,
update, report damage (B.2) and, for ALPR administrators, clear a report with a note. Live
from every console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.devices import DeviceKind, ServiceState
from rtic_console.domain.roles import Permission
from rtic_console.domain.stream_state import StreamHealth
from rtic_console.services import device_reports, devices, shift_checks
from rtic_console.services.device_reports import DeviceReportView
from rtic_console.services.devices import DeviceView
from rtic_console.services.shift_checks import UncheckedShift
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.admin.cameras_widget import STATUS_COLORS
from rtic_console.ui.admin.device_dialog import DeviceDialog
from rtic_console.ui.admin.device_report_dialog import DeviceReportDialog
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import (
    RowTableModel,
    configure_table,
    select_where,
    selected_row,
    share_width,
)
from rtic_console.ui.widgets import MessageLine, describe_error, plain_label

STATE_COLORS = {ServiceState.IN_SERVICE: "#15803d", ServiceState.OUT_OF_SERVICE: "#b45309",
                ServiceState.DAMAGED: "#b91c1c"}
BEHIND = QColor("#b45309")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
UNCHECKED_WINDOW = timedelta(days=7)
# Name and Place share the width the other columns leave (the guide's window had to scroll
# sideways to reach Stream when every column fitted its longest text).
SHARED_COLUMNS = (2, 3)


def _when(moment: datetime | None) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else "never"


def _stream(d: DeviceView) -> str:
    """A reader that sends no heartbeats has no stream to speak of: a dash, not "unknown"."""
    if d.kind is not DeviceKind.CAMERA and d.stream is StreamHealth.UNKNOWN:
        return "—"
    return d.stream.value


class DeviceTableModel(RowTableModel[DeviceView]):
    COLUMNS = ("Device", "Kind", "Name", "Place", "State", "Version", "Expected",
               "Last seen", "Open reports", "Stream")

    def order(self, row: DeviceView) -> Any:
        return (row.kind.value, row.code)

    def cell(self, d: DeviceView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (d.code, d.kind_title, d.name, d.place, d.state_title, d.version or "",
                    d.expected_version or "", _when(d.last_seen_at),
                    str(d.open_reports) if d.open_reports else "", _stream(d))[col]
        if role == SORT_ROLE:
            return (d.code, d.kind_title, d.name, d.place, d.state_title, d.version or "",
                    d.expected_version or "", d.last_seen_at.timestamp() if d.last_seen_at
                    else 0.0, d.open_reports, _stream(d))[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 4:
                return QColor(STATE_COLORS[d.service_state])
            if col == 5 and d.out_of_date:
                return BEHIND
            if col == 9:
                return QColor(STATUS_COLORS.get(d.stream.value, "#6b7280"))
        if role == Qt.ItemDataRole.ToolTipRole and col == 5 and d.out_of_date:
            return f"Not the expected version {d.expected_version} (D.2.b(1))"
        if role == Qt.ItemDataRole.ToolTipRole and col in SHARED_COLUMNS:
            return self.cell(d, col, Qt.ItemDataRole.DisplayRole)  # whole, where elided
        return None


class ReportTableModel(RowTableModel[DeviceReportView]):
    COLUMNS = ("#", "Reported", "By", "What is wrong", "Crime report", "Cleared")

    def cell(self, r: DeviceReportView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            cleared = (f"{r.cleared_by_badge} {_when(r.cleared_at)}: {r.clear_note}"
                       if r.cleared_at else "open")
            return (str(r.id), _when(r.reported_at), r.reported_by_badge, r.problem,
                    r.crime_report or "", cleared)[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 5 and r.open:
            return QColor(STATE_COLORS[ServiceState.DAMAGED])
        return None


class DevicesWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = DeviceTableModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by device, kind, name, place or state")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setObjectName("devicesTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        configure_table(self.table)
        share_width(self.table, *SHARED_COLUMNS)
        self.table.doubleClicked.connect(self._on_edit_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.reports = ReportTableModel()
        self.reports_table = QTableView()
        self.reports_table.setObjectName("deviceReportsTable")
        self.reports_table.setModel(self.reports)
        configure_table(self.reports_table)
        self.reports_title = plain_label("Damage reports of the selected device")
        self.reports_title.setObjectName("footnote")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.reports_title)
        lower_layout.addWidget(self.reports_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.add_button = QPushButton("Register device…")
        self.edit_button = QPushButton("Update…")
        self.report_button = QPushButton("Report damage…")
        self.clear_button = QPushButton("Clear report…")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.report_button.clicked.connect(self._on_report_clicked)
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self.unchecked = QLabel()
        self.unchecked.setObjectName("warningText")
        self.unchecked.setWordWrap(True)
        self.unchecked.hide()
        self.message = MessageLine()
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.report_button, self.clear_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.unchecked)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.live = LiveRows(session, self.model, kinds=(Change.DEVICE, Change.DEVICE_HEALTH),
                             list_rows=devices.list_devices, rows_by_id=devices.devices_by_id,
                             view=self.table, parent=self)
        self.live.failed.connect(self._on_failed)
        self.live.selected_changed.connect(self._on_live_selected_changed)
        session.changes.changed.connect(self._on_change)
        self._reports_of: tuple[int, int, str] | None = None  # what the reports pane shows
        self._update_buttons()
        self.refresh()
        self._load_unchecked()

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self.live.reload()

    def _load_unchecked(self) -> None:
        end = datetime.now(UTC)
        self._session.query(shift_checks.list_unchecked_shifts, end - UNCHECKED_WINDOW, end,
                            owner=self, on_done=self._on_unchecked_loaded,
                            on_error=self._on_failed, key=f"devices.unchecked:{id(self)}")

    def _on_unchecked_loaded(self, runs: list[UncheckedShift]) -> None:
        """D.3.b-d: units whose readers read plates with no start-of-shift check."""
        by_unit: dict[str, list[UncheckedShift]] = {}
        for run in runs:
            by_unit.setdefault(run.vehicle_unit, []).append(run)
        self.unchecked.setText(
            f"Read plates without a start-of-shift check in the last {UNCHECKED_WINDOW.days} "
            "days (D.3): " + "; ".join(
                f"unit {unit}, {len(r)} time{'s' if len(r) > 1 else ''} (latest "
                f"{r[-1].first_hour.astimezone():%m-%d %H:%M}–"
                f"{r[-1].until.astimezone():%m-%d %H:%M})"
                for unit, r in sorted(by_unit.items())))
        self.unchecked.setVisible(bool(runs))

    @Slot(object, object)
    def _on_live_selected_changed(self, _key: object, _row: DeviceView | None) -> None:
        self._on_selection_changed()

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in (Change.SHIFT_CHECK, Change.RESYNC):
            self._load_unchecked()

    def _load_reports(self) -> None:
        chosen = self.selected()
        shown = None if chosen is None else (
            chosen.id, chosen.open_reports, str(chosen.service_state))
        if shown == self._reports_of:
            return  # the same device, its reports as they were: a heartbeat, say
        self._reports_of = shown
        if chosen is None:
            self.reports.set_rows([])
            self.reports_title.setText("Damage reports of the selected device")
            return
        self.reports_title.setText(f"Damage reports of {chosen.code}")
        self._session.query(device_reports.device_reports, chosen.code, owner=self,
                            on_done=self.reports.set_rows, on_error=self._on_failed,
                            key=f"devices.reports:{id(self)}")

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))

    # -- selection -------------------------------------------------------------------------
    def show_device(self, code: str) -> None:
        """Selects the device with this code (an alert's subject), once the list has it."""
        self.filter_edit.clear()
        select_where(self.table, self.proxy, self.model, lambda r: r.code == code)

    def select_device(self, device_id: int) -> None:
        select_where(self.table, self.proxy, self.model, lambda r: r.id == device_id)

    def selected(self) -> DeviceView | None:
        return selected_row(self.table, self.proxy, self.model)

    @Slot()
    def _on_selection_changed(self) -> None:
        self._update_buttons()
        self._load_reports()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        manage = self._session.may(Permission.MANAGE_DEVICES)
        self.add_button.setEnabled(manage)
        self.edit_button.setEnabled(manage and chosen is not None)
        self.report_button.setEnabled(chosen is not None)
        self.clear_button.setEnabled(self._session.may(Permission.CLEAR_DEVICE)
                                     and chosen is not None and chosen.open_reports > 0)

    # -- actions ---------------------------------------------------------------------------
    @Slot()
    def _on_add_clicked(self) -> None:
        dialog = DeviceDialog(self._session, None, self)
        if dialog.exec() and dialog.saved:
            self.message.show_ok(f"Device {dialog.saved.code} registered.")

    @Slot()
    def _on_edit_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None or not self._session.may(Permission.MANAGE_DEVICES):
            return
        dialog = DeviceDialog(self._session, chosen, self)
        if dialog.exec() and dialog.saved:
            self.message.show_ok(f"Device {dialog.saved.code} saved.")

    @Slot()
    def _on_report_clicked(self) -> None:
        dialog = DeviceReportDialog(self._session, self.selected(), self)
        if dialog.exec() and dialog.saved:
            self.message.show_ok(f"Report #{dialog.saved.id}: {dialog.saved.device_code} is "
                                 "out of service; the ALPR administrators are alerted.")

    @Slot()
    def _on_clear_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        note, ok = QInputDialog.getText(
            self, f"Clear {chosen.code}",
            f"What was done to put {chosen.code} back in service?")
        if ok:
            self.clear(chosen.code, note)

    def clear(self, code: str, note: str) -> None:
        self._session.perform(
            device_reports.clear_device, code, note, owner=self,
            on_done=lambda cleared: self.message.show_ok(
                f"{code} is back in service ({len(cleared)} report(s) cleared)."),
            on_error=self._on_failed)
