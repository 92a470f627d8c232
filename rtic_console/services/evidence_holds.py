"""Evidence holds (C.1, F.4, F.5): data kept past retention for a case, placed and released
by ALPR administrators, audited; and the tests the purge and the screens make of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from rtic_console.domain.plates import InvalidPlate, normalize_plate
from rtic_console.domain.retention import MAX_DAYS
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.cameras import camera_of
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import (
    Detection,
    Device,
    EvidenceExport,
    EvidenceHold,
    Hit,
    RecordingSegment,
)

HOLD, RELEASE = "evidence.hold", "evidence.release"
SCOPES = ("detection", "hit", "plate", "video")


@dataclass(frozen=True)
class HoldRequest:
    """What to hold, for which case and why: exactly one of a read, a hit, a plate in a
    time range, or a camera's recordings in a time range."""

    case_number: str
    reason: str
    detection_id: int | None = None
    hit_id: int | None = None
    plate: str | None = None
    camera: int | str | None = None
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class HoldView:
    id: int
    case_number: str
    reason: str
    scope: str
    detection_id: int | None
    hit_id: int | None
    plate: str | None
    camera: str | None
    from_at: datetime | None
    to_at: datetime | None
    placed_by: str
    placed_at: datetime
    released_by: str | None
    released_at: datetime | None
    release_reason: str | None
    export_id: int | None  # the evidence export that placed it, if one did

    @property
    def target(self) -> str:
        """What it holds, in words."""
        if self.scope == "detection":
            return f"read #{self.detection_id}"
        if self.scope == "hit":
            return f"hit #{self.hit_id} (read #{self.detection_id})"
        what = f"reads of {self.plate}" if self.scope == "plate" else \
            f"recordings of {self.camera or 'every camera'}"
        span = (f"{self.from_at:%Y-%m-%d %H:%M} to {self.to_at:%Y-%m-%d %H:%M} UTC"
                if self.from_at and self.to_at else "at any time")
        return f"{what}, {span}"


def time_range(start: datetime | None, end: datetime | None, limit: timedelta,
               clause: str | None = None) -> tuple[datetime, datetime]:
    """A checked, aware UTC range that ends after it starts and spans at most `limit`; an
    empty one is refused under `clause` (a hold on nothing, C.1)."""
    if start is None or end is None:
        raise InputRejected("give the time range: from and to")
    if start.utcoffset() is None or end.utcoffset() is None:
        raise InputRejected("from and to times need a time zone")
    if not start < end:
        raise InputRejected("the time range must end after it starts", clause=clause)
    if end - start > limit:
        raise InputRejected(f"the time range may be at most {limit.total_seconds() / 3600:g} "
                            "hours")
    return start.astimezone(UTC), end.astimezone(UTC)


def _hold_view(h: EvidenceHold, camera: str | None, export_id: int | None) -> HoldView:
    return HoldView(h.id, h.case_number, h.reason, h.scope, h.detection_id, h.hit_id, h.plate,
                    camera, h.from_at, h.to_at, h.placed_by, h.placed_at, h.released_by,
                    h.released_at, h.release_reason, export_id)


def _view_of(session: Session, hold: EvidenceHold) -> HoldView:
    camera = session.scalar(select(Device.code).where(Device.id == hold.device_id)) \
        if hold.device_id is not None else None
    export_id = session.scalar(select(EvidenceExport.id).where(EvidenceExport.hold_id == hold.id))
    return _hold_view(hold, camera, export_id)


def _case_and_reason(request: HoldRequest) -> tuple[str, str]:
    case, reason = (request.case_number or "").strip(), " ".join((request.reason or "").split())
    if not 0 < len(case) <= 40:
        raise InputRejected("a hold needs a case number (at most 40 characters)", clause="C.1")
    if not reason:
        raise InputRejected("a hold needs a reason", clause="C.1")
    return case, reason


def _target(session: Session, request: HoldRequest) -> dict[str, object]:
    """The hold's scope and columns, refused when what it names does not exist (C.1)."""
    given = [request.detection_id is not None, request.hit_id is not None,
             request.plate is not None, request.camera is not None]
    if sum(given) != 1:
        raise InputRejected("a hold names exactly one of: a read, a hit, a plate with a time "
                            "range, a camera with a time range")
    if request.detection_id is not None:
        if session.get(Detection, request.detection_id) is None:
            raise InputRejected(f"there is no read #{request.detection_id}", clause="C.1")
        return {"scope": "detection", "detection_id": request.detection_id}
    if request.hit_id is not None:
        detection_id = session.scalar(select(Hit.detection_id).where(Hit.id == request.hit_id))
        if detection_id is None:
            raise InputRejected(f"there is no hit #{request.hit_id}", clause="C.1")
        return {"scope": "hit", "hit_id": request.hit_id, "detection_id": detection_id}
    start, end = time_range(request.start, request.end, timedelta(days=MAX_DAYS),
                            "C.1" if request.plate is not None else "F.5")
    if request.plate is not None:
        try:
            plate = normalize_plate(request.plate)
        except InvalidPlate as exc:
            raise InputRejected(f"the plate cannot be held: {exc}") from None
        reads = session.scalar(select(func.count()).select_from(Detection).where(
            Detection.plate == plate, Detection.captured_at >= start,
            Detection.captured_at <= end))
        if not reads:
            # The message becomes the refusal's audit reason: it names no plate (C.1).
            raise InputRejected(f"there is no read of that plate between "
                                f"{start:%Y-%m-%d %H:%M} and {end:%Y-%m-%d %H:%M} UTC to hold",
                                clause="C.1")
        return {"scope": "plate", "plate": plate, "from_at": start, "to_at": end}
    assert request.camera is not None
    device = camera_of(session, request.camera)
    segments = session.scalar(select(func.count()).select_from(RecordingSegment).where(
        RecordingSegment.device_id == device.id, RecordingSegment.started_at < end,
        RecordingSegment.ended_at > start))
    if not segments:
        raise InputRejected(f"there is no recording of {device.code} between "
                            f"{start:%Y-%m-%d %H:%M} and {end:%Y-%m-%d %H:%M} UTC to hold",
                            clause="F.5")
    return {"scope": "video", "device_id": device.id, "from_at": start, "to_at": end}


def _audit_details(hold: EvidenceHold, camera: str | None) -> dict[str, object]:
    return {"case": hold.case_number, "scope": hold.scope, "detection_id": hold.detection_id,
            "hit_id": hold.hit_id, "camera": camera,
            "from": hold.from_at.isoformat() if hold.from_at else None,
            "to": hold.to_at.isoformat() if hold.to_at else None}


@service_action(HOLD)
def add_hold(session: Session, ctx: Context, case_number: str, reason: str,
             target: dict[str, object]) -> HoldView:
    """Stores and audits a hold whose target is already checked; an evidence export calls
    it for the video it exported (F.5)."""
    hold = EvidenceHold(case_number=case_number, reason=reason, placed_by=ctx.actor.badge,
                        placed_at=ctx.now(), **target)
    session.add(hold)
    session.flush()
    view = _view_of(session, hold)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=HOLD, object_type="evidence_hold", object_id=hold.id, reason=reason,
                 details=_audit_details(hold, view.camera),
                 plates={"plate": hold.plate} if hold.plate else None)
    publish(session, Change.RETENTION, (hold.id,))
    return view


@service_action(HOLD)
def place_hold(session: Session, ctx: Context, request: HoldRequest) -> HoldView:
    """Keeps what the request names past retention until released (C.1, F.5)."""
    authorize(session, ctx, Permission.MANAGE_RETENTION, action=HOLD, object_type="case",
              object_id=(request.case_number or "")[:40])
    case, reason = _case_and_reason(request)
    return add_hold(session, ctx, case, reason, _target(session, request))


@service_action(RELEASE)
def release_hold(session: Session, ctx: Context, hold_id: int, reason: str) -> HoldView:
    """The data becomes subject to retention again; the next purge may remove it."""
    authorize(session, ctx, Permission.MANAGE_RETENTION, action=RELEASE,
              object_type="evidence_hold", object_id=hold_id)
    hold = session.get(EvidenceHold, hold_id, with_for_update=True)
    if hold is None:
        raise InputRejected(f"there is no evidence hold #{hold_id}", clause="C.1")
    if hold.released_at is not None:
        raise InputRejected(f"evidence hold #{hold_id} was already released by "
                            f"{hold.released_by} on {hold.released_at:%Y-%m-%d %H:%M} UTC",
                            clause="C.1")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InputRejected("give the reason the hold is released")
    hold.released_by, hold.released_at, hold.release_reason = ctx.actor.badge, ctx.now(), reason
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=RELEASE, object_type="evidence_hold", object_id=hold.id, reason=reason,
                 details={"case": hold.case_number, "scope": hold.scope})
    publish(session, Change.RETENTION, (hold.id,))
    return _view_of(session, hold)


@service_action("evidence.hold.list")
def list_holds(session: Session, ctx: Context, active_only: bool = True,
               case_number: str | None = None) -> list[HoldView]:
    """Holds of every kind, an export's among them; newest first."""
    authorize(session, ctx, Permission.VIEW_RETENTION, action="evidence.hold.list")
    query = (select(EvidenceHold, Device.code, EvidenceExport.id)
             .outerjoin(Device, Device.id == EvidenceHold.device_id)
             .outerjoin(EvidenceExport, EvidenceExport.hold_id == EvidenceHold.id))
    if active_only:
        query = query.where(EvidenceHold.released_at.is_(None))
    if case_number and case_number.strip():
        query = query.where(EvidenceHold.case_number.icontains(case_number.strip(),
                                                               autoescape=True))
    rows = session.execute(query.order_by(EvidenceHold.placed_at.desc(), EvidenceHold.id.desc()))
    return [_hold_view(h, code, export_id) for h, code, export_id in rows]


_ACTIVE = EvidenceHold.released_at.is_(None)


def _read_covers() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The one rule of which reads a hold keeps, a hold row against a `detections` row, in
    its two ways: by the read's id (held directly or through one of its hits), and as a read
    of a held plate in the held range. Apart, so that each can be its own EXISTS, anti-join
    or join on an index."""
    return (and_(EvidenceHold.scope.in_(("detection", "hit")),
                 EvidenceHold.detection_id == Detection.id),
            and_(EvidenceHold.scope == "plate", EvidenceHold.plate == Detection.plate,
                 EvidenceHold.from_at <= Detection.captured_at,
                 EvidenceHold.to_at >= Detection.captured_at))


def _held_tests() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """An active hold keeps the read by id, and as a read of a held plate: two tests, so
    that the purge's NOT EXISTS of each is an anti-join."""
    by_id, by_plate = _read_covers()
    return exists().where(_ACTIVE, by_id), exists().where(_ACTIVE, by_plate)


def detection_held() -> ColumnElement[bool]:
    """True for a read (correlated on `detections`) that an active hold keeps: held by id,
    through one of its hits, or as a read of a held plate in the held range."""
    return or_(*_held_tests())


def detection_not_held() -> ColumnElement[bool]:
    """The purge's side of `detection_held`."""
    by_id, by_plate = _held_tests()
    return and_(~by_id, ~by_plate)


def plate_held(plate: ColumnElement[str | None]) -> ColumnElement[bool]:
    """True for a plate value (of the search log or the audit trail's plain plates) that an
    active plate hold names: a case's plate stays readable while it is held."""
    return exists().where(_ACTIVE, EvidenceHold.scope == "plate", EvidenceHold.plate == plate)


def plates_held_in(plates_json: ColumnElement[str | None]) -> ColumnElement[bool]:
    """True for a JSON list of plates (a sharing request's) naming a plate that an active
    plate hold names."""
    # Plates are letters and digits only, so nothing in them is a LIKE wildcard.
    return exists().where(_ACTIVE, EvidenceHold.scope == "plate", plates_json.contains(
        literal('"') + EvidenceHold.plate + literal('"')))


def _video_covers(device_id: ColumnElement[int] | int, start: ColumnElement[datetime] | datetime,
                  end: ColumnElement[datetime] | datetime) -> ColumnElement[bool]:
    """The one rule of which recordings a video hold keeps: a camera's in [start, end), held
    on that camera or on every camera, over a range that overlaps it (open ends unbounded)."""
    return and_(EvidenceHold.scope == "video",
                or_(EvidenceHold.device_id.is_(None), EvidenceHold.device_id == device_id),
                or_(EvidenceHold.from_at.is_(None), EvidenceHold.from_at < end),
                or_(EvidenceHold.to_at.is_(None), EvidenceHold.to_at > start))


def segment_held() -> ColumnElement[bool]:
    """True for a recording segment (correlated on `recording_segments`) that an active
    video hold covers, an export's among them (F.5)."""
    return exists().where(_ACTIVE, _video_covers(
        RecordingSegment.device_id, RecordingSegment.started_at, RecordingSegment.ended_at))


def video_holds_over(session: Session, device_id: int, start: datetime,
                     end: datetime) -> list[EvidenceHold]:
    """The active video holds that keep some of this camera's recordings in [start, end),
    for the playback timeline: the camera's own and those on every camera."""
    return list(session.scalars(select(EvidenceHold).where(
        _ACTIVE, _video_covers(device_id, start, end))
        .order_by(EvidenceHold.from_at, EvidenceHold.id)))


def cases_holding(session: Session, detection_id: int,
                  captured_at: datetime | None = None) -> tuple[str, ...]:
    """The case numbers of the active holds that keep this read, for its hold mark. Its
    capture time, where known, lets PostgreSQL read one week's partition, not probe all."""
    return tuple(session.scalars(
        select(EvidenceHold.case_number).distinct().join(Detection, or_(*_read_covers()))
        .where(_ACTIVE, Detection.id == detection_id,
               *([] if captured_at is None else [Detection.captured_at == captured_at]))
        .order_by(EvidenceHold.case_number)))


def held_reads_before(session: Session, moment: datetime) -> set[int]:
    """The reads captured before `moment` that active holds keep, found from the holds (a
    few index look-ups) rather than by testing every old read."""
    return {read for covers in _read_covers() for read in session.scalars(
        select(Detection.id).join(EvidenceHold, covers)
        .where(_ACTIVE, Detection.captured_at < moment))}
