"""Alerts to the holders of a role, raised inside the write that causes them and shown on
every console where such a person is signed in until one of them acknowledges it (B.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import ROLE_TITLES, Permission, Role
from rtic_console.domain.text import (
    MIN_REASON_CHARACTERS,
    MIN_REASON_WORDS,
    TextRuleError,
    clean_line,
    says_something,
)
from rtic_console.services.auth import authorize, roles_of
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Alert

MAX_NOTE = 1000


@dataclass(frozen=True)
class AlertView:
    id: int
    kind: str
    title: str
    body: str
    subject_type: str | None
    subject_id: str | None
    for_role: Role
    raised_by_badge: str | None
    raised_at: datetime
    acknowledged_by_badge: str | None
    acknowledged_at: datetime | None
    ack_note: str | None


def _view(row: Alert) -> AlertView:
    return AlertView(row.id, row.kind, row.title, row.body, row.subject_type, row.subject_id,
                     Role(row.for_role), row.raised_by_badge, row.raised_at,
                     row.acknowledged_by_badge, row.acknowledged_at, row.ack_note)


def raise_alert(session: Session, *, kind: str, title: str, body: str, for_role: Role,
                subject_type: str | None, subject_id: str | int | None,
                raised_by: str | None, at: datetime | None = None) -> int:
    """Adds an alert in the caller's transaction (so it exists exactly when what caused it
    does) and announces it; the caller's audit event records it. `raised_by` is a badge, or
    None for the system; `at` defaults to now. Returns its id."""
    at = at or datetime.now(UTC)
    row = Alert(kind=kind[:40], title=title[:200], body=body, subject_type=subject_type,
                subject_id=None if subject_id is None else str(subject_id)[:80],
                for_role=Role(for_role).value, raised_by_badge=raised_by, raised_at=at)
    session.add(row)
    session.flush()
    publish(session, Change.ALERT, (row.id,))
    return row.id


@service_action("alert.list")
def open_alerts(session: Session, ctx: Context) -> list[AlertView]:
    """The unacknowledged alerts for the roles this person holds now (re-read from the
    roster), oldest first."""
    person = authorize(session, ctx, Permission.USE_CONSOLE, action="alert.list")
    roles = [r.value for r in roles_of(person)]
    return [_view(a) for a in session.scalars(
        select(Alert).where(Alert.for_role.in_(roles), Alert.acknowledged_at.is_(None))
        .order_by(Alert.raised_at, Alert.id))]


@service_action("alert.acknowledge")
def acknowledge_alert(session: Session, ctx: Context, alert_id: int, note: str) -> AlertView:
    """One holder of the role acknowledges it for all of them: it leaves every console."""
    person = authorize(session, ctx, Permission.USE_CONSOLE, action="alert.acknowledge",
                       object_type="alert", object_id=alert_id)
    row = session.get(Alert, alert_id, with_for_update=True)
    if row is None:
        raise InputRejected(f"there is no alert #{alert_id}")
    role = Role(row.for_role)
    if role not in roles_of(person):
        raise Refused(f"Alert #{alert_id} is for {ROLE_TITLES[role]}s; only they acknowledge "
                      "it.", clause="A.2", object_type="alert", object_id=alert_id)
    if row.acknowledged_at is not None:
        raise Refused(f"Alert #{alert_id} was already acknowledged by "
                      f"{row.acknowledged_by_badge} at "
                      f"{row.acknowledged_at.astimezone():%Y-%m-%d %H:%M}.",
                      object_type="alert", object_id=alert_id)
    try:
        text = clean_line(note, "note", MAX_NOTE)
    except TextRuleError as exc:
        raise InputRejected(str(exc)) from None
    if not text:  # it leaves every console: the others must be able to read what was done
        raise InputRejected("say what you are doing about the alert: the note is required")
    if not says_something(text):
        raise InputRejected(f"the note {text[:40]!r} does not say what is being done: write "
                            f"at least {MIN_REASON_WORDS} different words and "
                            f"{MIN_REASON_CHARACTERS} letters or digits")
    row.acknowledged_by_badge, row.acknowledged_at = ctx.actor.badge, ctx.now()
    row.ack_note = text
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="alert.acknowledge", object_type="alert", object_id=alert_id,
                 reason=text, details={"kind": row.kind, "title": row.title,
                                               "subject_type": row.subject_type,
                                               "subject_id": row.subject_id})
    publish(session, Change.ALERT, (row.id,))
    return _view(row)
