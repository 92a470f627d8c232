"""Purpose-bound searches of plate reads (D.1): by plate, canvass of a place (D.1.b) and
vehicle description (F.3); every search logged for the quarterly review (D.2.b(2))."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from rtic_console.domain.roles import Permission
from rtic_console.domain.search_rules import (
    Circle,
    MatchMode,
    SearchCriteria,
    SearchPurpose,
    SearchRefusal,
    SearchRuleError,
    case_number_of,
    criteria_of,
    purpose_fits,
    purpose_of,
    shape_record_of,
)
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.evidence_holds import detection_held
from rtic_console.services.read_position import READ_LAT, READ_LON, place_label
from rtic_console.services.search_requests import usable_request
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.database import replica_session
from rtic_console.store.models import Detection, Device, SearchRecord
from rtic_console.store.prepared import PREPARED

MAX_RESULTS = 5000
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)  # before any read: no floor
MAX_DEVICE_ID_DIGITS = 9
TRIGRAM = 3  # pg_trgm indexes runs of three characters


@dataclass(frozen=True)
class SearchInput:
    """What the person asked, as typed; every field is checked before anything runs."""

    purpose: str | None
    case_number: str | None
    plate: str | None = None
    match_mode: str = MatchMode.EXACT.value
    time_from: datetime | None = None
    time_to: datetime | None = None
    near: tuple[float, float] | None = None
    radius_m: float | None = None
    # south, west, north, east in degrees: the other shape an area may have.
    rectangle: tuple[float, float, float, float] | None = None
    devices: tuple[str, ...] = ()
    color: str | None = None
    make: str | None = None
    body: str | None = None
    incident_number: str | None = None
    description: str | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class ReadHit:
    detection_id: int
    plate: str
    state: str | None
    captured_at: datetime
    device: str
    latitude: float | None
    longitude: float | None
    confidence: float
    place: str = ""
    vehicle: str = ""
    held: bool = False  # an evidence hold keeps it past retention (C.1)


@dataclass(frozen=True)
class SearchResult:
    search_id: int
    reads: tuple[ReadHit, ...]
    truncated: bool
    kind: str = "plate"


def _device_ids(session: Session, tokens: Sequence[str]) -> dict[int, str]:
    """Registered devices by code or id, in the order asked; an unknown one is named."""
    if not tokens:
        return {}
    numbers = {t: int(t) for t in tokens if t.isdigit() and len(t) <= MAX_DEVICE_ID_DIGITS}
    found = session.execute(select(Device.id, Device.code).where(
        or_(Device.id.in_(set(numbers.values())), Device.code.in_(tokens))))
    codes = {device_id: code for device_id, code in found}
    ids = {code: device_id for device_id, code in codes.items()}
    out: dict[int, str] = {}
    for token in tokens:
        device_id = ids.get(token, numbers.get(token))
        if device_id is None or device_id not in codes:
            raise SearchRuleError(f"devices: no registered device {token!r}")
        out[device_id] = codes[device_id]
    return out


# What a ReadHit shows of a read: not whole rows, whose candidates and vehicle texts took a
# 5,000-read answer most of its time to send and load.
_SHOWN = (Detection.id, Detection.plate, Detection.state, Detection.captured_at,
          Detection.device_ref, Detection.confidence, Detection.vehicle_color,
          Detection.vehicle_make, Detection.vehicle_body, Device.code, Device.address,
          READ_LAT, READ_LON)


def _plate_and_time(reads: type[Detection], criteria: SearchCriteria) -> list[ColumnElement[bool]]:
    """The criteria's plate and time span, as conditions on `reads` (Detection or an alias)."""
    where: list[ColumnElement[bool]] = []
    pattern = criteria.plate
    if pattern is not None:
        if pattern.mode is MatchMode.WILDCARD:
            where.append(reads.plate.like(pattern.like()))
        elif pattern.mode is MatchMode.OCR:
            where.append(reads.plate.in_(sorted(pattern.variants())))
        else:
            where.append(reads.plate == pattern.text)
    if criteria.time_from:
        where.append(reads.captured_at >= criteria.time_from)
    if criteria.time_to:
        where.append(reads.captured_at < criteria.time_to)
    return where


def _newest_floor(criteria: SearchCriteria) -> ColumnElement[bool] | None:
    """For OCR-equivalent plates with at most a time span: no read older than the one just
    past the answer's cap, found on the plates' index alone. Several plates cannot be read
    from the index newest first, so a plate read tens of thousands of times (a fleet
    vehicle) had every read fetched and sorted to keep the newest 5,000 (390-410 ms at 10M
    reads, 75-92 ms with the floor); PostgreSQL prunes the weeks before the floor as the
    query starts. Ties at the floor stay in, and the limit keeps the order's first. Not
    for an exact plate, which the index gives newest first already: there the floor cost
    a typical search its probe of every week again and gained nothing."""
    pattern = criteria.plate
    if pattern is None or pattern.mode is not MatchMode.OCR or criteria.area is not None \
            or criteria.devices or criteria.vehicle.given():
        return None
    older = aliased(Detection)
    floor = (select(older.captured_at).where(*_plate_and_time(older, criteria))
             .order_by(older.captured_at.desc()).offset(MAX_RESULTS).limit(1)
             .scalar_subquery())
    return Detection.captured_at >= func.coalesce(floor, EARLIEST)


def _statement(criteria: SearchCriteria, device_ids: Collection[int]) -> Select[Any]:
    """The SQL for checked criteria; every value is bound, none formatted into the text.
    A read is where the map puts it: its own position, else its fixed reader's."""
    query = (select(*_SHOWN).outerjoin(Device, Device.id == Detection.device_id)
             .where(*_plate_and_time(Detection, criteria)))
    newest_first: ColumnElement[Any] = Detection.captured_at
    pattern = criteria.plate
    if pattern is not None and pattern.mode is MatchMode.WILDCARD \
            and pattern.longest_literal_run() >= TRIGRAM:
        # PostgreSQL overestimates such a pattern's matches and would walk the time index
        # backwards through every read (16 s cold at 10M reads) hoping to stop early;
        # ordering by an expression the index cannot give makes it use the trigram index
        # and sort the few matches.
        newest_first = func.coalesce(Detection.captured_at, Detection.captured_at)
    if criteria.area is not None:
        lat_lo, lat_hi, lon_lo, lon_hi = criteria.area.bounds()
        query = query.where(READ_LAT.between(lat_lo, lat_hi),
                            READ_LON.between(lon_lo, lon_hi))
    if device_ids:
        query = query.where(Detection.device_id.in_(sorted(device_ids)))
    vehicle = criteria.vehicle
    for column, label in ((Detection.vehicle_color, vehicle.color),
                          (Detection.vehicle_make, vehicle.make),
                          (Detection.vehicle_body, vehicle.body)):
        if label:
            query = query.where(column == label)
    return query.order_by(newest_first.desc(), Detection.id.desc())


def _plan_kept(criteria: SearchCriteria, only_ids: Collection[int] | None) -> bool:
    """Whether PostgreSQL keeps the query's plan (store/prepared.py): for an exact or
    OCR-equivalent plate, whose plan over every weekly partition costs more than the search.
    A canvass's time window prunes the weeks while planning, cheaply; a generic plan for a
    wildcard pattern does not know it and ran 2–3 times slower; a look-up of given reads
    has too many shapes to keep."""
    pattern = criteria.plate
    return only_ids is None and pattern is not None and pattern.mode in (MatchMode.EXACT,
                                                                         MatchMode.OCR)


def _fetch(session: Session, criteria: SearchCriteria, device_ids: Collection[int],
           only_ids: Collection[int] | None = None,
           received_by: datetime | None = None) -> tuple[list[ReadHit], bool]:
    """Reads matching the criteria, newest first, at most MAX_RESULTS (and whether cut)."""
    query = _statement(criteria, device_ids)
    if only_ids is not None:
        query = query.where(Detection.id.in_(sorted(only_ids)))
    if received_by is not None:
        query = query.where(Detection.received_at <= received_by)
    # Not for a logged search's re-run: reads stored since would raise its floor.
    floor = _newest_floor(criteria) if only_ids is None and received_by is None else None
    if floor is not None:
        query = query.where(floor)
    # Whether a hold keeps each read is asked in the same query, of the rows it returns: a
    # second query by id would probe every weekly partition's index for every read.
    rows = session.execute(query.add_columns(detection_held()).limit(MAX_RESULTS + 1),
                           execution_options=PREPARED if _plan_kept(criteria, only_ids)
                           else {}).all()
    circle = criteria.area if isinstance(criteria.area, Circle) else None
    reads = []
    for (read_id, plate, state, captured_at, device_ref, confidence, color, make, body, code,
         address, lat, lon, held) in rows[:MAX_RESULTS]:
        if circle is not None and (lat is None or lon is None
                                   or not circle.contains(lat, lon)):
            continue  # the SQL box holds the circle; its corners are outside it
        reads.append(ReadHit(read_id, plate, state, captured_at, code or device_ref, lat, lon,
                             confidence, place_label(address, lat, lon),
                             " ".join(v for v in (color, make, body) if v), held=bool(held)))
    return reads, len(rows) > MAX_RESULTS


def _checked(session: Session, item: SearchInput) -> tuple[SearchCriteria, dict[int, str],
                                                           tuple[str | None, str | None]]:
    """Criteria, devices and the F.3 record; SearchRuleError names the field at fault."""
    criteria = criteria_of(
        plate=item.plate, match_mode=item.match_mode, time_from=item.time_from,
        time_to=item.time_to, near=item.near, radius_m=item.radius_m, rectangle=item.rectangle,
        devices=item.devices, color=item.color, make=item.make, body=item.body)
    shape = shape_record_of(criteria.kind, item.incident_number, item.description)
    devices = _device_ids(session, criteria.devices)
    return replace(criteria, devices=tuple(devices.values())), devices, shape


@service_action("search.run")
def search_reads(session: Session, ctx: Context, item: SearchInput) -> SearchResult:
    """Refused without an approved purpose and a case (or an approved other use), and a
    vehicle-description search without its incident and description (F.3); logged and
    audited with its parameters and count."""
    authorize(session, ctx, Permission.SEARCH_READS, action="search.run", object_type="search")
    try:
        purpose = purpose_of(item.purpose)
        case = case_number_of(item.case_number)
    except SearchRuleError as exc:
        raise Refused(str(exc), action="search.run", clause="D.1",
                      object_type="search") from None
    try:
        criteria, devices, (incident, description) = _checked(session, item)
        purpose_fits(criteria.kind, purpose)
    except SearchRefusal as exc:
        raise Refused(str(exc), action="search.run", clause=exc.clause,
                      object_type="search") from None
    except SearchRuleError as exc:
        raise InputRejected(str(exc), clause=exc.clause) from None
    if purpose is SearchPurpose.OTHER_USE:
        request_id: int | None = usable_request(session, ctx, item.request_id, case).id
    elif item.request_id is not None:
        raise InputRejected("request: only an other-use search runs under a request")
    else:
        request_id = None
    with replica_session(session) as reads_from:
        reads, truncated = _fetch(reads_from, criteria, devices)
    record = record_search(session, ctx, criteria, purpose, case, request_id, len(reads),
                           truncated, incident=incident, description=description)
    return SearchResult(record.id, tuple(reads), truncated, criteria.kind.value)


@service_action("search.run")  # part of a search, and of a look back on the map
def record_search(session: Session, ctx: Context, criteria: SearchCriteria,
                  purpose: SearchPurpose, case: str, request_id: int | None, results: int,
                  truncated: bool, *, incident: str | None = None,
                  description: str | None = None,
                  extra: dict[str, object] | None = None) -> SearchRecord:
    """The `searches` row (kept for the quarterly review, D.2.b(2)) and its `search.run`
    audit event, in the caller's transaction. `extra` (such as where the search was made)
    goes into the logged parameters and the event."""
    params = {**criteria.parameters(), **(extra or {})}
    circle = criteria.area if isinstance(criteria.area, Circle) else None
    record = SearchRecord(
        person_id=ctx.actor.person_id, actor_badge=ctx.actor.badge, searched_at=ctx.now(),
        kind=criteria.kind.value, purpose=purpose.value, case_number=case,
        plate_pattern=criteria.plate.text if criteria.plate else None,
        match_mode=criteria.plate.mode.value if criteria.plate else None,
        time_from=criteria.time_from, time_to=criteria.time_to,
        center_lat=circle.lat if circle else None, center_lon=circle.lon if circle else None,
        radius_m=circle.radius_m if circle else None, parameters=json.dumps(params),
        result_count=results, request_id=request_id, incident_number=incident,
        subject_description=description)
    session.add(record)
    session.flush()
    recorded = {k: v for k, v in (("request", request_id), ("incident", incident),
                                  ("description", description)) if v is not None}
    shown = {k: v for k, v in params.items() if k != "plate"}
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="search.run", object_type="search", object_id=record.id,
                 reason=f"{purpose.value} · case {case}",
                 plates={"plate": criteria.plate.text} if criteria.plate else None,
                 plate_kind="search_plates",
                 details={**shown, **recorded, "kind": criteria.kind.value,
                          "results": results, "truncated": truncated,
                          "from": criteria.time_from.isoformat() if criteria.time_from
                          else None,
                          "to": criteria.time_to.isoformat() if criteria.time_to else None})
    publish(session, Change.SEARCH, (record.id,))
    return record


def logged_reads(session: Session, record: SearchRecord,
                 detection_ids: Collection[int]) -> list[ReadHit]:
    """Those of the given reads that the logged search returned, re-run from its log. Reads
    stored after it ran match its criteria too, but it never showed them. A log whose plate
    the retention purge removed cannot be re-run (it would match every plate)."""
    params = json.loads(record.parameters)
    if params.get("plate_purged"):
        raise SearchRuleError(f"search: the plate of search #{record.id} was removed under "
                              "retention (C.1); its results can no longer be exported")
    criteria = SearchCriteria.from_parameters(params, record.time_from, record.time_to)
    devices = _device_ids(session, criteria.devices)
    return _fetch(session, criteria, devices, only_ids=detection_ids,
                  received_by=record.searched_at)[0]


def plate_reads(session: Session, plates: Sequence[str], start: datetime,
                end: datetime) -> list[ReadHit]:
    """Reads of these exact plates captured in [start, end), newest first: what a granted
    sharing request asked for (C.2), at most MAX_RESULTS a plate."""
    reads: list[ReadHit] = []
    for plate in plates:
        criteria = criteria_of(plate=plate, match_mode=MatchMode.EXACT.value, time_from=start,
                               time_to=end, near=None, radius_m=None, rectangle=None,
                               devices=(), color=None, make=None, body=None)
        reads.extend(_fetch(session, criteria, {})[0])
    return sorted(reads, key=lambda r: (r.captured_at, r.detection_id), reverse=True)


def case_reads(session: Session, case_number: str) -> list[ReadHit] | None:
    """The reads an SPD case's plate searches returned, re-run from their logs (reads stored
    after a search ran are not among them), newest first; None when the case has no logged
    search of a plate. Wildcard, canvass and vehicle searches are left out: their results
    are mostly other people's cars, never shared as a case's reads."""
    records = session.scalars(select(SearchRecord).where(
        SearchRecord.case_number == case_number, SearchRecord.kind == "plate",
        SearchRecord.match_mode.in_((MatchMode.EXACT.value, MatchMode.OCR.value))))
    found: dict[int, ReadHit] | None = None
    for record in records:
        criteria = SearchCriteria.from_parameters(json.loads(record.parameters),
                                                  record.time_from, record.time_to)
        found = found if found is not None else {}
        for read in _fetch(session, criteria, _device_ids(session, criteria.devices),
                           received_by=record.searched_at)[0]:
            found[read.detection_id] = read
    if found is None:
        return None
    return sorted(found.values(), key=lambda r: (r.captured_at, r.detection_id), reverse=True)
