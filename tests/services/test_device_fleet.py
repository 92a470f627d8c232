"""The device fleet: registering and keeping every device (A.2), versions (D.2.b(1)) and
the hourly health history fed by heartbeats and reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from rtic_console.domain.devices import DeviceKind, ServiceState
from rtic_console.domain.reads import Heartbeat, PlateRead, StreamStatus
from rtic_console.services.context import Context
from rtic_console.services.device_health import hour_of
from rtic_console.services.devices import (
    DeviceInput,
    DeviceUpdate,
    add_device,
    list_devices,
    update_device,
)
from rtic_console.services.ingest import ingest_reads, record_heartbeats
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.store.database import Database
from rtic_console.store.models import Device, DeviceHealthHour
from tests.refusals import assert_refused
from tests.services.fleet_support import FLEET, add_fleet


@pytest.mark.policy("D.2.b(1)")
def test_every_kind_is_registered_with_versions_and_listed(db: Database, admin: Context,
                                                           enrol) -> None:
    heard: list[ChangeEvent] = []
    db.bus.subscribe(heard.append)
    ids = add_fleet(db, admin)
    officer = enrol("6301", "officer")
    views = {v.code: v for v in query(db, officer, list_devices)}
    assert {v.kind for v in views.values()} == set(DeviceKind)
    mobile = views["ALPR-MB-1134"]
    assert (mobile.kind_word, mobile.vehicle_unit, mobile.out_of_date) == (
        "mobile_reader", "1134", True)
    assert not views["ALPR-FX-01"].out_of_date
    assert all(v.service_state is ServiceState.IN_SERVICE and v.open_reports == 0
               for v in views.values())
    if not db.is_postgres:  # in this process's bus at commit; PostgreSQL's go by NOTIFY
        assert {i for e in heard if e.kind is Change.DEVICE for i in e.ids} == set(ids.values())
    assert [v.code for v in query(db, officer, list_devices, "trailer")] == ["ALPR-TR-01"]
    with db.read() as session:
        added = list_events(session, AuditFilter(action="device.add"))
    assert len(added) == len(FLEET)


def test_it_staff_update_and_the_event_says_what_changed(db: Database, admin: Context,
                                                         enrol) -> None:
    add_fleet(db, admin)
    it = enrol("7401", "it_staff")
    view = perform(db, it, update_device, "alpr-mb-1134",
                   DeviceUpdate(version="4.0.2", vendor="Motorola"))
    assert (view.version, view.vendor, view.out_of_date) == ("4.0.2", "Motorola", False)
    with db.read() as session:
        event = list_events(session, AuditFilter(action="device.update"))[0]
    assert event.details["changed"] == ["vendor", "version"]
    view = perform(db, it, update_device, "ALPR-TR-01",
                   DeviceUpdate(service_state="out_of_service"))
    assert view.service_state is ServiceState.OUT_OF_SERVICE


@pytest.mark.policy("A.2")
def test_only_administrators_and_it_staff_register_devices(db: Database, admin: Context,
                                                           enrol) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: perform(db, officer, add_device, FLEET[0]),
                   action="device.add", clause="A.2", match="Only ALPR administrator")


@pytest.mark.parametrize("version", ["4.2\x1b[31m", "4.2\n1", "4.2\u202e1", "4\x00"])
def test_a_version_with_control_characters_is_refused(db: Database, admin: Context,
                                                      version: str) -> None:
    assert_refused(db, lambda: perform(db, admin, add_device, DeviceInput(
        "ALPR-FX-07", "fixed_reader", "Reader", version=version)),
        action="device.add", match="control character")
    add_fleet(db, admin)
    assert_refused(db, lambda: perform(db, admin, update_device, "ALPR-FX-01",
                                       DeviceUpdate(expected_version=version)),
                   action="device.update", match="control character")


@pytest.mark.parametrize(("data", "match"), [
    (DeviceInput("ALPR-MB-1", "mobile_reader", "No unit"), "vehicle unit"),
    (DeviceInput("ALPR-FX-9", "fixed_reader", "Unit", vehicle_unit="11"), "only a mobile"),
    (DeviceInput("ALPR-FX-9", "drone", "Drone"), "kind must be one of"),
    (DeviceInput("ALPR FX", "fixed_reader", "Bad code"), "device code"),
    (DeviceInput("ALPR-FX-9", "fixed_reader", "Half", latitude=38.5), "both latitude"),
])
def test_bad_device_input_names_the_field(db: Database, admin: Context, data: DeviceInput,
                                          match: str) -> None:
    assert_refused(db, lambda: perform(db, admin, add_device, data), action="device.add",
                   match=match)


def _read(code: str, n: int, at: datetime) -> PlateRead:
    return PlateRead(source="openalpr", source_id=f"{code}-{n}", plate=f"7ABC{n:03d}",
                     plate_raw=f"7ABC{n:03d}", state="CA", confidence=0.9, captured_at=at,
                     device_ref=code, latitude=None, longitude=None, direction_deg=None)


def test_heartbeats_and_reads_are_kept_per_device_per_hour(db: Database,
                                                           admin: Context) -> None:
    ids = add_fleet(db, admin)
    now = datetime.now(UTC)
    earlier = now - timedelta(hours=2)
    engine = MatchingEngine()
    with db.write() as session:
        ingest_reads(session, [_read("ALPR-FX-01", 1, earlier), _read("ALPR-FX-01", 2, earlier),
                               _read("ALPR-FX-01", 3, now), _read("UNKNOWN", 4, now)],
                     engine, now, "test")
        ingest_reads(session, [_read("ALPR-FX-01", 1, earlier)], engine, now, "test")  # again
        record_heartbeats(session, [Heartbeat("ALPR-MB-1134", now, (
            StreamStatus("ALPR-MB-1134", None, 10.0, True, now),))] * 3)
        record_heartbeats(session, [Heartbeat("ALPR-TR-01", now, (
            StreamStatus("ALPR-TR-01", None, None, False, now),))])
    with db.read() as session:
        rows = {(r.device_id, r.hour): (r.heartbeats, r.reads)
                for r in session.scalars(select(DeviceHealthHour))}
    assert rows == {(ids["ALPR-FX-01"], hour_of(earlier)): (0, 2),
                    (ids["ALPR-FX-01"], hour_of(now)): (0, 1),
                    (ids["ALPR-MB-1134"], hour_of(now)): (3, 0)}
    seen = {v.code: v.last_seen_at for v in query(db, admin, list_devices)}
    assert seen["ALPR-FX-01"] is not None and abs(seen["ALPR-FX-01"] - now) < timedelta(
        seconds=1)


def test_heartbeats_update_device_rows_in_id_order_and_the_last_state_wins(
        db: Database, admin: Context) -> None:
    """Reads lock device rows in id order; heartbeats in payload order could wait for a read
    batch in a cycle (a deadlock, which PostgreSQL breaks by aborting one)."""
    ids = add_fleet(db, admin)
    now = datetime.now(UTC)
    codes = sorted(ids, key=ids.__getitem__, reverse=True)[:3]
    updated: list[int] = []

    def note(_conn: object, _cursor: object, statement: str, parameters: object,
             *_rest: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE DEVICES"):  # WHERE devices.id = ?
            where = parameters["id_1"] if isinstance(parameters, dict) else parameters[-1]
            updated.append(int(where))

    streams = tuple(StreamStatus(code, None, 10.0, True, now) for code in codes)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        with db.write() as session:
            assert record_heartbeats(session, [Heartbeat("agent", now, (
                *streams, StreamStatus(codes[0], None, 3.0, False, now)))]) == 3
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert updated == sorted(ids[c] for c in codes)
    with db.read() as session:
        state = {d.code: (d.fps, d.is_streaming) for d in session.scalars(select(Device))}
    assert state[codes[0]] == (3.0, False) and state[codes[1]] == (10.0, True)


def test_reads_and_heartbeats_link_to_a_device_by_its_vendor_id(db: Database,
                                                                admin: Context) -> None:
    """Vendors send their own ids, often lower case or with '/' (a Frigate camera name, a
    Genetec unit and camera), which a device code cannot hold: the vendor id links them."""
    from rtic_console.store.models import Detection

    frigate = perform(db, admin, add_device, DeviceInput(
        code="LPR-DRIVEWAY", kind="fixed_reader", name="Frigate driveway camera",
        vendor_id="driveway"))
    genetec = perform(db, admin, add_device, DeviceInput(
        code="ALPR-MB-7", kind="mobile_reader", name="Unit 7 right camera", vehicle_unit="7"))
    view = perform(db, admin, update_device, "ALPR-MB-7",
                   DeviceUpdate(vendor_id=" Unit 7/Right "))
    assert (frigate.vendor_id, view.vendor_id) == ("driveway", "Unit 7/Right")
    now = datetime.now(UTC)
    with db.write() as session:
        ingest_reads(session, [_read("driveway", 1, now), _read("Unit 7/Right", 2, now),
                               _read("DRIVEWAY", 3, now)], MatchingEngine(), now, "test")
        record_heartbeats(session, [Heartbeat("driveway", now, (
            StreamStatus("driveway", None, 12.0, True, now),))])
    with db.read() as session:
        linked = dict(session.execute(select(Detection.device_ref, Detection.device_id)).all())
    assert linked == {"driveway": frigate.id, "Unit 7/Right": genetec.id, "DRIVEWAY": None}
    assert {v.code: v.last_seen_at is not None for v in query(db, admin, list_devices)} == {
        "LPR-DRIVEWAY": True, "ALPR-MB-7": True}
    with db.read() as session:
        updated = list_events(session, AuditFilter(action="device.update"))
    assert updated[0].details["after"]["vendor_id"] == "Unit 7/Right"


def test_a_vendor_id_names_one_device(db: Database, admin: Context) -> None:
    perform(db, admin, add_device, DeviceInput(code="LPR-A", kind="fixed_reader", name="A",
                                               vendor_id="cam-north-1"))
    assert_refused(db, lambda: perform(db, admin, add_device, DeviceInput(
        code="LPR-B", kind="fixed_reader", name="B", vendor_id="cam-north-1")),
        action="device.add", match="already device LPR-A's")
