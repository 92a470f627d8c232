"""Cameras with recording enabled are recorded and their segments indexed; donors never."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.recording_supervisor import RecordingSupervisor
from rtic_console.store.database import Database
from rtic_console.store.models import RecordingSegment
from tests.services.pscn_support import add_camera

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
