"""Keeps the recordings within their disk caps: the oldest removable segments go, and when
only video that must be kept is left over a cap, recording stops; the ALPR administrators
and public-safety IT are alerted before the cap and when it is reached.

Removable means past the order's 90-day minimum and under no evidence hold (F.5, C.1): a
cap may shorten how long video is kept down to that minimum, never below it, and never
touches held video. Run by the recording supervisor after each indexed segment and on each
look at the cameras, as the system identity of its workstation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from rtic_console.domain.recording_caps import (
    WARN_SHARE,
    CapLevel,
    format_size,
    next_level,
    rises,
    trim_target,
)
from rtic_console.domain.retention import MIN_DAYS
from rtic_console.domain.roles import Role
from rtic_console.services.alerts import raise_alert
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.evidence_holds import segment_held
from rtic_console.services.recording_caps import STORE_KEY, camera_key, caps_in_force
from rtic_console.services.recordings import lock_removals, unlink_after_commit
from rtic_console.services.retention import database_now
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Device, RecordingCapState, RecordingSegment, RecordingUsage

CAP_ALERT = "recording_cap"
EVERY_CAMERA = -1  # stopped_cameras' key when the store's cap stopped all recording
# Those who handle device problems: the ALPR administrators, to whom damage reports go (B.2)
# and who set the caps, and public-safety IT, who add the disk space.
ALERTED = (Role.ALPR_ADMIN, Role.IT_STAFF)
_BATCH = 500
WARN, REMOVE = "recording.cap.warn", "recording.cap.remove"
STOP, RESUME = "recording.cap.stop", "recording.cap.resume"


@dataclass(frozen=True)
class CapCheck:
    """What one check did to one cap: the level it moved to, what it removed, its alert."""

    key: str
    level: CapLevel
    previous: CapLevel
    removed: int
    bytes_freed: int
    alert_ids: tuple[int, ...]


@dataclass(frozen=True)
class _Subject:
    key: str
    device_id: int | None  # None: the whole store
    name: str  # "camera CAM-01" or "the recordings store"
    object_type: str
    object_id: str


@dataclass(frozen=True)
class _Removal:
    count: int
    freed: int
    span: tuple[datetime, datetime] | None
    devices: tuple[int, ...]


@dataclass(frozen=True)
class _Facts:
    """One check's figures, as its audit events state them."""

    who: SystemIdentity
    subject: _Subject
    level: CapLevel
    before: int
    after: int
    cap: int | None
    removal: _Removal


def enforce_caps(session: Session, who: SystemIdentity) -> list[CapCheck]:
    """Checks every camera's cap, then the store's, in the caller's transaction; returns the
    caps whose level changed or that removed segments."""
    lock_removals(session)  # one check at a time, so a crossing alerts once; and no purge
    now = database_now(session)
    keep_after = now - timedelta(days=MIN_DAYS)
    caps = caps_in_force(session)
    states = {s.key: s for s in session.scalars(select(RecordingCapState))}
    used = dict(session.execute(select(RecordingUsage.device_id, RecordingUsage.bytes)).all())
    watched = set(used) | {int(k.split(":")[1]) for k in states if k != STORE_KEY}
    codes = dict(session.execute(select(Device.id, Device.code)
                                 .where(Device.id.in_(watched))).all())
    checks = [_check(session, who, _Subject(camera_key(d), d, f"camera {codes[d]}", "camera",
                                            codes[d]),
                     int(used.get(d, 0)), caps.of_camera(d), states, now, keep_after)
              for d in sorted(watched) if d in codes]
    total = session.scalar(select(func.coalesce(func.sum(RecordingUsage.bytes), 0))) or 0
    checks.append(_check(session, who, _Subject(STORE_KEY, None, "the recordings store",
                                                  "recordings", STORE_KEY),
                         int(total), caps.store, states, now, keep_after))
    return [c for c in checks if c is not None]


def stopped_cameras(session: Session) -> dict[int, str]:
    """Cameras whose recording a full cap stopped, with the reason; `EVERY_CAMERA` alone
    when the store's cap did."""
    stopped = {s.key: s.reason or "" for s in session.scalars(
        select(RecordingCapState).where(RecordingCapState.level == CapLevel.STOPPED.value))}
    if STORE_KEY in stopped:
        return {EVERY_CAMERA: stopped[STORE_KEY]}
    return {int(k.split(":")[1]): reason for k, reason in stopped.items()}


def _check(session: Session, who: SystemIdentity, subject: _Subject, used: int,
           cap: int | None, states: dict[str, RecordingCapState], now: datetime,
           keep_after: datetime) -> CapCheck | None:
    state = states.get(subject.key)
    previous = CapLevel(state.level) if state else CapLevel.OK
    removal = _Removal(0, 0, None, ())
    if cap is not None and used > cap:
        removal = _remove_oldest(session, subject.device_id, used - trim_target(cap),
                                 keep_after)
    after = used - removal.freed
    level = next_level(previous, after, cap, removed=removal.count > 0)
    if level is previous and not removal.count:
        return None
    reason = None
    if level is CapLevel.STOPPED:
        reason = state.reason if state is not None and previous is level else \
            _stop_reason(session, subject, after, cap)
    alerts: tuple[int, ...] = ()
    if rises(previous, level):
        alerts = _alert(session, subject, level, after, cap, removal, reason, now)
    facts = _Facts(who, subject, level, used, after, cap, removal)
    if removal.count:
        _audit(session, facts, REMOVE, alerts if level is CapLevel.FULL else (), reason)
    if alerts and level is not CapLevel.FULL:
        _audit(session, facts, WARN if level is CapLevel.WARNING else STOP, alerts, reason)
    if previous is CapLevel.STOPPED and level is not CapLevel.STOPPED:
        _audit(session, facts, RESUME, (), None)
    if state is None:
        state = RecordingCapState(key=subject.key)
        session.add(state)
    state.level, state.reason, state.changed_at = level.value, reason, now
    session.flush()
    return CapCheck(subject.key, level, previous, removal.count, removal.freed, alerts)


def _remove_oldest(session: Session, device_id: int | None, need: int,
                   keep_after: datetime) -> _Removal:
    """The oldest segments past the 90-day minimum that no hold covers, until `need` bytes
    are freed or none is left: rows deleted now, files once the transaction commits."""
    chosen: list[Row[tuple[int, str, int, int, datetime, datetime]]] = []
    freed = 0
    while freed < need:
        query = (select(RecordingSegment.id, RecordingSegment.path, RecordingSegment.size_bytes,
                        RecordingSegment.device_id, RecordingSegment.started_at,
                        RecordingSegment.ended_at)
                 .where(RecordingSegment.ended_at <= keep_after, ~segment_held())
                 .order_by(RecordingSegment.ended_at, RecordingSegment.id).limit(_BATCH))
        if device_id is not None:
            query = query.where(RecordingSegment.device_id == device_id)
        if chosen:  # the next page, after the last one taken
            last = chosen[-1]
            query = query.where(or_(RecordingSegment.ended_at > last.ended_at,
                                    and_(RecordingSegment.ended_at == last.ended_at,
                                         RecordingSegment.id > last.id)))
        batch = session.execute(query).all()
        for row in batch:
            chosen.append(row)
            freed += row.size_bytes
            if freed >= need:
                break
        if len(batch) < _BATCH:
            break
    if not chosen:
        return _Removal(0, 0, None, ())
    session.execute(delete(RecordingSegment)
                    .where(RecordingSegment.id.in_([r.id for r in chosen])))
    unlink_after_commit(session, [r.path for r in chosen])
    devices = tuple(sorted({r.device_id for r in chosen}))
    publish(session, Change.RECORDING, devices)
    return _Removal(len(chosen), freed, (min(r.started_at for r in chosen),
                                         max(r.ended_at for r in chosen)), devices)


def _stop_reason(session: Session, subject: _Subject, used: int, cap: int | None) -> str:
    scope = [] if subject.device_id is None else [RecordingSegment.device_id ==
                                                  subject.device_id]
    held = session.scalar(select(func.coalesce(func.sum(RecordingSegment.size_bytes), 0))
                          .where(segment_held(), *scope)) or 0
    return (f"{subject.name} holds {format_size(used)}, over its cap of "
            f"{format_size(cap or 0)}, and what is left is video the order keeps: "
            f"{format_size(int(held))} under evidence holds, the rest younger than "
            f"{MIN_DAYS} days (F.5). Raise the cap or add disk space; recording resumes "
            "once the video fits under the cap.")


def _alert(session: Session, subject: _Subject, level: CapLevel, used: int, cap: int | None,
           removal: _Removal, reason: str | None, now: datetime) -> tuple[int, ...]:
    of_cap = f"{format_size(used)} of its {format_size(cap or 0)} cap"
    name = subject.name[0].upper() + subject.name[1:]
    if level is CapLevel.WARNING:
        title = f"Recordings: {subject.name} at {used / (cap or 1):.0%} of its disk cap"
        body = (f"{name} uses {of_cap} (the warning is at {WARN_SHARE:.0%}). At the cap "
                f"the oldest video older than {MIN_DAYS} days and under no evidence hold is "
                "removed; if there is none, recording stops. Raise the cap or add disk "
                "space if that video should be kept longer.")
    elif level is CapLevel.FULL:
        title = f"Recordings: {subject.name} reached its disk cap; oldest video removed"
        body = (f"{removal.count} oldest segments ({format_size(removal.freed)}) older than "
                f"{MIN_DAYS} days and under no evidence hold were removed; {subject.name} "
                f"now uses {of_cap}. Video is now kept less long than the retention "
                "setting says; raise the cap or add disk space to keep it longer.")
    else:
        title = f"Recordings: {subject.name} full, recording stopped"
        body = reason or ""
    return tuple(raise_alert(session, kind=CAP_ALERT, title=title, body=body, for_role=role,
                             subject_type=subject.object_type, subject_id=subject.object_id,
                             raised_by=None, at=now) for role in ALERTED)


def _audit(session: Session, facts: _Facts, action: str, alert_ids: tuple[int, ...],
           reason: str | None) -> None:
    removal, subject = facts.removal, facts.subject
    codes = list(session.scalars(select(Device.code).where(Device.id.in_(removal.devices))
                                 .order_by(Device.code))) if removal.devices else []
    append_event(session, actor_badge=None, workstation=facts.who.workstation, action=action,
                 object_type=subject.object_type, object_id=subject.object_id,
                 reason=(reason or f"{subject.name}: {facts.level.value}, by "
                                   f"{facts.who.label}")[:300],
                 details={"level": facts.level.value, "cap_bytes": facts.cap,
                          "used_before": facts.before, "used_after": facts.after,
                          "segments_removed": removal.count, "bytes_freed": removal.freed,
                          "cameras": codes,
                          "from": removal.span[0].isoformat() if removal.span else None,
                          "to": removal.span[1].isoformat() if removal.span else None,
                          "alert_ids": list(alert_ids), "by": facts.who.label})
