"""Payloads that could not be parsed, with why, for the administrators who fix the senders."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import quarantine_review
from rtic_console.services.quarantine_review import QuarantineView
from rtic_console.store.change_bus import Change
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import RowTableModel, configure_table
from rtic_console.ui.widgets import MessageLine, describe_error


class QuarantineTableModel(RowTableModel[QuarantineView]):
    """Newest first, as the service lists them."""

    COLUMNS = ("#", "Received", "Channel", "Reason", "Size", "Start of the payload")

    def order(self, row: QuarantineView) -> int:
        return -row.id

    def cell(self, q: QuarantineView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(q.id), q.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                    q.channel, q.reason, f"{q.raw_size:,} B", q.preview)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return q.reason
        if role == Qt.ItemDataRole.ToolTipRole and col == 5:
            return f"SHA-256 {q.sha256}\n{q.content_type or ''}"
        return None


class QuarantineWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        intro = QLabel("Reads and heartbeats that could not be parsed are kept here with their "
                       "reason and raw bytes, so nothing sent to the console is silently "
                       "lost. Fix the sender, then replay the file with `rtic-console ingest`.")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")
        self.model = QuarantineTableModel()
        self.table = QTableView()
        self.table.setObjectName("quarantineTable")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        # The list's own cap holds as payloads arrive: a flood cannot swamp the table.
        self.live = LiveRows(session, self.model, kinds=(Change.QUARANTINE,),
                             list_rows=quarantine_review.list_quarantine,
                             rows_by_id=quarantine_review.quarantine_by_id, view=self.table,
                             limit=quarantine_review.DEFAULT_LIMIT, parent=self)
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.live.reload()
