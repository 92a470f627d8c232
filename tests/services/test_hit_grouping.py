"""Reads of one vehicle within minutes are one hit with sightings, not a queue of hits."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.reads import PlateRead
from rtic_console.services import hits as hit_service
from rtic_console.services.context import Context
from rtic_console.services.ingest import IngestOutcome, ingest_reads, rematch_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.services.test_hit_pipeline import engine, ingest, listed  # noqa: F401

BASE = datetime.now(UTC) - timedelta(minutes=30)


def seen(plate: str, minutes: float, source_id: str, state: str | None = "CA") -> PlateRead:
    return PlateRead(source="openalpr", source_id=source_id, plate=plate, plate_raw=plate,
                     state=state, confidence=0.9, captured_at=BASE + timedelta(minutes=minutes),
                     device_ref="ALPR-FX-01", latitude=38.577, longitude=-121.485,
                     direction_deg=90.0)


@pytest.fixture
def grouping(engine: MatchingEngine) -> MatchingEngine:  # noqa: F811
    engine.group_window = timedelta(minutes=5)
    return engine


def test_variants_within_minutes_are_one_hit_across_batches(
        db: Database, grouping: MatchingEngine, listed: Context) -> None:  # noqa: F811
    first = ingest(db, grouping, seen("7ABC123", 0, "a"), seen("7A8C123", 2, "b"))
    second = ingest(db, grouping, seen("7ABC123", 6, "c"))  # 4 minutes after the last one
    later = ingest(db, grouping, seen("7ABC123", 30, "d"))  # 24 minutes later: a new hit
    other_state = ingest(db, grouping, seen("7ABC123", 7, "e", state="NV"))
    assert len(first.hit_ids) == 1 and second.hit_ids == ()
    assert len(later.hit_ids) == 1 and len(other_state.hit_ids) == 1
    queue = {v.id: v for v in perform(db, listed, hit_service.list_hits)}
    assert len(queue) == 3
    hit = queue[first.hit_ids[0]]
    assert hit.sightings == 2
    detail = query(db, listed, hit_service.hit_detail, hit.id, images=False)
    assert [(s.read_plate, s.substitutions) for s in detail.sightings] == [
        ("7A8C123", 1), ("7ABC123", 0)]
    assert detail.sightings[0].captured_at == BASE + timedelta(minutes=2)
    with db.read() as session:
        events = list_events(session, AuditFilter(action="hits.sighting"))
    assert sorted(int(e.object_id) for e in events) == [hit.id, hit.id]


def test_a_closed_hit_takes_no_sightings_and_rematch_doubles_nothing(
        db: Database, grouping: MatchingEngine, listed: Context) -> None:  # noqa: F811
    first = ingest(db, grouping, seen("7ABC123", 0, "a"), seen("7ABC123", 1, "b"))
    with db.write() as session:
        again = rematch_reads(session, grouping, BASE - timedelta(days=1), "test")
    assert again == ()
    assert perform(db, listed, hit_service.list_hits)[0].sightings == 1
    with db.write() as session:
        from rtic_console.store.models import Hit
        session.get(Hit, first.hit_ids[0]).status = "misread"  # type: ignore[union-attr]
    assert len(ingest(db, grouping, seen("7ABC123", 2, "c")).hit_ids) == 1


def test_two_writers_storing_one_car_at_once_make_one_hit(
        db: Database, grouping: MatchingEngine, listed: Context) -> None:  # noqa: F811
    """Two transactions (the drain's lanes, or a bulk ingest beside the service) store
    reads of one listed car at once: the second waits for the first's hit and joins it.
    On PostgreSQL the entry's grouping lock makes it wait; SQLite has one writer."""
    outcome: list[IngestOutcome] = []
    with db.write() as session:
        first = ingest_reads(session, [seen("7ABC123", 0, "a")], grouping, datetime.now(UTC),
                             "lane-1")
        second = threading.Thread(target=lambda: outcome.append(
            ingest(db, grouping, seen("7ABC123", 1, "b"))))
        second.start()
        second.join(1.0)
        assert second.is_alive(), "the second writer grouped without waiting for the first"
    second.join(30)
    assert len(first.hit_ids) == 1 and outcome[0].hit_ids == ()
    queue = perform(db, listed, hit_service.list_hits)
    assert [(v.id, v.sightings) for v in queue] == [(first.hit_ids[0], 1)]


def test_no_window_groups_nothing(db: Database, engine: MatchingEngine,  # noqa: F811
                                  listed: Context) -> None:  # noqa: F811
    assert len(ingest(db, engine, seen("7ABC123", 0, "a"), seen("7ABC123", 1, "b")).hit_ids) == 2


@pytest.mark.policy("C.1")
def test_the_purge_takes_a_hits_sightings_with_it(db: Database, admin: Context) -> None:
    from sqlalchemy import select

    from rtic_console.services.retention_purge import run_purge
    from rtic_console.store.models import HitSighting
    from tests.services.retention_support import add_read, make_weeks

    old = datetime.now(UTC) - timedelta(days=800)
    make_weeks(db, old)
    _, hit_id = add_read(db, "7ABC123", old, hit=True)
    seen_again, _ = add_read(db, "7A8C123", old + timedelta(minutes=2))
    with db.write() as session:
        session.add(HitSighting(hit_id=hit_id, detection_id=seen_again, entry_id=1,
                                read_plate="7A8C123", substitutions=1,
                                captured_at=old + timedelta(minutes=2), created_at=old))
    run_purge(db, admin)
    with db.read() as session:
        assert session.scalars(select(HitSighting)).all() == []
