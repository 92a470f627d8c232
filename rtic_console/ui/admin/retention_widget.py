"""The Retention area (C.1, F.5): how long each kind of data is kept, the oldest still kept,
the last purge and the next, the recordings' disk caps, and the evidence holds (place,
release, filter by case)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.retention import MAX_DAYS, MIN_DAYS, RetentionKind
from rtic_console.domain.roles import Permission
from rtic_console.feeds.daily_jobs import next_run
from rtic_console.services import evidence_holds, retention, retention_purge
from rtic_console.services.evidence_holds import HoldView
from rtic_console.services.retention import RetentionOverview
from rtic_console.services.retention_purge import PurgeReport, rows_removed
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.admin.disk_caps_box import DiskCapsBox
from rtic_console.ui.admin.hold_dialog import HoldDialog
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.table_model import RowTableModel, configure_table, selected_row
from rtic_console.ui.widgets import MessageLine, describe_error

RELEASED = QColor("#6b7280")


def _when(moment: datetime | None) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else ""


class HoldTableModel(RowTableModel[HoldView]):
    COLUMNS = ("Hold", "Case", "Holds", "Reason", "Placed by", "Placed", "Released")

    def key(self, row: HoldView) -> object:
        return row.id

    def cell(self, h: HoldView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            released = f"{_when(h.released_at)} by {h.released_by}" if h.released_at else ""
            return (h.id, h.case_number, h.target + (" · evidence export" if h.export_id
                                                     else ""),
                    h.reason, h.placed_by, _when(h.placed_at), released)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 6 and h.release_reason:
            return h.release_reason
        if role == Qt.ItemDataRole.ForegroundRole and h.released_at is not None:
            return RELEASED
        return None


class RetentionWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._may_manage = session.may(Permission.MANAGE_RETENTION)
        intro = QLabel("General Order 525.08 keeps ALPR data and recorded video at least 90 "
                       "days and at most 2 years (C.1, F.5). The daily purge removes what is "
                       "older than the retention below, measured by the database's clock, "
                       "unless an evidence hold keeps it for a case.")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")

        settings = QGroupBox("How long data is kept")
        grid = QGridLayout(settings)
        for col, title in enumerate(("Kind of data", "Days", "", "Oldest kept", "Set by")):
            header = QLabel(title)
            header.setObjectName("footnote")
            grid.addWidget(header, 0, col)
        self.days: dict[RetentionKind, QSpinBox] = {}
        self.set_buttons: dict[RetentionKind, QPushButton] = {}
        self.oldest: dict[RetentionKind, QLabel] = {}
        self.set_by: dict[RetentionKind, QLabel] = {}
        self.titles: dict[RetentionKind, QLabel] = {}
        for row, kind in enumerate(RetentionKind, start=1):
            self.titles[kind] = QLabel(kind.value)
            spin = QSpinBox()
            # Any number can be typed, so one out of bounds is refused with the rule (C.1)
            # rather than quietly left at the value before.
            spin.setRange(0, 99_999)
            spin.setSuffix(" days")
            spin.setToolTip(f"{MIN_DAYS} to {MAX_DAYS} days (C.1)")
            spin.setEnabled(self._may_manage)
            button = QPushButton("Set")
            button.setEnabled(self._may_manage)
            button.clicked.connect(lambda _=False, k=kind: self.set_days(k, self.days[k].value()))
            self.days[kind], self.set_buttons[kind] = spin, button
            self.oldest[kind], self.set_by[kind] = QLabel(), QLabel()
            for col, widget in enumerate((self.titles[kind], spin, button, self.oldest[kind],
                                          self.set_by[kind])):
                grid.addWidget(widget, row, col)
        grid.setColumnStretch(4, 1)

        self.purge_label = QLabel()
        self.purge_label.setWordWrap(True)
        self.preview_button = QPushButton("Preview purge")
        self.preview_button.setToolTip("Count what a purge would remove now; nothing is "
                                       "removed")
        self.preview_button.clicked.connect(self._on_preview_clicked)
        purge_row = QHBoxLayout()
        purge_row.addWidget(self.purge_label, 1)
        purge_row.addWidget(self.preview_button)

        holds = QGroupBox("Evidence holds")
        self.case_filter = QLineEdit()
        self.case_filter.setPlaceholderText("case number")
        self.case_filter.setMaximumWidth(200)
        self.case_filter.returnPressed.connect(self.refresh_holds)
        self.show_released = QCheckBox("Show released")
        self.show_released.toggled.connect(self.refresh_holds)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("Case"))
        filter_row.addWidget(self.case_filter)
        filter_row.addWidget(self.show_released)
        filter_row.addStretch(1)
        self.model = HoldTableModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("holdsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        configure_table(self.table)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.place_button = QPushButton("Place hold…")
        self.release_button = QPushButton("Release…")
        self.place_button.setEnabled(self._may_manage)
        self.place_button.clicked.connect(self._on_place_clicked)
        self.release_button.clicked.connect(self._on_release_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.place_button)
        buttons.addWidget(self.release_button)
        buttons.addStretch(1)
        hold_layout = QVBoxLayout(holds)
        hold_layout.addLayout(filter_row)
        hold_layout.addWidget(self.table, 1)
        hold_layout.addLayout(buttons)

        self.message = MessageLine()
        self.caps = DiskCapsBox(session, self.message)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(settings)
        layout.addLayout(purge_row)
        layout.addWidget(self.caps)
        layout.addWidget(holds, 1)
        layout.addWidget(self.message)
        session.changes.changed.connect(self._on_change)
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        self._session.query(retention.retention_overview, owner=self,
                            on_done=self._on_overview_loaded, on_error=self._on_failed,
                            key="retention.overview")
        self.refresh_holds()

    @Slot()
    def refresh_holds(self) -> None:
        self._session.query(evidence_holds.list_holds, not self.show_released.isChecked(),
                            self.case_filter.text(), owner=self, on_done=self._on_holds_loaded,
                            on_error=self._on_failed, key="retention.holds")

    def _on_overview_loaded(self, overview: RetentionOverview) -> None:
        for view in overview.settings:
            self.titles[view.kind].setText(view.title)
            self.days[view.kind].setValue(view.days)
            self.oldest[view.kind].setText(_when(overview.oldest[view.kind]) or "none kept")
            self.set_by[view.kind].setText(
                f"{view.updated_by}, {_when(view.updated_at)}" if view.updated_by
                else "default (2 years)")
        last = overview.last_purge
        due = next_run(datetime.now(UTC), self._session.ctx.settings.daily_time)
        done = (f"Last purge: run #{last.id} by {last.run_by}, finished "
                f"{_when(last.finished_at)}, "
                f"{rows_removed(last.counts)} rows removed." if last else "No purge has run yet.")
        self.purge_label.setText(f"{done} Next daily purge: {_when(due)} (the headless "
                                 f"service's daily jobs). Active holds: {overview.active_holds}.")

    def _on_holds_loaded(self, rows: list[HoldView]) -> None:
        self.model.set_rows(rows)
        self._update_buttons()

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))

    def selected(self) -> HoldView | None:
        return selected_row(self.table, self.proxy, self.model)

    @Slot()
    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.release_button.setEnabled(self._may_manage and chosen is not None
                                       and chosen.released_at is None)

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in (Change.RETENTION, Change.PURGED, Change.RESYNC):
            self.refresh()

    def set_days(self, kind: RetentionKind, days: int) -> None:
        self._session.perform(
            retention.set_retention, kind.value, days, owner=self,
            on_done=lambda v: self.message.show_ok(
                f"{v.title}: kept {v.days} days from the next purge on."),
            on_error=self._on_failed)

    @Slot()
    def _on_preview_clicked(self) -> None:
        self.preview_button.setEnabled(False)
        self._session.query(retention_purge.preview_purge, owner=self,
                            on_done=self._on_previewed, on_error=self._on_preview_failed,
                            key="retention.preview")

    def _on_previewed(self, report: PurgeReport) -> None:
        self.preview_button.setEnabled(True)
        parts = [f"{k.kind.value}: " + ", ".join(f"{n} {w}" for w, n in k.removed.items()
                                                  if n and w != "bytes")
                 for k in report.kinds if any(k.removed.values())]
        self.message.show_ok("A purge now would remove " + ("; ".join(parts) or "nothing")
                             + ".")

    def _on_preview_failed(self, error: BaseException) -> None:
        self.preview_button.setEnabled(True)
        self._on_failed(error)

    @Slot()
    def _on_place_clicked(self) -> None:
        dialog = HoldDialog(self._session, self)
        if dialog.exec() and dialog.placed is not None:
            self.message.show_ok(f"Hold #{dialog.placed.id} placed for case "
                                 f"{dialog.placed.case_number}: {dialog.placed.target}.")

    @Slot()
    def _on_release_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Release evidence hold",
            f"Why is hold #{chosen.id} (case {chosen.case_number}) released? What it held "
            "follows retention again.")
        if ok:
            self.release(chosen.id, reason)

    def release(self, hold_id: int, reason: str) -> None:
        self._session.perform(
            evidence_holds.release_hold, hold_id, reason, owner=self,
            on_done=lambda v: self.message.show_ok(f"Hold #{v.id} released."),
            on_error=self._on_failed)
