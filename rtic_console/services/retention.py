"""Retention settings kept in the database (C.1, F.5): read by every console and service,
changed by an ALPR administrator, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
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
from rtic_console.services.context import Context, Refused, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import RetentionSetting
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
