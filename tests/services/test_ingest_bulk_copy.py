"""The bulk path (COPY on PostgreSQL) stores exactly what the row path stores, and a read
another writer stores while the COPY is under way is skipped, not doubled or fatal."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from rtic_console.domain.reads import PlateRead, VehicleInfo
from rtic_console.services import ingest
from rtic_console.services.ingest import COPY_THRESHOLD, IngestOutcome, ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.database import Database
from rtic_console.store.models import Detection

# Text a CSV or COPY writer must quote or escape, and text that must stay text.
AWKWARD = ('a,b', 'say "hi"', "back\\slash", "\\N", "NULL", "Émile ß", "'; DROP TABLE x; --")


def _reads(count: int, prefix: str, at: datetime) -> list[PlateRead]:
    return [PlateRead(source="openalpr", source_id=f"{prefix}-{AWKWARD[i % len(AWKWARD)]}-{i}",
                      plate=f"7BLK{i:03d}", plate_raw=f"7blk {AWKWARD[i % len(AWKWARD)]}"[:40],
                      state="CA" if i % 3 else None, confidence=0.5 + (i % 50) / 100,
                      captured_at=at - timedelta(seconds=i),
                      device_ref=f"ALPR,{AWKWARD[i % len(AWKWARD)]}"[:80],
                      latitude=None if i % 4 == 0 else 38.5 + i / 1e5,
                      longitude=None if i % 4 == 0 else -121.4 - i / 1e5,
                      direction_deg=None if i % 5 == 0 else float(i % 360),
                      candidates=(("7BLK" + f"{i:03d}", 0.9), ("7BIK" + f"{i:03d}", 0.4)),
                      vehicle=VehicleInfo(color=AWKWARD[i % len(AWKWARD)], make="Ford"
                                          if i % 2 else None, year="2019"))
            for i in range(count)]


def _stored(db: Database) -> list[tuple[object, ...]]:
    with db.read() as session:
        return [tuple(row) for row in session.execute(
            select(Detection.source_id, Detection.plate, Detection.plate_raw, Detection.state,
                   Detection.confidence, Detection.captured_at, Detection.device_ref,
                   Detection.latitude, Detection.longitude, Detection.direction_deg,
                   Detection.candidates, Detection.vehicle, Detection.vehicle_color,
                   Detection.vehicle_make, Detection.vehicle_body)
            .order_by(Detection.source_id))]


@pytest.mark.parametrize(("count", "piece"), [(3, None), (COPY_THRESHOLD, None),
                                              (COPY_THRESHOLD, 3)])
def test_every_value_is_stored_as_read(db: Database, count: int, piece: int | None,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if piece is not None:  # the COPY's CSV sent in pieces of 3 rows, the last one short
        monkeypatch.setattr(ingest, "COPY_PIECE_ROWS", piece)
    at = datetime.now(UTC).replace(microsecond=123456)
    reads = _reads(count, "copy", at)
    received = datetime.now(UTC).replace(microsecond=654321)
    with db.write() as session:
        outcome = ingest_reads(session, reads, MatchingEngine(), received, "test")
    assert outcome.stored == count
    with db.read() as session:  # one time for the batch, written once for all its rows
        assert {r if r.tzinfo else r.replace(tzinfo=UTC) for r in session.scalars(
            select(Detection.received_at))} == {received}
    rows = _stored(db)
    expected = sorted(
        (r.source_id, r.plate, r.plate_raw, r.state, r.confidence, r.captured_at, r.device_ref,
         r.latitude, r.longitude, r.direction_deg, [list(c) for c in r.candidates],
         {k: v for k, v in (("color", r.vehicle.color), ("make", r.vehicle.make),
                            ("year", r.vehicle.year)) if v},
         r.vehicle.color.strip().lower(), r.vehicle.make.lower() if r.vehicle.make else None,
         None) for r in reads)
    assert len(rows) == count
    for row, want in zip(rows, expected, strict=True):
        got = list(row)
        got[5] = got[5].replace(tzinfo=UTC) if got[5].tzinfo is None else got[5]
        got[10], got[11] = json.loads(got[10]), json.loads(got[11])
        assert tuple(got) == want


@pytest.mark.postgres
def test_a_read_another_writer_stores_meanwhile_is_skipped(pg_db: Database) -> None:
    db = pg_db
    at = datetime.now(UTC).replace(microsecond=0)
    reads = _reads(COPY_THRESHOLD, "race", at)
    taken = reads[7]
    with db.engine.connect() as other:  # another writer, its insert not yet committed
        other.execute(text(
            "INSERT INTO detections (source_format, source_id, plate, plate_raw, confidence, "
            "captured_at, received_at, device_ref, candidates, vehicle) VALUES ('openalpr', "
            ":sid, :plate, :plate, 0.9, :at, :at, 'other', '[]', '{}')"),
            {"sid": taken.source_id, "plate": taken.plate, "at": taken.captured_at})
        outcome: list[IngestOutcome] = []
        failure: list[BaseException] = []

        def ingest() -> None:
            try:
                with db.write() as session:
                    outcome.append(ingest_reads(session, reads, MatchingEngine(),
                                                datetime.now(UTC), "test"))
            except BaseException as exc:  # reported by the assertion below
                failure.append(exc)

        worker = threading.Thread(target=ingest)
        worker.start()
        _wait_until_blocked_on_a_lock(db)
        other.commit()  # the COPY's row now breaks the unique key
        worker.join(30)
    assert not failure, failure
    assert outcome[0].stored == COPY_THRESHOLD - 1 and outcome[0].duplicates == 1
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Detection)) == COPY_THRESHOLD
        assert session.scalar(select(Detection.device_ref).where(
            Detection.source_id == taken.source_id)) == "other"


def _wait_until_blocked_on_a_lock(db: Database) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with db.engine.connect() as probe:
            if probe.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                 "current_database() AND wait_event_type = 'Lock'")):
                return
        time.sleep(0.02)
    raise AssertionError("the ingest never waited for the other writer's row")


@pytest.mark.postgres
def test_a_time_keyed_read_held_past_retention_and_sent_again_is_stored_once(
        pg_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A held copy is keyed apart (held is in the unique key), so a CSV read older than the
    shortest retention is still looked up before the COPY, though its id holds its time."""
    monkeypatch.setattr(ingest, "BULK_READS", COPY_THRESHOLD)  # this batch counts as bulk
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=200)
    reads = [PlateRead(source="csv", source_id=f"ALPR-1|{(at + timedelta(seconds=i)).isoformat()}"
                       f"|HLD{i:03d}", plate=f"HLD{i:03d}", plate_raw=f"HLD{i:03d}", state="CA",
                       confidence=0.9, captured_at=at + timedelta(seconds=i), device_ref="ALPR-1")
             for i in range(COPY_THRESHOLD)]
    held = reads[5]
    with pg_db.write() as session:  # as the purge leaves a read under an evidence hold
        session.execute(text(
            "INSERT INTO detections (source_format, source_id, plate, plate_raw, confidence, "
            "captured_at, received_at, device_ref, candidates, vehicle, held) VALUES ('csv', "
            ":sid, :plate, :plate, 0.9, :at, :at, 'ALPR-1', '[]', '{}', true)"),
            {"sid": held.source_id, "plate": held.plate, "at": held.captured_at})
    with pg_db.write() as session:
        outcome = ingest_reads(session, reads, MatchingEngine(), datetime.now(UTC), "test")
    assert (outcome.stored, outcome.duplicates) == (COPY_THRESHOLD - 1, 1)
    with pg_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Detection).where(
            Detection.source_id == held.source_id)) == 1
