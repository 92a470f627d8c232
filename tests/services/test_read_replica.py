"""A read replica answers searches, the map and the dashboard; the audit event and the search
log of every search stay on the primary, in the search's own transaction (issue 18 item 5).

The "replica" is a second PostgreSQL database with the same schema and different reads, so
each test can tell which database answered."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from rtic_console.config import SettingsError, load_settings
from rtic_console.domain.reads import PlateRead
from rtic_console.services.activity_stats import activity_stats
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.map_data import map_snapshot
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database, DatabaseUrlError, open_database
from rtic_console.store.migrations import upgrade
from rtic_console.store.models import SearchRecord
from tests.conftest import admin_exec
from tests.services.test_search import NOW, PLACES, run, seed_reads

ON_POSTGRES = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture
def replica_url(pg_server: str) -> Iterator[str]:
    """A second database with the schema, the same readers and two more reads of 7ABC123."""
    name = f"rtic_test_{uuid.uuid4().hex[:12]}"
    admin_exec(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
    try:
        replica = open_database(url, interactive=False)
        try:
            upgrade(replica)
            seed_reads(replica)
            lat, lon = PLACES["midtown"]
            extra = [PlateRead(source="csv", source_id=f"r{i}", plate="7ABC123",
                               plate_raw="7ABC123", state="CA", confidence=0.9,
                               captured_at=NOW - timedelta(minutes=5 + i),
                               device_ref="ALPR-MT-01", latitude=lat, longitude=lon)
                     for i in range(2)]
            with replica.write() as session:
                ingest_reads(session, extra, MatchingEngine(), NOW, "test")
        finally:
            replica.dispose()
        yield url
    finally:
        admin_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def searches(db: Database) -> list[SearchRecord]:
    with db.read() as session:
        return list(session.query(SearchRecord))


@ON_POSTGRES
def test_search_reads_the_replica_and_is_logged_on_the_primary(
        db: Database, enrol, replica_url: str) -> None:
    seed_reads(db)
    officer = enrol("6301", "officer")
    db.attach_replica(replica_url, interactive=False)
    result = run(db, officer, plate="7ABC123")
    assert len(result.reads) == 3  # the primary holds one read of 7ABC123, the replica three
    (log,) = searches(db)
    assert (log.id, log.result_count) == (result.search_id, 3)
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="search.run"))
        assert event.details["results"] == 3 and event.object_id == str(result.search_id)
    replica = open_database(replica_url, interactive=False)
    try:
        assert searches(replica) == []
        with replica.read() as session:
            assert list_events(session, AuditFilter(action="search.run")) == []
    finally:
        replica.dispose()


@ON_POSTGRES
def test_map_and_dashboard_read_the_replica(db: Database, enrol, replica_url: str) -> None:
    seed_reads(db)
    analyst = enrol("6302", "alpr_admin")
    db.attach_replica(replica_url, interactive=False)
    snapshot = query(db, analyst, map_snapshot, NOW - timedelta(hours=1))
    assert snapshot.total_detections == 6
    stats = query(db, analyst, activity_stats, "24h", until=NOW + timedelta(minutes=1))
    assert sum(stats.reads_per_hour) == 6


@ON_POSTGRES
def test_a_replica_that_does_not_answer_leaves_the_primary_to_answer(
        db: Database, enrol, caplog: pytest.LogCaptureFixture) -> None:
    seed_reads(db)
    officer = enrol("6301", "officer")
    db.attach_replica("postgresql+psycopg2://postgres@127.0.0.1:1/nowhere", interactive=False)
    with caplog.at_level(logging.WARNING, logger="rtic_console.store.database"):
        first = run(db, officer, plate="7ABC123")
        second = run(db, officer, plate="7ABC123")
    assert len(first.reads) == len(second.reads) == 1
    assert [r.result_count for r in searches(db)] == [1, 1]
    # Tried once, then left alone for a while: a live map must not wait on it each time.
    warnings = [r for r in caplog.records if "read replica does not answer" in r.message]
    assert len(warnings) == 1


def test_a_replica_needs_postgresql_on_both_sides(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'rtic.db'}", interactive=False)
    try:
        with pytest.raises(DatabaseUrlError, match="PostgreSQL"):
            db.attach_replica("postgresql://postgres@127.0.0.1/x", interactive=False)
    finally:
        db.dispose()


def test_replica_setting_comes_from_file_or_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('read_replica_url = "postgresql://rtic@replica-1/rtic"\n')
    assert load_settings(path).read_replica_url == "postgresql://rtic@replica-1/rtic"
    monkeypatch.setenv("RTIC_READ_REPLICA_URL", "postgresql://rtic@replica-2/rtic")
    assert load_settings(path).read_replica_url == "postgresql://rtic@replica-2/rtic"
    path.write_text('read_replica_url = "postgresql://rtic:secret@replica-1/rtic"\n')
    with pytest.raises(SettingsError, match="read_replica_url holds a password"):
        load_settings(path)
