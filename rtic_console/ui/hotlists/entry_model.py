"""Table model of hot list entries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from rtic_console.services.hotlists import EntryView

COLUMNS = ("Plate", "State", "Reason", "Case / XREF", "CLETS/NCIC", "List", "Status",
           "Entered", "Expires", "Narrative")
Index = QModelIndex | QPersistentModelIndex


def _time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%m-%d %H:%M") if moment else "—"


def status_of(e: EntryView, now: datetime) -> str:
    if e.status == "active" and e.expires_at is not None and e.expires_at <= now:
        return "expired"
    return {"pending": "awaiting supervisor", "rejected": "rejected"}.get(e.status, e.status)


class EntryTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[EntryView] = []

    def set_entries(self, rows: list[EntryView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def entry(self, row: int) -> EntryView:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        status = status_of(e, datetime.now(UTC))
        if role == Qt.ItemDataRole.DisplayRole:
            case = e.case_number or (f"XREF {e.xref}" if e.xref else "—")
            ncic = f"{e.ncic_system} {e.ncic_record}" if e.ncic_system else "—"
            return (e.plate, e.state or "any", e.reason.replace("_", " "), case, ncic,
                    e.list_name, status, f"{_time(e.entered_at)} {e.entered_by or ''}",
                    _time(e.expires_at), e.narrative or "")[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 6:
            return {"active": QColor("#15803d"), "awaiting supervisor": QColor("#b45309"),
                    "expired": QColor("#6b7280"), "rejected": QColor("#b91c1c")}.get(status)
        if role == Qt.ItemDataRole.ToolTipRole and e.decision_reason:
            return f"Decision by {e.decided_by}: {e.decision_reason}"
        return None
