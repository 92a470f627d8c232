"""On PostgreSQL the drain's lanes run side by side: a hit is stored and announced while a
batch of ordinary payloads, or another hit, is still in its transaction, not after it
(issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import func, select

from rtic_console.services.context import Context
from rtic_console.services.devices import DeviceInput, add_device
from rtic_console.services.hotlists import HotPlateInput, add_hot_plate
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.store.models import Hit, QuarantinedPayload
from tests.conftest import PgTestDatabase
from tests.feeds.ingest_harness import FIXTURES, ServiceThread, wait_for


@pytest.fixture
def db_url(pg_url: str) -> str:
    return pg_url


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.postgres
def test_a_hit_is_stored_while_an_ordinary_batch_waits_in_its_transaction(
        db: Database, admin: Context, pg_database: PgTestDatabase, tmp_path: Path) -> None:
    perform(db, admin, add_hot_plate, HotPlateInput(
        "A13709", "CA", "stolen_vehicle", "24-000123", None, "SVS", "V123456789"))
    # Another session holds the quarantine table: the ordinary lane's batch, one payload
    # refused on receipt, waits inside its transaction until this one ends.
    holder = psycopg2.connect(pg_database.url("postgres").replace("+psycopg2", ""))
    try:
        with ServiceThread(db, tmp_path / "spool.sqlite3") as server:
            wait_for(lambda: len(server.service.engine.index) == 1, 15)
            with holder.cursor() as cur:
                cur.execute(f"LOCK TABLE {QuarantinedPayload.__tablename__} IN EXCLUSIVE MODE")
            assert server.post("/alpr", b"{nope")[0] == 400
            wait_for(lambda: holder_blocks_one(holder), 5)
            assert server.post_fixture("openalpr_group_v3.json")[0] == 202
            wait_for(lambda: count(db, Hit) == 1, 8)
            assert count(db, QuarantinedPayload) == 0, "the ordinary batch did not wait"
            holder.rollback()
            server.wait_drained(15)
    finally:
        holder.close()
    assert count(db, QuarantinedPayload) == 1 and count(db, Hit) == 1


def holder_blocks_one(holder: psycopg2.extensions.connection) -> bool:
    """Whether a session waits for the holder's lock: the ordinary lane, in its batch."""
    with psycopg2.connect(holder.dsn) as probe, probe.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()")
        return bool(cur.fetchone()[0])


@pytest.mark.postgres
def test_a_hit_is_stored_while_another_hit_waits_in_its_transaction(
        db: Database, admin: Context, pg_database: PgTestDatabase, tmp_path: Path) -> None:
    for plate in ("A13709", "B24810"):
        perform(db, admin, add_hot_plate, HotPlateInput(
            plate, "CA", "stolen_vehicle", "24-000123", None, "SVS", "V123456789"))
    fixture = (FIXTURES / "openalpr_group_v3.json").read_text()
    reader = json.loads(fixture)["camera_id"]
    perform(db, admin, add_device, DeviceInput(str(reader), "fixed_reader", "Held reader"))
    # Another car, another plate, from a reader nobody holds.
    group = json.loads(fixture.replace(str(reader), "977001"))
    group["best_plate_number"] = group["best_plate"]["plate"] = "B24810"
    group["candidates"] = group["best_plate"]["candidates"] = [
        {"plate": "B24810", "confidence": 94.6, "matches_template": True}]
    other = json.dumps(group)
    # Another session holds the first reader's row: the first hit's transaction, which
    # moves that reader's last seen, waits inside itself until this one ends.
    holder = psycopg2.connect(pg_database.url("postgres").replace("+psycopg2", ""))
    try:
        with ServiceThread(db, tmp_path / "spool.sqlite3") as server:
            wait_for(lambda: len(server.service.engine.index) == 2, 15)
            with holder.cursor() as cur:
                cur.execute("SELECT id FROM devices WHERE code = %s FOR UPDATE", (str(reader),))
            assert server.post("/alpr", fixture.encode())[0] == 202
            wait_for(lambda: holder_blocks_one(holder), 5)
            assert server.post("/alpr", other.encode())[0] == 202
            wait_for(lambda: count(db, Hit) == 1, 8)
            with db.read() as session:
                assert session.scalar(select(Hit.listed_plate)) == "B24810"
            holder.rollback()
            server.wait_drained(15)
    finally:
        holder.close()
    assert count(db, Hit) == 2
