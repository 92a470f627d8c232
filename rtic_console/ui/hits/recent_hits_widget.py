"""Recent hits, open and closed, with what became of each: the disposition, who closed it
and when, and whether it was escalated (D.5.a)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from rtic_console.domain.checklist import STATUS_TITLES
from rtic_console.services import hits as hit_service
from rtic_console.services.hits import HitView
from rtic_console.store.change_bus import Change
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows, RowsApplied
from rtic_console.ui.table_model import RowTableModel, configure_table
from rtic_console.ui.widgets import MessageLine, describe_error

PERIODS = (("Last 24 hours", 24), ("Last 7 days", 24 * 7))


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%m-%d %H:%M") if moment else ""


def disposition(h: HitView) -> str:
    """What became of the hit, in words; escalation is said, not only coloured."""
    text = STATUS_TITLES[h.status]
    return text + (" · escalated" if h.escalated_at else "")


class RecentHitsModel(RowTableModel[HitView]):
    COLUMNS = ("Arrived", "Read", "Listed", "Reason", "List", "Reader", "Seen",
               "Disposition", "By", "When", "Closing reason")

    def order(self, row: HitView) -> tuple[float, int]:
        return (-row.created_at.timestamp(), -row.id)  # newest first, as recent_hits lists

    def cell(self, h: HitView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            by = h.closed_by or (h.claimed_by and f"{h.claimed_by} (claimed)") or ""
            return (_when(h.created_at), h.best_plate, h.listed_plate,
                    h.reason.replace("_", " "), h.list_name,
                    h.device_code or h.device_name, 1 + h.sightings, disposition(h), by,
                    _when(h.closed_at), h.close_reason or "")[col]
        if role == Qt.ItemDataRole.FontRole and col in (1, 2):
            font = QFont("DejaVu Sans Mono")
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == 10 and h.close_reason:
            return h.close_reason
        if role == Qt.ItemDataRole.ToolTipRole and col == 6:
            return "Reads of this vehicle under this hit: its own and its later sightings."
        return None


class RecentHitsWidget(QWidget):
    """Every hit of the chosen period, newest first, kept current by the hits' changes."""

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.period = QComboBox()
        self.period.setObjectName("recentPeriod")
        for title, hours in PERIODS:
            self.period.addItem(title, hours)
        self.summary = QLabel()
        self.summary.setObjectName("recentSummary")
        self.model = RecentHitsModel()
        self.table = QTableView()
        self.table.setObjectName("recentHits")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.message = MessageLine()
        top = QHBoxLayout()
        top.addWidget(QLabel("Period"))
        top.addWidget(self.period)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.live = LiveRows(session, self.model, kinds=(Change.HIT_CREATED, Change.HIT_CHANGED),
                             list_rows=hit_service.recent_hits,
                             rows_by_id=hit_service.recent_hits_by_id, view=self.table,
                             filters=lambda: {"hours": self.period.currentData()}, parent=self)
        self.live.applied.connect(self._on_live_applied)
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self.period.currentIndexChanged.connect(self._on_period_changed)
        self.live.reload()

    @Slot(int)
    def _on_period_changed(self, _index: int) -> None:
        self.live.reload()

    @Slot(object)
    def _on_live_applied(self, _applied: RowsApplied) -> None:
        rows = self.model.rows
        closed = sum(1 for h in rows if not h.open)
        escalated = sum(1 for h in rows if h.escalated_at)
        self.summary.setText(f"{len(rows)} hit{'s' if len(rows) != 1 else ''} · {closed} "
                             f"closed · {len(rows) - closed} open"
                             + (f" · {escalated} escalated" if escalated else ""))
