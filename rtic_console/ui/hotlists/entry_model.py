"""Table model of hot list entries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rtic_console.services.hotlists import EntryView
from rtic_console.ui.table_model import RowTableModel


def _time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%m-%d %H:%M") if moment else "—"


def status_of(e: EntryView, now: datetime) -> str:
    if e.status == "active" and e.expires_at is not None and e.expires_at <= now:
        return "expired"
    return {"pending": "awaiting supervisor", "rejected": "rejected"}.get(e.status, e.status)


class EntryTableModel(RowTableModel[EntryView]):
    COLUMNS = ("Plate", "State", "Reason", "Case / XREF", "CLETS/NCIC", "List", "Status",
               "Entered", "Expires", "Narrative")

    def __init__(self, *, newest_first: bool) -> None:
        super().__init__()
        self._sign = -1 if newest_first else 1

    def order(self, row: EntryView) -> float:
        """By the time entered, as the service lists them."""
        return self._sign * row.entered_at.timestamp()

    def cell(self, e: EntryView, column: int, role: int) -> Any:
        status = status_of(e, datetime.now(UTC))
        if role == Qt.ItemDataRole.DisplayRole:
            case = e.case_number or (f"XREF {e.xref}" if e.xref else "—")
            # A state file names its NCIC system but no record number: "SVS", not "SVS None".
            ncic = " ".join(p for p in (e.ncic_system, e.ncic_record) if p) or "—"
            return (e.plate, e.state or "any", e.reason.replace("_", " "), case, ncic,
                    e.list_name, status, f"{_time(e.entered_at)} {e.entered_by or ''}",
                    _time(e.expires_at), e.narrative or "")[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 6:
            return {"active": QColor("#15803d"), "awaiting supervisor": QColor("#b45309"),
                    "expired": QColor("#6b7280"), "rejected": QColor("#b91c1c")}.get(status)
        if role == Qt.ItemDataRole.ToolTipRole and e.decision_reason:
            return f"Decision by {e.decided_by}: {e.decision_reason}"
        return None
