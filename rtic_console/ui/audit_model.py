"""Table model of audit events for the audit viewer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from rtic_console.domain.audit_chain import AuditRecord, canonical_details

COLUMNS = ("#", "Time", "Person", "Workstation", "Action", "Object", "Reason", "Details")
Index = QModelIndex | QPersistentModelIndex


class AuditTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[AuditRecord] = []

    def set_events(self, events: list[AuditRecord]) -> None:
        self.beginResetModel()
        self._rows = list(events)
        self.endResetModel()

    def event(self, row: int) -> AuditRecord:  # type: ignore[override]
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
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                e.seq,
                e.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_badge or "system",
                e.workstation or "",
                e.action,
                f"{e.object_type or ''} {e.object_id or ''}".strip(),
                e.reason or "",
                canonical_details(e.details) if e.details else "",
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (6, 7):
            return e.reason if index.column() == 6 else canonical_details(e.details)
        if role == Qt.ItemDataRole.ForegroundRole and e.action.endswith(".refused"):
            return QColor("#b91c1c")
        return None
