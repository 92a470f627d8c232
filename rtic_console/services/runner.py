"""Runs a service call in one transaction; a refusal is rolled back and audited on its own."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from rtic_console.services.context import Context, Refused
from rtic_console.store.audit_log import append_event
from rtic_console.store.database import Database, DatabaseUnavailable

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


def audit_refusal(db: Database, ctx: Context | None, refusal: Refused,
                  actor_badge: str | None = None) -> None:
    """'Enforce' means refuse and audit either way: the refusal gets its own transaction."""
    with db.write() as session:
        append_event(
            session,
            actor_badge=ctx.actor.badge if ctx else actor_badge,
            workstation=ctx.workstation if ctx else None,
            action=f"{refusal.action}.refused",
            object_type=refusal.object_type,
            object_id=refusal.object_id,
            reason=str(refusal),
            details={**refusal.details,
                     **({"clause": refusal.clause} if refusal.clause else {})},
        )


def perform(db: Database, ctx: Context,
            fn: Callable[Concatenate[Session, Context, P], T],
            *args: P.args, **kwargs: P.kwargs) -> T:
    """A write: commit the change with its audit event, or nothing at all."""
    try:
        with db.write() as session:
            return fn(session, ctx, *args, **kwargs)
    except Refused as refusal:
        try:
            audit_refusal(db, ctx, refusal)
        except (OperationalError, DBAPIError) as exc:
            logger.warning("could not audit a refusal: %s", type(exc).__name__)
        raise
    except (OperationalError, DBAPIError) as exc:
        if _is_disconnect(exc):
            raise DatabaseUnavailable(
                "the database does not answer; nothing was saved") from exc
        raise


def query(db: Database, ctx: Context,
          fn: Callable[Concatenate[Session, Context, P], T],
          *args: P.args, **kwargs: P.kwargs) -> T:
    """A read that changes nothing and so needs no audit event of its own."""
    try:
        with db.read() as session:
            return fn(session, ctx, *args, **kwargs)
    except Refused as refusal:
        audit_refusal(db, ctx, refusal)
        raise
    except (OperationalError, DBAPIError) as exc:
        if _is_disconnect(exc):
            raise DatabaseUnavailable("the database does not answer") from exc
        raise


def _is_disconnect(exc: DBAPIError) -> bool:
    return bool(getattr(exc, "connection_invalidated", False)) or isinstance(
        exc, OperationalError)
