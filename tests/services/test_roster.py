"""Roster maintenance (D.2.c): who may change it, validation, before/after audit."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from rtic_console.config import Settings
from rtic_console.services import roster
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.roster import PersonInput
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Person
from tests.refusals import assert_refused
from tests.support import PASSWORD, trained


def _count_people(db: Database) -> int:
    with db.read() as session:
        return session.query(Person).count()


@pytest.mark.policy("D.2.c")
def test_only_alpr_admins_change_the_roster(db: Database, enrol) -> None:
    for role in ("dispatcher", "officer", "it_staff", "supervisor", "division_commander"):
        ctx = enrol(f"3{len(role):02d}{role[:2].upper()}", role)
        assert_refused(db, lambda ctx=ctx: perform(
            db, ctx, roster.add_person, PersonInput("3999", "Someone", ("officer",)), PASSWORD),
            action="roster.add", clause="A.2", match="Only ALPR administrator", error=Refused)


@pytest.mark.parametrize("field,value,message", [
    ("badge", "12'; --", "badge number"),
    ("name", "", "name is empty"),
    ("name", "N" * 500, "at most 120"),
    ("roles", ("sheriff",), "unknown role"),
    ("roles", (), "at least one role"),
    ("clets_trained_on", (date.today() + timedelta(days=3)).isoformat(), "future"),
    ("alpr_trained_on", "22/11/2026", "not a date"),
    ("division", "D" * 81, "at most 80"),
])
def test_bad_input_refused_and_nothing_written(db: Database, admin: Context, field: str,
                                               value: object, message: str) -> None:
    base = {"badge": "3100", "name": "Valid Name", "roles": ("officer",), "division": "X",
            "clets_trained_on": trained(), "alpr_trained_on": trained()}
    base[field] = value
    assert_refused(db, lambda: perform(db, admin, roster.add_person, PersonInput(**base),
                                       PASSWORD),
                   action="roster.add", match=message, error=InputRejected)


def test_sql_metacharacters_stored_verbatim(db: Database, admin: Context) -> None:
    name = "O'Brien \"Bobby\"; DROP TABLE personnel; --"
    view = perform(db, admin, roster.add_person,
                   PersonInput("3101", name, ("officer",), "Div'x"), PASSWORD)
    assert view.name == name and view.division == "Div'x"
    assert _count_people(db) == 2


def test_short_password_refused(db: Database, admin: Context) -> None:
    event = assert_refused(db, lambda: perform(db, admin, roster.add_person,
                                               PersonInput("3102", "A", ("officer",)), "short"),
                           action="roster.add", match="at least 10", error=InputRejected)
    assert "short" not in event.reason, "the refused password is not kept"


def test_duplicate_badge_refused(db: Database, admin: Context) -> None:
    assert_refused(db, lambda: perform(db, admin, roster.add_person,
                                       PersonInput("1001", "Dup", ("officer",)), PASSWORD),
                   action="roster.add", match="already on the roster", error=InputRejected)


@pytest.mark.policy("D.2.c")
def test_edit_is_audited_with_before_and_after(db: Database, admin: Context, enrol) -> None:
    enrol("3200", "officer", sign=False)
    perform(db, admin, roster.update_person, "3200",
            PersonInput("3200", "Person 3200", ("officer", "dispatcher"), "Comms",
                        trained(), trained()))
    with db.read() as session:
        event = list_events(session, AuditFilter(action="roster.update"))[0]
    assert event.details["before"]["roles"] == ["officer"]
    assert event.details["after"]["roles"] == ["dispatcher", "officer"]
    assert set(event.details["changed"]) == {"roles", "division"}
    assert "password" not in json.dumps(event.details)


@pytest.mark.policy("D.2.c")
def test_admin_cannot_lock_themselves_out(db: Database, admin: Context) -> None:
    assert_refused(db, lambda: perform(db, admin, roster.update_person, "1001", PersonInput(
        "1001", "Sgt", ("officer",), "", trained(), trained())),
        action="roster.update", clause="D.2.c", match="own ALPR administrator role",
        error=Refused)
    assert_refused(db, lambda: perform(db, admin, roster.deactivate_person, "1001"),
                   action="roster.deactivate", clause="D.2.c", match="deactivate yourself",
                   error=Refused)


@pytest.mark.policy("D.2.c")
def test_first_admin_only_on_empty_roster(db: Database, settings: Settings,
                                          admin: Context) -> None:
    """No one is signed in at first run: the refusal is audited with no actor."""
    event = assert_refused(db, lambda: roster.create_first_admin(
        db, settings, PersonInput("1002", "X", ("officer",)), PASSWORD),
        action="roster.first_admin", clause="D.2.c", match="already has people", error=Refused)
    assert event.actor_badge is None and event.workstation == "TEST-WS-01"


def test_first_admin_always_gets_admin_role(db: Database, settings: Settings) -> None:
    actor = roster.create_first_admin(
        db, settings, PersonInput("1003", "First", ("dispatcher",), "", trained(), trained()),
        PASSWORD)
    assert {r.value for r in actor.roles} == {"dispatcher", "alpr_admin"}
