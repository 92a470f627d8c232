"""Cameras with recording enabled are recorded and their segments indexed; donors never."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.recording_supervisor import RecordingSupervisor
from rtic_console.services import cameras
from rtic_console.services.cameras import CameraInput
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import RecordingSegment
from tests.services.pscn_support import add_camera, write_segment

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("G.1")
def test_records_agency_cameras_only(db: Database, admin, tmp_path: Path) -> None:
    with CameraSimulator(["agency", "donor"], size=(320, 180), fps=10) as sim:
        add_camera(db, admin, "CAM-R1", stream_url=sim.url("agency"), recording_enabled=True)
        add_camera(db, admin, "CAM-R2", category="private_donor", stream_url=sim.url("donor"))
        supervisor = RecordingSupervisor(db, tmp_path, segment_s=1.0)
        try:
            supervisor.start()
            assert supervisor.reconciled.wait(10)
            assert supervisor.recording == ["CAM-R1"]
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with db.read() as session:
                    rows = list(session.scalars(select(RecordingSegment)))
                if rows:
                    break
                time.sleep(0.2)
        finally:
            supervisor.stop()
    assert rows, "a finished segment is indexed"
    assert all(Path(r.path).exists() for r in rows)
    assert not (tmp_path / "CAM-R2").exists()


def _wait(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.policy("G.1")
def test_a_camera_made_a_donor_camera_stops_being_recorded_at_once(
        db: Database, admin, tmp_path: Path) -> None:
    with CameraSimulator(["agency"], size=(320, 180), fps=10) as sim:
        camera = add_camera(db, admin, "CAM-R1", stream_url=sim.url("agency"),
                            recording_enabled=True)
        supervisor = RecordingSupervisor(db, tmp_path, segment_s=1.0, refresh_s=600)
        try:
            supervisor.start()
            assert _wait(lambda: supervisor.recording == ["CAM-R1"])
            assert _wait(lambda: _segments(db)), "it records while it is an agency camera"
            perform(db, admin, cameras.edit_camera, camera.id, CameraInput(
                code="CAM-R1", name="Now the donor's", category="private_donor",
                stream_url=camera.display_url))
            assert _wait(lambda: supervisor.recording == [], 5), \
                "the change event stops the recorder, not the next periodic check"
            indexed = len(_segments(db))
            time.sleep(1.5)
            assert len(_segments(db)) == indexed, "nothing more is indexed"
        finally:
            supervisor.stop()
    on_disk = {p.name for p in tmp_path.rglob("*.avi")}
    assert on_disk == {Path(r.path).name for r in _segments(db)}, \
        "a segment finished after the change was deleted, not kept"


def _segments(db: Database) -> list[RecordingSegment]:
    with db.read() as session:
        return list(session.scalars(select(RecordingSegment)))


@pytest.mark.policy("G.1")
def test_a_donor_segment_that_reaches_the_index_is_deleted_and_the_refusal_audited(
        db: Database, admin, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-PD-01", "private_donor")
    stray = write_segment(tmp_path / "rec", camera.id, datetime.now(UTC), 3)
    RecordingSupervisor(db, tmp_path).store_segment(stray)
    assert not Path(stray.path).exists() and _segments(db) == []
    with db.read() as session:
        (refused,) = list_events(session, AuditFilter(action="recording.index.refused"))
    assert refused.details["clause"] == "G.1" and refused.object_id == "CAM-PD-01"
