"""The device half of a quarterly inspection (D.2.b(1)): every registered device, checked by
the inspector as functioning and up to date, or not with a note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.inspections import InspectionRuleError, Verdict, reason_of
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.inspections import inspection_row
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Device, Inspection, InspectionDeviceReview

CHECK = "inspection.device"
CLAUSE = "D.2.b(1)"


@dataclass(frozen=True)
class DeviceItem:
    """One device as the inspection lists it. The device fleet's quarter figures (uptime,
    damage reports, version against the expected one) join here when they exist."""

    device_id: int
    code: str
    name: str
    kind: str
    place: str
    state: str
    last_seen_at: datetime | None
    functioning: bool | None = None  # None: not checked yet
    up_to_date: bool | None = None
    note: str | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None

    @property
    def checked(self) -> bool:
        return self.functioning is not None


def device_items(session: Session, inspection: Inspection) -> list[DeviceItem]:
    reviews = {r.device_id: r for r in session.scalars(select(InspectionDeviceReview).where(
        InspectionDeviceReview.inspection_id == inspection.id))}
    items = []
    for d in session.scalars(select(Device).order_by(Device.kind, Device.code)):
        r = reviews.get(d.id)
        items.append(DeviceItem(
            d.id, d.code, d.name, d.kind, d.address or d.vehicle_unit or d.area or "",
            "in service" if d.in_service else "out of service", d.last_seen_at,
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
