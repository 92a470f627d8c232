"""Table models of the Inspections tab: the quarter's searches and its referrals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rtic_console.domain.inspections import FLAG_TITLES, VERDICT_TITLES, SearchFlag, Verdict
from rtic_console.services.inspection_devices import DeviceItem
from rtic_console.services.inspection_searches import SearchItem
from rtic_console.services.referrals import ReferralView
from rtic_console.ui.table_model import RowTableModel

SHORT_FLAGS = {SearchFlag.NO_CASE_ACTIVITY: "no case activity",
               SearchFlag.REPEATED_PLATE: "repeated plate", SearchFlag.OFF_HOURS: "off hours",
               SearchFlag.LARGE_RESULT: "large result", SearchFlag.OTHER_USE: "other use"}
NOT_COMPLIANT = QColor("#b91c1c")
FLAGGED = QColor("#b45309")
DONE = QColor("#15803d")


def when(moment: datetime | None) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else ""


class SearchReviewModel(RowTableModel[SearchItem]):
    COLUMNS = ("#", "When", "Who", "Division", "Kind", "Purpose", "Case", "Plate", "Reads",
               "Flags", "Verdict", "Reviewer", "Reason")
    FLAGS, VERDICT = 9, 10

    def key(self, row: SearchItem) -> object:
        return row.search_id

    def cell(self, s: SearchItem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (s.search_id, when(s.searched_at), f"{s.badge} {s.name}", s.division, s.kind,
                    s.purpose.replace("_", " "), s.case, s.plate or "",
                    f"{s.result_count} ({s.exports} exported)" if s.exports else s.result_count,
                    ", ".join(SHORT_FLAGS[f] for f in SearchFlag if f in s.flags),
                    VERDICT_TITLES[s.verdict] if s.verdict else "not reviewed",
                    s.reviewer or "", s.reason or "")[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.FLAGS and s.flags:
                return FLAGGED
            if column == self.VERDICT and s.verdict is Verdict.OUT_OF_COMPLIANCE:
                return NOT_COMPLIANT
            if column == self.VERDICT and s.verdict is Verdict.COMPLIANT:
                return DONE
        if role == Qt.ItemDataRole.ToolTipRole and column == self.FLAGS and s.flags:
            return "\n".join(FLAG_TITLES[f] for f in SearchFlag if f in s.flags)
        return None


class ReferralModel(RowTableModel[ReferralView]):
    COLUMNS = ("Referral", "Search", "Searcher", "Division", "Commander", "Finding", "Outcome")

    def cell(self, r: ReferralView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            outcome = (f"{r.outcome} ({r.decided_by} {when(r.decided_at)})" if r.outcome
                       else "awaiting the commander")
            return (r.id, r.search_id, f"{r.searcher_badge} {r.searcher_name}", r.division,
                    r.commander or "NO COMMANDER", r.finding, outcome)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 4 and not r.commander:
            return NOT_COMPLIANT
        return None


def _yes_no(value: bool | None) -> str:
    return "not checked" if value is None else "yes" if value else "NO"


class DeviceCheckModel(RowTableModel[DeviceItem]):
    COLUMNS = ("Code", "Name", "Kind", "Place or unit", "State", "Uptime", "Last seen",
               "Damage reports", "Version", "Functioning", "Up to date", "Checked by", "Note")

    def key(self, row: DeviceItem) -> object:
        return row.device_id

    def cell(self, d: DeviceItem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (d.code, d.name, d.kind, d.place, d.state, d.uptime_text,
                    when(d.last_seen_at), d.reports_text, d.version_text, _yes_no(d.functioning),
                    _yes_no(d.up_to_date), d.reviewer or "", d.note or "")[column]
        if role == Qt.ItemDataRole.ForegroundRole and column in (9, 10):
            value = d.functioning if column == 9 else d.up_to_date
            return None if value is None else DONE if value else NOT_COMPLIANT
        if role == Qt.ItemDataRole.ForegroundRole and (
                (column == 7 and d.open_reports) or (column == 8 and d.out_of_date)):
            return NOT_COMPLIANT
        return None
