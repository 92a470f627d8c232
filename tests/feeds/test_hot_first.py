"""Through the ingest service: a read that matches the hot list is stored, and its hit
announced, ahead of a backlog of ordinary reads waiting in the spool."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from rtic_console.feeds.spool import Spool, SpoolEntry
from rtic_console.services.context import Context
from rtic_console.services.hotlists import HotPlateInput, add_hot_plate
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.store.models import Detection, Hit
from tests.feeds.ingest_harness import ServiceThread, wait_for

BACKLOG = 3000


def _ordinary_reads(path: Path) -> None:
    """A backlog as an outage or a burst leaves it: one CSV read a payload, none hot."""
    at = datetime.now(UTC) - timedelta(hours=2)
    spool = Spool(path)
    spool.append_many([SpoolEntry(
        "plate,state,confidence,captured_at,device,latitude,longitude,direction\n"
        f"XYZ{i:04d},CA,90,{(at + timedelta(seconds=i)).isoformat()},fixed-17,,,\n".encode(),
        "text/csv", "csv", channel="webhook:csv") for i in range(BACKLOG)])
    spool.close()


def test_a_hit_is_stored_ahead_of_a_backlog_of_ordinary_reads(
        db: Database, admin: Context, tmp_path: Path) -> None:
    perform(db, admin, add_hot_plate, HotPlateInput(
        "A13709", "CA", "stolen_vehicle", "24-000123", None, "SVS", "V123456789"))
    _ordinary_reads(tmp_path / "spool.sqlite3")
    with ServiceThread(db, tmp_path / "spool.sqlite3") as server:
        wait_for(lambda: len(server.service.engine.index) == 1, 15)
        assert server.post_fixture("openalpr_group_v3.json")[0] == 202

        def stored_when_hit() -> int | None:
            with db.read() as session:
                if not session.scalar(select(func.count()).select_from(Hit)):
                    return None
                return int(session.scalar(select(func.count()).select_from(Detection)) or 0)

        stored = wait_for(stored_when_hit, 60, step=0.01)
        assert stored < BACKLOG, "the hot read waited for the whole backlog"
        server.wait_drained(60)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Detection)) == BACKLOG + 1
        assert session.scalar(select(func.count()).select_from(Hit)) == 1
