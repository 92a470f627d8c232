"""Table model of the roster for the sortable, filterable roster tab."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rtic_console.domain.roles import ROLE_TITLES
from rtic_console.services.roster import PersonView
from rtic_console.ui.table_model import RowTableModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def status_text(p: PersonView) -> str:
    if not p.active:
        return "Inactive"
    if p.training_note:
        return f"Cannot sign in: {p.training_note}"
    return "Authorized"


class RosterTableModel(RowTableModel[PersonView]):
    COLUMNS = ("Badge", "Name", "Roles", "Division", "CLETS training", "ALPR training",
               "Status")

    def cell(self, p: PersonView, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return (p.badge, p.name, ", ".join(ROLE_TITLES[r] for r in p.roles), p.division,
                    p.clets_trained_on.isoformat() if p.clets_trained_on else "not recorded",
                    p.alpr_trained_on.isoformat() if p.alpr_trained_on else "not recorded",
                    status_text(p))[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 6:
            if not p.active:
                return QColor("#6b7280")
            return QColor("#b91c1c") if p.training_note else QColor("#15803d")
        if role == Qt.ItemDataRole.ToolTipRole and column == 6 and p.training_note:
            return p.training_note
        return None
