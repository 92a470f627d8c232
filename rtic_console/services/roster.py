"""The roster (D.2.c): ALPR administrators add, edit, deactivate and reset people."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rtic_console.config import Settings
from rtic_console.domain.duties import GrantBasis
from rtic_console.domain.personnel import (
    RosterInputError,
    check_password_strength,
    clean_badge,
    clean_division,
    clean_name,
    clean_roles,
    clean_training_date,
    division_key,
    sorted_roles,
    training_gaps,
)
from rtic_console.domain.roles import Permission, Role
from rtic_console.services.auth import (
    actor_of,
    authorize,
    person_by_badge,
    roles_of,
    roster_is_empty,
)
from rtic_console.services.context import (
    Actor,
    Context,
    InputRejected,
    Refused,
    service_action,
    training_policy,
)
from rtic_console.services.divisions import commanders_by_division
from rtic_console.services.duties import GrantView, grant_views, set_roles
from rtic_console.services.passwords import hash_password, verify_password
from rtic_console.services.runner import refusals_audited
from rtic_console.services.station_proof import prove_station
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.database import Database
from rtic_console.store.models import Person

FIRST_ADMIN_EXCEPTION = (
    "separation of duties: the first ALPR administrator on an empty database is the one "
    "person whose roles no second person confirms")

FIRST_ADMIN = "roster.first_admin"


@dataclass(frozen=True)
class PersonInput:
    """What a roster form or the CLI submits; validated before anything is written."""

    badge: str
    name: str
    roles: tuple[str, ...]
    division: str = ""
    clets_trained_on: date | str | None = None
    alpr_trained_on: date | str | None = None
    active: bool = True


@dataclass(frozen=True)
class PersonView:
    id: int
    badge: str
    name: str
    division: str
    # The roles in effect; `pending_roles` await a second person's confirmation.
    roles: tuple[Role, ...]
    active: bool
    clets_trained_on: date | None
    alpr_trained_on: date | None
    authorized: bool
    training_note: str
    locked_until: datetime | None
    pending_roles: tuple[Role, ...] = ()
    grants: tuple[GrantView, ...] = ()
    # The division's acting commander ("badge name"), to whom referrals go; "" when none.
    division_commander: str = ""


def _views(session: Session, people: list[Person], settings: Settings,
           today: date) -> list[PersonView]:
    grants = grant_views(session, people)
    commanders = commanders_by_division(session)
    views = []
    for person in people:
        gaps = training_gaps(person.clets_trained_on, person.alpr_trained_on, today,
                             training_policy(settings))
        views.append(PersonView(
            person.id, person.badge, person.name, person.division,
            tuple(sorted_roles(roles_of(person))), person.active, person.clets_trained_on,
            person.alpr_trained_on, person.active and not gaps, "; ".join(gaps),
            person.locked_until,
            tuple(sorted_roles({Role(r.role) for r in person.roles if r.pending})),
            grants[person.id], _commander_text(commanders.get(division_key(person.division)))))
    return views


def _commander_text(commander: Person | None) -> str:
    return f"{commander.badge} {commander.name}" if commander else ""


def _view(session: Session, person: Person, settings: Settings, today: date) -> PersonView:
    return _views(session, [person], settings, today)[0]


def _snapshot(person: Person) -> dict[str, object]:
    """The audited picture of a record: never the password hash."""
    return {
        "badge": person.badge, "name": person.name, "division": person.division,
        "roles": sorted(r.role for r in person.roles),
        "pending_roles": sorted(r.role for r in person.roles if r.pending),
        "active": person.active,
        "clets_trained_on": person.clets_trained_on.isoformat()
        if person.clets_trained_on else None,
        "alpr_trained_on": person.alpr_trained_on.isoformat()
        if person.alpr_trained_on else None,
    }


@dataclass(frozen=True)
class _Clean:
    badge: str
    name: str
    division: str
    roles: frozenset[Role]
    clets: date | None
    alpr: date | None


def _clean(data: PersonInput, today: date) -> _Clean:
    try:
        return _Clean(
            clean_badge(data.badge), clean_name(data.name), clean_division(data.division),
            clean_roles(data.roles),
            clean_training_date(data.clets_trained_on, "CLETS training date", today),
            clean_training_date(data.alpr_trained_on, "ALPR training date", today),
        )
    except RosterInputError as exc:
        raise InputRejected(str(exc)) from None


@service_action("roster.list")
def list_people(session: Session, ctx: Context) -> list[PersonView]:
    authorize(session, ctx, Permission.VIEW_ROSTER, action="roster.list")
    people = list(session.scalars(select(Person).order_by(Person.badge)))
    return _views(session, people, ctx.settings, ctx.today())


@service_action("roster.list")
def people_by_id(session: Session, ctx: Context, person_ids: Collection[int]) -> list[PersonView]:
    """These people as the roster lists them: what a live roster upserts."""
    authorize(session, ctx, Permission.VIEW_ROSTER, action="roster.list")
    people = list(session.scalars(select(Person).where(Person.id.in_(set(person_ids)))))
    return _views(session, people, ctx.settings, ctx.today())


def _insert(session: Session, data: _Clean, password: str, granter_id: int | None,
            now: datetime, basis: GrantBasis | None = None) -> Person:
    if session.scalar(select(func.count()).where(Person.badge == data.badge)):
        raise InputRejected(f"badge {data.badge} is already on the roster")
    person = Person(badge=data.badge, name=data.name, division=data.division, active=True,
                    clets_trained_on=data.clets, alpr_trained_on=data.alpr,
                    password_hash=hash_password(password), failed_attempts=0, roles=[])
    set_roles(person, data.roles, granter_id, now, basis)
    session.add(person)
    session.flush()
    return person


@service_action("roster.add")
def add_person(session: Session, ctx: Context, data: PersonInput, password: str) -> PersonView:
    authorize(session, ctx, Permission.MANAGE_ROSTER, action="roster.add",
              object_type="person", object_id=data.badge)
    clean = _clean(data, ctx.today())
    try:
        check_password_strength(password)
    except RosterInputError as exc:
        raise InputRejected(str(exc)) from None
    person = _insert(session, clean, password, ctx.actor.person_id, ctx.now())
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="roster.add", object_type="person", object_id=person.badge,
                 details={"after": _snapshot(person)})
    publish(session, Change.ROSTER, (person.id,))
    return _view(session, person, ctx.settings, ctx.today())


def create_first_admin(db: Database, settings: Settings, data: PersonInput,
                       password: str) -> Actor:
    """First run: on an empty roster, anyone at the console may create one ALPR administrator.

    No one is signed in yet, so this is the one service that audits its refusals itself,
    through the runner's `refusals_audited`, with no actor.
    """
    data = replace(data, roles=tuple(dict.fromkeys((*data.roles, Role.ALPR_ADMIN.value))))
    with refusals_audited(db, None, FIRST_ADMIN, workstation=settings.workstation), \
            db.write() as session:
        if not roster_is_empty(session):
            raise Refused("The roster already has people; sign in as an ALPR administrator.",
                          clause="D.2.c")
        clean = _clean(data, datetime.now().date())
        try:
            check_password_strength(password)
        except RosterInputError as exc:
            raise InputRejected(str(exc)) from None
        person = _insert(session, clean, password, None, datetime.now(UTC),
                         GrantBasis.FIRST_ADMIN)
        append_event(session, actor_badge=person.badge,
                     workstation=prove_station(session, settings).audit_name,
                     action=FIRST_ADMIN, object_type="person", object_id=person.badge,
                     details={"after": _snapshot(person), "exception": FIRST_ADMIN_EXCEPTION})
        publish(session, Change.ROSTER, (person.id,))
        return actor_of(person)


@service_action("roster.update")
def update_person(session: Session, ctx: Context, badge: str, data: PersonInput) -> PersonView:
    authorize(session, ctx, Permission.MANAGE_ROSTER, action="roster.update",
              object_type="person", object_id=badge)
    person = person_by_badge(session, badge)
    clean = _clean(replace(data, badge=person.badge), ctx.today())
    if person.id == ctx.actor.person_id and (Role.ALPR_ADMIN not in clean.roles
                                            or not data.active):
        raise Refused("You cannot remove your own ALPR administrator role or deactivate "
                      "yourself; ask another administrator.", action="roster.update",
                      object_type="person", object_id=person.badge, clause="D.2.c")
    before = _snapshot(person)
    person.name, person.division = clean.name, clean.division
    person.clets_trained_on, person.alpr_trained_on = clean.clets, clean.alpr
    person.active = data.active
    set_roles(person, clean.roles, ctx.actor.person_id, ctx.now())
    person.updated_at = ctx.now()
    session.flush()
    after = _snapshot(person)
    changed = sorted(k for k in after if after[k] != before[k])
    if changed:
        append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                     action="roster.update", object_type="person", object_id=person.badge,
                     details={"before": before, "after": after, "changed": changed})
        publish(session, Change.ROSTER, (person.id,))
    return _view(session, person, ctx.settings, ctx.today())


@service_action("roster.deactivate")
def deactivate_person(session: Session, ctx: Context, badge: str) -> PersonView:
    authorize(session, ctx, Permission.MANAGE_ROSTER, action="roster.deactivate",
              object_type="person", object_id=badge)
    person = person_by_badge(session, badge)
    if person.id == ctx.actor.person_id:
        raise Refused("You cannot deactivate yourself; ask another ALPR administrator.",
                      action="roster.deactivate", object_type="person",
                      object_id=person.badge, clause="D.2.c")
    if not person.active:
        raise InputRejected(f"badge {person.badge} is already inactive")
    before = _snapshot(person)
    person.active = False
    person.updated_at = ctx.now()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="roster.deactivate", object_type="person", object_id=person.badge,
                 details={"before": before, "after": _snapshot(person)})
    publish(session, Change.ROSTER, (person.id,))
    return _view(session, person, ctx.settings, ctx.today())


@service_action("roster.password_reset")
def reset_password(session: Session, ctx: Context, badge: str, new_password: str) -> None:
    """Set a new password and clear any lockout."""
    authorize(session, ctx, Permission.MANAGE_ROSTER, action="roster.password_reset",
              object_type="person", object_id=badge)
    person = person_by_badge(session, badge)
    try:
        check_password_strength(new_password)
    except RosterInputError as exc:
        raise InputRejected(str(exc)) from None
    person.password_hash = hash_password(new_password)
    was_locked = person.locked_until is not None
    person.failed_attempts = 0
    person.locked_until = None
    person.updated_at = ctx.now()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="roster.password_reset", object_type="person", object_id=person.badge,
                 details={"unlocked": was_locked})
    publish(session, Change.ROSTER, (person.id,))


@service_action("roster.own_record")
def own_record(session: Session, ctx: Context) -> PersonView:
    """Anyone signed in may see their own record, to know when training lapses."""
    person = authorize(session, ctx, Permission.USE_CONSOLE, action="roster.own_record")
    return _view(session, person, ctx.settings, ctx.today())


@service_action("auth.password_change")
def change_own_password(session: Session, ctx: Context, current: str, new: str) -> None:
    person = authorize(session, ctx, Permission.USE_CONSOLE, action="auth.password_change",
                       object_type="person", object_id=ctx.actor.badge)
    if not verify_password(person.password_hash, current):
        raise Refused("The current password is wrong.", action="auth.password_change",
                      object_type="person", object_id=person.badge)
    try:
        check_password_strength(new)
    except RosterInputError as exc:
        raise InputRejected(str(exc)) from None
    if new == current:
        raise InputRejected("the new password must differ from the current one")
    person.password_hash = hash_password(new)
    person.updated_at = ctx.now()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="auth.password_change", object_type="person", object_id=person.badge)
    publish(session, Change.ROSTER, (person.id,))
