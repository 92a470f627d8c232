"""Table model of audit events for the audit viewer."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rtic_console.domain.audit_chain import AuditRecord, canonical_details
from rtic_console.ui.table_model import RowTableModel


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)


def audit_pairs(e: AuditRecord) -> list[tuple[str, str]]:
    """One event as the detail pane shows it: its fields, then each detail on its own row."""
    pairs = [("Time", e.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")),
             ("Person", e.actor_badge or "system"), ("Workstation", e.workstation or "—"),
             ("Action", e.action),
             ("Object", f"{e.object_type or ''} {e.object_id or ''}".strip() or "—"),
             ("Reason", e.reason or "—")]
    pairs += [(key.replace("_", " ").capitalize(), _shown(value))
              for key, value in sorted(e.shown_details().items())]
    return [*pairs, ("Hash", e.hash), ("Previous hash", e.prev_hash)]


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
        if role == Qt.ItemDataRole.ToolTipRole and column == 6:
            return e.reason  # the details are read in the pane beside the table
        if role == Qt.ItemDataRole.ForegroundRole and e.action.endswith(".refused"):
            return QColor("#b91c1c")
        return None
