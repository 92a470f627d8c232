"""Through the ingest service: the same car read again a minute and a half later, posted in a
second batch, joins its open hit as a sighting."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from rtic_console.services.context import Context
from rtic_console.services.hotlists import HotPlateInput, add_hot_plate
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.store.models import Hit, HitSighting
from tests.feeds.ingest_harness import FIXTURES, ServiceThread, wait_for


def test_two_batches_of_one_car_make_one_hit(db: Database, admin: Context,
                                              tmp_path: Path) -> None:
    perform(db, admin, add_hot_plate, HotPlateInput(
        "A13709", "CA", "stolen_vehicle", "24-000123", None, "SVS", "V123456789"))
    group = json.loads((FIXTURES / "openalpr_group_v3.json").read_bytes())
    with ServiceThread(db, tmp_path / "spool.sqlite3") as server:
        wait_for(lambda: len(server.service.engine.index) == 1, 15)
        assert server.post("/alpr", json.dumps(group).encode())[0] == 202
        server.wait_drained()
        later = dict(group, best_uuid="another-camera-read", uuids=["another-camera-read"],
                     camera_id=1288162499, epoch_start=group["epoch_start"] + 90_000,
                     epoch_end=group["epoch_end"] + 90_000)
        assert server.post("/alpr", json.dumps(later).encode())[0] == 202
        server.wait_drained()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Hit)) == 1
        (sighting,) = session.scalars(select(HitSighting))
        assert sighting.hit_id == session.scalar(select(Hit.id))
