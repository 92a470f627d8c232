"""Table model of audit events for the audit viewer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rtic_console.domain.audit_chain import AuditRecord, canonical_details
from rtic_console.ui.table_model import RowTableModel


class AuditTableModel(RowTableModel[AuditRecord]):
    COLUMNS = ("#", "Time", "Person", "Workstation", "Action", "Object", "Reason", "Details")

    def cell(self, e: AuditRecord, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                e.seq,
                e.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_badge or "system",
                e.workstation or "",
                e.action,
                f"{e.object_type or ''} {e.object_id or ''}".strip(),
                e.reason or "",
                canonical_details(e.shown_details()) if e.details else "",
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column in (6, 7):
            return e.reason if column == 6 else canonical_details(e.shown_details())
        if role == Qt.ItemDataRole.ForegroundRole and e.action.endswith(".refused"):
            return QColor("#b91c1c")
        return None
