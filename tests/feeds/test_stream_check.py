"""The stream check workflow the Cameras tab, the camera dialog and `camera check` share:
plan, measure, record; a donor camera's pictures are never decoded (G.1)."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import pytest

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.stream_check import check_stream
from rtic_console.services import cameras
from rtic_console.services.context import Context
from rtic_console.services.runner import query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera


@pytest.fixture
def sims() -> Iterator[tuple[CameraSimulator, CameraSimulator]]:
    with CameraSimulator(["gate"], size=(320, 180), fps=15) as agency, \
            CameraSimulator(["plaza"], size=(320, 180), fps=15) as donor:
        yield agency, donor


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every picture OpenCV decodes in this process (a spy on the outside library)."""
    seen: list[object] = []
    real = cv2.imdecode
    monkeypatch.setattr(cv2, "imdecode", lambda *a: seen.append(a) or real(*a))
    return seen


@pytest.mark.policy("G.1")
def test_a_donor_camera_is_checked_for_connectivity_only(
        db: Database, admin: Context, enrol, sims, decodes: list[object]) -> None:
    agency_sim, donor_sim = sims
    add_camera(db, admin, "CAM-AG-01", stream_url=agency_sim.url("gate"))
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor", stream_url=donor_sim.url("plaza"))
    it = enrol("7401", "it_staff")

    report = check_stream(db, it, camera="CAM-PD-01", frames=5, timeout_s=5)
    assert report.ok and not report.decoded and decodes == []
    assert (report.outcome["width"], report.outcome["height"]) == (320, 180)
    assert "connectivity only" in report.text()
    typed = check_stream(db, it, url=donor_sim.url("other-path"), frames=2, timeout_s=2)
    assert not typed.decoded and decodes == [], "a typed URL on the donor's host counts too"

    agency = check_stream(db, it, camera="CAM-AG-01", frames=5, timeout_s=5)
    assert agency.ok and agency.decoded and decodes, "an agency camera is decoded as usual"

    with db.read() as session:
        checks = {e.object_id: e for e in list_events(session, AuditFilter(action="camera.check"))}
    donor_event = checks[f"CAM-PD-01 ({donor_sim.url('plaza')})"]
    assert donor_event.details["decoded"] is False and "G.1" in donor_event.details["note"]
    live = {v.code: v.status for v in query(db, it, cameras.list_cameras)}
    assert live == {"CAM-AG-01": "live", "CAM-PD-01": "live"}, f"{donor.code} status kept"


@pytest.mark.policy("A.2")
def test_a_stream_check_is_refused_before_the_stream_is_opened(
        db: Database, admin: Context, enrol, sims, decodes: list[object]) -> None:
    agency_sim, _ = sims
    add_camera(db, admin, "CAM-AG-01", stream_url=agency_sim.url("gate"))
    dispatcher = enrol("5201", "dispatcher")
    assert_refused(db, lambda: check_stream(db, dispatcher, camera="CAM-AG-01", frames=2),
                   action="camera.check", clause="A.2")
    assert decodes == [], "refused before anything was read"
