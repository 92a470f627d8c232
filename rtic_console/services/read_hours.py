"""Reads counted per UTC hour and device (`read_hours`), kept equal to a count over
`detections` by every write that adds or removes reads, in that write's transaction.

The dashboard's month of reads per hour and readers reporting comes from these counts
(a few hundred thousand rows) instead of from every read (tens of millions). Writers:
ingest adds what its batch stored (late reads land in their own, old, hour); the retention
purge removes what it deleted and recounts the weeks it dropped whole. A count is never
estimated or rolled up later, so the current, still open, hour is as exact as a closed one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, insert, literal, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from rtic_console.store.models import Detection, ReadHour

NO_DEVICE = 0  # the device of reads from no known device (ids start at 1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
_PG_UPSERT = text(
    "INSERT INTO read_hours (hour, device_id, reads) "
    "SELECT * FROM unnest(CAST(:hours AS timestamptz[]), CAST(:devices AS integer[]), "
    "CAST(:reads AS bigint[])) "
    "ON CONFLICT (hour, device_id) DO UPDATE SET reads = read_hours.reads + excluded.reads")


def add_reads(session: Session, reads: Iterable[tuple[datetime, int | None]]) -> None:
    """Counts (captured_at, device id) of reads just stored: one upsert per batch."""
    _change(session, _counted(reads), 1)


def remove_reads(session: Session, reads: Iterable[tuple[datetime, int | None]]) -> None:
    """Uncounts (captured_at, device id) of reads just deleted; hours left empty go."""
    gone = _counted(reads)
    _change(session, gone, -1)
    if gone:
        session.execute(delete(ReadHour).where(
            ReadHour.hour.in_({_hour(h) for h, _ in gone}), ReadHour.reads <= 0))


def recount(session: Session, start: datetime, end: datetime) -> None:
    """The hours from `start` to `end` (both on the hour) counted again from the reads:
    after a purge dropped a week's partition whole, which no statement on `detections`
    saw, or after reads were loaded around the store (benchmarks)."""
    session.execute(delete(ReadHour).where(ReadHour.hour >= start, ReadHour.hour < end))
    hour = hour_expression(session.get_bind().dialect.name, Detection.captured_at)
    device = func.coalesce(Detection.device_id, literal(NO_DEVICE))
    session.execute(insert(ReadHour).from_select(
        ["hour", "device_id", "reads"],
        select(hour, device, func.count())
        .where(Detection.captured_at >= start, Detection.captured_at < end)
        # Stored in hour order, as ingest stores them: a window's rows on few pages.
        .group_by(hour, device).order_by(hour, device)))


def hour_expression(dialect: str, column: ColumnElement[datetime]) -> ColumnElement[datetime]:
    """The UTC hour of a stored time, computed by the database, in the column's own form."""
    if dialect == "postgresql":
        return func.timezone("UTC", func.date_trunc("hour", func.timezone("UTC", column)))
    # SQLite keeps UTC as 'YYYY-MM-DD HH:MM:SS.ffffff' text (SQLAlchemy's DateTime).
    return func.substr(column, 1, 13).concat(":00:00.000000")


def _counted(reads: Iterable[tuple[datetime, int | None]]) -> Counter[tuple[int, int]]:
    """Reads per (hours since 1970, device): whole numbers, exact to the microsecond, and
    cheaper per read than truncating datetimes (a batch has up to 20,000 reads)."""
    return Counter(((at - EPOCH) // HOUR, NO_DEVICE if device is None else device)
                   for at, device in reads)


def _hour(index: int) -> datetime:
    return EPOCH + index * HOUR


def _change(session: Session, counts: Counter[tuple[int, int]], sign: int) -> None:
    if not counts:
        return
    # One order: concurrent batches take the rows' locks alike and never deadlock.
    keys = sorted(counts)
    hours = [_hour(h) for h, _ in keys]
    devices = [device for _, device in keys]
    reads = [sign * counts[key] for key in keys]
    if session.get_bind().dialect.name == "postgresql":
        # One statement of three arrays: as many rows as parameters would go one by one.
        session.execute(_PG_UPSERT, {"hours": hours, "devices": devices, "reads": reads})
        return
    stmt = sqlite.insert(ReadHour)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["hour", "device_id"],
        set_={"reads": ReadHour.reads + stmt.excluded.reads}),
        [{"hour": h, "device_id": d, "reads": n} for h, d, n in zip(hours, devices, reads,
                                                                    strict=True)])
