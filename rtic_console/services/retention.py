"""Retention settings kept in the database (C.1, F.5): read by every console and service,
changed by an ALPR administrator, audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from rtic_console.domain.retention import (
    DEFAULT_DAYS,
    KIND_TITLES,
    RetentionKind,
    RetentionRuleError,
    check_days,
    parse_kind,
)
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import (
    Detection,
    DetectionImage,
    EvidenceHold,
    Hit,
    PurgeRun,
    RecordingSegment,
    RetentionSetting,
    SearchRecord,
)
from rtic_console.store.models.base import UTCDateTime

SET = "retention.set"


@dataclass(frozen=True)
class RetentionView:
    """One kind's retention; `updated_by` is None while it is the default."""

    kind: RetentionKind
    title: str
    days: int
    updated_by: str | None
    updated_at: datetime | None


def database_now(session: Session) -> datetime:
    """The database server's clock (aware UTC): the one clock every purge measures from,
    so a workstation whose clock runs ahead cannot bring data into reach early."""
    return session.scalar(select(func.current_timestamp(type_=UTCDateTime())))


def retention_days(session: Session) -> dict[RetentionKind, int]:
    """Days kept per kind, as every console and the headless service read them."""
    stored = dict(session.execute(select(RetentionSetting.kind, RetentionSetting.days)).all())
    return {kind: int(stored.get(kind.value, DEFAULT_DAYS)) for kind in RetentionKind}


def _views(session: Session) -> list[RetentionView]:
    rows = {r.kind: r for r in session.scalars(select(RetentionSetting))}
    views = []
    for kind in RetentionKind:
        row = rows.get(kind.value)
        views.append(RetentionView(kind, KIND_TITLES[kind], row.days if row else DEFAULT_DAYS,
                                   row.updated_by if row else None,
                                   row.updated_at if row else None))
    return views


@service_action("retention.show")
def show_retention(session: Session, ctx: Context) -> list[RetentionView]:
    authorize(session, ctx, Permission.VIEW_RETENTION, action="retention.show")
    return _views(session)


@service_action(SET)
def set_retention(session: Session, ctx: Context, kind: str, days: int) -> RetentionView:
    """C.1: between 90 days and 2 years, or refused. The next purge applies it."""
    authorize(session, ctx, Permission.MANAGE_RETENTION, action=SET, object_type="retention",
              object_id=str(kind)[:40])
    try:
        chosen, days = parse_kind(kind), check_days(days)
    except RetentionRuleError as exc:
        raise Refused(str(exc), clause=exc.clause, object_type="retention",
                      object_id=str(kind)[:40], details={"days": str(days)[:12]}) from None
    row = session.get(RetentionSetting, chosen.value, with_for_update=True)
    previous = row.days if row else DEFAULT_DAYS
    if row is not None and row.days == days:  # not recorded as a change: nothing changed
        raise InputRejected(f"{KIND_TITLES[chosen]} are kept {days} days already; nothing "
                            "was changed")
    if row is None:
        row = RetentionSetting(kind=chosen.value)
        session.add(row)
    row.days, row.updated_by, row.updated_at = days, ctx.actor.badge, ctx.now()
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=SET, object_type="retention", object_id=chosen.value,
                 reason=f"{KIND_TITLES[chosen]}: {days} days",
                 details={"kind": chosen.value, "days": days, "previous": previous})
    publish(session, Change.RETENTION)
    return next(v for v in _views(session) if v.kind is chosen)


@dataclass(frozen=True)
class PurgeRunView:
    id: int
    run_by: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    counts: dict[str, dict[str, int]]


@dataclass(frozen=True)
class RetentionOverview:
    """What the Retention area shows: the settings, the oldest data still kept of each
    kind, the last purge, and how many holds are active."""

    settings: list[RetentionView]
    oldest: dict[RetentionKind, datetime | None]
    last_purge: PurgeRunView | None
    active_holds: int


def _oldest(session: Session) -> dict[RetentionKind, datetime | None]:
    with_hit = exists().where(Hit.detection_id == Detection.id)
    with_image = exists().where(DetectionImage.detection_id == Detection.id)
    return {
        RetentionKind.DETECTIONS: session.scalar(select(func.min(Detection.captured_at))),
        RetentionKind.HIT_IMAGES: session.scalar(select(func.min(Detection.captured_at))
                                                 .where(with_hit, with_image)),
        RetentionKind.SEARCH_PLATES: session.scalar(
            select(func.min(SearchRecord.searched_at))
            .where(SearchRecord.plate_pattern.is_not(None))),
        RetentionKind.RECORDINGS: session.scalar(select(func.min(RecordingSegment.started_at))),
    }


@service_action("retention.show")
def retention_overview(session: Session, ctx: Context) -> RetentionOverview:
    authorize(session, ctx, Permission.VIEW_RETENTION, action="retention.show")
    run = session.scalar(select(PurgeRun).where(PurgeRun.outcome.in_(("done", "resumed")))
                         .order_by(PurgeRun.id.desc()).limit(1))
    last = PurgeRunView(run.id, run.run_by, run.started_at, run.finished_at, run.outcome,
                        json.loads(run.counts)) if run else None
    holds = session.scalar(select(func.count()).select_from(EvidenceHold)
                           .where(EvidenceHold.released_at.is_(None))) or 0
    return RetentionOverview(_views(session), _oldest(session), last, holds)
