"""Purpose-bound plate search (D.1), logged for the quarterly review (D.2.b(2))."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.domain.search_rules import (
    MatchMode,
    SearchRuleError,
    bounding_box,
    case_number_of,
    distance_m,
    plate_pattern,
    point_of,
    purpose_of,
    radius_of,
    time_range,
)
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import Detection, Device, SearchRecord

MAX_RESULTS = 5000


@dataclass(frozen=True)
class SearchInput:
    purpose: str | None
    case_number: str | None
    plate: str | None = None
    match_mode: str = MatchMode.EXACT.value
    time_from: datetime | None = None
    time_to: datetime | None = None
    near: tuple[float, float] | None = None
    radius_m: float | None = None


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


@dataclass(frozen=True)
class SearchResult:
    search_id: int
    reads: tuple[ReadHit, ...]
    truncated: bool


def _query(item: SearchInput) -> tuple[Select[tuple[Detection, str | None]], dict[str, object]]:
    """The SQL for the search, and the cleaned parameters to log; every value bound."""
    params: dict[str, object] = {}
    query = select(Detection, Device.code).outerjoin(Device, Device.id == Detection.device_id)
    if item.plate:
        pattern = plate_pattern(item.plate, item.match_mode)
        params |= {"plate": pattern.text, "mode": pattern.mode.value}
        if pattern.mode is MatchMode.WILDCARD:
            query = query.where(Detection.plate.like(pattern.like()))
        elif pattern.mode is MatchMode.OCR:
            query = query.where(Detection.plate.in_(sorted(pattern.variants())))
        else:
            query = query.where(Detection.plate == pattern.text)
    time_range(item.time_from, item.time_to)
    if item.time_from:
        query = query.where(Detection.captured_at >= item.time_from)
    if item.time_to:
        query = query.where(Detection.captured_at < item.time_to)
    if item.near is not None:
        if item.radius_m is None:
            raise SearchRuleError("a search near a place needs a radius")
        center, radius = point_of(*item.near), radius_of(item.radius_m)
        lat_lo, lat_hi, lon_lo, lon_hi = bounding_box(center, radius)
        query = query.where(Detection.latitude.between(lat_lo, lat_hi),
                            Detection.longitude.between(lon_lo, lon_hi))
        params |= {"near": list(center), "radius_m": radius}
    if not (item.plate or item.near):
        raise SearchRuleError("a search needs a plate or a place")
    return query.order_by(Detection.captured_at.desc()).limit(MAX_RESULTS + 1), params


def search_reads(session: Session, ctx: Context, item: SearchInput) -> SearchResult:
    """Refused without an approved purpose and a case; logged and audited with its count."""
    authorize(session, ctx, Permission.SEARCH_READS, action="search.run", object_type="search")
    try:
        purpose = purpose_of(item.purpose)
        case = case_number_of(item.case_number)
    except SearchRuleError as exc:
        raise Refused(str(exc), action="search.run", clause="D.1",
                      object_type="search") from None
    try:
        query, params = _query(item)
    except (SearchRuleError, ValueError) as exc:
        raise InputRejected(str(exc)) from None
    rows = session.execute(query).all()
    truncated = len(rows) > MAX_RESULTS
    reads = []
    for det, code in rows[:MAX_RESULTS]:
        if item.near is not None and item.radius_m is not None and (
                det.latitude is None or det.longitude is None
                or distance_m(item.near, (det.latitude, det.longitude)) > item.radius_m):
            continue
        reads.append(ReadHit(det.id, det.plate, det.state, det.captured_at,
                             code or det.device_ref, det.latitude, det.longitude,
                             det.confidence))
    now = ctx.now()
    record = SearchRecord(
        person_id=ctx.actor.person_id, actor_badge=ctx.actor.badge, searched_at=now,
        kind="canvass" if item.near is not None and not item.plate else "plate",
        purpose=purpose.value, case_number=case, plate_pattern=params.get("plate"),
        match_mode=params.get("mode"), time_from=item.time_from, time_to=item.time_to,
        center_lat=item.near[0] if item.near else None,
        center_lon=item.near[1] if item.near else None, radius_m=item.radius_m,
        parameters=json.dumps(params), result_count=len(reads))
    session.add(record)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="search.run", object_type="search", object_id=record.id,
                 reason=f"{purpose.value} · case {case}",
                 details={**params, "results": len(reads), "truncated": truncated,
                          "from": item.time_from.isoformat() if item.time_from else None,
                          "to": item.time_to.isoformat() if item.time_to else None})
    return SearchResult(record.id, tuple(reads), truncated)
