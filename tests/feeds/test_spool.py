"""The local spool: durable, ordered, bounded; drained once per read whatever the database does."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rtic_console.feeds.spool import (
    DrainCounts,
    Removal,
    Spool,
    SpoolAppendWorker,
    SpoolEntry,
    SpoolFull,
)
from rtic_console.feeds.spool_drain import SpoolDrainWorker
from rtic_console.services.context import Context
from rtic_console.services.hotlists import HotPlateInput, add_hot_plate
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.store.database import Database, open_database
from rtic_console.store.migrations import upgrade
from rtic_console.store.models import Detection, Hit, QuarantinedPayload
from tests.feeds.ingest_harness import FIXTURES, wait_for

GROUP = (FIXTURES / "openalpr_group_v3.json").read_bytes()
CSV = (FIXTURES / "reads.csv").read_bytes()


def entry(body: bytes, **fields: object) -> SpoolEntry:
    return SpoolEntry(body, "application/json", **fields)  # type: ignore[arg-type]


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_appends_survive_a_restart_and_come_back_in_order(tmp_path: Path) -> None:
    path = tmp_path / "spool.sqlite3"
    spool = Spool(path)
    ids = [spool.append(entry(f"body {i}".encode(), channel=f"c{i}")) for i in range(3)]
    assert ids == sorted(ids) and spool.depth == 3 and spool.size_bytes == 18
    spool.close()
    reopened = Spool(path)
    assert reopened.depth == 3 and reopened.size_bytes == 18
    first_two = reopened.take(2)
    assert [p.entry.body for p in first_two] == [b"body 0", b"body 1"]
    assert [p.entry.channel for p in first_two] == ["c0", "c1"]
    reopened.remove(first_two)
    reopened.remove(first_two)  # removing twice counts once
    assert reopened.depth == 1 and reopened.size_bytes == 6
    assert [p.entry.body for p in reopened.take(10)] == [b"body 2"]
    reopened.close()


def test_hot_and_ordinary_payloads_are_taken_by_their_own_lanes(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.sqlite3")
    spool.append_many([entry(f"read {i}".encode()) for i in range(3)])
    assert not spool.wait_for_data(0, hot=True)  # ordinary payloads ring the ordinary bell
    assert spool.wait_for_data(0)
    spool.append_many([entry(b"hot 1", hot=True), entry(b"read 3"), entry(b"hot 2", hot=True)])
    assert spool.wait_for_data(0, hot=True)
    hot = spool.take(10, hot=True)
    assert [p.entry.body for p in hot] == [b"hot 1", b"hot 2"] and all(p.entry.hot for p in hot)
    ordinary = spool.take(2)
    assert [p.entry.body for p in ordinary] == [b"read 0", b"read 1"]
    spool.remove(hot)
    assert spool.take(10, hot=True) == []
    spool.release(ordinary)  # their batch failed: they wait in the spool, first in line
    assert [p.entry.body for p in spool.take(10)] == [b"read 0", b"read 1", b"read 2",
                                                      b"read 3"]
    spool.close()


def test_two_lanes_of_one_kind_never_take_the_same_payload(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.sqlite3")
    spool.append_many([entry(f"hot {i}".encode(), hot=True) for i in range(3)])
    first = spool.take(2, hot=True)
    second = spool.take(2, hot=True)  # the other hot lane, while the first's batch runs
    assert [p.entry.body for p in first] == [b"hot 0", b"hot 1"]
    assert [p.entry.body for p in second] == [b"hot 2"]
    assert spool.take(2, hot=True) == []
    spool.remove(first)
    spool.release(second)  # the second batch failed: its payload may be taken again
    assert [p.entry.body for p in spool.take(2, hot=True)] == [b"hot 2"]
    assert spool.depth == 1
    spool.close()


def test_a_spool_file_from_before_hot_marks_opens_and_drains_in_order(tmp_path: Path) -> None:
    path = tmp_path / "spool.sqlite3"
    with sqlite3.connect(path) as old:  # the table as an older service wrote it
        old.execute("CREATE TABLE payloads (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "received_at TEXT NOT NULL, channel TEXT NOT NULL, content_type TEXT, "
                    "fmt TEXT NOT NULL, path_hint TEXT, refusal TEXT, body BLOB NOT NULL)")
        old.executemany("INSERT INTO payloads (received_at, channel, fmt, body) "
                        "VALUES ('2026-12-06T10:00:00+00:00', 'webhook', 'auto', ?)",
                        [(b"old 0",), (b"old 1",)])
    spool = Spool(path)
    spool.append(entry(b"new hot", hot=True))
    hot = spool.take(10, hot=True)
    assert [p.entry.body for p in hot] == [b"new hot"]
    spool.remove(hot)
    assert [p.entry.body for p in spool.take(10)] == [b"old 0", b"old 1"]
    spool.close()


def test_a_stream_of_hot_payloads_never_starves_the_ordinary_ones(
        sqlite_url: str, tmp_path: Path) -> None:
    """On SQLite the lanes' batches alternate: the reads' ids (given in commit order) never
    run more than one batch of hot reads ahead of the ordinary ones. (On PostgreSQL the
    lanes run side by side: tests/feeds/test_drain_lanes.py.)"""
    def csv(prefix: str, i: int) -> bytes:
        return (f"plate,state,confidence,captured_at,device,latitude,longitude,direction\n"
                f"{prefix}{i:03d},CA,90,2026-12-06T10:{i // 60:02d}:{i % 60:02d}Z,fixed-17,,,\n"
                ).encode()

    db = open_database(sqlite_url, interactive=False)
    upgrade(db)
    spool = Spool(tmp_path / "spool.sqlite3")
    spool.append_many([SpoolEntry(csv("ORD", i), "text/csv", "csv") for i in range(150)]
                      + [SpoolEntry(csv("HOT", i), "text/csv", "csv", hot=True)
                         for i in range(150)])
    engine = MatchingEngine()
    with db.read() as session:
        engine.load(session)
    worker = SpoolDrainWorker(spool, db, engine, batch_size=25)
    worker.start()
    try:
        wait_for(lambda: spool.depth == 0, 30)
    finally:
        worker.stop()
        spool.close()
    with db.read() as session:
        plates = list(session.scalars(select(Detection.plate).order_by(Detection.id)))
    db.dispose()
    assert len(plates) == 300
    hot_ahead = max(sum(p.startswith("HOT") for p in plates[:n])
                    - sum(p.startswith("ORD") for p in plates[:n]) for n in range(301))
    assert hot_ahead <= 25, f"{hot_ahead} hot reads stored before as many ordinary ones"


def test_a_full_spool_refuses_rather_than_filling_the_disk(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.sqlite3", max_bytes=100)
    spool.append(entry(b"x" * 60))
    with pytest.raises(SpoolFull):
        spool.append(entry(b"y" * 60))
    assert spool.append_many([entry(b"y" * 60), entry(b"z" * 40)])[0] is None
    assert spool.depth == 2 and spool.size_bytes == 100
    spool.remove(spool.take(1))
    assert spool.append(entry(b"w" * 60)) > 0
    spool.close()


def test_group_commit_gives_every_concurrent_request_its_own_id(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.sqlite3", max_bytes=50 * 10)
    appender = SpoolAppendWorker(spool)
    appender.start()

    async def many() -> list[int | BaseException]:
        return await asyncio.gather(*(appender.append(entry(b"0123456789")) for _ in range(60)),
                                    return_exceptions=True)

    try:
        results = asyncio.run(many())
    finally:
        appender.stop()
    ids = [r for r in results if isinstance(r, int)]
    assert len(ids) == 50 and len(set(ids)) == 50
    assert all(isinstance(r, SpoolFull) for r in results if not isinstance(r, int))
    assert [p.id for p in spool.take(100)] == sorted(ids)
    spool.close()


def test_the_drain_process_s_removals_are_written_by_the_appender_alone(
        tmp_path: Path) -> None:
    """Two processes share the file and one writes it: the drain's side sends its removals
    (with its counts) to the appender, and holds those payloads until they are gone."""
    path = tmp_path / "spool.sqlite3"
    service = Spool(path)
    appender = SpoolAppendWorker(service)
    appender.start()
    sent: list[Removal] = []
    drain = Spool(path, remover=sent.append)
    try:
        service.append_many([entry(b"hot 0", hot=True), entry(b"read 0"), entry(b"read 1")])
        hot, ordinary = drain.take(10, hot=True), drain.take(1)
        drain.remove(hot, DrainCounts(stored=1, hits=1))
        drain.remove(ordinary, DrainCounts(stored=1))
        drain.release(hot + ordinary)  # as a lane does after every batch: no effect here
        assert [(list(ids), counts) for ids, counts in sent] == [
            ([hot[0].id], DrainCounts(stored=1, hits=1)), ([ordinary[0].id], DrainCounts(stored=1))]
        assert drain.depth == 3  # nothing written by the drain's side
        assert drain.take(10, hot=True) == []  # held while still in the file
        assert [p.entry.body for p in drain.take(10)] == [b"read 1"]
        for removal in sent:
            appender.remove(removal)
        wait_for(lambda: service.depth == 1, 5)
        assert service.totals().counts == DrainCounts(stored=2, hits=1)
        service.append(entry(b"hot 1", hot=True))
        assert [p.entry.body for p in drain.take(10, hot=True)] == [b"hot 1"]
        # Forgotten once a take of their lane sees them gone: the held set does not grow.
        assert drain._leaving == {False: {ordinary[0].id}, True: set()}
    finally:
        appender.stop()
        drain.close()
        service.close()


def test_drain_stores_reads_quarantines_refusals_and_empties_the_spool(
        db: Database, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.sqlite3")
    spool.append_many([entry(GROUP, channel="webhook:openalpr"),
                       SpoolEntry(CSV, "text/csv", "csv", channel="webhook:csv"),
                       entry(b"{nope", refusal="body is not valid JSON"),
                       entry(GROUP, channel="webhook:openalpr")])
    worker = SpoolDrainWorker(spool, db, MatchingEngine())
    worker.start()
    try:
        wait_for(lambda: spool.depth == 0, 10)
    finally:
        worker.stop()
    status = worker.status()
    assert (status.stored, status.duplicates, status.quarantined) == (4, 1, 1)
    assert status.database_ok and status.last_error is None
    assert count(db, Detection) == 4
    with db.read() as session:
        assert session.scalars(select(QuarantinedPayload.reason)).all() == [
            "body is not valid JSON"]
    spool.close()


def test_an_unreachable_database_keeps_every_payload_for_later(
        db: Database, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.sqlite3")
    spool.append_many([entry(GROUP), entry(b"{", refusal="bad")])
    nowhere = open_database("postgresql+psycopg2://postgres@127.0.0.1:9/none",
                            interactive=False)
    worker = SpoolDrainWorker(spool, nowhere, MatchingEngine(), max_backoff_s=0.2)
    worker.start()
    try:
        status = wait_for(lambda: (s := worker.status()).last_error and s, 10)
        time.sleep(0.5)  # several retries, all failing
    finally:
        worker.stop()
        nowhere.dispose()
    assert not status.database_ok and "OperationalError" in (status.last_error or "")
    assert spool.depth == 2
    worker = SpoolDrainWorker(spool, db, MatchingEngine())  # the database is back
    worker.start()
    try:
        wait_for(lambda: spool.depth == 0, 10)
    finally:
        worker.stop()
    assert count(db, Detection) == 1 and count(db, QuarantinedPayload) == 1
    spool.close()


@pytest.mark.postgres
def test_a_payload_the_database_refuses_is_quarantined_not_a_wedge(
        pg_url: str, tmp_path: Path) -> None:
    db = open_database(pg_url, interactive=False)
    upgrade(db)
    spool = Spool(tmp_path / "spool.sqlite3")
    # PostgreSQL text cannot hold NUL: this refusal reason makes the whole batch fail.
    spool.append_many([entry(GROUP), entry(b"{", refusal="bad\x00reason"),
                       SpoolEntry(CSV, "text/csv", "csv")])
    worker = SpoolDrainWorker(spool, db, MatchingEngine())
    worker.start()
    try:
        wait_for(lambda: spool.depth == 0, 10)
    finally:
        worker.stop()
        spool.close()
    try:
        assert count(db, Detection) == 4
        with db.read() as session:
            reasons = session.scalars(select(QuarantinedPayload.reason)).all()
        assert len(reasons) == 1 and reasons[0].startswith("ingest failed:")
    finally:
        db.dispose()


@pytest.mark.policy("E.2")
def test_a_read_replayed_after_its_entry_expired_makes_no_hit(
        db: Database, admin: Context, tmp_path: Path) -> None:
    perform(db, admin, add_hot_plate, HotPlateInput(
        "A13709", "CA", "stolen_vehicle", "24-000123", None, "SVS", "V123456789",
        expires_in_hours=1 / 3600))
    engine = MatchingEngine()
    with db.read() as session:
        engine.load(session)
    spool = Spool(tmp_path / "spool.sqlite3")
    spool.append(entry(GROUP))  # arrived while the entry was live; drained after it expired
    time.sleep(1.2)
    worker = SpoolDrainWorker(spool, db, engine)
    worker.start()
    try:
        wait_for(lambda: spool.depth == 0, 10)
    finally:
        worker.stop()
        spool.close()
    assert count(db, Detection) == 1 and count(db, Hit) == 0
