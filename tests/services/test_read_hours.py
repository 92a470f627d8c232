"""Reads counted per hour and device (read_hours) stay equal to a count of the reads: after
ingest, late reads, an hour boundary, a purge and the migration's back-fill; and the
dashboard shows from them what it shows from the reads."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from alembic import command
from sqlalchemy import select

from rtic_console.domain.devices import DeviceKind
from rtic_console.domain.reads import PlateRead
from rtic_console.services import evidence_holds, retention
from rtic_console.services.activity_stats import WINDOWS, activity_stats
from rtic_console.services.context import Context
from rtic_console.services.device_health import hour_of
from rtic_console.services.evidence_holds import HoldRequest
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.retention_purge import run_purge
from rtic_console.services.runner import perform, query
from rtic_console.store import partitions
from rtic_console.store.database import Database
from rtic_console.store.migrations import alembic_config, upgrade
from rtic_console.store.models import Detection, Device, ReadHour
from tests.services.retention_support import make_weeks
from tests.services.test_activity_stats import add_devices

T = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)  # on the hour: reads either side of it
_serial = count()


def read(when: datetime, device: str, source_id: str | None = None) -> PlateRead:
    return PlateRead(source="csv", source_id=source_id or f"h{next(_serial)}", plate="7ABC123",
                     plate_raw="7ABC123", state="CA", confidence=0.9, captured_at=when,
                     device_ref=device)


def store(db: Database, now: datetime, *reads: PlateRead) -> list[int]:
    """Through the real ingest path, as one batch stored at `now`."""
    with db.write() as session:
        return list(ingest_reads(session, list(reads), MatchingEngine(), now,
                                 "test").detection_ids)


def counted(db: Database) -> dict[tuple[datetime, int], int]:
    with db.read() as session:
        return {(h, d): n for h, d, n in session.execute(
            select(ReadHour.hour, ReadHour.device_id, ReadHour.reads))}


def recounted(db: Database) -> dict[tuple[datetime, int], int]:
    """The same counts, made here from every read."""
    with db.read() as session:
        return dict(Counter((hour_of(at), device or 0) for at, device in session.execute(
            select(Detection.captured_at, Detection.device_id))))


def views(db: Database, ctx: Context, until: datetime, zone: str, *, from_reads: bool):  # type: ignore[no-untyped-def]
    return [query(db, ctx, activity_stats, key, until=until, zone=zone, from_reads=from_reads)
            for key in WINDOWS]


def assert_dashboard_unchanged(db: Database, ctx: Context, until: datetime) -> None:
    for zone in ("UTC", "America/Los_Angeles", "Asia/Kolkata"):
        assert views(db, ctx, until, zone, from_reads=False) == \
            views(db, ctx, until, zone, from_reads=True), zone


def test_counts_equal_the_reads_after_ingest_late_reads_and_an_hour_boundary(
        db: Database, admin: Context) -> None:
    add_devices(db, ("FX-1", DeviceKind.ALPR_FIXED, True), ("MB-1", DeviceKind.ALPR_MOBILE, True))
    tick = timedelta(microseconds=1)
    store(db, T + timedelta(minutes=20),
          read(T - tick, "FX-1"), read(T, "FX-1"), read(T + timedelta(minutes=19), "MB-1"),
          read(T - timedelta(minutes=30), "NO-SUCH-READER"), read(T, "FX-1", "dup"))
    # Re-sent (stored once), late (captured a day and 40 minutes ago, stored now) and the
    # open hour's next reads, one of them from a camera clock a little ahead.
    store(db, T + timedelta(minutes=40),
          read(T + timedelta(minutes=5), "FX-1", "dup"),
          read(T - timedelta(days=1, minutes=40), "MB-1"),
          read(T - timedelta(minutes=40), "FX-1"),
          read(T + timedelta(minutes=39), "FX-1"), read(T + timedelta(minutes=45), "MB-1"))
    assert counted(db) == recounted(db)
    with db.read() as session:
        fx1 = session.scalar(select(Device.id).where(Device.code == "FX-1"))
    assert counted(db)[(T - timedelta(hours=1), fx1)] == 2, "10:20 and 10:59:59.999999"
    assert counted(db)[(T, fx1)] == 3, "the open hour: 11:00, 11:39, and 'dup' once"
    assert counted(db)[(T - timedelta(hours=1), 0)] == 1, "a read of no known device"
    assert_dashboard_unchanged(db, admin, T + timedelta(minutes=40))
    stats = query(db, admin, activity_stats, "30d", until=T + timedelta(minutes=40), zone="UTC")
    assert sum(stats.reads_per_hour) == 9 and stats.reads_per_hour[-1] == 5


def test_the_dashboard_reads_the_counts_where_its_hours_are_utc_hours(
        db: Database, admin: Context) -> None:
    """A read written around the store is in the reads but not in their counts: the view
    of whole UTC hours shows the counts; a half-hour zone still counts the reads."""
    store(db, T, read(T - timedelta(minutes=5), "FX-1"))
    with db.write() as session:
        session.add(Detection(source_format="csv", source_id="around", plate="7ABC123",
                              plate_raw="7ABC123", state="CA", confidence=0.9,
                              captured_at=T - timedelta(minutes=6), received_at=T,
                              device_ref="FX-1"))

    def reads(zone: str, from_reads: bool = False) -> int:
        return sum(query(db, admin, activity_stats, "24h", until=T, zone=zone,
                         from_reads=from_reads).reads_per_hour)

    assert (reads("America/Los_Angeles"), reads("America/Los_Angeles", True)) == (1, 2)
    assert reads("Asia/Kolkata") == 2


def test_counts_equal_the_reads_after_a_purge(db: Database, admin: Context) -> None:
    """Weeks dropped whole on PostgreSQL (their held reads kept and still counted), reads
    deleted by time in the week the cutoff falls in, and young reads left alone."""
    perform(db, admin, retention.set_retention, "detections", 180)
    add_devices(db, ("FX-1", DeviceKind.ALPR_FIXED, True), ("MB-1", DeviceKind.ALPR_MOBILE, True))
    now = datetime.now(UTC)
    ages = (300, 300, 250, 182, 181.5, 179, 10)
    ids = store(db, now, *(read(now - timedelta(days=age), "FX-1" if i % 2 else "MB-1")
                           for i, age in enumerate(ages)))
    make_weeks(db, *(now - timedelta(days=age) for age in ages))
    perform(db, admin, evidence_holds.place_hold,
            HoldRequest("26-100", "homicide", detection_id=ids[0]))
    before = counted(db)
    run_purge(db, admin)
    after = counted(db)
    assert after == recounted(db)
    assert sum(after.values()) == 3, "the held read, and those 179 and 10 days old"
    assert after != before


def test_the_migration_counts_the_reads_already_stored(owner_db: Database) -> None:
    cfg = alembic_config(owner_db)
    with owner_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0018")
    with owner_db.write() as session:
        session.add_all(Detection(
            source_format="csv", source_id=f"m{i}", plate="7ABC123", plate_raw="7ABC123",
            state="CA", confidence=0.9, captured_at=T - timedelta(minutes=25 * i),
            received_at=T, device_ref="FX-1") for i in range(12))
    upgrade(owner_db)
    assert counted(owner_db) == recounted(owner_db)
    assert sum(counted(owner_db).values()) == 12


@pytest.mark.postgres
def test_a_dropped_weeks_hours_are_recounted_by_the_drop(pg_db: Database) -> None:
    """The drop function itself keeps the counts, whoever calls it (past the default
    retention of 730 days)."""
    now = datetime.now(UTC)
    old = now - timedelta(days=800)
    store(pg_db, now, read(old, "FX-1"), read(old + timedelta(hours=2), "FX-1"),
          read(now - timedelta(days=3), "FX-1"))
    make_weeks(pg_db, old)
    with pg_db.write() as session:
        weeks = partitions.weeks_before(session, old + timedelta(days=7))
        assert partitions.drop_weeks(session, weeks)["reads"] == 2
    assert counted(pg_db) == recounted(pg_db)
    assert sum(counted(pg_db).values()) == 1
