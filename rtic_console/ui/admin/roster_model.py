"""Table model of the roster for the sortable, filterable roster tab."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from rtic_console.domain.roles import ROLE_TITLES
from rtic_console.services.roster import PersonView

COLUMNS = ("Badge", "Name", "Roles", "Division", "CLETS training", "ALPR training", "Status")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def status_text(p: PersonView) -> str:
    if not p.active:
        return "Inactive"
    if p.training_note:
        return f"Cannot sign in: {p.training_note}"
    return "Authorized"


class RosterTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._people: list[PersonView] = []

    def set_people(self, people: list[PersonView]) -> None:
        self.beginResetModel()
        self._people = list(people)
        self.endResetModel()

    def person(self, row: int) -> PersonView:
        return self._people[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

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
        p = self._people[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            values = (p.badge, p.name, ", ".join(ROLE_TITLES[r] for r in p.roles), p.division,
                      p.clets_trained_on.isoformat() if p.clets_trained_on else "not recorded",
                      p.alpr_trained_on.isoformat() if p.alpr_trained_on else "not recorded",
                      status_text(p))
            return values[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 6:
            if not p.active:
                return QColor("#6b7280")
            return QColor("#b91c1c") if p.training_note else QColor("#15803d")
        if role == Qt.ItemDataRole.ToolTipRole and col == 6 and p.training_note:
            return p.training_note
        return None
