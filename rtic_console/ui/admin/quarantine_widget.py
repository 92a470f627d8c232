"""Payloads that could not be parsed, with why, for the administrators who fix the senders:
read one in full, save its bytes to a file, replay it once the sender or parser is fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QStandardPaths, Qt, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.roles import Permission
from rtic_console.feeds.quarantine_replay import replay_quarantined
from rtic_console.services import quarantine_review
from rtic_console.services.quarantine_review import QuarantineView, ReplayOutcome
from rtic_console.store.change_bus import Change
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.detail_pane import DetailPane, list_beside_detail
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import RowTableModel, configure_table
from rtic_console.ui.widgets import MessageLine, describe_error

REASON_CHARS = 60  # the table's share of a reason; the pane shows it whole


class QuarantineTableModel(RowTableModel[QuarantineView]):
    """Newest first, as the service lists them."""

    COLUMNS = ("#", "Received", "Channel", "Reason", "Size", "Payload")

    def order(self, row: QuarantineView) -> int:
        return -row.id

    def cell(self, q: QuarantineView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            reason = q.reason if len(q.reason) <= REASON_CHARS \
                else q.reason[:REASON_CHARS - 1] + "…"
            return (str(q.id), q.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                    q.channel, reason, f"{q.raw_size:,} B", q.preview)[col]
        return None


def quarantine_pairs(q: QuarantineView) -> list[tuple[str, str]]:
    return [("Received", q.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")),
            ("Channel", q.channel), ("Content type", q.content_type or "—"),
            ("Reason", q.reason), ("Size", f"{q.raw_size:,} bytes"), ("SHA-256", q.sha256),
            ("Start of the payload", q.preview)]


class QuarantineWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        intro = QLabel("Reads and heartbeats that could not be parsed are kept here with their "
                       "reason and raw bytes, so nothing sent to the console is silently "
                       "lost. Select one to read it in full; save its bytes for the sender's "
                       "vendor, and replay it once the sender or the console is fixed.")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")
        self.model = QuarantineTableModel()
        self.table = QTableView()
        self.table.setObjectName("quarantineTable")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.detail = DetailPane("Select a payload to read it in full.")
        self.save_button = QPushButton("Save payload…")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.replay_button = QPushButton("Replay")
        self.replay_button.setToolTip("Parse the payload again and store its reads like any "
                                      "other (audited); it leaves the quarantine when stored")
        self.replay_button.clicked.connect(self._on_replay_clicked)
        self.replay_button.setVisible(session.may(Permission.INGEST_READS))
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.replay_button)
        actions.addStretch(1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.detail, 1)
        side_layout.addLayout(actions)
        split = list_beside_detail(self.table, side)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        # The list's own cap holds as payloads arrive: a flood cannot swamp the table.
        self.live = LiveRows(session, self.model, kinds=(Change.QUARANTINE,),
                             list_rows=quarantine_review.list_quarantine,
                             rows_by_id=quarantine_review.quarantine_by_id, view=self.table,
                             limit=quarantine_review.DEFAULT_LIMIT, parent=self)
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self.live.selected_changed.connect(self._on_live_selected_changed)
        self._show(None)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.live.reload()

    def selected(self) -> QuarantineView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _show(self, item: QuarantineView | None) -> None:
        if item is None:
            self.detail.show_pairs("", [])
        else:
            self.detail.show_pairs(f"Payload #{item.id}", quarantine_pairs(item))
        self.save_button.setEnabled(item is not None)
        self.replay_button.setEnabled(item is not None)

    def _on_table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row()
        self._show(self.model.row_at(row) if 0 <= row < self.model.rowCount() else None)

    @Slot(object, object)
    def _on_live_selected_changed(self, _key: object, row: QuarantineView | None) -> None:
        self._show(row)

    @Slot()
    def _on_save_clicked(self) -> None:
        item = self.selected()
        if item is None:
            return
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(self, "Save the payload",
                                              str(Path(folder) / f"quarantine-{item.id}.bin"))
        if path:
            self.save_to(item.id, Path(path))

    def save_to(self, quarantine_id: int, path: Path) -> None:
        self._session.perform(
            quarantine_review.save_payload, quarantine_id, path, owner=self,
            on_done=lambda saved: self.message.show_ok(
                f"Saved payload #{quarantine_id} to {saved}; the save is audited."),
            on_error=lambda e: self.message.show_error(describe_error(e)))

    @Slot()
    def _on_replay_clicked(self) -> None:
        item = self.selected()
        if item is not None:
            self.replay(item.id)

    def replay(self, quarantine_id: int) -> None:
        db, ctx = self._session.db, self._session.ctx
        self.replay_button.setEnabled(False)
        self._session.runner.write(lambda: replay_quarantined(db, ctx, quarantine_id),
                                   self._on_replayed, self._on_replay_failed,
                                   key=f"quarantine.replay.{id(self)}", owner=self)

    def _on_replayed(self, outcome: ReplayOutcome) -> None:
        self.message.show_ok(
            f"Payload #{outcome.quarantine_id} replayed: {outcome.stored} read(s) stored, "
            f"{outcome.duplicates} already stored, {outcome.hits} hit(s), "
            f"{outcome.heartbeats} device(s) heard; it has left the quarantine.")

    def _on_replay_failed(self, error: BaseException) -> None:
        self.replay_button.setEnabled(self.selected() is not None)
        self.message.show_error(describe_error(error))
