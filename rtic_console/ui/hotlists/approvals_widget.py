"""The supervisor's inbox of special hot list entries awaiting approval (I.1)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import hotlists
from rtic_console.services.hotlists import EntryView
from rtic_console.store.change_bus import Change
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.hotlists.entry_model import EntryTableModel
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import configure_table
from rtic_console.ui.widgets import MessageLine, describe_error


class ApprovalsWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        intro = QLabel("Special hot list entries take effect only when a supervisor approves "
                       "them (GO 525.08 I.1). You cannot decide your own entries. Their hits "
                       "go to SPD authorized personnel only and are informational.")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")
        self.model = EntryTableModel(newest_first=False)
        self.table = QTableView()
        self.table.setObjectName("approvalsTable")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (required to reject)")
        self.reason.setMaxLength(1000)
        self.approve_button = QPushButton("Approve")
        self.reject_button = QPushButton("Reject")
        self.approve_button.clicked.connect(lambda: self._decide(True))
        self.reject_button.clicked.connect(lambda: self._decide(False))
        self.message = MessageLine()
        bar = QHBoxLayout()
        bar.addWidget(self.reason, 1)
        bar.addWidget(self.approve_button)
        bar.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        # A special list imported whole names the list: every pending entry again.
        self.live = LiveRows(session, self.model, kinds=(Change.HOTLIST_ENTRY,),
                             reload_kinds=(Change.HOTLIST_LIST,),
                             list_rows=hotlists.pending_specials,
                             rows_by_id=hotlists.pending_specials_by_id, view=self.table,
                             parent=self)
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.live.reload()

    def selected(self) -> EntryView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _decide(self, approve: bool) -> None:
        entry = self.selected()
        if entry is None:
            self.message.show_error("Select an entry first.")
            return
        self._session.perform(
            hotlists.decide_special, entry.id, approve, self.reason.text(), owner=self,
            on_done=lambda v: self.message.show_ok(
                f"{v.plate} {'approved: it now produces hits' if approve else 'rejected'}."),
            on_error=lambda e: self.message.show_error(describe_error(e)))
        self.reason.clear()

