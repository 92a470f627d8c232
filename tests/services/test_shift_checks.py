"""Start-of-shift checks of mobile readers (D.3.b to D.3.d): signed per unit, a failed check
opens a damage report, and the units that read plates without a check are listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, update

from rtic_console.domain.device_reports import ShiftCheckInput
from rtic_console.domain.devices import ServiceState
from rtic_console.services.alerts import open_alerts
from rtic_console.services.context import Context
from rtic_console.services.devices import DeviceInput, add_device, list_devices
from rtic_console.services.runner import perform, query
from rtic_console.services.shift_checks import (
    list_unchecked_shifts,
    record_shift_check,
    unchecked_shifts,
)
from rtic_console.store.database import Database
from rtic_console.store.models import DeviceHealthHour, ShiftCheck
from tests.refusals import assert_refused
from tests.services.fleet_support import add_fleet

MDC = "MDC-5120: left camera shows no video after CDMS start-up"


@pytest.fixture
def officer(db: Database, admin: Context, enrol) -> Context:
    add_fleet(db, admin)
    return enrol("6301", "officer")


@pytest.mark.policy("D.3.b")
@pytest.mark.policy("D.3.c")
@pytest.mark.policy("D.3.d")
def test_a_passed_check_is_signed_and_a_failed_one_opens_a_report(
        db: Database, admin: Context, officer: Context) -> None:
    passed = perform(db, officer, record_shift_check, ShiftCheckInput("1134", True, True, True))
    assert passed.passed and passed.report_ids == () and passed.officer_badge == "6301"
    assert_refused(db, lambda: perform(db, officer, record_shift_check, ShiftCheckInput(
        "1134", True, True, False)), action="shift.check", clause="B.2.b(1)",
        match="MDC repair")
    failed = perform(db, officer, record_shift_check, ShiftCheckInput(
        "1134", True, False, False, "CDMS would not start", MDC))
    assert failed.failed == ("CDMS started (D.3.c)",
                             "cameras, LEARN, GPS and system lights green (D.3.d)")
    assert len(failed.report_ids) == 1
    reader = next(v for v in query(db, admin, list_devices) if v.code == "ALPR-MB-1134")
    assert (reader.service_state, reader.open_reports) == (ServiceState.DAMAGED, 1)
    [alert] = query(db, admin, open_alerts)
    assert "Start-of-shift check failed" in alert.body and MDC in alert.body


@pytest.mark.policy("A.2")
def test_only_officers_sign_a_check_and_only_for_a_unit_with_a_reader(
        db: Database, admin: Context, officer: Context, enrol) -> None:
    dispatcher = enrol("5201", "dispatcher")
    assert_refused(db, lambda: perform(db, dispatcher, record_shift_check, ShiftCheckInput(
        "1134", True, True, True)), action="shift.check", clause="A.2")
    assert_refused(db, lambda: perform(db, officer, record_shift_check, ShiftCheckInput(
        "9999", True, True, True)), action="shift.check", match="no mobile reader")


@pytest.mark.policy("D.3.b")
def test_units_that_read_plates_without_a_check_are_listed(db: Database, admin: Context,
                                                           officer: Context) -> None:
    second = perform(db, admin, add_device, DeviceInput(
        "ALPR-MB-1121", "mobile_reader", "Unit 1121 reader", vehicle_unit="1121")).id
    ids = {v.code: v.id for v in query(db, admin, list_devices)}
    day = datetime(2026, 11, 2, tzinfo=UTC)
    rows = [{"device_id": ids["ALPR-MB-1134"], "hour": day + timedelta(hours=h),
             "heartbeats": 10, "reads": 30} for h in range(7, 15)]  # day shift, checked
    rows += [{"device_id": second, "hour": day + timedelta(hours=h), "heartbeats": 10,
              "reads": 20} for h in (8, 9, 10, 20, 21)]  # two shifts, neither checked
    rows += [{"device_id": ids["ALPR-FX-01"], "hour": day + timedelta(hours=9),
              "heartbeats": 10, "reads": 50}]  # a fixed reader has no shift check
    check = perform(db, officer, record_shift_check, ShiftCheckInput("1134", True, True, True))
    with db.write() as session:
        session.execute(insert(DeviceHealthHour), rows)
        session.execute(update(ShiftCheck).where(ShiftCheck.id == check.id)
                        .values(checked_at=day + timedelta(hours=6, minutes=50)))
    runs = unchecked_shifts_of(db, day, day + timedelta(days=1))
    assert [(r.vehicle_unit, r.first_hour.hour, r.until.hour, r.reads) for r in runs] == [
        ("1121", 8, 11, 60), ("1121", 20, 22, 40)]
    assert runs[0].device_codes == ("ALPR-MB-1121",)
    listed = query(db, admin, list_unchecked_shifts, day, day + timedelta(days=1))
    assert listed == runs


def unchecked_shifts_of(db: Database, start: datetime, end: datetime):
    with db.read() as session:
        return unchecked_shifts(session, start, end)


def test_a_unit_reading_all_day_unchecked_counts_as_shifts(db: Database, admin: Context,
                                                          officer: Context) -> None:
    ids = {v.code: v.id for v in query(db, admin, list_devices)}
    day = datetime(2026, 11, 2, tzinfo=UTC)
    with db.write() as session:
        session.execute(insert(DeviceHealthHour), [
            {"device_id": ids["ALPR-MB-1134"], "hour": day + timedelta(hours=h),
             "heartbeats": 10, "reads": 1} for h in range(30)])
    runs = unchecked_shifts_of(db, day, day + timedelta(days=2))
    assert [(r.first_hour - day, r.until - day) for r in runs] == [
        (timedelta(hours=0), timedelta(hours=12)), (timedelta(hours=12), timedelta(hours=24)),
        (timedelta(hours=24), timedelta(hours=30))]
