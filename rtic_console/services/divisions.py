"""Divisions and their commanders: who an inspection's referral goes to (D.2.b(2)(a))."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.personnel import RosterInputError, clean_division, division_key
from rtic_console.domain.roles import Permission, Role
from rtic_console.services.auth import authorize, person_by_badge, roles_of
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Division, Person

SET_COMMANDER = "roster.division.commander"


@dataclass(frozen=True)
class DivisionView:
    name: str
    commander_badge: str | None
    commander_name: str | None
    members: int
    # Why the division has no commander who can decide a referral now (empty when it has).
    note: str = ""

    @property
    def commander(self) -> str:
        return f"{self.commander_badge} {self.commander_name}" if self.commander_badge else ""


def acting_commander(person: Person | None) -> Person | None:
    """The commander as the roster stands now: active and holding the role (confirmed)."""
    if person is None or not person.active or Role.DIVISION_COMMANDER not in roles_of(person):
        return None
    return person


def commanders_by_division(session: Session) -> dict[str, Person]:
    """Division key -> the commander who may decide its referrals now."""
    rows = session.execute(select(Division.name_key, Person).join(
        Person, Person.id == Division.commander_id))
    return {key: person for key, person in rows if acting_commander(person) is not None}


def commander_of(session: Session, division: str) -> Person | None:
    """The division's acting commander, or None (no division row, none set, or the one set
    is inactive or no longer holds the role)."""
    row = session.scalar(select(Division).where(Division.name_key == division_key(division)))
    if row is None or row.commander_id is None:
        return None
    return acting_commander(session.get(Person, row.commander_id))


@service_action("roster.division.list")
def list_divisions(session: Session, ctx: Context) -> list[DivisionView]:
    authorize(session, ctx, Permission.VIEW_ROSTER, action="roster.division.list")
    return division_views(session)


def division_views(session: Session) -> list[DivisionView]:
    """Every division a person names or a commander was set for, with its commander."""
    members: Counter[str] = Counter()
    names: dict[str, str] = {}
    for (division,) in session.execute(select(Person.division).where(Person.active)):
        if division.strip():
            members[division_key(division)] += 1
            names.setdefault(division_key(division), division)
    set_for: dict[str, tuple[Division, Person | None]] = {}
    for row in session.scalars(select(Division)):
        names[row.name_key] = row.name
        set_for[row.name_key] = (row, session.get(Person, row.commander_id)
                                 if row.commander_id else None)
    views = []
    for key in sorted(names):
        _, person = set_for.get(key, (None, None))
        acting = acting_commander(person)
        note = ("" if acting else "no commander set" if person is None
                else f"{person.badge} is inactive or no longer a division commander")
        views.append(DivisionView(names[key], acting.badge if acting else None,
                                  acting.name if acting else None, members[key], note))
    return views


@service_action(SET_COMMANDER)
def set_commander(session: Session, ctx: Context, division: str,
                  commander_badge: str | None) -> DivisionView:
    """D.2.c: the roster's keepers name each division's commander (None clears it). The
    commander holds the division commander role, in effect, and is active."""
    authorize(session, ctx, Permission.MANAGE_ROSTER, action=SET_COMMANDER,
              object_type="division", object_id=str(division)[:80])
    try:
        name = clean_division(division)
    except RosterInputError as exc:
        raise InputRejected(str(exc)) from None
    if not name:
        raise InputRejected("division: give the division's name")
    commander = person_by_badge(session, commander_badge) if commander_badge else None
    if commander is not None and acting_commander(commander) is None:
        raise Refused(f"{commander.badge} {commander.name} is not an active division "
                      "commander on the roster; grant and confirm the role first.",
                      action=SET_COMMANDER, clause="D.2.b(2)(a)", object_type="division",
                      object_id=name)
    row = session.scalar(select(Division).where(Division.name_key == division_key(name)))
    before = row.commander_id if row else None
    now: datetime = ctx.now()
    if row is None:
        row = Division(name=name, name_key=division_key(name))
        session.add(row)
    row.commander_id = commander.id if commander else None
    row.updated_by, row.updated_at = ctx.actor.badge, now
    session.flush()
    previous = session.get(Person, before) if before else None
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=SET_COMMANDER, object_type="division", object_id=name,
                 reason=f"commander {commander.badge if commander else 'cleared'}",
                 details={"division": name,
                          "before": previous.badge if previous else None,
                          "after": commander.badge if commander else None})
    # Every member's row names its commander: theirs changed too, not only the commanders'.
    people = [(pid, active) for pid, d, active
              in session.execute(select(Person.id, Person.division, Person.active))
              if division_key(d) == row.name_key]
    publish(session, Change.ROSTER, tuple(sorted(
        {*(pid for pid, _ in people), *(i for i in (before, row.commander_id) if i)})))
    members = sum(1 for _, active in people if active)
    return DivisionView(row.name, commander.badge if commander else None,
                        commander.name if commander else None, members,
                        "" if commander else "no commander set")
