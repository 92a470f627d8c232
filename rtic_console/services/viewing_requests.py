"""Viewing for a purpose outside F.2.a-d (F.2.e): a person asks, a division commander (a
second person) approves it for a time window, and the wall accepts the purpose from that
person, inside that window only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.domain.search_rules import SearchRuleError, text_of
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.duties import require_separate
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Person, ViewingRequest

REQUEST, APPROVE, DENY = "pscn.viewing_request", "pscn.viewing_request.approve", \
    "pscn.viewing_request.deny"
CLAUSE = "F.2.e"
MIN_DESCRIPTION, MAX_DESCRIPTION, MAX_NOTE = 10, 2000, 1000
# A commander's approval covers a bounded operation, not standing access.
MAX_WINDOW = timedelta(days=14)
REFERENCE = re.compile(r"(?:VR-?)?(\d{1,9})", re.IGNORECASE)


@dataclass(frozen=True)
class ViewingRequestView:
    id: int
    requester_badge: str
    requester_name: str
    requested_at: datetime
    description: str
    status: str  # pending, approved, denied
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    approved_from: datetime | None
    approved_until: datetime | None

    @property
    def reference(self) -> str:
        """What the person types as the wall's reference for this purpose."""
        return f"VR-{self.id}"


def _views(session: Session, rows: list[ViewingRequest]) -> list[ViewingRequestView]:
    names = {pid: name for pid, name in session.execute(
        select(Person.id, Person.name).where(Person.id.in_({r.person_id for r in rows})))}
    return [ViewingRequestView(r.id, r.requester_badge, names.get(r.person_id, ""),
                               r.requested_at, r.description, r.status, r.decided_by,
                               r.decided_at, r.decision_note, r.approved_from, r.approved_until)
            for r in rows]


def _text(raw: object, field: str, shortest: int, longest: int) -> str:
    try:
        return text_of(raw, field, shortest, longest)
    except SearchRuleError as exc:
        raise InputRejected(str(exc), clause=CLAUSE) from None


@service_action(REQUEST)
def request_viewing(session: Session, ctx: Context, description: str) -> ViewingRequestView:
    """Anyone who views cameras may ask; the request describes what, where and why."""
    authorize(session, ctx, Permission.VIEW_CAMERAS, action=REQUEST,
              object_type="viewing_request")
    text = _text(description, "description of the viewing", MIN_DESCRIPTION, MAX_DESCRIPTION)
    row = ViewingRequest(person_id=ctx.actor.person_id, requester_badge=ctx.actor.badge,
                         requested_at=ctx.now(), description=text, status="pending")
    session.add(row)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=REQUEST, object_type="viewing_request", object_id=row.id,
                 reason="viewing outside F.2.a-d", details={"description": text})
    publish(session, Change.VIEWING_REQUEST, (row.id,))
    return _views(session, [row])[0]


@service_action(lambda request_id, approve, note, until=None, start=None:
                APPROVE if approve else DENY)
def decide_viewing(session: Session, ctx: Context, request_id: int, approve: bool,
                   note: str | None, until: datetime | None = None,
                   start: datetime | None = None) -> ViewingRequestView:
    """A division commander approves for [start (now), until) or denies; a note either way."""
    action = APPROVE if approve else DENY
    commander = authorize(session, ctx, Permission.APPROVE_VIEWING, action=action,
                          object_type="viewing_request", object_id=request_id)
    if isinstance(request_id, bool) or not isinstance(request_id, int):
        raise InputRejected("request: give the request's number")
    row = session.scalar(select(ViewingRequest).where(ViewingRequest.id == request_id)
                         .with_for_update())
    if row is None:
        raise InputRejected(f"there is no viewing request #{request_id}")
    require_separate(session, commander, row.person_id, Permission.APPROVE_VIEWING,
                     what="viewing request", action=action, object_type="viewing_request",
                     object_id=request_id)
    if row.status != "pending":
        raise InputRejected(f"viewing request #{request_id} was already {row.status} by "
                            f"{row.decided_by}")
    text = _text(note, "note", 1, MAX_NOTE)
    now = ctx.now()
    if approve:
        begins = start or now
        if until is None or until.tzinfo is None or begins.tzinfo is None:
            raise InputRejected("until: an approval names when it ends (a date and time with "
                                "its zone)", clause=CLAUSE)
        if not now - timedelta(minutes=5) <= begins < until <= begins + MAX_WINDOW \
                or until <= now:
            raise InputRejected(f"window: from now or later, ending after it starts and within "
                                f"{MAX_WINDOW.days} days", clause=CLAUSE)
        row.approved_from, row.approved_until = begins, until
    row.status = "approved" if approve else "denied"
    row.decided_by, row.decided_at, row.decision_note = commander.badge, now, text
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=action, object_type="viewing_request", object_id=row.id, reason=text,
                 details={"requester": row.requester_badge,
                          "from": row.approved_from.isoformat() if row.approved_from else None,
                          "until": row.approved_until.isoformat() if row.approved_until
                          else None})
    publish(session, Change.VIEWING_REQUEST, (row.id,))
    return _views(session, [row])[0]


@service_action("pscn.viewing_request.list")
def pending_viewing_requests(session: Session, ctx: Context) -> list[ViewingRequestView]:
    """The commander's inbox: pending requests of others."""
    authorize(session, ctx, Permission.APPROVE_VIEWING, action="pscn.viewing_request.list")
    rows = session.scalars(select(ViewingRequest).where(
        ViewingRequest.status == "pending", ViewingRequest.person_id != ctx.actor.person_id)
        .order_by(ViewingRequest.requested_at))
    return _views(session, list(rows))


@service_action("pscn.viewing_request.list")
def my_viewing_requests(session: Session, ctx: Context) -> list[ViewingRequestView]:
    authorize(session, ctx, Permission.VIEW_CAMERAS, action="pscn.viewing_request.list")
    rows = session.scalars(select(ViewingRequest).where(
        ViewingRequest.person_id == ctx.actor.person_id)
        .order_by(ViewingRequest.requested_at.desc()).limit(200))
    return _views(session, list(rows))


def approved_window(session: Session, ctx: Context, reference: str | None,
                    action: str) -> tuple[str, datetime]:
    """The wall's check of a commander-approved purpose: `reference` names an approved
    request of this person whose window holds now. Returns its reference and the window's
    end, when the wall must ask again. Refused (F.2.e) otherwise."""

    def refuse(message: str) -> Refused:
        return Refused(message, action=action, clause=CLAUSE)

    match = REFERENCE.fullmatch((reference or "").strip())
    if match is None:
        raise refuse("A request approved by a division commander is named by its number, "
                     "such as VR-12 (F.2.e); ask for one first.")
    row = session.get(ViewingRequest, int(match.group(1)))
    now = ctx.now()
    if row is None or row.person_id != ctx.actor.person_id:
        raise refuse(f"VR-{match.group(1)} is not a viewing request of yours (F.2.e).")
    if row.status != "approved" or row.approved_from is None or row.approved_until is None:
        raise refuse(f"VR-{row.id} is {row.status}; a division commander approves it first "
                     "(F.2.e).")
    if not row.approved_from <= now < row.approved_until:
        window = (f"{row.approved_from.astimezone():%Y-%m-%d %H:%M} to "
                  f"{row.approved_until.astimezone():%Y-%m-%d %H:%M}")
        raise refuse(f"VR-{row.id} is approved from {window}, not now (F.2.e).")
    return f"VR-{row.id}", row.approved_until
