"""Payloads that could not be parsed, with why, for the administrators who fix the senders."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import quarantine_review
from rtic_console.services.quarantine_review import QuarantineView
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.table_model import configure_table
from rtic_console.ui.widgets import MessageLine, describe_error

COLUMNS = ("#", "Received", "Channel", "Reason", "Size", "Start of the payload")


class QuarantineWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        intro = QLabel("Reads and heartbeats that could not be parsed are kept here with their "
                       "reason and raw bytes, so nothing sent to the console is silently "
                       "lost. Fix the sender, then replay the file with `rtic-console ingest`.")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")
        self.model = QStandardItemModel(0, len(COLUMNS))
        self.model.setHorizontalHeaderLabels(COLUMNS)
        self.table = QTableView()
        self.table.setObjectName("quarantineTable")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        session.changes.changed.connect(self._on_change)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self._session.query(quarantine_review.list_quarantine, owner=self,
                            on_done=self._on_loaded,
                            on_error=lambda e: self.message.show_error(describe_error(e)),
                            key="quarantine.list")

    def _on_loaded(self, rows: list[QuarantineView]) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for q in rows:
            cells = [str(q.id), q.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                     q.channel, q.reason, f"{q.raw_size:,} B", q.preview]
            items = [QStandardItem(c) for c in cells]
            items[3].setToolTip(q.reason)
            items[5].setToolTip(f"SHA-256 {q.sha256}\n{q.content_type or ''}")
            self.model.appendRow(items)

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in (Change.QUARANTINE, Change.RESYNC):
            self.refresh()
