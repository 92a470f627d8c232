"""Every device's quarter for the quarterly inspection (D.2.b(1)): uptime from the hourly
health, last seen, damage reports open at the quarter's end and closed during it, and its
version against the one expected."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from rtic_console.domain.devices import DeviceKind, ServiceState, out_of_date
from rtic_console.services.device_health import hour_of
from rtic_console.store.models import Device, DeviceHealthHour, DeviceReport

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class DeviceQuarterRow:
    """`uptime_share` is the share of the device's hours in the quarter (from its
    installation, up to now for the running quarter) with a heartbeat of a streaming device
    or a read; None when it had no hours in it. `last_seen_at` is as of the quarter's end."""

    device_id: int
    code: str
    name: str
    kind: DeviceKind
    service_state: ServiceState
    uptime_share: float | None
    last_seen_at: datetime | None
    open_reports: int
    closed_reports: int
    version: str | None
    expected_version: str | None
    out_of_date: bool


def _window(start: datetime, end: datetime, device: Device,
            now: datetime) -> tuple[datetime, datetime]:
    """The hours of the quarter the device could have been up: not before it was installed
    (or registered, when no installation date is known), not after now."""
    began = (datetime.combine(device.installed_on, time(), UTC) if device.installed_on
             else hour_of(device.created_at))
    return max(start, began), min(end, now)


def device_quarter_rows(session: Session, start: datetime, end: datetime,
                        now: datetime | None = None) -> list[DeviceQuarterRow]:
    """Every device, by kind and code; one aggregate over the hourly table for the quarter,
    one over the reports. `start` and `end` are aware; `end` is exclusive."""
    now = now or datetime.now(UTC)
    first, stop = hour_of(start), end
    up = or_(DeviceHealthHour.heartbeats > 0, DeviceHealthHour.reads > 0)
    health = select(DeviceHealthHour.device_id, DeviceHealthHour.hour).where(
        DeviceHealthHour.hour >= first, DeviceHealthHour.hour < stop, up).subquery()
    hours = {device_id: (count, latest) for device_id, count, latest in session.execute(
        select(health.c.device_id, func.count(), func.max(health.c.hour))
        .group_by(health.c.device_id))}
    reports = {device_id: (int(opened or 0), int(closed or 0))
               for device_id, opened, closed in session.execute(
                   select(DeviceReport.device_id,
                          func.sum(case((and_(DeviceReport.reported_at < end, or_(
                              DeviceReport.cleared_at.is_(None),
                              DeviceReport.cleared_at >= end)), 1), else_=0)),
                          func.sum(case((and_(DeviceReport.cleared_at >= start,
                                              DeviceReport.cleared_at < end), 1), else_=0)))
                   .group_by(DeviceReport.device_id))}
    rows = []
    for device in session.scalars(select(Device).order_by(Device.kind, Device.code)):
        counted, latest = hours.get(device.id, (0, None))
        began, until = _window(start, end, device, now)
        slots = math.ceil((until - began) / HOUR)  # hours begun in its window
        share = min(1.0, counted / slots) if slots > 0 else None
        if device.last_seen_at is not None and device.last_seen_at < end:
            seen = device.last_seen_at
        else:
            seen = min(latest + HOUR, end) if latest is not None else None
        opened, closed = reports.get(device.id, (0, 0))
        rows.append(DeviceQuarterRow(
            device.id, device.code, device.name, DeviceKind(device.kind),
            ServiceState(device.service_state), share, seen, opened, closed, device.version,
            device.expected_version, out_of_date(device.version, device.expected_version)))
    return rows
