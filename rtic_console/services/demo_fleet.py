"""Demo fleet: vendors and versions of every demo device, their hourly health since the
start of the last quarter (with outages), a damage report waiting for the administrators,
and start-of-shift checks with one unit that ran its shifts without one (B.2, D.2.b(1), D.3)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.devices import READER_KINDS, DeviceKind, ServiceState
from rtic_console.domain.roles import Role
from rtic_console.services.alerts import raise_alert
from rtic_console.services.device_health import add_hours, hour_of
from rtic_console.services.device_reports import DAMAGE_ALERT
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import Device, DeviceReport, ShiftCheck

# kind -> (vendor, model, installed version, version the department expects)
DEMO_MAKES = {
    DeviceKind.ALPR_FIXED: ("Motorola Solutions", "Vigilant Fixed 3", "5.4.2", "5.4.2"),
    DeviceKind.ALPR_MOBILE: ("Motorola Solutions", "Vigilant Car Detector", "5.3.9", "5.4.2"),
    DeviceKind.TRAILER: ("Vigilant", "Mobile trailer MT-2", "2.1.0", "2.1.0"),
    DeviceKind.CAMERA: ("Axis", "Q6135-LE", "11.8.64", "11.8.64"),
}
# Devices whose history shows an outage: code -> (days ago it began, hours it lasted)
DEMO_OUTAGES = {"ALPR-FX-04": (40, 52), "CAM-CY-02": (75, 120), "ALPR-TR-02": (20, 200),
                "ALPR-MB-1121": (12, 30)}
DEMO_REPORT = ("ALPR-FX-03", "6301", "Reader housing cracked and lens spray-painted; no reads "
               "since about 03:00.", "26-019934")
CHECKED_UNIT, UNCHECKED_UNIT = "1121", "1134"


def _quarter_start(day: date) -> datetime:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    previous = date(first.year - (first.month == 1), (first.month - 4) % 12 + 1, 1)
    return datetime(previous.year, previous.month, previous.day, tzinfo=UTC)


def seed_demo_fleet(session: Session, now: datetime, seed: int = 8) -> None:
    """After seed_demo_history (its reads are in the last week's hours already)."""
    rng = random.Random(seed)
    start = _quarter_start(now.date())
    devices = list(session.scalars(select(Device).order_by(Device.code)))
    rows: list[dict[str, object]] = []
    last_hour = hour_of(now)
    recent = last_hour - timedelta(days=7)  # the history's own reads cover these hours
    for device in devices:
        kind = DeviceKind(device.kind)
        device.vendor, device.model, device.version, device.expected_version = DEMO_MAKES[kind]
        device.installed_on = (start - timedelta(days=rng.randint(30, 400))).date()
        days_ago, hours = DEMO_OUTAGES.get(device.code, (0, 0))
        dark_from = last_hour - timedelta(days=days_ago)
        dark_until = dark_from + timedelta(hours=hours)
        hour = start
        while hour < last_hour:
            if not dark_from <= hour < dark_until and rng.random() > 0.01:
                reads = (rng.randint(5, 60) if kind in READER_KINDS and hour < recent else 0)
                rows.append({"device_id": device.id, "hour": hour, "heartbeats": 12,
                             "reads": reads})
                seen = hour + timedelta(minutes=rng.randint(30, 59))
                if device.last_seen_at is None or device.last_seen_at < seen:
                    device.last_seen_at = seen
            hour += timedelta(hours=1)
    add_hours(session, rows)
    _waiting_report(session, now)
    _shift_checks(session, start, now)
    session.flush()
    append_event(session, actor_badge=None, workstation="demo", action="demo.seed_fleet",
                 reason="demo device health, a damage report and shift checks",
                 details={"health_hours": len(rows)})


def _waiting_report(session: Session, now: datetime) -> None:
    code, badge, problem, crime = DEMO_REPORT
    device = session.scalars(select(Device).where(Device.code == code)).one()
    at = now - timedelta(minutes=25)
    session.add(DeviceReport(device_id=device.id, reported_by_badge=badge, reported_at=at,
                             problem=problem, vandalism=True, crime_report=crime))
    device.service_state = ServiceState.DAMAGED.value
    raise_alert(session, kind=DAMAGE_ALERT, title=f"{code} reported vandalized",
                body=f"Fixed ALPR reader {code} ({device.name}) reported by {badge}: {problem} "
                     f"Crime report {crime}.", for_role=Role.ALPR_ADMIN, subject_type="device",
                subject_id=code, raised_by=badge, at=at)


def _shift_checks(session: Session, start: datetime, now: datetime) -> None:
    """Unit 1121 checks at the start of both shifts every day its reader has history for;
    unit 1134 never does."""
    day = start.replace(hour=0) - timedelta(days=1)
    while day < now:
        for at in (day.replace(hour=14, minute=50), day.replace(hour=2, minute=50)):
            if at < now:  # 06:50 and 18:50 in Sacramento
                session.add(ShiftCheck(vehicle_unit=CHECKED_UNIT, checked_at=at,
                                       officer_badge="6301", cameras_affixed=True,
                                       cdms_started=True, all_green=True, note=""))
        day += timedelta(days=1)
