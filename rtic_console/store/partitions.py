"""The day partitions of detections and their images on PostgreSQL (migration 0011): made
ahead, listed, and dropped whole by the purge through the schema owner's functions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

DAYS_AHEAD = 3  # days of partitions kept ready beyond today (UTC); reads beyond go to default
_DAY = re.compile(r"^detections_p(\d{8})$")


def partitioned(session: Session) -> bool:
    """Whether detections are partitioned by day here (PostgreSQL since 0011)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return session.scalar(text("SELECT to_regclass('detections_live') IS NOT NULL")) is True


def make_days_ahead(session: Session, today: date) -> int:
    """Partitions from today to DAYS_AHEAD days on, made where missing (reads that already
    arrived for a day move in from the default partition); how many were made."""
    return int(session.scalar(text("SELECT rtic_ensure_detection_days(:first, :last)"),
                              {"first": today, "last": today + timedelta(days=DAYS_AHEAD)})
               or 0)


def days_before(session: Session, cutoff: datetime) -> list[date]:
    """The day partitions that end at or before `cutoff`: wholly past retention."""
    names = session.scalars(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'detections_live'::regclass"))
    days = []
    for name in names:
        found = _DAY.match(name)
        if found:
            day = datetime.strptime(found.group(1), "%Y%m%d").date()
            if datetime.combine(day + timedelta(days=1), time(), UTC) <= cutoff:
                days.append(day)
    return sorted(days)


def drop_day(session: Session, day: date) -> dict[str, int]:
    """Moves the day's held reads and their images out, removes its reads' hits, drops its
    partitions; the counts of what went. The function refuses a day inside retention."""
    row = session.execute(text("SELECT * FROM rtic_drop_detection_day(:day)"),
                          {"day": day}).first()
    if row is None:
        return {}
    return {"reads": row.reads, "images": row.images, "hits": row.hits,
            "hit_steps": row.hit_steps}
