"""Cameras (F.1) and donor agreements (G.2, G.3): validation, refusals, before/after audit."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from rtic_console.domain.devices import DeviceCategory
from rtic_console.services import cameras, donors
from rtic_console.services.cameras import CameraInput
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.pscn_support import add_agreement, add_camera, agreement


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


@pytest.mark.policy("F.1")
def test_cameras_are_listed_by_category_and_area_with_status(db: Database,
                                                             admin: Context) -> None:
    add_camera(db, admin, "CAM-PD-01", "private_donor", area="Midtown")
    add_camera(db, admin, "cam-ag-01", recording_enabled=True, retention_days=180)
    add_camera(db, admin, "CAM-TR-01", "city_traffic", in_service=False)
    views = query(db, admin, cameras.list_cameras)
    assert [v.code for v in views] == ["CAM-AG-01", "CAM-TR-01", "CAM-PD-01"]
    agency, traffic, donor = views
    assert agency.category is DeviceCategory.AGENCY and agency.category_title == "Agency"
    assert agency.recording_enabled and agency.retention_days == 180
    assert agency.status == "unknown" and traffic.status == "out of service"
    assert donor.is_donor and donor.area == "Midtown"
    assert agency.display_url == "rtsp://***@10.1.2.3:554/cam-ag-01"
    added = _events(db, "camera.add")
    assert len(added) == 3
    assert all("s3cret" not in str(e.details) for e in added), "credentials reached the audit"


def test_a_stream_check_sets_the_status_of_the_cameras_at_that_address(
        db: Database, admin: Context) -> None:
    camera = add_camera(db, admin, "CAM-AG-01")
    plan = query(db, admin, cameras.plan_stream_check, "CAM-AG-01")
    assert plan.url.reveal() == "rtsp://viewer:s3cret@10.1.2.3:554/CAM-AG-01"
    assert plan.camera_ids == (camera.id,) and plan.decode
    perform(db, admin, cameras.record_stream_check, plan, True, {"measured_fps": 14.8})
    live = query(db, admin, cameras.list_cameras)[0]
    assert (live.status, live.fps) == ("live", 14.8) and live.last_seen_at is not None
    typed = query(db, admin, cameras.plan_stream_check, None,
                  "rtsp://viewer:other@10.1.2.3:554/CAM-AG-01")
    assert typed.camera_ids == (camera.id,), "a typed URL of that camera updates it"
    perform(db, admin, cameras.record_stream_check, typed, False, {"reason": "unreachable"})
    assert query(db, admin, cameras.list_cameras)[0].status == "offline"
    other = query(db, admin, cameras.plan_stream_check, None, "rtsp://10.9.9.9/other")
    perform(db, admin, cameras.record_stream_check, other, True, {})
    assert query(db, admin, cameras.list_cameras)[0].status == "offline"
    assert all("s3cret" not in f"{e.object_id} {e.details}" for e in _events(db, "camera.check"))


BAD_CAMERAS = [
    ({"category": "neighbour"}, "agency, city, city_traffic, private_donor", "F.1"),
    ({"stream_url": "ftp://10.1.2.3/cam"}, "must start with rtsp://", None),
    # A camera is a device on the network: a local file is not one, and its path would let
    # the console open any file the workstation can read (/etc/passwd in a trial).
    ({"stream_url": "file:///etc/passwd"}, "must start with rtsp://", None),
    ({"stream_url": "http:///nohost"}, "names no host", None),
    ({"stream_url": ""}, "stream URL is required", None),
    ({"substream_url": "rtsp://a b"}, "no spaces", None),
    ({"latitude": 38.5}, "both latitude and longitude", None),
    ({"latitude": 138.5, "longitude": -121.4}, "latitude must be", None),
    ({"retention_days": 30}, "90 to 730 days", "F.5"),
    ({"code": "CAM 01"}, "camera id", None),
]


@pytest.mark.policy("F.1")
def test_bad_camera_input_is_rejected_and_good_urls_accepted(db: Database,
                                                             admin: Context) -> None:
    for change, message, clause in BAD_CAMERAS:
        fields = dict(change)
        code = str(fields.pop("code", "CAM-01"))
        event = assert_refused(db, lambda code=code, fields=fields: add_camera(
            db, admin, code, **fields), action="camera.add", clause=clause, match=message,
            error=InputRejected)
        assert event.details.get("clause") == clause
    add_camera(db, admin, "CAM-F", stream_url="rtsps://cam.example:322/main")
    add_camera(db, admin, "CAM-H", stream_url="https://cam.example/stream.mjpg",
               substream_url="http://cam.example/sub.mjpg")
    assert len(query(db, admin, cameras.list_cameras)) == 2


def test_edit_is_audited_with_before_and_after(db: Database, admin: Context) -> None:
    view = add_camera(db, admin, "CAM-AG-01")
    changed = CameraInput(code="CAM-AG-01", name="K St Mall", category="city",
                          stream_url="rtsp://other:pw@10.1.2.4/main", recording_enabled=True)
    after = perform(db, admin, cameras.edit_camera, view.id, changed)
    assert after.name == "K St Mall" and after.recording_enabled
    (event,) = _events(db, "camera.edit")
    assert event.details["before"]["category"] == "agency"
    assert event.details["after"]["category"] == "city"
    assert event.details["after"]["stream_url"] == "rtsp://***@10.1.2.4/main"
    assert "pw" not in str(event.details)
    assert set(event.details["changed"]) == {"name", "category", "stream_url", "area",
                                             "recording_enabled"}


@pytest.mark.policy("G.1")
def test_recording_cannot_be_enabled_for_a_donor_camera(db: Database, admin: Context) -> None:
    assert_refused(db, lambda: add_camera(db, admin, "CAM-PD-01", "private_donor",
                                          recording_enabled=True),
                   action="camera.add", clause="G.1", match="never recorded", error=Refused)
    recorded = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    assert_refused(db, lambda: perform(db, admin, cameras.edit_camera, recorded.id, CameraInput(
        code="CAM-AG-01", name="Now a donor", category="private_donor",
        stream_url="rtsp://10.1.2.3/x", recording_enabled=True)),
        action="camera.edit", clause="G.1", match="never recorded", error=Refused)


@pytest.mark.policy("A.2")
def test_only_camera_and_donor_managers_change_them(db: Database, admin: Context,
                                                    enrol) -> None:
    it = enrol("7401", "it_staff")
    add_camera(db, it, "CAM-AG-01")
    add_camera(db, admin, "CAM-PD-01", "private_donor")
    dispatcher = enrol("5201", "dispatcher")
    assert_refused(db, lambda: add_camera(db, dispatcher, "CAM-AG-02"), action="camera.add",
                   clause="A.2", match="Only ALPR administrator, Public-safety IT",
                   error=Refused)
    assert_refused(db, lambda: add_agreement(db, it, ("CAM-PD-01",)), action="donor.add",
                   clause="A.2", match="Only ALPR administrator may", error=Refused)


@pytest.mark.policy("G.3.b")
def test_agreement_is_stored_listed_and_found_for_its_camera(db: Database,
                                                             admin: Context) -> None:
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    hours = {0: ((time(8), time(18)),), 5: ((time(22), time.max),)}
    view = add_agreement(db, admin, ("cam-pd-01",), allowed_hours=hours,
                         expires_at=datetime.now(UTC) + timedelta(days=20))
    assert view.camera_codes == ("CAM-PD-01",) and view.status == "current"
    assert view.expires_soon, "an agreement ending within 30 days is flagged"
    with db.read() as session:
        terms = donors.terms_for_camera(session, donor.id, datetime.now(UTC))
    assert terms is not None and terms.agreement_id == "DA-2026-001"
    assert terms.allowed_hours[0] == ((time(8), time(18)),)
    assert terms.allowed_hours[5] == ((time(22), time.max),), "24:00 survives the round trip"
    assert terms.mask_polygons == (((0.0, 0.0), (0.5, 0.0), (0.5, 0.5)),)
    assert terms.allowed_workstations == frozenset({"TEST-WS-01"})
    (event,) = _events(db, "donor.add")
    assert event.details["after"]["allowed_hours"]["5"] == [["22:00", "24:00"]]


BAD_AGREEMENTS = [
    ({"expires_at": datetime(2026, 1, 1, tzinfo=UTC),
      "effective_at": datetime(2026, 3, 1, tzinfo=UTC)}, "ends .* before it starts", "G.3.g"),
    ({"mask_polygons": (((0.2, 0.2), (1.4, 0.2), (0.2, 0.9)),)}, "outside the frame", "G.3.c"),
    ({"mask_polygons": (((0.2, 0.2), (0.3, 0.3)),)}, "fewer than 3 points", None),
    ({"allowed_hours": {}}, "no viewing hours", "G.3.c"),
    ({"purpose_and_manner": " ", "retrieval_process": ""}, "purpose and manner.*retrieval",
     "G.3.a"),
    ({"retrieval_process": ""}, "footage retrieval process", "G.3.e"),
    ({"camera_codes": ("CAM-AG-01",)}, "not a private donor camera", "G.3.b"),
    ({"camera_codes": ("CAM-NONE",)}, "no camera 'CAM-NONE'", None),
    ({"time_zone": "Mars/Olympus"}, "unknown time zone", None),
]


@pytest.mark.policy("G.3.a")
@pytest.mark.policy("G.3.e")
def test_bad_agreements_are_refused_naming_the_problem(db: Database, admin: Context) -> None:
    add_camera(db, admin, "CAM-PD-01", "private_donor")
    add_camera(db, admin, "CAM-AG-01")
    for change, message, clause in BAD_AGREEMENTS:
        event = assert_refused(db, lambda change=change: perform(
            db, admin, donors.create_agreement, agreement(("CAM-PD-01",), **change)),
            action="donor.add", clause=clause, match=message, error=InputRejected)
        assert event.details.get("clause") == clause
    first = add_agreement(db, admin, ("CAM-PD-01",))
    assert_refused(db, lambda: add_agreement(db, admin, ("CAM-PD-01",),
                                             reference="DA-2026-002"),
                   action="donor.add", match="already covered by agreement DA-2026-001",
                   error=InputRejected)
    renewal = add_agreement(db, admin, ("CAM-PD-01",), reference="DA-2027-001",
                            effective_at=first.terms.expires_at,
                            expires_at=first.terms.expires_at + timedelta(days=365))
    assert renewal.status == "not yet in effect"


@pytest.mark.policy("G.2")
def test_terms_follow_edits_and_withdrawal(db: Database, admin: Context) -> None:
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    add_camera(db, admin, "CAM-PD-02", "private_donor")
    now = datetime.now(UTC)
    old = add_agreement(db, admin, ("CAM-PD-01",), reference="DA-OLD",
                        effective_at=now - timedelta(days=400),
                        expires_at=now - timedelta(days=20))
    with db.read() as session:
        assert donors.terms_for_camera(session, donor.id, now).agreement_id == "DA-OLD"
    current = add_agreement(db, admin, ("CAM-PD-01",))
    edited = perform(db, admin, donors.update_agreement, current.id,
                     agreement(("CAM-PD-01", "CAM-PD-02"), allowed_workstations=("RTIC-02",)))
    assert edited.camera_codes == ("CAM-PD-01", "CAM-PD-02") and edited.updated_by == "1001"
    (event,) = _events(db, "donor.edit")
    assert event.details["before"]["allowed_workstations"] == ["TEST-WS-01"]
    assert event.details["after"]["allowed_workstations"] == ["RTIC-02"]
    with db.read() as session:
        assert donors.terms_for_camera(session, donor.id, now).agreement_id == "DA-2026-001"
    assert_refused(db, lambda: perform(db, admin, donors.withdraw_agreement, current.id, " "),
                   action="donor.withdraw", match="reason", error=InputRejected)
    withdrawn = perform(db, admin, donors.withdraw_agreement, current.id, "donor withdrew")
    perform(db, admin, donors.withdraw_agreement, old.id, "superseded")
    assert withdrawn.status == "withdrawn" and withdrawn.camera_codes == (
        "CAM-PD-01", "CAM-PD-02"), "a withdrawn agreement is kept with its cameras"
    with db.read() as session:
        assert donors.terms_for_camera(session, donor.id, now) is None
    assert len(_events(db, "donor.withdraw")) == 2
    with pytest.raises(InputRejected, match="was withdrawn"):
        perform(db, admin, donors.update_agreement, current.id, agreement(("CAM-PD-01",)))
    again = add_agreement(db, admin, ("CAM-PD-01",), reference="DA-2026-009")
    assert again.status == "current", "a withdrawn agreement does not block a new one"


def test_the_rtsp_transport_is_kept_per_camera_and_audited(db: Database,
                                                          admin: Context) -> None:
    tcp = add_camera(db, admin, "CAM-AG-01")
    udp = add_camera(db, admin, "CAM-AG-02", stream_transport="udp")
    assert (tcp.stream_transport, udp.stream_transport) == ("tcp", "udp")
    assert query(db, admin, cameras.plan_stream_check, "CAM-AG-02").transport == "udp"
    changed = CameraInput(**{**CameraInput(code="CAM-AG-01", name="Camera CAM-AG-01",
                                           category="agency", area="Downtown",
                                           stream_url=tcp.display_url).__dict__,
                             "stream_transport": "udp"})
    perform(db, admin, cameras.edit_camera, tcp.id, changed)
    (event,) = _events(db, "camera.edit")
    assert event.details["changed"] == ["stream_transport"]
    with pytest.raises(InputRejected, match="tcp or udp"):
        add_camera(db, admin, "CAM-AG-03", stream_transport="http")
