"""The hit queue and the dispatcher's verification checklist (D.4, D.5, D.6, I.1)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.orm import Session

from rtic_console.domain.checklist import (
    OPEN_STATUSES,
    ChecklistError,
    ChecklistRefusal,
    HitStatus,
    Step,
    StepInput,
    check_close_allowed,
    check_confirm_allowed,
    check_release_allowed,
    check_step_allowed,
    clean_recovery_call,
    clean_step,
)
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.evidence_holds import cases_holding
from rtic_console.services.read_position import place_label
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import (
    Detection,
    DetectionImage,
    Device,
    Hit,
    HitSighting,
    HitStep,
    HotList,
    HotListEntry,
    Person,
)


@dataclass(frozen=True)
class StepView:
    step: int
    data: dict[str, object]
    attachment_name: str | None
    done_by: str
    done_at: datetime


@dataclass(frozen=True)
class HitView:
    id: int
    status: HitStatus
    priority: int
    reason: str
    list_name: str
    informational: bool
    read_plate: str
    listed_plate: str
    listed_state: str | None
    read_state: str | None
    best_plate: str
    candidate_index: int | None
    substitutions: int
    state_mismatch: bool
    confidence: float
    case_number: str | None
    xref: str | None
    narrative: str | None
    device_code: str | None
    device_name: str
    place: str
    latitude: float | None
    longitude: float | None
    direction_deg: float | None
    captured_at: datetime
    created_at: datetime
    claimed_by: str | None
    claimed_by_name: str | None
    steps_done: tuple[int, ...]
    device_out_of_service: bool = False  # B.2: read by a reader out of service or damaged
    recovery_cfs: str | None = None  # D.3.e
    sightings: int = 0  # later reads of the vehicle grouped under this hit
    closed_by: str | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None
    escalated_at: datetime | None = None  # D.5.a: raised to the sergeant on duty

    @property
    def approximate(self) -> bool:
        return self.substitutions > 0

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class SightingView:
    """A later read of the hit's vehicle: where and when it was seen again."""

    read_plate: str
    substitutions: int
    captured_at: datetime
    reader: str
    place: str


@dataclass(frozen=True)
class HitDetail:
    hit: HitView
    steps: tuple[StepView, ...]
    images: dict[str, bytes]
    vehicle: dict[str, object]
    held_for: tuple[str, ...] = ()  # cases whose evidence holds keep the read (C.1)
    sightings: tuple[SightingView, ...] = ()  # oldest first


def _views(session: Session, hits: list[Hit]) -> list[HitView]:
    if not hits:
        return []
    # By capture time too (a hit keeps its read's), so PostgreSQL reads those weeks'
    # partitions only: an id alone probes every week's index.
    detections = {d.id: d for d in session.scalars(select(Detection).where(
        Detection.id.in_({h.detection_id for h in hits}),
        Detection.captured_at.in_({h.captured_at for h in hits})))}
    entries = {e.id: e for e in session.scalars(
        select(HotListEntry).where(HotListEntry.id.in_({h.entry_id for h in hits if h.entry_id})))}
    lists = {x.id: x for x in session.scalars(select(HotList))}
    device_ids = {d.device_id for d in detections.values() if d.device_id}
    devices = {d.id: d for d in session.scalars(select(Device).where(Device.id.in_(device_ids)))}
    claimers = {p.badge: p.name for p in session.scalars(
        select(Person).where(Person.badge.in_({h.claimed_by for h in hits if h.claimed_by})))}
    sightings = dict(session.execute(
        select(HitSighting.hit_id, func.count()).where(HitSighting.hit_id.in_(
            [h.id for h in hits])).group_by(HitSighting.hit_id)).all())
    steps: dict[int, list[int]] = {}
    for hit_id, step in session.execute(
            select(HitStep.hit_id, HitStep.step).where(HitStep.hit_id.in_([h.id for h in hits]))):
        steps.setdefault(hit_id, []).append(step)
    out = []
    for h in hits:
        det = detections[h.detection_id]
        entry = entries.get(h.entry_id) if h.entry_id else None
        device = devices.get(det.device_id) if det.device_id else None
        place = place_label(device.address if device else None, det.latitude,
                            det.longitude)
        out.append(HitView(
            h.id, HitStatus(h.status), h.priority, h.reason, lists[h.list_id].name,
            h.informational, h.read_plate, h.listed_plate, h.listed_state, det.state,
            det.plate, h.candidate_index, h.substitutions, h.state_mismatch, det.confidence,
            entry.case_number if entry else None, entry.xref if entry else None,
            entry.narrative if entry else None, device.code if device else None,
            device.name if device else det.device_ref, place, det.latitude, det.longitude,
            det.direction_deg, det.captured_at, h.created_at, h.claimed_by,
            claimers.get(h.claimed_by or ""), tuple(sorted(steps.get(h.id, []))),
            h.device_out_of_service, h.recovery_cfs, sightings.get(h.id, 0), h.closed_by,
            h.closed_at, h.close_reason, h.escalated_at,
        ))
    return out


@service_action("hits.list")
def list_hits(session: Session, ctx: Context, *, status: str | None = None,
              limit: int = 500) -> list[HitView]:
    """Open hits by priority, then oldest first: the order to work them (D.5.a).

    status None means the open queue; 'all' every hit, newest first; or one status.
    """
    authorize(session, ctx, Permission.VIEW_HITS, action="hits.list")
    query = _hits(status)
    query = query.order_by(Hit.priority, Hit.created_at) if status is None else \
        query.order_by(Hit.created_at.desc())
    return _views(session, list(session.scalars(query.limit(limit))))


@service_action("hits.list")
def hits_by_id(session: Session, ctx: Context, hit_ids: Collection[int], *,
               status: str | None = None) -> list[HitView]:
    """Those of these hits `list_hits` would list with the same status: what a live queue
    upserts; one it does not return (closed, for the open queue) it drops."""
    authorize(session, ctx, Permission.VIEW_HITS, action="hits.list")
    if not hit_ids:
        return []
    return _views(session, list(session.scalars(_hits(status).where(Hit.id.in_(set(hit_ids))))))


def _hits(status: str | None) -> Select[tuple[Hit]]:
    if status is None:
        return select(Hit).where(Hit.status.in_([s.value for s in OPEN_STATUSES]))
    if status == "all":
        return select(Hit)
    try:
        return select(Hit).where(Hit.status == HitStatus(status).value)
    except ValueError:
        valid = ", ".join(["all", *(s.value for s in HitStatus)])
        raise InputRejected(f"unknown hit status {status!r}; use one of {valid}") from None


@service_action("hits.view")
def hit_detail(session: Session, ctx: Context, hit_id: int, *,
               images: bool = True) -> HitDetail:
    """A hit with its steps; its read's images unless the caller already has them (they
    never change)."""
    authorize(session, ctx, Permission.VIEW_HITS, action="hits.view", object_type="hit",
              object_id=hit_id)
    hit = _get(session, hit_id)
    view = _views(session, [hit])[0]
    steps = tuple(StepView(s.step, json.loads(s.data), s.attachment_name, s.done_by, s.done_at)
                  for s in session.scalars(
                      select(HitStep).where(HitStep.hit_id == hit_id).order_by(HitStep.step)))
    jpegs = {i.kind: i.jpeg for i in session.scalars(
        select(DetectionImage).where(DetectionImage.detection_id == hit.detection_id,
                                     DetectionImage.captured_at == hit.captured_at))} \
        if images else {}
    vehicle = json.loads(session.scalar(select(Detection.vehicle).where(
        Detection.id == hit.detection_id, Detection.captured_at == hit.captured_at)) or "{}")
    return HitDetail(view, steps, jpegs, vehicle, cases_holding(session, hit.detection_id,
                                                               hit.captured_at),
                     _sightings(session, hit_id))


def _sightings(session: Session, hit_id: int) -> tuple[SightingView, ...]:
    """The hit's later sightings whose reads are still kept, oldest first."""
    rows = session.execute(
        select(HitSighting, Detection, Device)
        .join(Detection, and_(Detection.id == HitSighting.detection_id,
                              Detection.captured_at == HitSighting.captured_at))
        .outerjoin(Device, Device.id == Detection.device_id)
        .where(HitSighting.hit_id == hit_id)
        .order_by(HitSighting.captured_at, HitSighting.id)).all()
    return tuple(SightingView(s.read_plate, s.substitutions, s.captured_at,
                              d.code if d else det.device_ref,
                              place_label(d.address if d else None, det.latitude,
                                          det.longitude))
                 for s, det, d in rows)


@service_action("hits.list")
def recent_hits(session: Session, ctx: Context, *, hours: int = 24,
                limit: int = 1000) -> list[HitView]:
    """Every hit of the last `hours`, open or closed, newest first: what became of each
    (its disposition, who closed it and when)."""
    authorize(session, ctx, Permission.VIEW_HITS, action="hits.list")
    return _views(session, list(session.scalars(
        _recent(hours).order_by(Hit.created_at.desc(), Hit.id.desc()).limit(limit))))


@service_action("hits.list")
def recent_hits_by_id(session: Session, ctx: Context, hit_ids: Collection[int], *,
                      hours: int = 24) -> list[HitView]:
    """Those of these hits `recent_hits` would list for the same period."""
    authorize(session, ctx, Permission.VIEW_HITS, action="hits.list")
    if not hit_ids:
        return []
    return _views(session, list(session.scalars(
        _recent(hours).where(Hit.id.in_(set(hit_ids))))))


def _recent(hours: int) -> Select[tuple[Hit]]:
    if not 1 <= hours <= 24 * 31:
        raise InputRejected("recent hits cover 1 hour to 31 days")
    return select(Hit).where(Hit.created_at >= datetime.now(UTC) - timedelta(hours=hours))


def _refusal(error: ChecklistError, action: str, hit_id: int) -> Refused | InputRejected:
    """A rule of the order is refused (and so audited); data that cannot be stored is not."""
    if isinstance(error, ChecklistRefusal):
        return Refused(f"Hit #{hit_id}: {error}.", action=action, clause=error.clause,
                       object_type="hit", object_id=hit_id)
    return InputRejected(str(error))


def _get(session: Session, hit_id: int, lock: bool = False) -> Hit:
    query = select(Hit).where(Hit.id == hit_id)
    hit = session.scalar(query.with_for_update() if lock else query)
    if hit is None:
        raise InputRejected(f"there is no hit #{hit_id}")
    return hit


def _audit(session: Session, ctx: Context, action: str, hit: Hit, reason: str | None = None,
           **details: object) -> None:
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=action, object_type="hit", object_id=hit.id, reason=reason,
                 details={"list_id": hit.list_id, **details}, plates={"plate": hit.read_plate})
    publish(session, Change.HIT_CHANGED, (hit.id,))


@service_action("hits.claim")
def claim_hit(session: Session, ctx: Context, hit_id: int) -> HitView:
    """Exactly one of two dispatchers claiming at once wins; the other learns who has it."""
    authorize(session, ctx, Permission.WORK_HITS, action="hits.claim", object_type="hit",
              object_id=hit_id)
    now = ctx.now()
    won = session.execute(
        update(Hit).where(Hit.id == hit_id, Hit.status == HitStatus.NEW.value)
        .values(status=HitStatus.CLAIMED.value, claimed_by=ctx.actor.badge, claimed_at=now)
        .execution_options(synchronize_session=False)).rowcount
    hit = _get(session, hit_id)
    session.refresh(hit)
    if not won:
        if hit.status == HitStatus.CLAIMED.value and hit.claimed_by != ctx.actor.badge:
            who = session.scalar(select(Person.name).where(Person.badge == hit.claimed_by))
            when = hit.claimed_at.astimezone().strftime("%H:%M:%S") if hit.claimed_at else ""
            raise Refused(f"Hit #{hit_id} is already claimed by {hit.claimed_by} {who or ''} "
                          f"at {when}.".replace("  ", " "), action="hits.claim",
                          object_type="hit", object_id=hit_id, clause="D.5.b")
        if hit.status != HitStatus.CLAIMED.value:
            raise Refused(f"Hit #{hit_id} is already {hit.status.replace('_', ' ')}.",
                          action="hits.claim", object_type="hit", object_id=hit_id,
                          clause="D.6.a")
    else:
        _audit(session, ctx, "hits.claim", hit)
    return _views(session, [hit])[0]


@service_action("hits.release")
def release_hit(session: Session, ctx: Context, hit_id: int, reason: str) -> HitView:
    """Puts a claimed hit back in the queue for any dispatcher (D.5.a), handed back by its
    claimer or freed by a sergeant; who had it and why it went are audited."""
    authorize(session, ctx, Permission.VIEW_HITS, action="hits.release", object_type="hit",
              object_id=hit_id)
    hit = _get(session, hit_id, lock=True)
    if hit.status == HitStatus.CLAIMED.value:  # its claimer, or a sergeant for another's
        mine = hit.claimed_by == ctx.actor.badge
        authorize(session, ctx, Permission.WORK_HITS if mine else Permission.FREE_HIT_CLAIMS,
                  action="hits.release", object_type="hit", object_id=hit_id)
    try:
        clean = check_release_allowed(HitStatus(hit.status), reason)
    except ChecklistError as exc:
        raise _refusal(exc, "hits.release", hit_id) from None
    released_from = hit.claimed_by
    hit.status, hit.claimed_by, hit.claimed_at = HitStatus.NEW.value, None, None
    _audit(session, ctx, "hits.release", hit, reason=clean, released_from=released_from)
    return _views(session, [hit])[0]


def _steps_done(session: Session, hit_id: int) -> dict[int, HitStep]:
    return {s.step: s for s in session.scalars(select(HitStep).where(HitStep.hit_id == hit_id))}


def _outcome(done: dict[int, HitStep]) -> str | None:
    """What the CLETS/NCIC checks of step 2 found, once recorded."""
    step = done.get(Step.RECORD_CHECKS)
    return json.loads(step.data).get("outcome") if step is not None else None


@service_action("hits.step")
def record_step(session: Session, ctx: Context, hit_id: int, item: StepInput) -> HitView:
    """Record who did which step and when; steps go in order and survive a restart."""
    authorize(session, ctx, Permission.WORK_HITS, action="hits.step", object_type="hit",
              object_id=hit_id)
    hit = _get(session, hit_id, lock=True)
    done = _steps_done(session, hit_id)
    now = ctx.now()
    try:
        check_step_allowed(HitStatus(hit.status), hit.claimed_by, ctx.actor.badge,
                           Step(item.step), set(done))
        previous = done.get(int(item.step) - 1)
        data = clean_step(item, previous.done_at if previous else hit.created_at, now)
    except ChecklistError as exc:
        raise _refusal(exc, "hits.step", hit_id) from None
    session.add(HitStep(hit_id=hit_id, step=int(item.step), data=json.dumps(data),
                        attachment_name=item.attachment_name, attachment=item.attachment,
                        done_by=ctx.actor.badge, done_at=now))
    session.flush()
    audited = {k: v for k, v in data.items() if k not in ("clets_result", "ncic_result")}
    if item.attachment is not None:
        audited["attachment_sha256"] = hashlib.sha256(item.attachment).hexdigest()
    _audit(session, ctx, "hits.step", hit, step=int(item.step), **audited)
    return _views(session, [hit])[0]


@service_action("hits.confirm")
def confirm_hit(session: Session, ctx: Context, hit_id: int) -> HitView:
    """D.5.b, D.6.a: only the claiming dispatcher, and only after all four steps."""
    authorize(session, ctx, Permission.WORK_HITS, action="hits.confirm", object_type="hit",
              object_id=hit_id)
    hit = _get(session, hit_id, lock=True)
    if hit.informational:
        raise Refused(f"Hit #{hit_id} is a special hot list hit: informational only (I.1), "
                      "never confirmed; close it once noted.", action="hits.confirm",
                      object_type="hit", object_id=hit_id, clause="I.1")
    done = _steps_done(session, hit_id)
    try:
        check_confirm_allowed(HitStatus(hit.status), hit.claimed_by, ctx.actor.badge,
                              set(done), _outcome(done))
    except ChecklistError as exc:
        raise _refusal(exc, "hits.confirm", hit_id) from None
    hit.status = HitStatus.CONFIRMED.value
    hit.closed_by, hit.closed_at = ctx.actor.badge, ctx.now()
    _audit(session, ctx, "hits.confirm", hit)
    return _views(session, [hit])[0]


@service_action("hits.close")
def close_hit(session: Session, ctx: Context, hit_id: int, closing: HitStatus | str,
              reason: str) -> HitView:
    """Misread, no longer wanted or duplicate, by the dispatcher who claimed the hit, with a
    reason that says what was found; no longer wanted only once step 2 shows it (D.6.a)."""
    authorize(session, ctx, Permission.WORK_HITS, action="hits.close", object_type="hit",
              object_id=hit_id)
    try:
        closing = HitStatus(closing)
    except ValueError:
        said = "no way to close it was chosen" if closing is None else \
            f"{closing!r} is not a way to close a hit"
        raise InputRejected(f"{said}; choose misread, no longer wanted or duplicate") from None
    hit = _get(session, hit_id, lock=True)
    done = _steps_done(session, hit_id)
    try:
        clean = check_close_allowed(
            HitStatus(hit.status), closing, reason, claimed_by=hit.claimed_by,
            actor_badge=ctx.actor.badge, done=set(done), outcome=_outcome(done),
            informational=hit.informational)
    except ChecklistError as exc:
        raise _refusal(exc, "hits.close", hit_id) from None
    hit.status = closing.value
    hit.closed_by, hit.closed_at, hit.close_reason = ctx.actor.badge, ctx.now(), clean
    _audit(session, ctx, "hits.close", hit, reason=clean, closing=hit.status)
    return _views(session, [hit])[0]


@service_action("hits.recovery")
def record_recovery_call(session: Session, ctx: Context, hit_id: int,
                         cfs_number: str) -> HitView:
    """D.3.e: the stolen vehicle recovery call for service generated for a confirmed hit
    (an unoccupied stolen vehicle that could not be recovered), stored with the hit."""
    authorize(session, ctx, Permission.WORK_HITS, action="hits.recovery", object_type="hit",
              object_id=hit_id)
    hit = _get(session, hit_id, lock=True)
    try:
        hit.recovery_cfs = clean_recovery_call(HitStatus(hit.status), hit.reason,
                                               hit.recovery_cfs, cfs_number)
    except ChecklistError as exc:
        raise _refusal(exc, "hits.recovery", hit_id) from None
    _audit(session, ctx, "hits.recovery", hit, recovery_cfs=hit.recovery_cfs)
    return _views(session, [hit])[0]
