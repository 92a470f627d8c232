"""A device reported damaged shows so on the map's markers, the wall's tile and the camera
list (B.2)."""

from __future__ import annotations

import pytest

from rtic_console.domain.device_reports import ReportInput
from rtic_console.services.cameras import list_cameras
from rtic_console.services.context import Context
from rtic_console.services.device_reports import report_device
from rtic_console.services.map_data import map_devices
from rtic_console.services.runner import perform, query
from rtic_console.services.viewing import open_wall
from rtic_console.store.database import Database
from rtic_console.ui.wall.camera_tile import CameraTile
from rtic_console.ui.wall.wall_tiles import tile_camera
from tests.services.pscn_support import add_camera

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("B.2")
def test_a_damaged_camera_shows_on_the_map_and_the_wall(qtbot, db: Database, admin: Context,
                                                        enrol) -> None:
    add_camera(db, admin, "CAM-AG-01", latitude=38.58, longitude=-121.49)
    officer = enrol("6301", "officer")
    perform(db, officer, report_device, "CAM-AG-01", ReportInput(
        "dome smashed", vandalism=True, crime_report="26-0101"))
    [marker] = query(db, admin, map_devices)
    assert marker.status == "damaged"
    [camera] = query(db, admin, list_cameras)
    assert (camera.in_service, camera.status) == (False, "damaged")
    [grant] = perform(db, admin, open_wall, [camera.id], "training").tiles
    tile = CameraTile(0)
    qtbot.addWidget(tile)
    tile.camera = tile_camera(grant)
    assert tile.state_text()[0] == "DAMAGED"
