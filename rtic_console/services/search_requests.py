"""'Other use' requests (D.1.c): asked for by a searcher, decided by another sergeant or
ALPR administrator, and usable by the requester alone, for its case, for a limited time."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.domain.search_rules import (
    MIN_DESCRIPTION,
    SearchRuleError,
    approval_usable_until,
    case_number_of,
    text_of,
)
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.duties import require_separate
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Person, SearchRequest

APPROVE, DENY = "search.request.approve", "search.request.deny"
MAX_USE_DESCRIPTION = 2000
MAX_NOTE = 1000
LIST_LIMIT = 200


@dataclass(frozen=True)
class RequestView:
    id: int
    requester_badge: str
    requester_name: str
    requested_at: datetime
    case_number: str
    use_description: str
    # pending, approved, denied, or expired (approved, but its time has run out)
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    usable_until: datetime | None

    @property
    def usable(self) -> bool:
        return self.status == "approved"


def _status(request: SearchRequest, now: datetime) -> str:
    if request.status == "approved" and request.decided_at is not None and \
            approval_usable_until(request.decided_at) <= now:
        return "expired"
    return request.status


def _views(session: Session, requests: list[SearchRequest], now: datetime) -> list[RequestView]:
    names = {person_id: name for person_id, name in session.execute(
        select(Person.id, Person.name).where(Person.id.in_({r.person_id for r in requests})))}
    return [RequestView(
        r.id, r.requester_badge, names.get(r.person_id, r.requester_badge), r.requested_at,
        r.case_number, r.use_description, _status(r, now), r.decided_by, r.decided_at,
        r.decision_note,
        approval_usable_until(r.decided_at) if r.status == "approved" and r.decided_at
        else None) for r in requests]


@service_action("search.request")
def request_other_use(session: Session, ctx: Context, case_number: str | None,
                      use_description: str | None) -> RequestView:
    """Anyone who searches may ask; the request only describes the use until it is decided."""
    authorize(session, ctx, Permission.SEARCH_READS, action="search.request",
              object_type="search_request")
    try:
        case = case_number_of(case_number)
        use = text_of(use_description, "description of the use", MIN_DESCRIPTION,
                      MAX_USE_DESCRIPTION)
    except SearchRuleError as exc:
        raise InputRejected(str(exc)) from None
    request = SearchRequest(person_id=ctx.actor.person_id, requester_badge=ctx.actor.badge,
                            requested_at=ctx.now(), case_number=case, use_description=use,
                            status="pending")
    session.add(request)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="search.request", object_type="search_request", object_id=request.id,
                 reason=f"other use · case {case}", details={"case": case, "use": use})
    publish(session, Change.SEARCH_REQUEST, (request.id,))
    return _views(session, [request], ctx.now())[0]


@service_action(lambda request_id, approve, note: APPROVE if approve else DENY)
def decide_other_use(session: Session, ctx: Context, request_id: int, approve: bool,
                     note: str | None) -> RequestView:
    """D.1.c: reviewed and documented, so a note is required either way; never one's own."""
    action = APPROVE if approve else DENY
    approver = authorize(session, ctx, Permission.APPROVE_OTHER_USE, action=action,
                         object_type="search_request", object_id=request_id)
    if isinstance(request_id, bool) or not isinstance(request_id, int):
        raise InputRejected("request: give the request's number")
    request = session.scalar(select(SearchRequest).where(SearchRequest.id == request_id)
                             .with_for_update())
    if request is None:
        raise InputRejected(f"request: there is no other-use request #{request_id}")
    # D.1.c review means a second person: not the requester, nor someone they made an
    # approver.
    require_separate(session, approver, request.person_id, Permission.APPROVE_OTHER_USE,
                     what="other-use request", action=action, object_type="search_request",
                     object_id=request_id)
    if request.status != "pending":
        raise InputRejected(f"request: #{request_id} was already {request.status} by "
                            f"{request.decided_by}")
    try:
        text = text_of(note, "note", 1, MAX_NOTE)
    except SearchRuleError as exc:
        raise InputRejected(f"{exc} (the review is documented either way)") from None
    now = ctx.now()
    request.status = "approved" if approve else "denied"
    request.decided_by, request.decided_at, request.decision_note = ctx.actor.badge, now, text
    view = _views(session, [request], now)[0]
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=action, object_type="search_request", object_id=request.id,
                 reason=text, details={
                     "case": request.case_number, "requester": request.requester_badge,
                     "usable_until": view.usable_until.isoformat() if view.usable_until
                     else None})
    publish(session, Change.SEARCH_REQUEST, (request.id,))
    return view


def _mine(ctx: Context) -> ColumnElement[bool]:
    return SearchRequest.person_id == ctx.actor.person_id


def _awaiting(ctx: Context) -> ColumnElement[bool]:
    """Pending, and not the reviewer's own."""
    return and_(SearchRequest.status == "pending", SearchRequest.person_id != ctx.actor.person_id)


@service_action("search.request.list")
def my_requests(session: Session, ctx: Context) -> list[RequestView]:
    authorize(session, ctx, Permission.SEARCH_READS, action="search.request.list",
              object_type="search_request")
    rows = session.scalars(select(SearchRequest).where(_mine(ctx))
                           .order_by(SearchRequest.requested_at.desc()).limit(LIST_LIMIT))
    return _views(session, list(rows), ctx.now())


@service_action("search.request.list")
def my_requests_by_id(session: Session, ctx: Context,
                      request_ids: Collection[int]) -> list[RequestView]:
    """Those of these requests that are the person's own: what a live list upserts."""
    authorize(session, ctx, Permission.SEARCH_READS, action="search.request.list",
              object_type="search_request")
    return _by_id(session, ctx, _mine(ctx), request_ids)


@service_action("search.request.list")
def pending_requests(session: Session, ctx: Context) -> list[RequestView]:
    """The requests this person may decide: pending, and not their own."""
    authorize(session, ctx, Permission.APPROVE_OTHER_USE, action="search.request.list",
              object_type="search_request")
    rows = session.scalars(select(SearchRequest).where(_awaiting(ctx))
                           .order_by(SearchRequest.requested_at).limit(LIST_LIMIT))
    return _views(session, list(rows), ctx.now())


@service_action("search.request.list")
def pending_requests_by_id(session: Session, ctx: Context,
                           request_ids: Collection[int]) -> list[RequestView]:
    """Those of these requests still awaiting this person's decision; a decided one is not
    returned, so a live list drops it."""
    authorize(session, ctx, Permission.APPROVE_OTHER_USE, action="search.request.list",
              object_type="search_request")
    return _by_id(session, ctx, _awaiting(ctx), request_ids)


def _by_id(session: Session, ctx: Context, condition: ColumnElement[bool],
           request_ids: Collection[int]) -> list[RequestView]:
    rows = session.scalars(select(SearchRequest).where(
        condition, SearchRequest.id.in_(set(request_ids))))
    return _views(session, list(rows), ctx.now())


def usable_request(session: Session, ctx: Context, request_id: int | None,
                   case_number: str) -> SearchRequest:
    """The approval an other-use search runs under: the searcher's own, approved, still in
    time, and for the same case. Anything else is refused under D.1."""

    def refuse(message: str) -> Refused:
        return Refused(message, action="search.run", clause="D.1", object_type="search")

    if request_id is None:
        raise refuse("An other-use search names the approved request it runs under (D.1.c).")
    if isinstance(request_id, bool) or not isinstance(request_id, int):
        raise InputRejected("request: give the request's number")
    request = session.get(SearchRequest, request_id)
    if request is None:
        raise InputRejected(f"request: there is no other-use request #{request_id}")
    if request.person_id != ctx.actor.person_id:
        raise refuse(f"Request #{request_id} is someone else's; an approved other use covers "
                     "only the person who asked for it (D.1.c).")
    status = _status(request, ctx.now())
    if status == "pending":
        raise refuse(f"Request #{request_id} has not been approved yet; a sergeant or ALPR "
                     "administrator reviews it first (D.1.c).")
    if status == "denied":
        raise refuse(f"Request #{request_id} was denied: {request.decision_note}")
    if status == "expired":
        until = approval_usable_until(request.decided_at)
        raise refuse(f"The approval of request #{request_id} ran out at {until:%Y-%m-%d %H:%M} "
                     "UTC; ask again (D.1.c).")
    if request.case_number != case_number:
        raise refuse(f"Request #{request_id} was approved for case {request.case_number}, "
                     f"not {case_number}.")
    return request
