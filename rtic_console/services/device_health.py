"""Hourly health of every device: heartbeats and reads counted per device per hour where
they are stored, so a quarter's uptime is a count of hours (D.2.b(1))."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from operator import itemgetter

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rtic_console.store.models import Device, DeviceHealthHour


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def record_activity(session: Session, *, heartbeats: Iterable[tuple[int, datetime]] = (),
                    reads: Iterable[tuple[int, datetime]] = ()) -> None:
    """Adds (device id, moment) heartbeats and reads to their hours: one upsert of a few
    rows per batch, whatever its size."""
    beats = Counter((device_id, hour_of(at)) for device_id, at in heartbeats)
    seen = Counter((device_id, hour_of(at)) for device_id, at in reads)
    add_hours(session, [{"device_id": d, "hour": h, "heartbeats": beats[(d, h)],
                         "reads": seen[(d, h)]} for d, h in set(beats) | set(seen)])


def add_hours(session: Session, rows: list[dict[str, object]]) -> None:
    """Adds counted hours (device_id, hour on the hour, heartbeats, reads) to those kept."""
    if not rows:
        return
    # One order: concurrent batches never deadlock on each other's rows.
    rows = sorted(rows, key=itemgetter("device_id", "hour"))
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert(DeviceHealthHour) if dialect == "postgresql"
            else sqlite.insert(DeviceHealthHour))
    session.execute(stmt.on_conflict_do_update(
        index_elements=["device_id", "hour"],
        set_={"heartbeats": DeviceHealthHour.heartbeats + stmt.excluded.heartbeats,
              "reads": DeviceHealthHour.reads + stmt.excluded.reads}), rows)


def note_reads_seen(session: Session, latest: dict[int, datetime]) -> None:
    """A reader that reads is seen: its last seen moves forward to its newest read."""
    for device_id, at in sorted(latest.items()):
        session.execute(update(Device).where(
            Device.id == device_id,
            or_(Device.last_seen_at.is_(None), Device.last_seen_at < at))
            .values(last_seen_at=at).execution_options(synchronize_session=False))
