"""Damage and inoperable reports (B.2): anyone signed in reports a device, the ALPR
administrators are alerted at once, and the device stays out of service until one of them
clears it with a note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.device_reports import ReportInput, clean_clear_note, clean_report
from rtic_console.domain.devices import KIND_TITLES, DeviceKind, ServiceState
from rtic_console.domain.roles import Permission, Role
from rtic_console.domain.text import TextRuleError
from rtic_console.services.alerts import raise_alert
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, Refused, service_action
from rtic_console.services.devices import announce, device_by_code, rule_error
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import Device, DeviceReport

DAMAGE_ALERT = "device_damage"


@dataclass(frozen=True)
class DeviceReportView:
    id: int
    device_id: int
    device_code: str
    reported_by_badge: str
    reported_at: datetime
    problem: str
    vandalism: bool
    crime_report: str | None
    mdc_request: str | None
    trailer_secured: bool | None
    shift_check_id: int | None
    cleared_by_badge: str | None
    cleared_at: datetime | None
    clear_note: str | None
    alert_id: int | None = None

    @property
    def open(self) -> bool:
        return self.cleared_at is None


def report_view(row: DeviceReport, code: str, alert_id: int | None = None) -> DeviceReportView:
    return DeviceReportView(row.id, row.device_id, code, row.reported_by_badge, row.reported_at,
                            row.problem, row.vandalism, row.crime_report, row.mdc_request,
                            row.trailer_secured, row.shift_check_id, row.cleared_by_badge,
                            row.cleared_at, row.clear_note, alert_id)


def file_report(session: Session, ctx: Context, device: Device, report: ReportInput,
                shift_check_id: int | None = None) -> DeviceReportView:
    """Stores the report, marks the device damaged, alerts the ALPR administrators and
    audits it, in the caller's transaction (a report or a failed shift check)."""
    try:
        clean = clean_report(DeviceKind(device.kind), report)
    except TextRuleError as exc:
        raise rule_error(exc) from None
    now = ctx.now()
    row = DeviceReport(device_id=device.id, reported_by_badge=ctx.actor.badge, reported_at=now,
                       problem=clean.problem, vandalism=clean.vandalism,
                       crime_report=clean.crime_report, mdc_request=clean.mdc_request,
                       trailer_secured=clean.trailer_secured, shift_check_id=shift_check_id)
    session.add(row)
    device.service_state = ServiceState.DAMAGED.value
    session.flush()
    what = "vandalized" if clean.vandalism else "damaged or inoperable"
    alert_id = raise_alert(
        session, kind=DAMAGE_ALERT, title=f"{device.code} reported {what}",
        body=(f"{KIND_TITLES[DeviceKind(device.kind)]} {device.code} ({device.name}) reported "
              f"by {ctx.actor.badge} {ctx.actor.name}: {clean.problem}"
              + (f" Crime report {clean.crime_report}." if clean.crime_report else "")
              + (f" MDC repair request: {clean.mdc_request}" if clean.mdc_request else "")
              + (" Trailer returned to a secured location." if clean.trailer_secured else "")),
        for_role=Role.ALPR_ADMIN, subject_type="device", subject_id=device.code,
        raised_by=ctx.actor.badge, at=now)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="device.report", object_type="device", object_id=device.code,
                 reason=clean.problem[:300],
                 details={"report_id": row.id, "alert_id": alert_id,
                          "vandalism": clean.vandalism, "crime_report": clean.crime_report,
                          "mdc_request": clean.mdc_request,
                          "trailer_secured": clean.trailer_secured,
                          "shift_check_id": shift_check_id})
    announce(session, device)
    return report_view(row, device.code, alert_id)


@service_action("device.report")
def report_device(session: Session, ctx: Context, code: str,
                  report: ReportInput) -> DeviceReportView:
    """B.2: anyone signed in; the device shows damaged at once, everywhere."""
    authorize(session, ctx, Permission.REPORT_DEVICE, action="device.report",
              object_type="device", object_id=code.strip()[:40])
    return file_report(session, ctx, device_by_code(session, code, lock=True), report)


@service_action("device.clear")
def clear_device(session: Session, ctx: Context, code: str, note: str) -> list[DeviceReportView]:
    """An ALPR administrator closes every open report of the device with what was done,
    and puts it back in service. A device with no open report has nothing to clear."""
    authorize(session, ctx, Permission.CLEAR_DEVICE, action="device.clear",
              object_type="device", object_id=code.strip()[:40])
    device = device_by_code(session, code, lock=True)
    reports = list(session.scalars(select(DeviceReport).where(
        DeviceReport.device_id == device.id, DeviceReport.cleared_at.is_(None))
        .order_by(DeviceReport.id)))
    if not reports:
        raise Refused(f"Device {device.code} has no open damage report to clear.",
                      clause="B.2", object_type="device", object_id=device.code)
    try:
        text = clean_clear_note(note)
    except TextRuleError as exc:
        raise rule_error(exc) from None
    now = ctx.now()
    for row in reports:
        row.cleared_by_badge, row.cleared_at, row.clear_note = ctx.actor.badge, now, text
    device.service_state = ServiceState.IN_SERVICE.value
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="device.clear", object_type="device", object_id=device.code,
                 reason=text[:300], details={"report_ids": [r.id for r in reports]})
    announce(session, device)
    return [report_view(r, device.code) for r in reports]


@service_action("device.reports")
def device_reports(session: Session, ctx: Context, code: str | None = None, *,
                   open_only: bool = False) -> list[DeviceReportView]:
    """Reports newest first, of one device or all."""
    authorize(session, ctx, Permission.VIEW_DEVICES, action="device.reports")
    query = (select(DeviceReport, Device.code).join(Device, Device.id == DeviceReport.device_id)
             .order_by(DeviceReport.reported_at.desc(), DeviceReport.id.desc()))
    if code is not None:
        query = query.where(DeviceReport.device_id == device_by_code(session, code).id)
    if open_only:
        query = query.where(DeviceReport.cleared_at.is_(None))
    return [report_view(r, c) for r, c in session.execute(query)]

