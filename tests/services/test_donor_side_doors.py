"""Donor video stays the donor's (G.1): a donor camera cannot be re-categorised into a
recorded agency camera, and a camera any donor agreement ever covered is never recorded,
indexed, played back or exported, whatever its category says now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from rtic_console.services import cameras, donors, recordings
from rtic_console.services.cameras import CameraInput, CameraView
from rtic_console.services.context import Context, Refused
from rtic_console.services.evidence_export import export_evidence
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.store.models import CameraSettings, DonorAgreement
from tests.refusals import assert_refused
from tests.services.pscn_support import add_agreement, add_camera, write_segment


def _as(camera: CameraView, category: str, recording: bool) -> CameraInput:
    return CameraInput(code=camera.code, name=camera.name, category=category,
                       stream_url=camera.display_url, area=camera.area,
                       recording_enabled=recording)


@pytest.mark.policy("G.1")
def test_a_donor_camera_cannot_be_made_an_agency_camera_and_recorded(
        db: Database, admin: Context, enrol) -> None:
    it = enrol("7401", "it_staff")
    covered = add_camera(db, admin, "CAM-PD-01", "private_donor")
    lonely = add_camera(db, admin, "CAM-PD-02", "private_donor")
    add_agreement(db, admin, ("CAM-PD-01",))
    assert_refused(db, lambda: perform(db, it, cameras.edit_camera, lonely.id,
                                       _as(lonely, "agency", True)),
                   action="camera.edit", clause="A.2", match="Only ALPR administrator")
    assert_refused(db, lambda: perform(db, admin, cameras.edit_camera, covered.id,
                                       _as(covered, "agency", False)),
                   action="camera.edit", clause="G.1",
                   match="cannot change while donor agreement DA-2026-001 covers it")
    assert_refused(db, lambda: perform(db, admin, cameras.edit_camera, lonely.id,
                                       _as(lonely, "agency", True)),
                   action="camera.edit", clause="G.1", match="change its category first")
    moved = perform(db, admin, cameras.edit_camera, lonely.id, _as(lonely, "agency", False))
    assert moved.category.value == "agency", "a camera never under an agreement may move"


@pytest.mark.policy("G.1")
def test_a_camera_once_under_a_donor_agreement_is_never_recorded(
        db: Database, admin: Context, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-PD-01", "private_donor")
    now = datetime.now(UTC)
    past = add_agreement(db, admin, ("CAM-PD-01",), effective_at=now - timedelta(days=400),
                         expires_at=now - timedelta(days=30))
    moved = perform(db, admin, cameras.edit_camera, camera.id, _as(camera, "agency", False))
    assert moved.category.value == "agency", "the agreement has ended: the label may change"
    assert_refused(db, lambda: perform(db, admin, cameras.edit_camera, camera.id,
                                       _as(moved, "agency", True)),
                   action="camera.edit", clause="G.1",
                   match=f"covered by donor agreement {past.reference}")

    with db.write() as session:  # as if set behind the service's back, or before this rule
        session.execute(update(CameraSettings).where(CameraSettings.device_id == camera.id)
                        .values(recording_enabled=True))
    with db.read() as session:
        assert recordings.recording_targets(session) == [], "the recorder is not given it"
    stray = write_segment(tmp_path / "rec", camera.id, now - timedelta(minutes=10), 3)
    with db.write() as session, pytest.raises(Refused, match="covered by donor agreement"):
        recordings.index_segment(session, stray)
    assert not Path(stray.path).exists(), "a segment that slipped through is deleted"
    start = now - timedelta(minutes=15)
    assert_refused(db, lambda: export_evidence(db, admin, "CAM-PD-01", start,
                                       start + timedelta(minutes=10), "26-1", None,
                                       "evidence collection", tmp_path / "out"),
                   action="evidence.export", clause="G.1")
    assert_refused(db, lambda: perform(db, admin, recordings.playback_timeline, camera.id,
                                       start, start + timedelta(minutes=10), "training"),
                   action="pscn.playback", clause="G.1")
    assert not (tmp_path / "out").exists()


@pytest.mark.policy("G.1")
def test_a_withdrawn_agreement_still_marks_its_cameras_as_donor_video(
        db: Database, admin: Context) -> None:
    camera = add_camera(db, admin, "CAM-PD-01", "private_donor")
    view = add_agreement(db, admin, ("CAM-PD-01",))
    assert_refused(db, lambda: perform(db, admin, cameras.edit_camera, camera.id,
                                       _as(camera, "city", False)),
                   action="camera.edit", clause="G.1")
    perform(db, admin, donors.withdraw_agreement, view.id, "the donor ended the programme")
    with db.read() as session:
        row = session.get(DonorAgreement, view.id)
        assert row is not None and row.withdrawn_by == "1001", "kept, not deleted"
    moved = perform(db, admin, cameras.edit_camera, camera.id, _as(camera, "city", False))
    assert_refused(db, lambda: perform(db, admin, cameras.edit_camera, camera.id,
                                       _as(moved, "city", True)),
                   action="camera.edit", clause="G.1", match="DA-2026-001")
