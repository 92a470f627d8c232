"""What the live map shows: reads and hits in a time window, devices, news; each view audited.

A window that starts before the live day is a look back through past reads, and so a search
(D.1): a crime-scene canvass of a drawn area, at most 24 hours long, for a purpose and case,
logged in `searches` like any other (`map_look_back`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    cast,
    func,
    select,
)
from sqlalchemy.orm import Session

from rtic_console.domain.devices import DeviceKind
from rtic_console.domain.map_grid import GridCell, cell_degrees
from rtic_console.domain.roles import Permission, allows, roles_for
from rtic_console.domain.search_rules import (
    MAX_CANVASS_RADIUS_M,
    Circle,
    MatchMode,
    SearchPurpose,
    SearchRefusal,
    SearchRuleError,
    case_number_of,
    criteria_of,
    purpose_fits,
    purpose_of,
)
from rtic_console.services.auth import authorize, roles_of
from rtic_console.services.cameras import device_status
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.read_position import READ_LAT, READ_LON
from rtic_console.services.search import record_search
from rtic_console.services.search_requests import usable_request
from rtic_console.store.audit_log import append_event
from rtic_console.store.database import replica_session
from rtic_console.store.models import (
    Detection,
    DetectionImage,
    Device,
    Hit,
    HotList,
)

MAX_WINDOW = timedelta(days=31)
# Those who may not search reads (dispatchers) watch what is happening: the live presets, the
# last day at most. Looking further back, or at a chosen range, is a search of past reads (D.1).
LIVE_LOOKBACK = timedelta(hours=24)
# A preset's start is taken on the workstation a moment before the service sees it.
LOOKBACK_SLACK = timedelta(minutes=5)
VIEW_ACTION = "map.view"
SEARCH_ACTION = "search.run"
MAX_POINTS = 500_000
DELTA_LIMIT = 5_000
HIT_LIMIT = 5_000
FETCH_BATCH = 10_000
# How far below its highest id a delta looks for rows committed late (module LiveCursor).
ID_OVERLAP = 2_000
MAX_IDS = 1_000
# A reader may date a read up to 5 minutes ahead of the console (domain/reads.ReadLimits), so
# a hit is never stored before its read's time minus that; the hits' own index can be used.
HIT_CLOCK_SLACK = timedelta(minutes=10)


@dataclass(frozen=True)
class DetectionColumns:
    """Reads as parallel columns, newest or oldest first as asked: 100,000 reads cost six
    tuples here, not 100,000 objects, and go to the page as columns too."""

    ids: tuple[int, ...] = ()
    plates: tuple[str, ...] = ()
    latitudes: tuple[float, ...] = ()
    longitudes: tuple[float, ...] = ()
    captured_at: tuple[datetime, ...] = ()
    device_ids: tuple[int | None, ...] = ()

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, rows: Sequence[Sequence[Any]]) -> DetectionColumns:
        return cls(*map(tuple, zip(*rows, strict=True))) if rows else cls()


@dataclass(frozen=True, slots=True)
class MapHit:
    id: int
    detection_id: int
    read_plate: str
    listed_plate: str
    list_name: str
    latitude: float | None
    longitude: float | None
    captured_at: datetime
    substitutions: int
    informational: bool
    status: str
    priority: int

    @property
    def approximate(self) -> bool:
        """An OCR-equivalent match, not the plate text itself: compare the photo first."""
        return self.substitutions > 0


@dataclass(frozen=True, slots=True)
class MapDevice:
    id: int
    code: str
    name: str
    kind: DeviceKind
    category: str
    status: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class RecordedMapView:
    """The window a person was shown, as its audit event has it."""

    start: datetime
    end: datetime | None
    reads: int
    capped: bool


@dataclass(frozen=True)
class MapLookBack:
    """A map window that starts before the live day, with what makes it a lawful search:
    a purpose and case (or an approved other use, D.1.c) and the drawn area, a circle
    (`near`, `radius_m`) or a `rectangle` (south, west, north, east)."""

    start: datetime
    end: datetime
    purpose: str | None
    case_number: str | None
    near: tuple[float, float] | None = None
    radius_m: float | None = None
    rectangle: tuple[float, float, float, float] | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class LiveCursor:
    """Where the map's live updates stand: the highest ids it has, and the ids it was sent
    just below them.

    An id is taken when a row is inserted, not when it commits: a slower transaction can
    commit id 100 after id 101 was seen. So each delta also looks `ID_OVERLAP` ids back and
    sends what it finds there that was not sent before.
    """

    detection_id: int = 0
    hit_id: int = 0
    recent_detections: frozenset[int] = frozenset()
    recent_hits: frozenset[int] = frozenset()

    def advanced(self, detection_ids: Iterable[int], hit_ids: Iterable[int]) -> LiveCursor:
        """The cursor once these ids have been sent to the page."""
        detections = self.recent_detections.union(detection_ids)
        hits = self.recent_hits.union(hit_ids)
        top_detection = max(self.detection_id, max(detections, default=0))
        top_hit = max(self.hit_id, max(hits, default=0))
        return LiveCursor(top_detection, top_hit,
                          frozenset(i for i in detections if i > top_detection - ID_OVERLAP),
                          frozenset(i for i in hits if i > top_hit - ID_OVERLAP))


@dataclass(frozen=True)
class MapSnapshot:
    """The newest `limit` reads of the window; `total_detections` counts all of them."""

    detections: DetectionColumns
    total_detections: int
    hits: tuple[MapHit, ...]
    cursor: LiveCursor

    @property
    def capped(self) -> bool:
        return len(self.detections) < self.total_detections


@dataclass(frozen=True)
class MapDelta:
    """What arrived since the cursor; `more` says another call would find more."""

    detections: DetectionColumns
    hits: tuple[MapHit, ...]
    new_hits: int
    cursor: LiveCursor
    more: bool


@dataclass(frozen=True)
class DetectionDetail:
    id: int
    plate: str
    plate_raw: str
    state: str | None
    confidence: float
    captured_at: datetime
    device_code: str | None
    device_name: str
    place: str
    latitude: float | None
    longitude: float | None
    direction_deg: float | None
    vehicle: dict[str, object]
    candidates: tuple[str, ...]
    hits: tuple[MapHit, ...]
    images: dict[str, bytes]


def _window(start: object, end: object) -> tuple[datetime, datetime | None]:
    if not isinstance(start, datetime) or start.tzinfo is None:
        raise InputRejected("map time window start must be a date and time with a time zone")
    if end is not None and (not isinstance(end, datetime) or end.tzinfo is None):
        raise InputRejected("map time window end must be a date and time with a time zone")
    if end is not None and end <= start:
        raise InputRejected("map time window end must be after its start")
    if (end or datetime.now(start.tzinfo)) - start > MAX_WINDOW:
        raise InputRejected(f"map time window may span at most {MAX_WINDOW.days} days; use "
                            "a search for longer periods")
    return start, end


def is_look_back(start: datetime, now: datetime) -> bool:
    """Whether a window starting at `start` reaches further back than the live day."""
    return start < now - LIVE_LOOKBACK - LOOKBACK_SLACK


def _viewer_window(session: Session, ctx: Context, start: object,
                   end: object) -> tuple[datetime, datetime | None]:
    """The window checked, and checked against who asks: the roster's roles, not the
    sign-in's, decide whether this person may choose a range. No one views a window older
    than the live day here: that is a search (`map_look_back`)."""
    person = authorize(session, ctx, Permission.VIEW_MAP, action=VIEW_ACTION, object_type="map")
    start, end = _window(start, end)
    searcher = allows(roles_of(person), Permission.SEARCH_READS)
    hours = f"{LIVE_LOOKBACK.total_seconds() / 3600:.0f} hours"
    if not searcher and (end is not None or is_look_back(start, ctx.now())):
        raise Refused(
            "The map shows you the live presets only (last hour, shift, day). A custom range "
            f"or reads older than {hours} is a look back through past reads, for "
            f"{roles_for(Permission.SEARCH_READS)}, who search with a purpose and case (D.1).",
            action=VIEW_ACTION, clause="D.1", object_type="map")
    if is_look_back(start, ctx.now()):
        raise Refused(
            f"A map window that starts more than {hours} ago is a search of past reads (D.1): "
            "look back with its purpose, case and area, and it is logged as a search.",
            action=VIEW_ACTION, clause="D.1", object_type="map")
    return start, end


def _in_window(start: datetime, end: datetime | None) -> list[Any]:
    conditions = [Detection.captured_at >= start]
    if end is not None:
        conditions.append(Detection.captured_at < end)
    return conditions


def _whole(value: object, name: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InputRejected(f"{name} must be a whole number from {low} to {high}")
    return value


def _detections_query() -> Select[tuple[int, str, float, float, datetime, int | None]]:
    return (select(Detection.id, Detection.plate, READ_LAT, READ_LON, Detection.captured_at,
                   Detection.device_id)
            .outerjoin(Device, Device.id == Detection.device_id)
            .where(READ_LAT.is_not(None), READ_LON.is_not(None)))


def _hits_query() -> Select[tuple[object, ...]]:
    return (select(Hit.id, Hit.detection_id, Hit.read_plate, Hit.listed_plate, HotList.name,
                   READ_LAT, READ_LON, Detection.captured_at, Hit.substitutions, Hit.informational,
                   Hit.status, Hit.priority)
            .join(Detection, Detection.id == Hit.detection_id)
            .join(HotList, HotList.id == Hit.list_id)
            .outerjoin(Device, Device.id == Detection.device_id))


def _hit(row: tuple) -> MapHit:  # type: ignore[type-arg]
    return MapHit(*row)


@service_action(VIEW_ACTION)
def record_map_view(session: Session, ctx: Context, start: datetime,
                    end: datetime | None = None, limit: int | None = None) -> RecordedMapView:
    """One audit event per window the person asks for, committed before its reads are fetched
    (run it with `perform`, then `map_snapshot`): nothing is shown unrecorded. The live updates
    of a sliding window belong to the event of the snapshot they follow.

    The count is of the reads that will be shown (at most `limit`); counting to `limit + 1`
    keeps this short on the writer however many reads the window holds.
    """
    start, end = _viewer_window(session, ctx, start, end)
    limit = _whole(ctx.settings.map_max_points if limit is None else limit, "map point limit",
                   1, MAX_POINTS)
    found = session.scalar(select(func.count()).select_from(
        _detections_query().where(*_in_window(start, end)).limit(limit + 1).subquery())) or 0
    view = RecordedMapView(start, end, min(found, limit), found > limit)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=VIEW_ACTION, object_type="map",
                 object_id="live" if end is None else "range",
                 details={"start": start.isoformat(), "end": end.isoformat() if end else None,
                          "live": end is None, "reads": view.reads, "capped": view.capped})
    return view


@service_action(VIEW_ACTION)
def map_snapshot(session: Session, ctx: Context, start: datetime, end: datetime | None = None,
                 limit: int = 100_000) -> MapSnapshot:
    """Newest first along the captured_at index; counted in full only when capped. A read:
    the view was audited first (`record_map_view`)."""
    start, end = _viewer_window(session, ctx, start, end)
    limit = _whole(limit, "map point limit", 1, MAX_POINTS)
    # Taken first: a read committed while the snapshot runs is in the snapshot and in the
    # cursor's recent ids, or else fetched by the next delta; never skipped.
    with replica_session(session) as reads:
        start_cursor = LiveCursor(_last_id(reads, Detection), _last_id(reads, Hit))
        in_window = _in_window(start, end)
        # In batches, so that no single fetch holds the GIL (and so the screen) for long.
        rows = reads.execute(_detections_query().where(*in_window)
                             .order_by(Detection.captured_at.desc()).limit(limit + 1)
                             .execution_options(yield_per=FETCH_BATCH)).all()
        total = len(rows)
        if total > limit:
            rows = rows[:limit]
            total = reads.scalar(
                select(func.count()).select_from(Detection)
                .outerjoin(Device, Device.id == Detection.device_id)
                .where(*in_window, READ_LAT.is_not(None), READ_LON.is_not(None))) or 0
        hit_query = _hits_query().where(Hit.created_at >= start - HIT_CLOCK_SLACK, *in_window)
        hits = reads.execute(hit_query.order_by(Hit.id.desc()).limit(HIT_LIMIT)).all()
    columns = DetectionColumns.of(rows)
    cursor = start_cursor.advanced(
        (i for i in columns.ids if i > start_cursor.detection_id - ID_OVERLAP),
        (h[0] for h in hits if h[0] > start_cursor.hit_id - ID_OVERLAP))
    return MapSnapshot(columns, total, tuple(map(_hit, hits)), cursor)


def _last_id(session: Session, model: type[Detection] | type[Hit]) -> int:
    """Where live updates start: everything after this id is news to the map."""
    return session.scalar(select(func.max(model.id))) or 0


@service_action(VIEW_ACTION)
def map_delta(session: Session, ctx: Context, cursor: LiveCursor, start: datetime,
              changed_hit_ids: tuple[int, ...] = ()) -> MapDelta:
    """Reads and hits stored since the cursor (primary-key range scans), plus hits whose
    status changed, so a claimed or closed hit changes its marker."""
    start, _ = _viewer_window(session, ctx, start, None)
    if not isinstance(cursor, LiveCursor):
        raise InputRejected("live cursor must come from a map snapshot")
    _whole(cursor.detection_id, "last read id", 0, 2**63 - 1)
    _whole(cursor.hit_id, "last hit id", 0, 2**63 - 1)
    if not isinstance(changed_hit_ids, tuple) or len(changed_hit_ids) > MAX_IDS:
        raise InputRejected(f"changed hit ids must be a tuple of at most {MAX_IDS} ids")
    for hit_id in changed_hit_ids:
        _whole(hit_id, "changed hit id", 1, 2**63 - 1)
    with replica_session(session) as reads:
        rows, more = _since(reads, _detections_query().where(Detection.captured_at >= start),
                            Detection.id, cursor.detection_id, cursor.recent_detections,
                            DELTA_LIMIT)
        hit_rows, more_hits = _since(
            reads, _hits_query().where(Detection.captured_at >= start), Hit.id, cursor.hit_id,
            cursor.recent_hits, HIT_LIMIT)
        new_hits = len(hit_rows)
        advanced = cursor.advanced((r[0] for r in rows), (r[0] for r in hit_rows))
        if changed_hit_ids:
            sent = {r[0] for r in hit_rows}
            changed = reads.execute(_hits_query().where(Hit.id.in_(changed_hit_ids)))
            hit_rows += [r for r in changed if r[0] not in sent]
    return MapDelta(DetectionColumns.of(rows), tuple(map(_hit, hit_rows)), new_hits, advanced,
                    more or more_hits)


def _since(session: Session, query: Select[Any], id_column: Any, after: int,
           recent: frozenset[int], limit: int) -> tuple[list[Any], bool]:
    """Rows after `after`, and rows just below it that were not sent (late commits).

    The sent ids are left out in SQL: fetching them again four times a second only to drop
    them made enough garbage to set off full collections (a stalled screen).
    """
    query = query.where(id_column > after - ID_OVERLAP)
    if recent:
        query = query.where(id_column.not_in(sorted(recent)))
    rows = session.execute(query.order_by(id_column).limit(limit + 1)).all()
    return rows[:limit], len(rows) > limit


@dataclass(frozen=True)
class LookBackResult:
    """The logged search (`search_id`) and what it found, drawn like any map window."""

    search_id: int
    case_number: str
    snapshot: MapSnapshot


def _look_back_refusal(message: str, clause: str = "D.1") -> Refused:
    return Refused(f"Map look back refused: {message}", action=SEARCH_ACTION, clause=clause,
                   object_type="search", details={"via": "map"})


@service_action(SEARCH_ACTION)
def map_look_back(session: Session, ctx: Context, item: MapLookBack,
                  limit: int | None = None) -> LookBackResult:
    """A look back on the map is a search of past reads (D.1) with a canvass's limits
    (D.1.b): an approved purpose and a case, a drawn area of at most 5 km radius (or 10 km
    across), at most 24 hours. Logged as a search (`searches` row and `search.run` event,
    marked `via: map`) in the same transaction as its reads are taken; every refusal is
    audited. The newest `limit` reads are returned, with the count of all of them."""
    authorize(session, ctx, Permission.SEARCH_READS, action=SEARCH_ACTION, object_type="search")
    if not isinstance(item, MapLookBack):
        raise InputRejected("a map look back is a MapLookBack")
    limit = _whole(ctx.settings.map_max_points if limit is None else limit, "map point limit",
                   1, MAX_POINTS)
    try:
        purpose = purpose_of(item.purpose)
        case = case_number_of(item.case_number)
        if item.near is None and item.radius_m is None and item.rectangle is None:
            raise SearchRefusal(
                "draw the area to look back over on the map, a circle of at most "
                f"{MAX_CANVASS_RADIUS_M / 1000:.0f} km radius or a rectangle: a look back is a "
                "crime-scene canvass (D.1.b)", "D.1")
        criteria = criteria_of(
            plate=None, match_mode=MatchMode.EXACT.value, time_from=item.start,
            time_to=item.end, near=item.near, radius_m=item.radius_m, rectangle=item.rectangle,
            devices=None, color=None, make=None, body=None)
        purpose_fits(criteria.kind, purpose)
    except SearchRefusal as exc:
        raise _look_back_refusal(str(exc), exc.clause) from None
    except SearchRuleError as exc:
        raise _look_back_refusal(f"{exc} (a look back has a canvass's limits, D.1.b)") from None
    request_id = usable_request(session, ctx, item.request_id, case).id \
        if purpose is SearchPurpose.OTHER_USE else None
    if request_id is None and item.request_id is not None:
        raise InputRejected("request: only an other-use search runs under a request")
    assert criteria.area is not None and criteria.time_to is not None
    start, end = item.start, criteria.time_to
    lat_lo, lat_hi, lon_lo, lon_hi = criteria.area.bounds()
    in_area = (READ_LAT.between(lat_lo, lat_hi), READ_LON.between(lon_lo, lon_hi))
    circle = criteria.area if isinstance(criteria.area, Circle) else None
    with replica_session(session) as reads:
        rows, total = [], 0
        for row in reads.execute(_detections_query().where(*_in_window(start, end), *in_area)
                                 .order_by(Detection.captured_at.desc())
                                 .execution_options(yield_per=FETCH_BATCH)):
            if circle is None or circle.contains(row[2], row[3]):
                total += 1
                if len(rows) < limit:
                    rows.append(row)
        hit_rows = reads.execute(
            _hits_query().where(Hit.created_at >= start - HIT_CLOCK_SLACK,
                                *_in_window(start, end), *in_area)
            .order_by(Hit.id.desc()).limit(HIT_LIMIT)).all()
    hits = tuple(_hit(h) for h in hit_rows if circle is None or (
        h[5] is not None and h[6] is not None and circle.contains(h[5], h[6])))
    record = record_search(session, ctx, criteria, purpose, case, request_id, total,
                           total > limit, extra={"via": "map"})
    return LookBackResult(record.id, case,
                          MapSnapshot(DetectionColumns.of(rows), total, hits, LiveCursor()))


@dataclass(frozen=True)
class MapClusters:
    """A window too large to send read by read, as grid cells at one zoom (domain/map_grid),
    within `bounds` (south, west, north, east) or everywhere; the reads alone in their cell
    come as reads, so they can be opened."""

    zoom: int
    bounds: tuple[float, float, float, float] | None
    cells: tuple[GridCell, ...]
    singles: DetectionColumns
    total_detections: int
    hits: tuple[MapHit, ...]
    cursor: LiveCursor


MAX_SINGLES = 5_000
# A cell's rows times this plus its column is one whole number per cell (columns reach 2**21
# at the finest zoom, and 2**21 itself at longitude 180): SQLite sorts a million such keys
# for its GROUP BY a third faster than (row, column) pairs.
CELL_KEY_ROW = 2**22


def _cell_index(value: ColumnElement[Any], offset: float, size: float,
                dialect: str) -> ColumnElement[Any]:
    """floor((value + offset) / size), the value never negative: SQLite (without its math
    functions) truncates in a cast, PostgreSQL rounds there, so it is told floor."""
    shifted = (value + offset) / size
    return func.floor(shifted) if dialect == "postgresql" else cast(shifted, Integer)


def _bounds(value: object) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    if not isinstance(value, tuple) or len(value) != 4 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise InputRejected("map bounds must be (south, west, north, east) in degrees")
    south, west, north, east = map(float, value)
    if not -90 <= south < north <= 90 or not -180 <= west < east <= 180:
        raise InputRejected("map bounds must be (south, west, north, east) in degrees")
    return south, west, north, east


@service_action(VIEW_ACTION)
def map_clusters(session: Session, ctx: Context, start: datetime, end: datetime | None,
                 zoom: int, bounds: tuple[float, float, float, float] | None = None
                 ) -> MapClusters:
    """The window's reads counted per grid cell by the database (one GROUP BY over the
    captured_at index, on SQLite one that holds the reads' places), so a million reads cost
    the page a few thousand cells. A read, under the view audited by `record_map_view`; asked
    again when the person zooms in past the cells on the page."""
    start, end = _viewer_window(session, ctx, start, end)
    try:
        size = cell_degrees(zoom)
    except ValueError as exc:
        raise InputRejected(f"map {exc}") from None
    bounds = _bounds(bounds)
    with replica_session(session) as reads:
        top = LiveCursor(_last_id(reads, Detection), _last_id(reads, Hit))
        # The newest ids are in the counts already: the first delta must not send them again.
        seen = reads.scalars(select(Detection.id).where(
            Detection.id > top.detection_id - ID_OVERLAP)).all()
        dialect = reads.get_bind().dialect.name
        key = (_cell_index(READ_LAT, 90.0, size, dialect) * CELL_KEY_ROW
               + _cell_index(READ_LON, 180.0, size, dialect)).label("cell")
        where = [*_in_window(start, end), READ_LAT.is_not(None), READ_LON.is_not(None)]
        if bounds is not None:
            south, west, north, east = bounds
            where += [READ_LAT.between(south - size, north + size),
                      READ_LON.between(west - size, east + size)]
        grouped = reads.execute(
            select(key, func.count(), func.avg(READ_LAT), func.avg(READ_LON),
                   func.max(Detection.id))
            .select_from(Detection).outerjoin(Device, Device.id == Detection.device_id)
            .where(*where).group_by(key).order_by(key)).all()
        cells = tuple(GridCell(*divmod(int(k), CELL_KEY_ROW), int(n), float(lat), float(lon),
                               int(last)) for k, n, lat, lon, last in grouped)
        single_ids = [c.last_id for c in cells if c.count == 1][:MAX_SINGLES]
        # In the window too, so PostgreSQL reads only its weeks' partitions.
        singles = reads.execute(_detections_query().where(Detection.id.in_(single_ids),
                                                          *_in_window(start, end))
                                .order_by(Detection.id)).all() if single_ids else []
        hits = reads.execute(
            _hits_query().where(Hit.created_at >= start - HIT_CLOCK_SLACK,
                                *_in_window(start, end))
            .order_by(Hit.id.desc()).limit(HIT_LIMIT)).all()
    cursor = top.advanced(seen, (h[0] for h in hits if h[0] > top.hit_id - ID_OVERLAP))
    return MapClusters(zoom, bounds, cells, DetectionColumns.of(singles),
                       sum(c.count for c in cells), tuple(map(_hit, hits)), cursor)


@service_action(VIEW_ACTION)
def map_devices(session: Session, ctx: Context) -> tuple[MapDevice, ...]:
    """Readers and cameras that have a place, with category and service state (B.2)."""
    authorize(session, ctx, Permission.VIEW_MAP, action=VIEW_ACTION)
    devices = session.scalars(select(Device).where(Device.latitude.is_not(None),
                                                   Device.longitude.is_not(None))
                              .order_by(Device.kind, Device.code))
    return tuple(MapDevice(d.id, d.code, d.name, DeviceKind(d.kind), d.category,
                           device_status(d), d.latitude, d.longitude)  # type: ignore[arg-type]
                 for d in devices)


@service_action("detection.view")
def detection_detail(session: Session, ctx: Context, detection_id: int) -> DetectionDetail:
    """A read's images and details, opened from the map; every opening is audited."""
    authorize(session, ctx, Permission.VIEW_MAP, action="detection.view",
              object_type="detection", object_id=str(detection_id)[:20])
    detection_id = _whole(detection_id, "read id", 1, 2**63 - 1)
    det = session.get(Detection, detection_id)
    if det is None:
        raise InputRejected(f"there is no read #{detection_id}")
    device = session.get(Device, det.device_id) if det.device_id else None
    latitude, longitude = det.latitude, det.longitude
    if latitude is None and device is not None:
        latitude, longitude = device.latitude, device.longitude
    place = device.address if device and device.address else (
        f"{latitude:.5f}, {longitude:.5f}" if latitude is not None and longitude is not None
        else "location not reported")
    hits = tuple(map(_hit, session.execute(_hits_query().where(Hit.detection_id == det.id)
                                           .order_by(Hit.priority, Hit.id))))
    images = {i.kind: i.jpeg for i in session.scalars(
        select(DetectionImage).where(DetectionImage.detection_id == det.id,
                                     DetectionImage.captured_at == det.captured_at))}
    candidates = tuple(str(c[0]) for c in json.loads(det.candidates or "[]"))
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="detection.view", object_type="detection", object_id=det.id,
                 details={"from": "map", "hits": [h.id for h in hits]},
                 plates={"plate": det.plate})
    return DetectionDetail(
        det.id, det.plate, det.plate_raw, det.state, det.confidence, det.captured_at,
        device.code if device else None, device.name if device else det.device_ref, place,
        latitude, longitude, det.direction_deg, json.loads(det.vehicle or "{}"), candidates,
        hits, images)
