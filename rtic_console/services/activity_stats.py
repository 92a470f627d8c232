"""Counts for the activity dashboard: reads, hits, dispositions and readers reporting."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Integer,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from rtic_console.domain.checklist import CLOSINGS, OPEN_STATUSES, STATUS_TITLES, HitStatus
from rtic_console.domain.devices import KIND_TITLES, DeviceKind
from rtic_console.domain.roles import Permission
from rtic_console.domain.stream_state import STREAM_FRESH, StreamHealth, stream_health
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.services.device_health import hour_of
from rtic_console.store.database import replica_session
from rtic_console.store.models import (
    Detection,
    Device,
    DeviceHealthHour,
    Hit,
    HotList,
    ReadHour,
)

HOUR = timedelta(hours=1)
# "Heard from recently": a read or a heartbeat this close to the end of the window.
RECENT = STREAM_FRESH
MAX_LIST_SERIES = 6  # more lists than this fold into "Other lists" to keep the legend legible
READER_KINDS = (DeviceKind.ALPR_FIXED, DeviceKind.ALPR_MOBILE, DeviceKind.TRAILER)
DISPOSITIONS = (HitStatus.CONFIRMED, *(s for s in HitStatus if s in CLOSINGS))
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Window:
    key: str
    title: str
    days: int | None  # None: the last 24 whole hours, hits counted per hour


WINDOWS: dict[str, Window] = {w.key: w for w in (
    Window("24h", "Last 24 hours", None),
    Window("7d", "Last 7 days", 7),
    Window("30d", "Last 30 days", 30),
)}


@dataclass(frozen=True)
class Buckets:
    """Consecutive time slots; bucket i is [edges[i], edges[i + 1]), edges in UTC."""

    unit: str  # "hour" or "day" (a local calendar day: 23, 24 or 25 hours)
    edges: tuple[datetime, ...]

    def __len__(self) -> int:
        return len(self.edges) - 1


@dataclass(frozen=True)
class CountSeries:
    key: str
    title: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class KindReporting:
    """Readers of one kind in service now, and how many of them reported in each hour."""

    kind: str
    title: str
    in_service: int
    counts: tuple[int, ...]


@dataclass(frozen=True)
class ReaderHours:
    code: str
    name: str
    kind: str
    hours: int  # hours of the window in which the reader sent a read or a heartbeat


@dataclass(frozen=True)
class ReaderUptime:
    """What the database can honestly say about uptime.

    An hour counts as "reporting" for a reader when it stored at least one read then, or
    its agent said it was streaming (`device_health_hourly`): a reader up on a quiet street
    at night is not silent. A reader whose vendor sends no heartbeats is judged by its
    reads alone.
    """

    by_kind: tuple[KindReporting, ...]
    by_reader: tuple[ReaderHours, ...]  # readers in service, fewest reporting hours first
    heard_recently: int  # readers with a read or heartbeat within RECENT of as_of
    cameras_in_service: int
    cameras_streaming: int  # live by the one stream state (stream_health) as of as_of

    @property
    def readers_in_service(self) -> int:
        return sum(k.in_service for k in self.by_kind)


@dataclass(frozen=True)
class ActivityStats:
    window: Window
    as_of: datetime
    hours: Buckets
    reads_per_hour: tuple[int, ...]
    hit_buckets: Buckets  # hours for the 24-hour window, local days otherwise
    hits_by_list: tuple[CountSeries, ...]  # lists with hits in the window, busiest first
    dispositions: tuple[CountSeries, ...]  # hits closed in each bucket, by outcome
    open_hits: int  # hits still new or claimed, whenever they arrived
    readers: ReaderUptime


@service_action("dashboard.view")
def activity_stats(session: Session, ctx: Context, window: str = "24h", *,
                   until: datetime | None = None, zone: str | None = None,
                   from_reads: bool = False) -> ActivityStats:
    """Counts only, never plates, so viewing them is not audited (refusals still are).

    Times are bucketed by local hour and local day of `zone` (the workstation's own time
    zone when None), counted in SQL over the window's bounded captured_at range. Reads are
    counted from their hourly counts (`read_hours`, equal to a count of the reads) when the
    local hours are whole UTC hours, as in all but a few zones (India, Nepal, parts of
    Australia); from the reads themselves otherwise, or when `from_reads` asks (the check
    of those counts in the tests and the benchmark). Readers reporting come from the
    devices' health hours either way.
    """
    authorize(session, ctx, Permission.VIEW_DASHBOARD, action="dashboard.view",
              object_type="dashboard")
    chosen = _window(window)
    as_of = _until(until, ctx.now())
    tz = _zone(zone)
    hours = _hour_buckets(chosen, as_of, tz)
    hit_buckets = hours if chosen.days is None else _day_buckets(hours, tz)
    to_bucket = _hour_to_bucket(hours, hit_buckets)
    dialect = session.get_bind().dialect.name
    counted = not from_reads and hours.edges[0] == hour_of(hours.edges[0])
    with replica_session(session) as reads:
        readers = {r.id: r for r in reads.scalars(
            select(Device).where(Device.in_service,
                                 Device.kind.in_([k.value for k in READER_KINDS])))}
        per_hour = (_counted(reads, hours) if counted
                    else _reads_per_hour(reads, dialect, hours))
        reporting = _reporting(reads, dialect, hours, list(readers), by_utc_hour=counted)
        return ActivityStats(
            chosen, as_of, hours, per_hour, hit_buckets,
            _hits_by_list(reads, dialect, hours, to_bucket, len(hit_buckets)),
            _dispositions(reads, dialect, hours, to_bucket, len(hit_buckets)),
            reads.scalar(select(func.count()).select_from(Hit).where(
                Hit.status.in_([s.value for s in OPEN_STATUSES]))) or 0,
            _reader_uptime(reads, readers, reporting, as_of))


def _window(key: object) -> Window:
    if not isinstance(key, str) or key not in WINDOWS:
        raise InputRejected(f"window: must be one of {', '.join(WINDOWS)}")
    return WINDOWS[key]


def _until(value: object, now: datetime) -> datetime:
    if value is None:
        return now
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InputRejected("until: must be a time-zone-aware date and time")
    if not EARLIEST <= value <= now + timedelta(days=1):
        raise InputRejected("until: must lie between 2000-01-01 and tomorrow")
    return value.astimezone(UTC)


def _zone(name: object) -> tzinfo | None:
    """None keeps the workstation's zone, which is also what the charts' axes show."""
    if name is None:
        return None
    if not isinstance(name, str) or not 0 < len(name) <= 64:
        raise InputRejected("zone: must be a time zone name such as America/Los_Angeles")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputRejected(f"zone: unknown time zone {name[:64]!r}") from None


def _instant(wall: datetime, tz: tzinfo | None) -> datetime:
    """A naive local wall-clock time as a UTC instant (None: the workstation's zone)."""
    local = wall.astimezone() if tz is None else wall.replace(tzinfo=tz)
    return local.astimezone(UTC)


def _hour_buckets(window: Window, as_of: datetime, tz: tzinfo | None) -> Buckets:
    """Local hours up to the end of the current one: whole hours, never the future."""
    local_hour = as_of.astimezone(tz).replace(minute=0, second=0, microsecond=0)
    end = local_hour.astimezone(UTC) + HOUR
    if window.days is None:
        start = end - 24 * HOUR
    else:
        first_day = local_hour.date() - timedelta(days=window.days - 1)
        start = _instant(datetime.combine(first_day, time()), tz)
    count = round((end - start) / HOUR)
    return Buckets("hour", tuple(start + i * HOUR for i in range(count + 1)))


def _day_buckets(hours: Buckets, tz: tzinfo | None) -> Buckets:
    """Local calendar days covering the hours; the last one is today, still running."""
    first = hours.edges[0].astimezone(tz).date()
    last = (hours.edges[-1] - HOUR).astimezone(tz).date()
    days = (last - first).days + 1
    return Buckets("day", tuple(_instant(datetime.combine(first + timedelta(days=d), time()), tz)
                                for d in range(days + 1)))


def _hour_to_bucket(hours: Buckets, buckets: Buckets) -> tuple[int, ...]:
    """Which bucket each hour falls in: local hours never straddle local midnight."""
    return tuple(bisect_right(buckets.edges, edge) - 1 for edge in hours.edges[:-1])


def _hour_index(dialect: str, column: InstrumentedAttribute[datetime],
                origin: datetime) -> ColumnElement[int]:
    """Whole hours from the window's first local hour, computed by the database.

    Counting from a local hour (rather than truncating to UTC hours) keeps buckets on
    local hours in every zone, half-hour offsets included, and lets days be summed from
    hours exactly across daylight-saving changes.
    """
    since = literal(int(origin.timestamp()), BigInteger)  # past 2038 too
    if dialect == "postgresql":
        # date_part gives double precision: several times cheaper than extract's numeric.
        seconds = func.date_part("epoch", column, type_=Float)
        return cast(func.floor((seconds - since) / 3600.0), Integer)
    # SQLite stores UTC text. strftime would round a fraction of a second up into the next
    # hour, so whole seconds only; the WHERE clause keeps the difference non-negative.
    seconds = cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)
    return (seconds - since) // 3600


def _in_window(column: InstrumentedAttribute[datetime],
               hours: Buckets) -> list[ColumnElement[bool]]:
    return [column >= hours.edges[0], column < hours.edges[-1]]


def _reads_per_hour(session: Session, dialect: str, hours: Buckets) -> tuple[int, ...]:
    hour = _hour_index(dialect, Detection.captured_at, hours.edges[0]).label("hour")
    counts = [0] * len(hours)
    for index, count in session.execute(
            select(hour, func.count()).where(*_in_window(Detection.captured_at, hours))
            .group_by(hour)):
        counts[index] += count
    return tuple(counts)


def _counted_index(hour: datetime, hours: Buckets) -> int:
    """A counted UTC hour's bucket (when the buckets are whole UTC hours)."""
    return round((hour - hours.edges[0]) / HOUR)


def _folded(rows: Iterable[tuple[int, object, int]], to_bucket: tuple[int, ...],
            size: int) -> dict[object, list[int]]:
    """(hour, key, count) rows summed into {key: counts per bucket}."""
    out: dict[object, list[int]] = defaultdict(lambda: [0] * size)
    for hour, key, count in rows:
        out[key][to_bucket[hour]] += count
    return out


def _hits_by_list(session: Session, dialect: str, hours: Buckets, to_bucket: tuple[int, ...],
                  size: int) -> tuple[CountSeries, ...]:
    hour = _hour_index(dialect, Hit.created_at, hours.edges[0]).label("hour")
    by_list = _folded(session.execute(
        select(hour, Hit.list_id, func.count()).where(*_in_window(Hit.created_at, hours))
        .group_by(hour, Hit.list_id)), to_bucket, size)
    names = dict(session.execute(
        select(HotList.id, HotList.name).where(HotList.id.in_(list(by_list)))).all())
    ranked = sorted(by_list.items(), key=lambda item: (-sum(item[1]), names[item[0]]))
    series = [CountSeries(str(list_id), names[list_id], tuple(counts))
              for list_id, counts in ranked]
    if len(series) > MAX_LIST_SERIES:
        rest = series[MAX_LIST_SERIES - 1:]
        other = tuple(sum(s.counts[i] for s in rest) for i in range(size))
        series = [*series[:MAX_LIST_SERIES - 1],
                  CountSeries("other", f"Other lists ({len(rest)})", other)]
    return tuple(series)


def _dispositions(session: Session, dialect: str, hours: Buckets, to_bucket: tuple[int, ...],
                  size: int) -> tuple[CountSeries, ...]:
    """Every closing outcome, even at zero, so the legend always names all of them."""
    hour = _hour_index(dialect, Hit.closed_at, hours.edges[0]).label("hour")
    by_status = _folded(session.execute(
        select(hour, Hit.status, func.count())
        .where(Hit.status.in_([s.value for s in DISPOSITIONS]),
               *_in_window(Hit.closed_at, hours))  # type: ignore[arg-type]
        .group_by(hour, Hit.status)), to_bucket, size)
    return tuple(CountSeries(s.value, STATUS_TITLES[s], tuple(by_status.get(s.value, [0] * size)))
                 for s in DISPOSITIONS)


# (readers of each kind with a read in each hour, hours with a read of each reader)
Reporting = tuple[dict[str, list[int]], dict[int, int]]


def _reader_uptime(session: Session, readers: dict[int, Device], reporting: Reporting,
                   as_of: datetime) -> ReaderUptime:
    per_kind, reporting_hours = reporting
    since = as_of - RECENT
    heard = set(session.scalars(select(Detection.device_id).distinct().where(
        Detection.device_id.in_(list(readers)), Detection.captured_at >= since)))
    heard |= {r.id for r in readers.values() if r.last_seen_at and r.last_seen_at >= since}
    cameras = list(session.execute(
        select(Device.is_streaming, Device.last_seen_at)
        .where(Device.in_service, Device.kind == DeviceKind.CAMERA.value)))
    return ReaderUptime(
        tuple(KindReporting(k.value, KIND_TITLES[k],
                            sum(r.kind == k.value for r in readers.values()),
                            tuple(per_kind[k.value])) for k in READER_KINDS),
        tuple(sorted((ReaderHours(r.code, r.name, r.kind, reporting_hours.get(r.id, 0))
                      for r in readers.values()), key=lambda r: (r.hours, r.code))),
        len(heard), len(cameras),
        sum(1 for streaming, seen in cameras
            if stream_health(streaming, seen, as_of) is StreamHealth.LIVE))


def _reporting(session: Session, dialect: str, hours: Buckets, readers: list[int], *,
               by_utc_hour: bool) -> Reporting:
    """Each kind's readers reporting per hour, and each reader's hours, from the devices'
    health hours, which count a reader's reads and heartbeats per UTC hour in the writes
    that store them. Where local hours are not whole UTC hours (India, Nepal), a UTC hour
    falls in the local hour it begins in; where they are, the stored hour is grouped as it
    is, without computing an index for each row."""
    hour: ColumnElement[Any] = (DeviceHealthHour.hour if by_utc_hour else _hour_index(
        dialect, DeviceHealthHour.hour, hours.edges[0]))
    reported = select(DeviceHealthHour.device_id, hour.label("hour")).where(
        DeviceHealthHour.device_id.in_(readers), *_in_window(DeviceHealthHour.hour, hours),
        or_(DeviceHealthHour.reads > 0, DeviceHealthHour.heartbeats > 0)).subquery()
    per_kind: dict[str, list[int]] = {k.value: [0] * len(hours) for k in READER_KINDS}
    for at, kind, count in session.execute(
            select(reported.c.hour, Device.kind, func.count())
            .join(Device, Device.id == reported.c.device_id)
            .group_by(reported.c.hour, Device.kind)):
        per_kind[kind][_counted_index(at, hours) if by_utc_hour else at] += count
    reporting_hours = dict(session.execute(
        select(reported.c.device_id, func.count()).group_by(reported.c.device_id)).all())
    return per_kind, reporting_hours


def _counted(session: Session, hours: Buckets) -> tuple[int, ...]:
    """Reads per hour from their hourly counts."""
    per_hour = [0] * len(hours)
    for hour, total in session.execute(
            select(ReadHour.hour, func.sum(ReadHour.reads))
            .where(*_in_window(ReadHour.hour, hours)).group_by(ReadHour.hour)):
        per_hour[_counted_index(hour, hours)] += int(total)  # PostgreSQL sums to numeric
    return tuple(per_hour)
