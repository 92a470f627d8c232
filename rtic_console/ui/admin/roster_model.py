"""Table model of the roster for the sortable, filterable roster tab."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rtic_console.domain.duties import BASIS_TITLES, needs_confirmation
from rtic_console.domain.roles import ROLE_TITLES
from rtic_console.services.duties import GrantView
from rtic_console.services.roster import PersonView
from rtic_console.ui.table_model import RowTableModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def roles_text(p: PersonView) -> str:
    """Roles in effect, then those awaiting a second person's confirmation."""
    return ", ".join([*(ROLE_TITLES[r] for r in p.roles),
                      *(f"{ROLE_TITLES[r]} (awaiting confirmation)" for r in p.pending_roles)])


def _local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def status_text(p: PersonView) -> str:
    if not p.active:
        return "Inactive"
    if p.training_note:
        return f"Cannot sign in: {p.training_note}"
    return "Authorized"


class RosterTableModel(RowTableModel[PersonView]):
    COLUMNS = ("Badge", "Name", "Roles", "Division", "Division commander", "CLETS training",
               "ALPR training", "Status")
    STATUS = 7

    def cell(self, p: PersonView, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            commander = p.division_commander or ("none set" if p.division else "")
            return (p.badge, p.name, roles_text(p), p.division, commander,
                    p.clets_trained_on.isoformat() if p.clets_trained_on else "not recorded",
                    p.alpr_trained_on.isoformat() if p.alpr_trained_on else "not recorded",
                    status_text(p))[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 4 and not p.division_commander:
            return QColor("#b45309")
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS:
            if not p.active:
                return QColor("#6b7280")
            return QColor("#b91c1c") if p.training_note else QColor("#15803d")
        if role == Qt.ItemDataRole.ToolTipRole and column == self.STATUS and p.training_note:
            return p.training_note
        return None


class GrantsTableModel(RowTableModel[GrantView]):
    """The selected person's roles: who granted each and when, who confirmed it."""

    COLUMNS = ("Role", "Status", "Granted by", "Granted", "Confirmed by", "Confirmed")

    def cell(self, g: GrantView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            status = ("Awaiting confirmation" if g.pending
                      else BASIS_TITLES[g.basis].capitalize() if g.basis else "In effect")
            confirmed_by = g.confirmed_by or ("" if needs_confirmation(g.role)
                                              else "not needed")
            return (ROLE_TITLES[g.role], status, g.granted_by or "", _local(g.granted_at),
                    confirmed_by, _local(g.confirmed_at))[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and g.pending:
            return QColor("#b45309")
        return None
