"""Recorded video near a search result, at its time, and the viewing purpose (F.2) its
search's purpose (D.1) carries over to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtic_console.services import recordings
from rtic_console.services.recordings_near import (
    AROUND,
    recorded_near,
    viewing_purpose_for,
)
from rtic_console.services.runner import query
from rtic_console.services.viewing import ViewingPurpose
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera, write_segment

HERE = (38.5770, -121.4850)
AT = datetime(2026, 11, 21, 14, 3, tzinfo=UTC)


def _recorded(db: Database, device_id: int, folder: Path, started_at: datetime) -> None:
    with db.write() as session:
        recordings.index_segment(session, write_segment(folder, device_id, started_at, 5))


def test_cameras_that_recorded_near_the_read_at_its_time_nearest_first(
        db: Database, admin, tmp_path: Path) -> None:
    near = add_camera(db, admin, "CAM-N1", recording_enabled=True, latitude=38.5772,
                      longitude=-121.4851)
    nearer = add_camera(db, admin, "CAM-N0", recording_enabled=True, latitude=38.5770,
                        longitude=-121.4850)
    far = add_camera(db, admin, "CAM-F1", recording_enabled=True, latitude=38.60,
                     longitude=-121.40)
    idle = add_camera(db, admin, "CAM-I1", recording_enabled=True, latitude=38.5771,
                      longitude=-121.4850)
    for camera in (near, nearer, far):
        _recorded(db, camera.id, tmp_path, AT - timedelta(minutes=1))
    _recorded(db, idle.id, tmp_path, AT - AROUND - timedelta(hours=1))  # too early
    found = query(db, admin, recorded_near, *HERE, AT)
    assert [f.camera.code for f in found] == ["CAM-N0", "CAM-N1"]
    assert found[0].segments == 1 and found[0].distance_m < found[1].distance_m < 500
    assert found[0].start == AT - AROUND and found[0].end == AT + AROUND


def test_a_person_who_views_no_cameras_is_refused(db: Database, admin, enrol) -> None:
    officer = enrol("6401", "officer")
    assert_refused(db, lambda: query(db, officer, recorded_near, *HERE, AT),
                   action="pscn.recordings.near")


@pytest.mark.parametrize(("purpose", "viewing"), [
    ("stolen_vehicle_or_plate", ViewingPurpose.EVIDENCE_COLLECTION),
    ("crime_scene_canvass", ViewingPurpose.EVIDENCE_COLLECTION),
    ("other_use", None), (None, None)])
def test_the_viewing_purpose_a_search_carries(purpose: str | None,
                                              viewing: ViewingPurpose | None) -> None:
    chosen, why_not = viewing_purpose_for(purpose)
    assert chosen is viewing and bool(why_not) is (viewing is None)
