"""Runs a service call in one transaction; a refusal is rolled back and audited on its own."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from rtic_console.services.context import Context, InputRejected, Refused, declared_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.database import Database, DatabaseUnavailable

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# A refusal's message is written by this code and names the field or rule at fault; the
# cap keeps a message that quotes input from carrying a whole payload into the trail.
MAX_REFUSAL_REASON = 300


def audit_refusal(db: Database, ctx: Context | None, refusal: Refused | InputRejected,
                  action: str, *, workstation: str | None = None) -> None:
    """'Enforce' means refuse and audit either way: the refusal gets its own transaction.

    The event holds the action, the clause, the object a `Refused` names and the message,
    cut to MAX_REFUSAL_REASON characters; never the input itself.
    """
    clause = refusal.clause
    is_refused = isinstance(refusal, Refused)
    reason = str(refusal)
    if len(reason) > MAX_REFUSAL_REASON:
        reason = reason[:MAX_REFUSAL_REASON - 1] + "…"
    with db.write() as session:
        append_event(
            session,
            actor_badge=ctx.actor.badge if ctx else None,
            workstation=ctx.workstation if ctx else workstation,
            action=f"{(refusal.action if is_refused else None) or action}.refused",
            object_type=refusal.object_type if is_refused else None,
            object_id=refusal.object_id if is_refused else None,
            reason=reason,
            details={**(refusal.details if is_refused else {}),
                     **({"clause": clause} if clause else {})},
        )


@contextmanager
def refusals_audited(db: Database, ctx: Context | None, action: str, *,
                     workstation: str | None = None) -> Iterator[None]:
    """Audits a `Refused` or `InputRejected` raised inside, after the work rolled back, as
    `<action>.refused` (a `Refused` naming its own action keeps it), then re-raises it.

    The one place refusals are audited: `perform`, `query` and `attempt` use it with the
    action the service declares; the first-run set-up, which has no signed-in person, uses
    it directly. If the database cannot take the event, the refusal still reaches the person.
    """
    try:
        yield
    except (Refused, InputRejected) as refusal:
        try:
            audit_refusal(db, ctx, refusal, action, workstation=workstation)
        except (OperationalError, DBAPIError) as exc:
            logger.warning("could not audit a refusal: %s", type(exc).__name__)
        raise


def perform(db: Database, ctx: Context,
            fn: Callable[Concatenate[Session, Context, P], T],
            *args: P.args, **kwargs: P.kwargs) -> T:
    """A write: commit the change with its audit event, or nothing at all."""
    action = declared_action(fn, *args, **kwargs)
    try:
        with refusals_audited(db, ctx, action), db.write() as session:
            return fn(session, ctx, *args, **kwargs)
    except (OperationalError, DBAPIError) as exc:
        if _is_disconnect(exc):
            raise DatabaseUnavailable(
                "the database does not answer; nothing was saved") from exc
        raise


def query(db: Database, ctx: Context,
          fn: Callable[Concatenate[Session, Context, P], T],
          *args: P.args, **kwargs: P.kwargs) -> T:
    """A read that changes nothing and so needs no audit event of its own."""
    action = declared_action(fn, *args, **kwargs)
    try:
        with refusals_audited(db, ctx, action), db.read() as session:
            return fn(session, ctx, *args, **kwargs)
    except (OperationalError, DBAPIError) as exc:
        if _is_disconnect(exc):
            raise DatabaseUnavailable("the database does not answer") from exc
        raise


def attempt(db: Database, ctx: Context, fn: Callable[Concatenate[Context, P], T],
            *args: P.args, **kwargs: P.kwargs) -> T:
    """Work that holds no transaction (writing an export's files while a clip encodes);
    its refusals are audited like any other."""
    with refusals_audited(db, ctx, declared_action(fn, *args, **kwargs)):
        return fn(ctx, *args, **kwargs)


def _is_disconnect(exc: DBAPIError) -> bool:
    return bool(getattr(exc, "connection_invalidated", False)) or isinstance(
        exc, OperationalError)
