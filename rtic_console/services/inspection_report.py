"""Everything the printed report of a quarterly inspection holds (D.2.b), gathered once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from rtic_console.domain.inspections import Verdict
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, service_action
from rtic_console.services.divisions import division_views
from rtic_console.services.inspection_devices import DeviceItem, device_items
from rtic_console.services.inspection_searches import SearchItem, quarter_items
from rtic_console.services.inspections import InspectionView, inspection_row, view_of
from rtic_console.services.referrals import ReferralView, referral_views
from rtic_console.services.sharing import SharingView, requests_between
from rtic_console.services.shift_checks import UncheckedShift, unchecked_shifts
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import InspectionReferral

REPORT = "inspection.report"


@dataclass(frozen=True)
class InspectionReport:
    inspection: InspectionView
    devices: tuple[DeviceItem, ...]
    searches: tuple[SearchItem, ...]  # flagged and out-of-compliance first
    referrals: tuple[ReferralView, ...]
    divisions_without_commander: tuple[str, ...]
    unchecked_shifts: tuple[UncheckedShift, ...]  # D.3.b-d: units that read with no check
    sharing: tuple[SharingView, ...]  # C.2-C.6: requests filed in the quarter
    generated_by: str
    generated_at: datetime


def report_order(item: SearchItem) -> tuple[int, int, datetime]:
    """Out of compliance, then unreviewed, then compliant; more flags first, then oldest."""
    rank = {Verdict.OUT_OF_COMPLIANCE: 0, None: 1, Verdict.COMPLIANT: 2}[item.verdict]
    return (rank, -len(item.flags), item.searched_at)


@service_action(REPORT)
def inspection_report(session: Session, ctx: Context, quarter: str) -> InspectionReport:
    """The report's content; producing it is audited (who printed which quarter, when). It
    lists searches with plates and cases, so it is for those who review searches."""
    authorize(session, ctx, Permission.REVIEW_SEARCHES, action=REPORT,
              object_type="inspection", object_id=str(quarter)[:20])
    row = inspection_row(session, quarter)
    items = sorted(quarter_items(session, row), key=report_order)
    divisions = division_views(session)
    report = InspectionReport(
        view_of(session, row), tuple(device_items(session, row)), tuple(items),
        tuple(referral_views(session, InspectionReferral.inspection_id == row.id)),
        tuple(d.name for d in divisions if not d.commander_badge and d.members),
        tuple(unchecked_shifts(session, row.starts_at, row.ends_at)),
        tuple(requests_between(session, row.starts_at, row.ends_at)),
        ctx.actor.badge,
        ctx.now())
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=REPORT, object_type="inspection", object_id=row.quarter,
                 reason="inspection report produced",
                 details={"searches": len(items), "referrals": len(report.referrals),
                          "unchecked_shifts": len(report.unchecked_shifts),
                          "sharing_requests": len(report.sharing),
                          "closed": row.closed_at is not None})
    return report
