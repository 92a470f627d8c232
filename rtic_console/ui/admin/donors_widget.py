"""The Donor agreements tab (ALPR administrators): every agreement, flagged when it expires
within 30 days, with add, edit and withdraw."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import donors
from rtic_console.services.donors import AgreementView
from rtic_console.store.change_bus import Change
from rtic_console.ui.admin.donor_dialog import DonorDialog
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows, RowsApplied
from rtic_console.ui.table_model import (
    RowTableModel,
    configure_table,
    select_where,
    selected_row,
)
from rtic_console.ui.theme import Tone, current_colors
from rtic_console.ui.widgets import MessageLine, describe_error, plain_label

COLUMNS = ("Agreement", "Donor", "Cameras", "Status", "Effective", "Expires", "Workstations")
STATUS_COL = 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_COLORS = {"current": QColor("#15803d"), "expired": QColor("#6b7280"),
                 "not yet in effect": QColor("#1d4ed8"), "withdrawn": QColor("#6b7280")}



def days_left(a: AgreementView, now: datetime) -> int:
    return max(0, (a.terms.expires_at - now).days)


def status_text(a: AgreementView, now: datetime) -> str:
    """The service decides what expires soon; this only words it."""
    if a.expires_soon:
        days = days_left(a, now)
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        return f"⚠ Expires {when}"
    return a.status.capitalize()


def local(moment: datetime, zone_name: str) -> str:
    return f"{moment.astimezone(ZoneInfo(zone_name)):%Y-%m-%d %H:%M}"


class AgreementTableModel(RowTableModel[AgreementView]):
    COLUMNS = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._now = datetime.now(UTC)

    def set_rows(self, rows: Sequence[AgreementView]) -> None:
        self._now = datetime.now(UTC)
        super().set_rows(rows)

    def upsert(self, row: AgreementView) -> bool:
        self._now = datetime.now(UTC)  # the days left of every row, as of this answer
        return super().upsert(row)

    def cell(self, a: AgreementView, col: int, role: int) -> Any:
        t = a.terms
        if role == SORT_ROLE and col in (4, 5):
            return (t.effective_at if col == 4 else t.expires_at).timestamp()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return (a.reference, a.donor_name, ", ".join(a.camera_codes),
                    status_text(a, self._now), local(t.effective_at, t.time_zone),
                    local(t.expires_at, t.time_zone),
                    ", ".join(sorted(t.allowed_workstations)) or "none")[col]
        if role == Qt.ItemDataRole.BackgroundRole and a.expires_soon:
            return current_colors().tone_background(Tone.WARN)  # the whole row, whatever the sort
        if role == Qt.ItemDataRole.ForegroundRole and col in (STATUS_COL, 5):
            return (current_colors().tone(Tone.WARN) if a.expires_soon
                    else STATUS_COLORS.get(a.status))
        if role == Qt.ItemDataRole.FontRole and col == STATUS_COL and a.expires_soon:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{t.purpose_and_manner}\nContact: {a.donor_contact or 'not recorded'}"
                    f"\nTimes in {t.time_zone}")
        return None


class DonorsWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = AgreementTableModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(SORT_ROLE)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by agreement, donor, camera or status")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.expiring = plain_label()
        self.expiring.setObjectName("expiringSummary")
        self.expiring.hide()

        self.table = QTableView()
        self.table.setObjectName("donorsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
        configure_table(self.table)
        self.table.doubleClicked.connect(self._on_edit_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton("Add agreement…")
        self.edit_button = QPushButton("Edit…")
        self.withdraw_button = QPushButton("Withdraw…")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.withdraw_button.clicked.connect(self._on_withdraw_clicked)
        self.message = MessageLine()
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.withdraw_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.expiring)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.live = LiveRows(session, self.model, kinds=(Change.DONOR_AGREEMENT,),
                             list_rows=donors.list_agreements,
                             rows_by_id=donors.agreements_by_id, view=self.table, parent=self)
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self.live.applied.connect(self._on_live_applied)
        self.live.selected_changed.connect(lambda _key, _agreement: self._update_buttons())
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        self.live.reload()

    @Slot(object)
    def _on_live_applied(self, _applied: RowsApplied) -> None:
        soon = [a.reference for a in self.model.rows if a.expires_soon]
        count = "1 agreement expires" if len(soon) == 1 else f"{len(soon)} agreements expire"
        self.expiring.setText(f"⚠ {count} within 30 days: {', '.join(soon)}. Renew with the "
                              "donor, or its cameras go dark at expiry (G.3.g).")
        self.expiring.setVisible(bool(soon))

    def select_agreement(self, agreement_id: int) -> None:
        select_where(self.table, self.proxy, self.model, lambda r: r.id == agreement_id)

    def selected(self) -> AgreementView | None:
        return selected_row(self.table, self.proxy, self.model)

    @Slot()
    def _update_buttons(self) -> None:
        """A withdrawn agreement is kept as it ended: neither edited nor withdrawn again."""
        chosen = self.selected()
        standing = chosen is not None and chosen.withdrawn_at is None
        self.edit_button.setEnabled(standing)
        self.withdraw_button.setEnabled(standing)


    @Slot()
    def _on_add_clicked(self) -> None:
        dialog = DonorDialog(self._session, None, self)
        if dialog.exec() and dialog.saved:
            self.message.show_ok(f"Agreement {dialog.saved.reference} saved.")

    @Slot()
    def _on_edit_clicked(self) -> None:
        agreement = self.selected()
        if agreement is None:
            return
        dialog = DonorDialog(self._session, agreement, self)
        if dialog.exec() and dialog.saved:
            self.message.show_ok(f"Agreement {dialog.saved.reference} saved; walls showing "
                                 "its cameras apply the new terms.")

    @Slot()
    def _on_withdraw_clicked(self) -> None:
        agreement = self.selected()
        if agreement is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Withdraw agreement",
            f"Why is {agreement.reference} ({agreement.donor_name}) withdrawn? Its cameras go "
            "dark on every wall at once (G.2).")
        if not ok:
            return
        self._session.perform(
            donors.withdraw_agreement, agreement.id, reason, owner=self,
            on_done=lambda _r: self.message.show_ok(f"Agreement {agreement.reference} "
                                                    "withdrawn."),
            on_error=lambda e: self.message.show_error(describe_error(e)))
