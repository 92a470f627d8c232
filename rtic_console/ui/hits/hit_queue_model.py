"""Table model of open hits, ordered by priority then age, with age escalation (D.5.a)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont

from rtic_console.domain.checklist import STATUS_TITLES, escalation_level
from rtic_console.services.hits import HitView
from rtic_console.ui.table_model import RowTableModel
from rtic_console.ui.theme import TONE_MARKS, Tone, current_colors

# Age escalation (D.5.a) in words and a mark as well as colour: due soon, then overdue.
ESCALATION_WORDS = ("", f"{TONE_MARKS[Tone.WARN]} due soon", f"{TONE_MARKS[Tone.DANGER]} OVERDUE")


def age_text(age: timedelta) -> str:
    seconds = max(0, int(age.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


class HitQueueModel(RowTableModel[HitView]):
    COLUMNS = ("P", "Age", "Read", "Listed", "State", "Reason", "List", "Reader", "Status")

    def __init__(self, thresholds: tuple[timedelta, timedelta]) -> None:
        super().__init__()
        self._thresholds = thresholds
        self._now = datetime.now(UTC)

    def set_rows(self, rows: Sequence[HitView]) -> None:
        self._now = datetime.now(UTC)
        super().set_rows(rows)

    def tick(self) -> None:
        """Ages move every second; only the age cells and row colours are repainted."""
        self._now = datetime.now(UTC)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.COLUMNS) - 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole,
                                   Qt.ItemDataRole.ForegroundRole])

    def order(self, row: HitView) -> tuple[int, datetime, int]:
        return (row.priority, row.created_at, row.id)  # the order list_hits returns

    def row_of(self, hit_id: int) -> int | None:
        return self.row_of_key(hit_id)

    def overdue_count(self) -> int:
        return sum(1 for h in self.rows if h.status == "new" and self._level(h) == 2)

    def _level(self, hit: HitView) -> int:
        return escalation_level(self._now - hit.created_at, self._thresholds)

    def cell(self, h: HitView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            listed = h.listed_plate + (f" ≈{h.substitutions}" if h.approximate else "")
            state = (h.read_state or "?") + (f" ≠ {h.listed_state}" if h.state_mismatch else "")
            status = STATUS_TITLES[h.status]
            if h.claimed_by:
                status += f" · {h.claimed_by}"
            if h.sightings:
                status += f" · seen {1 + h.sightings}×"
            if h.escalated_at:
                status += " · escalated to sergeant"
            if h.status == "new" and self._level(h):
                status = f"{ESCALATION_WORDS[self._level(h)]} · {status}"
            return (h.priority, age_text(self._now - h.created_at), h.best_plate, listed,
                    state, h.reason.replace("_", " "),
                    h.list_name + (" (info only)" if h.informational else ""),
                    (h.device_code or h.device_name)
                    + (" (out of service)" if h.device_out_of_service else ""), status)[col]
        if role == Qt.ItemDataRole.BackgroundRole and h.status == "new" and self._level(h):
            colors = current_colors()  # the theme's: strong on a dark screen and a light one
            return QBrush(colors.alarm if self._level(h) == 2 else colors.warn_bg)
        if role == Qt.ItemDataRole.ForegroundRole and h.status == "new" and self._level(h) == 2:
            return QBrush(current_colors().on_alarm)
        if role == Qt.ItemDataRole.FontRole and col in (2, 3):
            font = QFont("DejaVu Sans Mono")
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col == 3 and h.approximate:
            return current_colors().tone(Tone.WARN)
        if role == Qt.ItemDataRole.ToolTipRole:
            if h.approximate:
                return (f"Approximate match: {h.substitutions} OCR-equivalent "
                        "substitution(s). Check the photo first.")
            if h.status == "new" and self._level(h) == 2:
                return "Overdue: work this hit now (D.5.a)."
        return None
