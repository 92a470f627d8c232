"""The Workstations tab (ALPR administrators, G.3.f): which machines are enrolled, enrolling
the one the console runs on, and revoking any."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import workstations
from rtic_console.services.station_proof import describe_station
from rtic_console.services.workstations import WorkstationView
from rtic_console.store.change_bus import Change
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import RowTableModel, configure_table, selected_row
from rtic_console.ui.widgets import MessageLine, describe_error

REVOKED = QColor("#6b7280")


def _when(moment: Any) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else ""


class WorkstationTableModel(RowTableModel[WorkstationView]):
    COLUMNS = ("Workstation", "Status", "Enrolled by", "Enrolled", "Revoked by", "Revoked",
               "Reason")

    def order(self, row: WorkstationView) -> str:
        return row.name.casefold()  # as the service lists them

    def cell(self, w: WorkstationView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (w.name, w.status, w.enrolled_by, _when(w.enrolled_at), w.revoked_by or "",
                    _when(w.revoked_at), w.revoke_reason or "")[col]
        if role == Qt.ItemDataRole.ForegroundRole and w.revoked_at is not None:
            return REVOKED
        return None


class WorkstationsWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        station = session.ctx.station
        self.here = QLabel(describe_station(station) if station else "")
        self.here.setWordWrap(True)
        self.here.setObjectName("footnote" if station and station.enrolled else "warningText")
        intro = QLabel("Donor terms name the workstations that may view a donor camera "
                       "(G.3.f), and every audit event names the workstation it came from. A "
                       "workstation is enrolled at the machine itself: its secret goes into "
                       "that machine's OS keyring and only a hash of it into the database.")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")
        self.model = WorkstationTableModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("workstationsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        configure_table(self.table)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.enrol_button = QPushButton("Enrol this workstation…")
        self.revoke_button = QPushButton("Revoke…")
        self.enrol_button.clicked.connect(self._on_enrol_clicked)
        self.revoke_button.clicked.connect(self._on_revoke_clicked)
        self.message = MessageLine()
        buttons = QHBoxLayout()
        buttons.addWidget(self.enrol_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.here)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.live = LiveRows(session, self.model, kinds=(Change.WORKSTATION,),
                             list_rows=workstations.list_workstations,
                             rows_by_id=workstations.workstations_by_id, view=self.table,
                             parent=self)
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self.live.selected_changed.connect(lambda _key, _station: self._update_buttons())
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        self.live.reload()

    def selected(self) -> WorkstationView | None:
        return selected_row(self.table, self.proxy, self.model)

    @Slot()
    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.revoke_button.setEnabled(chosen is not None and chosen.revoked_at is None)

    @Slot()
    def _on_enrol_clicked(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Enrol this workstation",
            "Name this machine is enrolled under (it is what donor agreements list):",
            text=self._session.ctx.settings.workstation)
        if ok and name.strip():
            self.enrol(name)

    def enrol(self, name: str) -> None:
        self._session.perform(
            workstations.enrol_workstation, name, owner=self,
            on_done=lambda v: self.message.show_ok(
                f"{v.name} enrolled. Sign out and in again for this console to act as it."),
            on_error=lambda e: self.message.show_error(describe_error(e)))

    @Slot()
    def _on_revoke_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Revoke workstation",
            f"Why is {chosen.name} revoked? Donor cameras go dark there at once.")
        if ok:
            self.revoke(chosen.name, reason)

    def revoke(self, name: str, reason: str) -> None:
        self._session.perform(
            workstations.revoke_workstation, name, reason, owner=self,
            on_done=lambda v: self.message.show_ok(f"{v.name} revoked."),
            on_error=lambda e: self.message.show_error(describe_error(e)))
