"""Table model of a search's reads, and the same reads as the points the map draws."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from rtic_console.services.search import ReadHit
from rtic_console.ui.table_model import RowTableModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PLATE_COL = 1
CONFIDENCE_COL = 6
LOW_CONFIDENCE = 0.7
LOW_CONFIDENCE_TEXT = QColor("#b45309")


def map_points(reads: Sequence[ReadHit]) -> list[dict[str, Any]]:
    """What the map's search layer takes; it leaves out reads that reported no place."""
    return [{"id": r.detection_id, "plate": r.plate, "lat": r.latitude, "lon": r.longitude,
             "captured_at": r.captured_at.isoformat(), "device": r.device} for r in reads]


class SearchResultsModel(RowTableModel[ReadHit]):
    COLUMNS = ("Time", "Plate", "State", "Device", "Place", "Vehicle", "Confidence")

    def cell(self, r: ReadHit, col: int, role: int) -> Any:
        if role == SORT_ROLE:
            if col == 0:
                return r.captured_at.timestamp()
            if col == CONFIDENCE_COL:
                return r.confidence
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            plate = f"{r.plate}  ⚑ held" if r.held and role == Qt.ItemDataRole.DisplayRole \
                else r.plate
            return (f"{r.captured_at.astimezone():%Y-%m-%d %H:%M:%S}", plate, r.state or "",
                    r.device, r.place, r.vehicle, f"{r.confidence:.0%}")[col]
        if role == Qt.ItemDataRole.FontRole and col == PLATE_COL:
            font = QFont("DejaVu Sans Mono")
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col == CONFIDENCE_COL and \
                r.confidence < LOW_CONFIDENCE:
            return LOW_CONFIDENCE_TEXT
        if role == Qt.ItemDataRole.TextAlignmentRole and col == CONFIDENCE_COL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == PLATE_COL and r.held:
            return "An evidence hold keeps this read past retention (C.1)"
        if role == Qt.ItemDataRole.ToolTipRole and r.latitude is not None and \
                r.longitude is not None:
            return f"{r.latitude:.6f}, {r.longitude:.6f}"
        return None
