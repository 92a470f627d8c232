"""Table models of the Sharing area: requests, agencies, special hot list shares, the log."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rtic_console.domain.audit_chain import AuditRecord
from rtic_console.services.agencies import AgencyView
from rtic_console.services.sharing import SharingView
from rtic_console.services.special_sharing import SpecialShareView
from rtic_console.ui.table_model import RowTableModel

GRANTED, REFUSED, PENDING = QColor("#15803d"), QColor("#b91c1c"), QColor("#1d4ed8")


def local(moment: Any) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else ""


def short(text: str | None, limit: int = 50) -> str:
    """Long text would widen its column past the screen; the tooltip has all of it."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def asked(v: SharingView) -> str:
    if v.spd_case_number:
        return f"reads of SPD case {v.spd_case_number}"
    span = f"{local(v.time_from)} – {local(v.time_to)}"
    return f"{', '.join(v.plates)} · {span}"


class RequestsModel(RowTableModel[SharingView]):
    COLUMNS = ("#", "Filed", "Agency", "Decision", "Clause", "Reads", "Purpose", "Data asked",
               "Requester")
    DECISION, PURPOSE = 3, 6

    def order(self, row: SharingView) -> Any:
        return -row.id

    def cell(self, v: SharingView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (v.id, local(v.filed_at), f"{v.agency_ori} · {short(v.agency_name, 28)}",
                    v.status, ", ".join(v.clauses) or v.clause,
                    "" if v.read_count is None else v.read_count, short(v.purpose, 44),
                    short(asked(v), 40), v.requester_name or "not stated")[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == self.PURPOSE:
            return v.purpose
        if role == Qt.ItemDataRole.ForegroundRole and col == self.DECISION:
            return PENDING if v.review_status == "pending" else (
                GRANTED if v.released else REFUSED)
        return None


class AgenciesModel(RowTableModel[AgencyView]):
    COLUMNS = ("ORI", "Name", "State", "Type", "Law enforcement", "LEARN partner", "Contact",
               "Updated")

    def cell(self, a: AgencyView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (a.ori, a.name, a.state, a.agency_type, "yes" if a.law_enforcement else "no",
                    "yes" if a.learn_partner else "no", a.contact,
                    f"{local(a.updated_at)} · {a.updated_by}")[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 5 and not a.learn_partner:
            return REFUSED
        return None


class SpecialSharesModel(RowTableModel[SpecialShareView]):
    COLUMNS = ("#", "Asked", "By", "Entry", "Agency", "Reason", "Status", "Decided by",
               "Decision reason")

    def cell(self, s: SpecialShareView, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (s.id, local(s.requested_at), s.requested_by,
                    f"#{s.entry_id} {s.plate} ({s.list_name})", f"{s.agency_ori} · "
                    f"{s.agency_name}", short(s.reason), s.status, s.decided_by or "",
                    short(s.decision_reason))[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 6:
            return {"approved": GRANTED, "rejected": REFUSED}.get(s.status, PENDING)
        return None


class LogModel(RowTableModel[AuditRecord]):
    COLUMNS = ("Seq", "When", "Who", "Action", "Object", "Clause", "Reason")

    def key(self, row: AuditRecord) -> object:
        return row.seq

    def cell(self, e: AuditRecord, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (e.seq, local(e.occurred_at), e.actor_badge or "", e.action,
                    f"{e.object_type or ''} {e.object_id or ''}".strip(),
                    e.details.get("clause", ""), short(e.reason, 70))[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 6:
            return e.reason
        if role == Qt.ItemDataRole.ForegroundRole and (
                e.action.endswith(".refused") or e.details.get("decision") == "refused"):
            return REFUSED
        return None
