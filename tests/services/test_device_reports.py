"""Damage and inoperable reports (B.2): what a report must hold, the alert to the ALPR
administrators, out of service until cleared with a note."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rtic_console.domain.device_reports import ReportInput
from rtic_console.domain.devices import ServiceState
from rtic_console.domain.reads import PlateRead
from rtic_console.domain.roles import Role
from rtic_console.services import hits as hit_service
from rtic_console.services import hotlists
from rtic_console.services.alerts import acknowledge_alert, open_alerts
from rtic_console.services.context import Context, InputRejected
from rtic_console.services.device_reports import clear_device, device_reports, report_device
from rtic_console.services.devices import DeviceUpdate, list_devices, update_device
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.fleet_support import add_fleet


@pytest.fixture
def fleet(db: Database, admin: Context) -> dict[str, int]:
    return add_fleet(db, admin)


def _state(db: Database, ctx: Context, code: str):
    return next(v for v in query(db, ctx, list_devices) if v.code == code)


@pytest.mark.policy("B.2")
def test_anyone_reports_and_every_administrator_is_alerted_until_one_acknowledges(
        db: Database, admin: Context, second_admin: Context, enrol, fleet) -> None:
    officer = enrol("6301", "officer")
    dispatcher = enrol("5201", "dispatcher")
    report = perform(db, dispatcher, report_device, "alpr-fx-01",
                     ReportInput("lens cracked, no reads since 02:00"))
    assert report.open and report.alert_id is not None
    device = _state(db, officer, "ALPR-FX-01")
    assert (device.service_state, device.open_reports) == (ServiceState.DAMAGED, 1)
    for person in (admin, second_admin):
        [alert] = query(db, person, open_alerts)
        assert alert.for_role is Role.ALPR_ADMIN and alert.subject_id == "ALPR-FX-01"
        assert "lens cracked" in alert.body and "5201" in alert.body
    assert query(db, officer, open_alerts) == []
    assert_refused(db, lambda: perform(db, officer, acknowledge_alert, report.alert_id, ""),
                   action="alert.acknowledge", clause="A.2")
    assert_refused(db, lambda: perform(db, second_admin, acknowledge_alert, report.alert_id,
                                       "  "), action="alert.acknowledge",
                   match="the note is required", error=InputRejected)
    assert query(db, admin, open_alerts), "an acknowledgement with no note leaves it open"
    done = perform(db, second_admin, acknowledge_alert, report.alert_id, "crew sent to the pole")
    assert (done.acknowledged_by_badge, done.ack_note) == ("1002", "crew sent to the pole")
    assert query(db, admin, open_alerts) == []
    assert_refused(db, lambda: perform(db, admin, acknowledge_alert, report.alert_id, ""),
                   action="alert.acknowledge", match="already acknowledged")
    with db.read() as session:
        [event] = list_events(session, AuditFilter(action="device.report"))
        [ack] = list_events(session, AuditFilter(action="alert.acknowledge"))
    assert event.actor_badge == "5201" and event.details["alert_id"] == report.alert_id
    assert ack.object_id == str(report.alert_id)


@pytest.mark.policy("B.2.c")
def test_vandalism_without_a_crime_report_number_is_refused(db: Database, enrol,
                                                            fleet) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: perform(db, officer, report_device, "ALPR-FX-01", ReportInput(
        "spray paint over the lens", vandalism=True)),
        action="device.report", clause="B.2.c", match="crime report")
    report = perform(db, officer, report_device, "ALPR-FX-01", ReportInput(
        "spray paint over the lens", vandalism=True, crime_report="26-014411"))
    assert (report.vandalism, report.crime_report) == (True, "26-014411")


@pytest.mark.policy("B.2.b(1)")
def test_a_mobile_readers_report_needs_the_mdc_repair_request(db: Database, enrol,
                                                              fleet) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: perform(db, officer, report_device, "ALPR-MB-1134",
                                       ReportInput("left camera dead")),
                   action="device.report", clause="B.2.b(1)", match="MDC repair")
    report = perform(db, officer, report_device, "ALPR-MB-1134", ReportInput(
        "left camera dead", mdc_request="MDC-88121: left camera no video after start-up"))
    assert report.mdc_request.startswith("MDC-88121")


@pytest.mark.policy("B.2.b(2)")
def test_a_trailers_report_says_it_was_returned_to_a_secured_location(db: Database, enrol,
                                                                      fleet) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: perform(db, officer, report_device, "ALPR-TR-01",
                                       ReportInput("tow hitch bent")),
                   action="device.report", clause="B.2.b(2)", match="secured location")
    report = perform(db, officer, report_device, "ALPR-TR-01",
                     ReportInput("tow hitch bent", trailer_secured=True))
    assert report.trailer_secured is True


@pytest.mark.policy("B.2")
def test_cleared_only_by_an_administrator_with_a_note_and_only_when_reported(
        db: Database, admin: Context, enrol, fleet) -> None:
    officer = enrol("6301", "officer")
    it = enrol("7401", "it_staff")
    assert_refused(db, lambda: perform(db, admin, clear_device, "ALPR-FX-01",
                                       "replaced the lens housing"),
                   action="device.clear", clause="B.2", match="no open damage report")
    perform(db, officer, report_device, "ALPR-FX-01", ReportInput("no reads all night"))
    perform(db, officer, report_device, "ALPR-FX-01", ReportInput("still dark at 08:00"))
    assert_refused(db, lambda: perform(db, it, clear_device, "ALPR-FX-01", "rebooted ok"),
                   action="device.clear", clause="A.2")
    assert_refused(db, lambda: perform(db, it, update_device, "ALPR-FX-01",
                                       DeviceUpdate(service_state="in_service")),
                   action="device.update", clause="B.2", match="open damage report")
    assert_refused(db, lambda: perform(db, admin, clear_device, "ALPR-FX-01", "ok"),
                   action="device.clear", match="say what was done")
    cleared = perform(db, admin, clear_device, "ALPR-FX-01", "power supply replaced, reads ok")
    assert len(cleared) == 2 and all(r.cleared_by_badge == "1001" for r in cleared)
    assert _state(db, officer, "ALPR-FX-01").service_state is ServiceState.IN_SERVICE
    assert query(db, admin, device_reports, "ALPR-FX-01", open_only=True) == []
    assert len(query(db, admin, device_reports, "ALPR-FX-01")) == 2


@pytest.mark.policy("B.2")
def test_a_damaged_device_taken_out_of_service_stays_damaged(db: Database, admin: Context,
                                                             enrol, fleet) -> None:
    officer = enrol("6301", "officer")
    perform(db, officer, report_device, "CAM-AG-09", ReportInput("dome smashed",
                                                                 vandalism=True,
                                                                 crime_report="26-1"))
    view = perform(db, admin, update_device, "CAM-AG-09",
                   DeviceUpdate(service_state="out_of_service"))
    assert view.service_state is ServiceState.DAMAGED


@pytest.mark.policy("B.2")
def test_a_hit_from_a_reader_out_of_service_is_flagged(db: Database, admin: Context, enrol,
                                                       fleet) -> None:
    officer = enrol("6301", "officer")
    perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
        plate="7ABC123", state="CA", reason="stolen_vehicle", case_number="26-1", xref=None,
        ncic_system="SVS", ncic_record="V1"))
    engine = MatchingEngine()
    with db.read() as session:
        engine.load(session)
    now = datetime.now(UTC)

    def hit_from(code: str, n: int) -> int:
        with db.write() as session:
            [hit_id] = ingest_reads(session, [PlateRead(
                source="openalpr", source_id=f"oos-{n}", plate="7ABC123", plate_raw="7ABC123",
                state="CA", confidence=0.9, captured_at=now, device_ref=code, latitude=None,
                longitude=None, direction_deg=None)], engine, now, "test").hit_ids
        return hit_id

    working = hit_from("ALPR-FX-01", 1)
    perform(db, officer, report_device, "ALPR-FX-01", ReportInput("reads look smeared"))
    flagged = hit_from("ALPR-FX-01", 2)
    views = {v.id: v for v in perform(db, officer, hit_service.list_hits)}
    assert not views[working].device_out_of_service
    assert views[flagged].device_out_of_service
    with db.read() as session:
        [event] = [e for e in list_events(session, AuditFilter(action="hits.created"))
                   if e.object_id == str(flagged)]
    assert event.details["device_out_of_service"] is True
