"""The device half of a quarterly inspection (D.2.b(1)): every registered device, checked by
the inspector as functioning and up to date, or not with a note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.devices import KIND_TITLES, STATE_TITLES
from rtic_console.domain.inspections import InspectionRuleError, Verdict, reason_of
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.device_quarter import device_quarter_rows
from rtic_console.services.inspections import inspection_row
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Device, Inspection, InspectionDeviceReview

CHECK = "inspection.device"
CLAUSE = "D.2.b(1)"


@dataclass(frozen=True)
class DeviceItem:
    """One device as the inspection lists it: its quarter's figures from the fleet's hourly
    health and damage reports, and the inspector's check."""

    device_id: int
    code: str
    name: str
    kind: str
    place: str
    state: str
    last_seen_at: datetime | None
    uptime_share: float | None  # share of its hours in the quarter with a heartbeat or a read
    open_reports: int  # damage reports open at the quarter's end
    closed_reports: int  # cleared within the quarter
    version: str | None
    expected_version: str | None
    out_of_date: bool
    functioning: bool | None = None  # None: not checked yet
    up_to_date: bool | None = None
    note: str | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None

    @property
    def checked(self) -> bool:
        return self.functioning is not None

    @property
    def uptime_text(self) -> str:
        return "no hours" if self.uptime_share is None else f"{self.uptime_share:.1%}"

    @property
    def reports_text(self) -> str:
        return f"{self.open_reports} open, {self.closed_reports} cleared"

    @property
    def version_text(self) -> str:
        """The version against the department's expected one (D.2.b(1) 'up to date')."""
        shown = self.version or "unknown"
        if self.out_of_date:
            return f"{shown} (expected {self.expected_version})"
        return shown


def device_items(session: Session, inspection: Inspection) -> list[DeviceItem]:
    reviews = {r.device_id: r for r in session.scalars(select(InspectionDeviceReview).where(
        InspectionDeviceReview.inspection_id == inspection.id))}
    places = {i: a or u or area or "" for i, a, u, area in session.execute(
        select(Device.id, Device.address, Device.vehicle_unit, Device.area))}
    items = []
    for q in device_quarter_rows(session, inspection.starts_at, inspection.ends_at):
        r = reviews.get(q.device_id)
        items.append(DeviceItem(
            q.device_id, q.code, q.name, KIND_TITLES[q.kind], places.get(q.device_id, ""),
            STATE_TITLES[q.service_state], q.last_seen_at, q.uptime_share, q.open_reports,
            q.closed_reports, q.version, q.expected_version, q.out_of_date,
            r.functioning if r else None, r.up_to_date if r else None, r.note if r else None,
            r.reviewer_badge if r else None, r.reviewed_at if r else None))
    return items


@service_action("inspection.show")
def inspection_devices(session: Session, ctx: Context, quarter: str) -> list[DeviceItem]:
    authorize(session, ctx, Permission.VIEW_INSPECTION, action="inspection.show",
              object_type="inspection", object_id=str(quarter)[:20])
    return device_items(session, inspection_row(session, quarter))


@service_action(CHECK)
def check_device(session: Session, ctx: Context, quarter: str, code: str, functioning: bool,
                 up_to_date: bool, note: str | None = None) -> DeviceItem:
    """The inspector (an ALPR administrator or IT staff) checks a device once per quarter;
    a device not functioning or not up to date needs a note saying what is wrong."""
    inspector = authorize(session, ctx, Permission.MANAGE_INSPECTION, action=CHECK,
                          object_type="device", object_id=str(code)[:40])
    row = inspection_row(session, quarter)
    if row.closed_at is not None:
        raise Refused(f"The inspection of {row.quarter} was closed by {row.closed_by}; its "
                      "checks are final.", action=CHECK, clause=CLAUSE, object_type="device",
                      object_id=str(code)[:40])
    device = session.scalar(select(Device).where(Device.code == str(code).strip())
                            .with_for_update())  # of two inspectors at once, one checks it
    if device is None:
        raise InputRejected(f"device: no registered device {str(code)[:40]!r}")
    try:
        text = reason_of(Verdict.COMPLIANT if functioning and up_to_date
                         else Verdict.OUT_OF_COMPLIANCE, note)
    except InspectionRuleError as exc:
        raise InputRejected(str(exc).replace("reason", "note", 1).replace(
            "an out-of-compliance finding says why",
            "a device not functioning or not up to date says what is wrong").replace(
            " (the commander acts on it)", ""), clause=CLAUSE) from None
    done = session.scalar(select(InspectionDeviceReview).where(
        InspectionDeviceReview.inspection_id == row.id,
        InspectionDeviceReview.device_id == device.id))
    if done is not None:
        raise InputRejected(f"device {device.code} was already checked by "
                            f"{done.reviewer_badge} for {row.quarter}")
    review = InspectionDeviceReview(
        inspection_id=row.id, device_id=device.id, functioning=bool(functioning),
        up_to_date=bool(up_to_date), note=text, reviewer_id=inspector.id,
        reviewer_badge=inspector.badge, reviewed_at=ctx.now())
    session.add(review)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=CHECK, object_type="device", object_id=device.code,
                 reason=text or "functioning and up to date",
                 details={"quarter": row.quarter, "functioning": review.functioning,
                          "up_to_date": review.up_to_date})
    publish(session, Change.INSPECTION, (row.id,))
    return next(i for i in device_items(session, row) if i.device_id == device.id)
