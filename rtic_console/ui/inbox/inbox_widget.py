"""The inbox (grown from the supervisor's approvals): every item waiting for this person's
decision, from each source their roles decide (special hot list entries I.1, other-use
requests D.1.c, camera viewing requests F.2.e, inspection referrals D.2.b(2)(a)). Each
decision has a reason and is audited by the source's own service."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import inbox
from rtic_console.services.inbox import INBOX_CHANGES, Decision, InboxItem
from rtic_console.store.change_bus import ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.table_model import RowTableModel, configure_table
from rtic_console.ui.widgets import MessageLine, clear_if_unchanged, describe_error

SOURCE_TITLES = {s.key: s.title for s in inbox.SOURCES}


class InboxTableModel(RowTableModel[InboxItem]):
    COLUMNS = ("Waiting", "What", "From", "Since", "Clause", "Details")

    def key(self, row: InboxItem) -> object:
        return row.key

    def cell(self, i: InboxItem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (SOURCE_TITLES.get(i.source, i.source), i.title, i.requested_by,
                    f"{i.requested_at.astimezone():%Y-%m-%d %H:%M}", i.clause, i.detail)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return i.detail
        return None


class InboxWidget(QWidget):
    waiting_changed = Signal(int)  # how many items wait: the area's badge

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        intro = QLabel("What waits for your decision. You never decide your own requests, nor "
                       "those of someone who made you an approver. Every decision states its "
                       "reason and is audited.")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")
        self.model = InboxTableModel()
        self.table = QTableView()
        self.table.setObjectName("inboxTable")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (required for every decision)")
        self.reason.setMaxLength(1000)
        self.window_hours = QSpinBox()
        self.window_hours.setRange(1, 14 * 24)
        self.window_hours.setValue(8)
        self.window_hours.setSuffix(" h")
        self.window_hours.setToolTip("A camera viewing request is approved for this long, "
                                     "from now (F.2.e)")
        self.window_label = QLabel("for")
        self.approve_button = QPushButton("Approve")
        self.reject_button = QPushButton("Reject")
        self.outcome_button = QPushButton("Record outcome")
        self.acknowledge_button = QPushButton("Acknowledge")
        self.approve_button.clicked.connect(lambda: self._decide(Decision.APPROVE))
        self.reject_button.clicked.connect(lambda: self._decide(Decision.REJECT))
        self.outcome_button.clicked.connect(lambda: self._decide(Decision.OUTCOME))
        self.acknowledge_button.clicked.connect(lambda: self._decide(Decision.ACKNOWLEDGE))
        self.message = MessageLine()
        bar = QHBoxLayout()
        bar.addWidget(self.reason, 1)
        for w in (self.window_label, self.window_hours, self.approve_button,
                  self.reject_button, self.outcome_button, self.acknowledge_button):
            bar.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        session.changes.changed.connect(self._on_change)
        self._update_buttons()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self._session.query(inbox.inbox, owner=self, on_done=self._on_items_loaded,
                            on_error=lambda e: self.message.show_error(describe_error(e)),
                            key=f"inbox.{id(self)}")

    def _on_items_loaded(self, items: list[InboxItem]) -> None:
        chosen = self.selected()
        self.model.set_rows(items)
        if chosen is not None and (at := self.model.row_of_key(chosen.key)) is not None:
            self.table.selectRow(at)
        self._update_buttons()
        self.waiting_changed.emit(len(items))

    def selected(self) -> InboxItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    @Slot()
    def _update_buttons(self) -> None:
        item = self.selected()
        decisions = item.decisions if item else ()
        self.approve_button.setEnabled(Decision.APPROVE in decisions)
        self.reject_button.setEnabled(Decision.REJECT in decisions)
        self.outcome_button.setEnabled(Decision.OUTCOME in decisions)
        self.acknowledge_button.setEnabled(Decision.ACKNOWLEDGE in decisions)
        viewing = item is not None and item.source == "viewing_request"
        self.window_hours.setVisible(viewing)
        self.window_label.setVisible(viewing)

    def _decide(self, decision: Decision) -> None:
        item = self.selected()
        if item is None:
            self.message.show_error("Select an item first.")
            return
        until = (datetime.now().astimezone() + timedelta(hours=self.window_hours.value())
                 if item.source == "viewing_request" and decision is Decision.APPROVE else None)
        reason = self.reason.text()
        self._session.perform(
            inbox.decide, item.source, item.item_id, decision.value, reason,
            until, owner=self, on_error=lambda e: self.message.show_error(describe_error(e)),
            on_done=lambda _r: (clear_if_unchanged(self.reason, reason), self.message.show_ok(
                f"{item.title}: {decision.value} recorded.")))

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in INBOX_CHANGES:
            self.refresh()
