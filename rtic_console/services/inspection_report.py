"""Everything the printed report of a quarterly inspection holds (D.2.b), gathered once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.inspections import Verdict
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, service_action
from rtic_console.services.divisions import division_views
from rtic_console.services.inspection_searches import SearchItem, quarter_items
from rtic_console.services.inspections import InspectionView, inspection_row, view_of
from rtic_console.services.referrals import ReferralView, referral_views
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import Device, InspectionReferral

REPORT = "inspection.report"


@dataclass(frozen=True)
class DeviceLine:
    """One device as the report lists it (D.2.b(1)). The device fleet's quarter figures
    (uptime, reports, version against the expected one) join here when they exist."""

    code: str
    name: str
    kind: str
    place: str
    state: str
    last_seen_at: datetime | None


@dataclass(frozen=True)
class InspectionReport:
    inspection: InspectionView
    devices: tuple[DeviceLine, ...]
    searches: tuple[SearchItem, ...]  # flagged and out-of-compliance first
    referrals: tuple[ReferralView, ...]
    divisions_without_commander: tuple[str, ...]
    generated_by: str
    generated_at: datetime


def device_lines(session: Session) -> tuple[DeviceLine, ...]:
    rows = session.scalars(select(Device).order_by(Device.kind, Device.code))
    return tuple(DeviceLine(d.code, d.name, d.kind, d.address or d.vehicle_unit or d.area or "",
                            "in service" if d.in_service else "out of service", d.last_seen_at)
                 for d in rows)


def report_order(item: SearchItem) -> tuple[int, int, datetime]:
    """Out of compliance, then unreviewed, then compliant; more flags first, then oldest."""
    rank = {Verdict.OUT_OF_COMPLIANCE: 0, None: 1, Verdict.COMPLIANT: 2}[item.verdict]
    return (rank, -len(item.flags), item.searched_at)


@service_action(REPORT)
def inspection_report(session: Session, ctx: Context, quarter: str) -> InspectionReport:
    """The report's content; producing it is audited (who printed which quarter, when)."""
    authorize(session, ctx, Permission.VIEW_INSPECTION, action=REPORT,
              object_type="inspection", object_id=str(quarter)[:20])
    row = inspection_row(session, quarter)
    items = sorted(quarter_items(session, row), key=report_order)
    divisions = division_views(session)
    report = InspectionReport(
        view_of(session, row), device_lines(session), tuple(items),
        tuple(referral_views(session, InspectionReferral.inspection_id == row.id)),
        tuple(d.name for d in divisions if not d.commander_badge and d.members),
        ctx.actor.badge,
        ctx.now())
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=REPORT, object_type="inspection", object_id=row.quarter,
                 reason="inspection report produced",
                 details={"searches": len(items), "referrals": len(report.referrals),
                          "closed": row.closed_at is not None})
    return report
