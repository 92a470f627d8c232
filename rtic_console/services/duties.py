"""Separation of duties at the service layer: role grants and their confirmation, and the
check every approval makes (the approver is neither the requester nor their creation)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from rtic_console.domain.duties import (
    BASIS_TITLES,
    Breach,
    Grant,
    GrantBasis,
    approval_breach,
    bootstrap_allowed,
    confirmation_breach,
    needs_confirmation,
)
from rtic_console.domain.personnel import sorted_roles
from rtic_console.domain.roles import GRANTS, ROLE_TITLES, Permission, Role, parse_role
from rtic_console.services.auth import authorize, grants_of, person_by_badge
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import AuditEvent, Person, PersonRole

CONFIRM = "roster.role.confirm"
CLAUSE = "SOD"


@dataclass(frozen=True)
class GrantView:
    """One role of one person: who granted it and when, who confirmed it, or that it waits."""

    badge: str
    name: str
    role: Role
    pending: bool
    granted_by: str | None
    granted_at: datetime | None
    confirmed_by: str | None
    confirmed_at: datetime | None
    basis: GrantBasis | None


def grant_summary(g: GrantView) -> str:
    """'by 1001 2026-11-22 10:00, confirmed by 1002 2026-11-22 10:05' in local time, or
    why no second person confirmed it."""

    def when(moment: datetime | None) -> str:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""

    parts = [f"by {g.granted_by} {when(g.granted_at)}"] if g.granted_by else []
    if g.pending:
        parts.append("awaiting confirmation")
    elif g.confirmed_by:
        parts.append(f"confirmed by {g.confirmed_by} {when(g.confirmed_at)}")
    if g.basis:
        parts.append(BASIS_TITLES[g.basis])
    return ", ".join(parts)


def grant_views(session: Session, people: Iterable[Person]) -> dict[int, tuple[GrantView, ...]]:
    """Each person's grants, ordered as the roster lists roles, with badges for the ids."""
    people = list(people)
    ids = {i for p in people for r in p.roles for i in (r.granted_by_id, r.confirmed_by_id)
           if i is not None}
    badges: dict[int, str] = {
        pid: badge for pid, badge in session.execute(
            select(Person.id, Person.badge).where(Person.id.in_(ids)))} if ids else {}
    views: dict[int, tuple[GrantView, ...]] = {}
    for person in people:
        rows = {Role(r.role): r for r in person.roles}
        views[person.id] = tuple(
            GrantView(person.badge, person.name, role, rows[role].pending,
                      badges.get(rows[role].granted_by_id), rows[role].granted_at,
                      badges.get(rows[role].confirmed_by_id), rows[role].confirmed_at,
                      GrantBasis(rows[role].basis) if rows[role].basis else None)
            for role in sorted_roles(set(rows)))
    return views


def set_roles(person: Person, wanted: frozenset[Role], granter_id: int | None,
              now: datetime, basis: GrantBasis | None = None) -> list[Role]:
    """Keep the grants of roles still wanted, drop the others, grant the new ones.

    A new approving role waits for a second person's confirmation unless `basis` says why
    it does not (the first administrator). Returns the roles newly granted.
    """
    kept = [r for r in person.roles if Role(r.role) in wanted]
    new = sorted_roles(wanted - {Role(r.role) for r in kept})
    person.roles = kept + [
        PersonRole(role=role.value, granted_by_id=granter_id, granted_at=now,
                   pending=basis is None and needs_confirmation(role), basis=basis)
        for role in new]
    return list(new)


def _refusal(breach: Breach, what: str, requester: str | None, roles: str, *, action: str,
             object_type: str, object_id: str | int | None) -> Refused:
    messages = {
        Breach.SELF: f"You cannot decide your own {what}; a second person must "
                     "(separation of duties).",
        Breach.OWN_GRANT: f"You made this {what} yourself; a second ALPR administrator or "
                          "a division commander must confirm it (separation of duties).",
        Breach.MADE_BY_REQUESTER: f"You hold {roles} only through a grant by {requester}, "
                                  f"who asked for this {what}; someone {requester} did not "
                                  "make an approver must decide it (separation of duties).",
    }
    return Refused(messages[breach], action=action, clause=CLAUSE, object_type=object_type,
                   object_id=object_id)


def require_separate(session: Session, approver: Person, requester_id: int | None,
                     permission: Permission, *, what: str, action: str, object_type: str,
                     object_id: str | int | None) -> None:
    """Refuse (SOD) an approval by the requester, or by someone only the requester made an
    approver. `approver` is the person `authorize` returned."""
    breach = approval_breach(approver.id, requester_id, grants_of(approver), permission)
    if breach is None:
        return
    requester = session.get(Person, requester_id) if requester_id is not None else None
    raise _refusal(breach, what, requester.badge if requester else None,
                   _titles(approver, permission), action=action, object_type=object_type,
                   object_id=object_id)


def requester_id_of(session: Session, badge: str | None) -> int | None:
    """The roster id behind a badge recorded on a request (entered_by and the like)."""
    if badge is None:
        return None
    return session.scalar(select(Person.id).where(Person.badge == badge))


def _titles(person: Person, permission: Permission) -> str:
    held = {Role(r.role) for r in person.roles if not r.pending} & GRANTS[permission]
    return ", ".join(ROLE_TITLES[r] for r in sorted_roles(held)) or "no approving role"


def _confirmed_before(session: Session) -> bool:
    """The trail is append-only: it alone can say no confirmation was ever made."""
    return bool(session.scalar(select(exists().where(AuditEvent.action == CONFIRM))))


def _others_can_confirm(session: Session, person_id: int) -> bool:
    """Whether anyone else active holds, in effect, a role that confirms grants."""
    roles = [r.value for r in GRANTS[Permission.CONFIRM_GRANTS]]
    return bool(session.scalar(select(exists().where(
        PersonRole.person_id == Person.id, Person.id != person_id, Person.active,
        PersonRole.role.in_(roles), PersonRole.pending.is_(False)))))


@service_action("roster.grants")
def list_grants(session: Session, ctx: Context, *, pending_only: bool = False
                ) -> list[GrantView]:
    """Every grant on the roster (or only those awaiting confirmation), by badge."""
    authorize(session, ctx, Permission.CONFIRM_GRANTS, action="roster.grants")
    people = list(session.scalars(select(Person).order_by(Person.badge)))
    views = grant_views(session, people)
    return [g for p in people for g in views[p.id] if g.pending or not pending_only]


@service_action(CONFIRM)
def confirm_role(session: Session, ctx: Context, badge: str, role: str) -> GrantView:
    """A second ALPR administrator or division commander puts a pending grant in effect."""
    confirmer = authorize(session, ctx, Permission.CONFIRM_GRANTS, action=CONFIRM,
                          object_type="person", object_id=badge)
    person = person_by_badge(session, badge)
    try:
        wanted = parse_role(role)
    except ValueError as exc:
        raise InputRejected(str(exc)) from None
    row = next((r for r in person.roles if r.role == wanted.value), None)
    if row is None:
        raise InputRejected(f"{person.badge} holds no {ROLE_TITLES[wanted]} grant to confirm")
    if not row.pending:
        raise InputRejected(f"{person.badge}'s {ROLE_TITLES[wanted]} grant is already in "
                            "effect")
    grant = Grant(wanted, row.granted_by_id, True)
    mine = grants_of(confirmer)
    bootstrap = row.granted_by_id == confirmer.id and bootstrap_allowed(
        mine, grant, any_confirmation_yet=_confirmed_before(session),
        others_can_confirm=_others_can_confirm(session, confirmer.id))
    breach = confirmation_breach(confirmer.id, person.id, grant, bootstrap=bootstrap)
    if breach is not None:
        raise _refusal(breach, f"grant of {ROLE_TITLES[wanted]}", None, "",
                       action=CONFIRM, object_type="person", object_id=person.badge)
    now = ctx.now()
    row.pending = False
    row.confirmed_by_id, row.confirmed_at = confirmer.id, now
    row.basis = GrantBasis.BOOTSTRAP.value if bootstrap else None
    session.flush()
    details: dict[str, object] = {
        "role": wanted.value, "granted_at": row.granted_at.isoformat() if row.granted_at
        else None}
    if bootstrap:
        details["exception"] = ("bootstrap: the first administrator confirms the second "
                                "approver, as no one else can; allowed once, before any "
                                "other confirmation")
    view = grant_views(session, [person])[person.id]
    granted_by = next(g.granted_by for g in view if g.role is wanted)
    details["granted_by"] = granted_by
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=CONFIRM, object_type="person", object_id=person.badge,
                 reason=f"{ROLE_TITLES[wanted]} confirmed", details=details)
    publish(session, Change.ROSTER, (person.id,))
    return next(g for g in view if g.role is wanted)
