"""The week partitions of detections and their images on PostgreSQL (migration 0011): made
ahead, listed, and dropped whole by the purge through the schema owner's functions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

DAYS_AHEAD = 7  # partitions kept ready this far beyond today (UTC); reads beyond go to default
_WEEK = re.compile(r"^detections_w(\d{8})$")


def partitioned(session: Session) -> bool:
    """Whether detections are partitioned by week here (PostgreSQL since 0011)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return session.scalar(text("SELECT to_regclass('detections_live') IS NOT NULL")) is True


def make_weeks(session: Session, first: date, last: date) -> int:
    """The week partitions from `first` to `last`, made where missing (reads that already
    arrived for a week move in from the default partition); how many tables were made."""
    return int(session.scalar(text("SELECT rtic_ensure_detection_weeks(:first, :last)"),
                              {"first": first, "last": last}) or 0)


def make_weeks_ahead(session: Session, today: date) -> int:
    return make_weeks(session, today, today + timedelta(days=DAYS_AHEAD))


def weeks_before(session: Session, cutoff: datetime) -> list[date]:
    """The week partitions (by their Monday) that end at or before `cutoff`: wholly past
    retention."""
    names = session.scalars(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'detections_live'::regclass"))
    weeks = []
    for name in names:
        found = _WEEK.match(name)
        if found:
            monday = datetime.strptime(found.group(1), "%Y%m%d").date()
            if datetime.combine(monday + timedelta(days=7), time(), UTC) <= cutoff:
                weeks.append(monday)
    return sorted(weeks)


def drop_weeks(session: Session, mondays: list[date]) -> dict[str, int]:
    """Each week: moves its held reads and their images out, removes its reads' hits, drops
    its partitions; the counts of what went, summed. One statement for them all (one round
    trip); the function refuses a week inside retention."""
    row = session.execute(text(
        "SELECT coalesce(sum(d.reads), 0) AS reads, coalesce(sum(d.images), 0) AS images, "
        "coalesce(sum(d.hits), 0) AS hits, coalesce(sum(d.hit_steps), 0) AS hit_steps "
        "FROM unnest(CAST(:weeks AS date[])) AS w(week) "
        "CROSS JOIN LATERAL rtic_drop_detection_week(w.week) AS d"), {"weeks": mondays}).one()
    return {"reads": int(row.reads), "images": int(row.images), "hits": int(row.hits),
            "hit_steps": int(row.hit_steps)}
