"""Other-use requests (D.1.c): ask for one, follow yours, and, for sergeants and ALPR
administrators, approve or deny other people's with a documented note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.roles import Permission
from rtic_console.domain.search_rules import OTHER_USE_VALID_FOR
from rtic_console.services import search_requests
from rtic_console.services.search_requests import LIST_LIMIT, RequestView
from rtic_console.store.change_bus import Change
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import RowTableModel, configure_table
from rtic_console.ui.widgets import MessageLine, describe_error

NOTE_COL = 6
STATUS_COLORS = {"approved": QColor("#15803d"), "denied": QColor("#b91c1c"),
                 "pending": QColor("#1d4ed8"), "expired": QColor("#6b7280")}


def _short(text: str | None, limit: int = 60) -> str:
    """Long text would widen its column past the screen; the tooltip has all of it."""
    text = text or ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _local(moment: Any) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else ""


class MyRequestsModel(RowTableModel[RequestView]):
    """Newest first."""

    COLUMNS = ("#", "Asked", "Case", "Status", "Usable until", "Use", "Decision")

    def order(self, row: RequestView) -> float:
        return -row.requested_at.timestamp()

    def cell(self, r: RequestView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.id, _local(r.requested_at), r.case_number, r.status.capitalize(),
                    _local(r.usable_until) if r.status == "approved" else "",
                    _short(r.use_description, 48),
                    f"{r.decided_by}: {_short(r.decision_note, 40)}" if r.decided_by else "")[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return STATUS_COLORS.get(r.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.decision_note if col == NOTE_COL else r.use_description
        return None


class PendingRequestsModel(RowTableModel[RequestView]):
    """Oldest first: the order to decide them."""

    COLUMNS = ("#", "Asked", "By", "Case", "Use")

    def order(self, row: RequestView) -> datetime:
        return row.requested_at

    def cell(self, r: RequestView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.id, _local(r.requested_at), f"{r.requester_name} ({r.requester_badge})",
                    r.case_number, _short(r.use_description, 120))[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.use_description
        return None


def _table(name: str, model: QAbstractItemModel) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    configure_table(table)
    return table


class OtherUseRequestsWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.approver = session.may(Permission.APPROVE_OTHER_USE)
        days = OTHER_USE_VALID_FOR.days
        intro = QLabel("A search outside the approved purposes needs an other use that a "
                       "sergeant or ALPR administrator has reviewed and approved first "
                       f"(GO 525.08 D.1.c). An approval covers your searches on its case for "
                       f"{days} days; then ask again.")
        intro.setObjectName("noticeText")
        intro.setWordWrap(True)

        ask_box = QGroupBox("Ask for an other use")
        self.case = QLineEdit()
        self.case.setMaxLength(40)
        self.case.setPlaceholderText("case number")
        self.use = QPlainTextEdit()
        self.use.setPlaceholderText("What will you search for, and why is it a law-enforcement "
                                    "use? The reviewer decides on this text.")
        self.use.setFixedHeight(64)
        self.submit_button = QPushButton("Send for review")
        self.submit_button.clicked.connect(self._on_submit_clicked)
        ask = QGridLayout(ask_box)
        ask.addWidget(QLabel("Case no."), 0, 0)
        ask.addWidget(self.case, 0, 1)
        ask.addWidget(QLabel("Use"), 0, 2)
        ask.addWidget(self.use, 0, 3, 2, 1)
        ask.addWidget(self.submit_button, 1, 1)
        ask.setColumnStretch(3, 1)
        ask.setColumnMinimumWidth(1, 180)

        mine_box = QGroupBox("My requests")
        self.mine = MyRequestsModel()
        self.mine.setParent(self)  # owned by the screen: Qt deletes it with its view
        self.mine_table = _table("myRequests", self.mine)
        QVBoxLayout(mine_box).addWidget(self.mine_table)

        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(ask_box)
        layout.addWidget(mine_box, 1)

        self.pending = PendingRequestsModel()
        self.pending.setParent(self)
        self.pending_table = _table("pendingRequests", self.pending)
        self.note = QLineEdit()
        self.note.setMaxLength(1000)
        self.note.setPlaceholderText("Your review, documented with the decision (required)")
        self.approve_button = QPushButton("Approve")
        self.deny_button = QPushButton("Deny")
        self.approve_button.clicked.connect(lambda: self._decide(True))
        self.deny_button.clicked.connect(lambda: self._decide(False))
        self.pending_box = QGroupBox("Awaiting your decision")
        pending_layout = QVBoxLayout(self.pending_box)
        note = QLabel("Your own requests are decided by another sergeant or administrator.")
        note.setObjectName("footnote")
        pending_layout.addWidget(note)
        pending_layout.addWidget(self.pending_table, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.note, 1)
        bar.addWidget(self.approve_button)
        bar.addWidget(self.deny_button)
        pending_layout.addLayout(bar)
        self.pending_box.setVisible(self.approver)
        layout.addWidget(self.pending_box, 1)
        layout.addWidget(self.message)
        self.lists = [LiveRows(session, self.mine, kinds=(Change.SEARCH_REQUEST,),
                               list_rows=search_requests.my_requests,
                               rows_by_id=search_requests.my_requests_by_id,
                               view=self.mine_table, limit=LIST_LIMIT, parent=self)]
        if self.approver:  # the reviewer's choice stays chosen as requests come and go
            self.lists.append(LiveRows(session, self.pending, kinds=(Change.SEARCH_REQUEST,),
                                       list_rows=search_requests.pending_requests,
                                       rows_by_id=search_requests.pending_requests_by_id,
                                       view=self.pending_table, limit=LIST_LIMIT, parent=self))
        for live in self.lists:
            live.failed.connect(self._on_failed)
        self.refresh()

    def refresh(self) -> None:
        for live in self.lists:
            live.reload()

    def selected_pending(self) -> RequestView | None:
        rows = self.pending_table.selectionModel().selectedRows()
        return self.pending.row_at(rows[0].row()) if rows else None

    @Slot()
    def _on_submit_clicked(self) -> None:
        self._session.perform(
            search_requests.request_other_use, self.case.text(), self.use.toPlainText(),
            owner=self, on_done=self._on_request_sent, on_error=self._on_failed)

    def _on_request_sent(self, view: RequestView) -> None:
        self.case.clear()
        self.use.clear()
        self.message.show_ok(f"Request #{view.id} for case {view.case_number} sent for "
                             "review.")

    def _decide(self, approve: bool) -> None:
        request = self.selected_pending()
        if request is None:
            self.message.show_error("Select a request first.")
            return
        verb = "approved" if approve else "denied"
        self._session.perform(
            search_requests.decide_other_use, request.id, approve, self.note.text(),
            owner=self, on_error=self._on_failed,
            on_done=lambda v: self._on_decided(v, verb))

    def _on_decided(self, view: RequestView, verb: str) -> None:
        self.note.clear()
        until = f"; usable until {_local(view.usable_until)}" if view.usable_until else ""
        self.message.show_ok(f"Request #{view.id} of {view.requester_badge} {verb}{until}.")

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))
