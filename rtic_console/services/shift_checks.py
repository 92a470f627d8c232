"""Start-of-shift checks of mobile readers (D.3.b to D.3.d), signed per vehicle unit by the
officer who drives it; a failed check opens a damage report (B.2). The units that read plates
without a check are found from the hourly health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.device_reports import (
    MAX_NOTE,
    ReportInput,
    ShiftCheckInput,
    failed_items,
)
from rtic_console.domain.devices import DeviceKind
from rtic_console.domain.roles import Permission
from rtic_console.domain.text import TextRuleError, clean_line
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.services.device_reports import file_report
from rtic_console.services.devices import rule_error
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Device, DeviceHealthHour, ShiftCheck

# A check covers its unit from the hour it was made for a shift of this length.
SHIFT = timedelta(hours=12)
# Reads further apart than this belong to different shifts.
SHIFT_GAP = timedelta(hours=4)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class ShiftCheckView:
    id: int
    vehicle_unit: str
    checked_at: datetime
    officer_badge: str
    cameras_affixed: bool
    cdms_started: bool
    all_green: bool
    note: str
    failed: tuple[str, ...]
    report_ids: tuple[int, ...]

    @property
    def passed(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class UncheckedShift:
    """Hours a unit's mobile reader read plates with no start-of-shift check covering
    them: from `first_hour` to `until` (exclusive)."""

    vehicle_unit: str
    device_codes: tuple[str, ...]
    first_hour: datetime
    until: datetime
    reads: int


def _readers_of(session: Session, unit: str) -> list[Device]:
    return list(session.scalars(select(Device).where(
        Device.kind == DeviceKind.ALPR_MOBILE.value, Device.vehicle_unit == unit)
        .order_by(Device.code).with_for_update()))


@service_action("shift.check")
def record_shift_check(session: Session, ctx: Context, check: ShiftCheckInput) -> ShiftCheckView:
    """The officer signs what they checked. A failed item opens a damage report of each of
    the unit's readers, which goes through the MDC repair procedure (B.2.b(1))."""
    authorize(session, ctx, Permission.RECORD_SHIFT_CHECK, action="shift.check",
              object_type="vehicle_unit", object_id=check.vehicle_unit.strip()[:20])
    try:
        unit = clean_line(check.vehicle_unit, "vehicle unit", 20, required=True)
        note = clean_line(check.note, "note", MAX_NOTE)
    except TextRuleError as exc:
        raise rule_error(exc) from None
    readers = _readers_of(session, unit)
    if not readers:
        raise InputRejected(f"no mobile reader is registered on vehicle unit {unit}")
    failed = failed_items(check)
    row = ShiftCheck(vehicle_unit=unit, checked_at=ctx.now(), officer_badge=ctx.actor.badge,
                     cameras_affixed=check.cameras_affixed, cdms_started=check.cdms_started,
                     all_green=check.all_green, note=note)
    session.add(row)
    session.flush()
    reports = [file_report(session, ctx, reader, ReportInput(
        "Start-of-shift check failed: not " + "; not ".join(failed) + (
            f". {note}" if note else "."), mdc_request=check.mdc_request), row.id)
        for reader in readers] if failed else []
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="shift.check", object_type="vehicle_unit", object_id=unit,
                 reason=note or None,
                 details={"check_id": row.id, "cameras_affixed": check.cameras_affixed,
                          "cdms_started": check.cdms_started, "all_green": check.all_green,
                          "failed": failed, "report_ids": [r.id for r in reports]})
    publish(session, Change.SHIFT_CHECK, (row.id,))
    return ShiftCheckView(row.id, unit, row.checked_at, row.officer_badge, row.cameras_affixed,
                          row.cdms_started, row.all_green, note, tuple(failed),
                          tuple(r.id for r in reports))


def unchecked_shifts(session: Session, start: datetime, end: datetime) -> list[UncheckedShift]:
    """D.3.b to D.3.d: the runs of hours in [start, end) a unit's mobile reader read plates
    while no check of that unit covered them (a check covers the hour it was made in and
    the shift after it), by unit and time. A run is one shift: it ends after a gap of
    SHIFT_GAP or once it is a SHIFT long."""
    active = session.execute(
        select(Device.vehicle_unit, Device.code, DeviceHealthHour.hour, DeviceHealthHour.reads)
        .join(Device, Device.id == DeviceHealthHour.device_id)
        .where(Device.kind == DeviceKind.ALPR_MOBILE.value, Device.vehicle_unit.is_not(None),
               DeviceHealthHour.hour >= start, DeviceHealthHour.hour < end,
               DeviceHealthHour.reads > 0)
        .order_by(Device.vehicle_unit, DeviceHealthHour.hour)).all()
    units = {unit for unit, _, _, _ in active}
    checks: dict[str, list[datetime]] = {}
    for unit, at in session.execute(
            select(ShiftCheck.vehicle_unit, ShiftCheck.checked_at)
            .where(ShiftCheck.vehicle_unit.in_(units), ShiftCheck.checked_at >= start - SHIFT,
                   ShiftCheck.checked_at < end)):
        checks.setdefault(unit, []).append(at)
    runs: list[UncheckedShift] = []
    for unit, code, hour, reads in active:
        if any(at < hour + HOUR and hour < at + SHIFT for at in checks.get(unit, ())):
            continue
        last = runs[-1] if runs else None
        if (last is not None and last.vehicle_unit == unit and hour - last.until <= SHIFT_GAP
                and hour - last.first_hour < SHIFT):
            runs[-1] = UncheckedShift(unit, tuple(sorted({*last.device_codes, code})),
                                      last.first_hour, max(last.until, hour + HOUR),
                                      last.reads + reads)
        else:
            runs.append(UncheckedShift(unit, (code,), hour, hour + HOUR, reads))
    return runs


@service_action("shift.unchecked")
def list_unchecked_shifts(session: Session, ctx: Context, start: datetime,
                          end: datetime) -> list[UncheckedShift]:
    authorize(session, ctx, Permission.VIEW_DEVICES, action="shift.unchecked")
    if end <= start:
        raise InputRejected("the period ends before it starts")
    return unchecked_shifts(session, start, end)
