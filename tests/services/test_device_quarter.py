"""A quarter of every device for the inspection (D.2.b(1)): uptime from the hourly health,
reports open at the quarter's end and closed in it, version against the expected one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert

from rtic_console.domain.devices import DeviceKind, ServiceState
from rtic_console.services.context import Context
from rtic_console.services.device_quarter import device_quarter_rows
from rtic_console.services.devices import DeviceInput, add_device
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.store.models import DeviceHealthHour, DeviceReport

Q3 = (datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC))
HOURS = int((Q3[1] - Q3[0]) / timedelta(hours=1))


def _hours(device_id: int, since: datetime, count: int, every: int = 1,
           reads: int = 0) -> list[dict[str, object]]:
    return [{"device_id": device_id, "hour": since + timedelta(hours=i * every),
             "heartbeats": 0 if reads else 12, "reads": reads} for i in range(count)]


@pytest.mark.policy("D.2.b(1)")
def test_uptime_reports_and_versions_of_a_past_quarter(db: Database, admin: Context) -> None:
    def add(code: str, kind: str, installed: date | None, **kw: object) -> int:
        return perform(db, admin, add_device, DeviceInput(
            code, kind, f"Device {code}", installed_on=installed,
            vehicle_unit="1134" if kind == "mobile_reader" else None, **kw)).id

    half = add("ALPR-FX-01", "fixed_reader", date(2026, 1, 5), version="4.2",
               expected_version="4.3")
    late = add("ALPR-MB-1134", "mobile_reader", date(2026, 8, 16))
    dark = add("ALPR-TR-01", "trailer", date(2026, 2, 1), version="1.0",
               expected_version="1.0")
    add("CAM-AG-01", "camera", None)  # registered today: no hours in Q3
    late_hours = int((Q3[1] - datetime(2026, 8, 16, tzinfo=UTC)) / timedelta(hours=1))
    with db.write() as session:
        session.execute(insert(DeviceHealthHour), [
            *_hours(half, Q3[0], HOURS // 2, every=2),
            *_hours(late, datetime(2026, 8, 16, tzinfo=UTC), late_hours, reads=40),
            *_hours(half, Q3[0] - timedelta(days=3), 24),  # before the quarter
            *_hours(half, Q3[1], 24),  # after it
            {"device_id": dark, "hour": Q3[0], "heartbeats": 0, "reads": 0},  # silent
        ])
        at = Q3[0] + timedelta(days=10)
        session.execute(insert(DeviceReport), [
            # open at the quarter's end (cleared only after it)
            {"device_id": dark, "reported_by_badge": "6301", "reported_at": at,
             "problem": "hitch", "vandalism": False, "trailer_secured": True,
             "cleared_at": Q3[1] + timedelta(days=2), "cleared_by_badge": "1001"},
            # reported and cleared within the quarter
            {"device_id": dark, "reported_by_badge": "6301", "reported_at": at,
             "problem": "flat", "vandalism": False, "trailer_secured": True,
             "cleared_at": at + timedelta(days=1), "cleared_by_badge": "1001"},
            # still open, reported after the quarter: not the quarter's
            {"device_id": half, "reported_by_badge": "6301", "reported_at": Q3[1]
             + timedelta(days=5), "problem": "dark", "vandalism": False},
        ])
    rows = {r.code: r for r in _rows(db)}
    assert [r.kind for r in rows.values()] == sorted(r.kind for r in rows.values())
    fixed, mobile, trailer, camera = (rows[c] for c in ("ALPR-FX-01", "ALPR-MB-1134",
                                                        "ALPR-TR-01", "CAM-AG-01"))
    assert fixed.uptime_share == pytest.approx(0.5)
    assert (fixed.out_of_date, fixed.version, fixed.expected_version) == (True, "4.2", "4.3")
    assert (fixed.open_reports, fixed.closed_reports) == (0, 0)
    assert fixed.last_seen_at == Q3[0] + timedelta(hours=(HOURS // 2 - 1) * 2 + 1)
    assert mobile.uptime_share == pytest.approx(1.0) and mobile.kind is DeviceKind.ALPR_MOBILE
    assert mobile.last_seen_at == Q3[1]
    assert (trailer.uptime_share, trailer.open_reports, trailer.closed_reports) == (0.0, 1, 1)
    assert trailer.last_seen_at is None and not trailer.out_of_date
    assert camera.uptime_share is None and camera.service_state is ServiceState.IN_SERVICE


def test_the_running_quarter_counts_only_the_hours_so_far(db: Database,
                                                          admin: Context) -> None:
    device = perform(db, admin, add_device, DeviceInput(
        "ALPR-FX-02", "fixed_reader", "Reader", installed_on=date(2026, 1, 1))).id
    start = datetime(2026, 10, 1, tzinfo=UTC)
    now = start + timedelta(hours=10, minutes=30)
    with db.write() as session:
        session.execute(insert(DeviceHealthHour), _hours(device, start, 11))
    [row] = _rows(db, (start, datetime(2027, 1, 1, tzinfo=UTC)), now)
    assert row.uptime_share == pytest.approx(1.0)


def _rows(db: Database, window: tuple[datetime, datetime] = Q3, now: datetime | None = None):
    with db.read() as session:
        return device_quarter_rows(session, *window, now=now)
