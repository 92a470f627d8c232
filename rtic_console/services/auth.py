"""Sign-in of authorized personnel (A.2, A.3, D.3.a), lockout, and the per-action check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rtic_console.config import Settings
from rtic_console.domain.duties import Grant, GrantBasis, effective_roles
from rtic_console.domain.personnel import RosterInputError, clean_badge, training_gaps
from rtic_console.domain.roles import ROLE_TITLES, Permission, Role, allows, roles_for
from rtic_console.services.context import (
    Actor,
    Context,
    InputRejected,
    Refused,
    Station,
    service_action,
    training_policy,
)
from rtic_console.services.passwords import hash_password, needs_rehash, verify_password
from rtic_console.services.station_proof import prove_station
from rtic_console.store.audit_log import append_event
from rtic_console.store.database import Database
from rtic_console.store.models import Person

SIGN_IN = "auth.sign_in"


def grants_of(person: Person) -> list[Grant]:
    """Every role the roster holds for this person, confirmed or pending."""
    return [Grant(Role(r.role), r.granted_by_id, r.pending,
                  GrantBasis(r.basis) if r.basis else None) for r in person.roles]


def roles_of(person: Person) -> frozenset[Role]:
    """The roles the roster gives this person now: a grant awaiting confirmation gives none."""
    return effective_roles(grants_of(person))


def actor_of(person: Person) -> Actor:
    return Actor(person.id, person.badge, person.name, roles_of(person))


def _refuse_sign_in(session: Session, station: Station, badge: str, message: str,
                    **details: object) -> str:
    append_event(session, actor_badge=badge or None, workstation=station.audit_name,
                 action=f"{SIGN_IN}.refused", object_type="person", object_id=badge or None,
                 reason=message, details=dict(details))
    return message


def _attempt(session: Session, settings: Settings, station: Station, raw_badge: str,
             password: str) -> Actor | str:
    """An Actor, or the refusal message; every outcome is audited in this transaction."""
    try:
        badge = clean_badge(raw_badge)
    except RosterInputError as exc:
        verify_password(None, password)
        return _refuse_sign_in(session, station, "", str(exc))
    person = session.scalar(select(Person).where(Person.badge == badge).with_for_update())
    if person is None:
        verify_password(None, password)
        return _refuse_sign_in(session, station, badge,
                               f"No one with badge {badge} is on the RTIC roster.",
                               clause="A.3")
    now = datetime.now(UTC)
    if person.locked_until and person.locked_until > now:
        until = person.locked_until.astimezone().strftime("%H:%M")
        return _refuse_sign_in(session, station, badge,
                               f"Badge {badge} is locked after repeated failed sign-ins "
                               f"until {until}. An ALPR administrator can unlock it.")
    if not verify_password(person.password_hash, password):
        person.failed_attempts += 1
        detail = {"failed_attempts": person.failed_attempts}
        if person.failed_attempts >= settings.lockout_threshold:
            person.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            person.failed_attempts = 0
            return _refuse_sign_in(
                session, station, badge,
                f"Wrong password. Badge {badge} is now locked for "
                f"{settings.lockout_minutes} minutes.", locked=True, **detail)
        left = settings.lockout_threshold - person.failed_attempts
        return _refuse_sign_in(session, station, badge,
                               f"Wrong password for badge {badge} ({left} attempts left "
                               "before the account locks).", **detail)
    person.failed_attempts = 0
    person.locked_until = None
    if not person.active:
        return _refuse_sign_in(session, station, badge,
                               f"Badge {badge} is inactive on the RTIC roster.",
                               clause="A.3")
    gaps = training_gaps(person.clets_trained_on, person.alpr_trained_on,
                         now.astimezone().date(), training_policy(settings))
    if gaps:
        return _refuse_sign_in(session, station, badge,
                               "Not authorized personnel (A.3): " + "; ".join(gaps) + ".",
                               clause="A.3", gaps=gaps)
    if needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    append_event(session, actor_badge=badge, workstation=station.audit_name,
                 action=SIGN_IN, object_type="person", object_id=badge,
                 details={} if station.enrolled else {"workstation_note": station.note})
    return actor_of(person)


def sign_in(db: Database, settings: Settings, badge: str, password: str) -> Context:
    """Commit the attempt's audit and lockout state, then refuse or return the context.

    The workstation is proven here (its enrolment in this machine's keyring), so every
    event of the session names it as enrolled or as not enrolled (G.3.f).
    """
    with db.write() as session:
        station = prove_station(session, settings)
        outcome = _attempt(session, settings, station, badge, password)
    if isinstance(outcome, str):
        raise Refused(outcome, action=SIGN_IN, clause="A.3")
    return Context(outcome, settings, station)


@service_action("auth.sign_out")
def sign_out(session: Session, ctx: Context) -> None:
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="auth.sign_out", object_type="person", object_id=ctx.actor.badge)


def authorize(session: Session, ctx: Context, permission: Permission, *, action: str,
              object_type: str | None = None, object_id: str | int | None = None) -> Person:
    """Re-check the actor against the roster now: active, trained, and holding the role."""

    def refuse(message: str, clause: str) -> Refused:
        return Refused(message, action=action, clause=clause, object_type=object_type,
                       object_id=object_id)

    person = session.get(Person, ctx.actor.person_id)
    if person is None or not person.active:
        raise refuse(f"Badge {ctx.actor.badge} is no longer active on the roster.", "A.3")
    gaps = training_gaps(person.clets_trained_on, person.alpr_trained_on, ctx.today(),
                         training_policy(ctx.settings))
    if gaps:
        raise refuse("Not authorized personnel (A.3): " + "; ".join(gaps) + ".", "A.3")
    if not allows(roles_of(person), permission):
        waiting = sorted(r.role for r in person.roles if r.pending)
        if allows({Role(r) for r in waiting}, permission):
            raise refuse(f"Only {roles_for(permission)} may do this. Your grant of "
                         f"{', '.join(ROLE_TITLES[Role(r)] for r in waiting)} awaits "
                         "confirmation by a second ALPR administrator or a division "
                         "commander; until then you act without it.", "SOD")
        raise refuse(f"Only {roles_for(permission)} may do this.", "A.2")
    return person


def person_by_badge(session: Session, badge: str) -> Person:
    """The roster entry of a badge as typed, or an input error naming what is wrong."""
    try:
        badge = clean_badge(badge)
    except RosterInputError as exc:
        raise InputRejected(str(exc)) from None
    person = session.scalar(select(Person).where(Person.badge == badge))
    if person is None:
        raise InputRejected(f"no one with badge {badge} is on the roster")
    return person


def roster_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Person))
