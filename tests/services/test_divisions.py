"""Divisions and their commanders (D.2.b(2)(a)): set by the roster's keepers, shown on the
roster, and only an active division commander may be one."""

from __future__ import annotations

import pytest

from rtic_console.services.context import Context
from rtic_console.services.divisions import commander_of, list_divisions, set_commander
from rtic_console.services.roster import PersonInput, add_person, list_people, update_person
from rtic_console.services.runner import perform, query
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.support import trained


@pytest.fixture
def commander(db: Database, enrol) -> Context:
    return enrol("8001", "division_commander")


@pytest.mark.policy("D.2.b(2)(a)")
def test_a_division_gets_its_commander_on_the_roster(db: Database, admin: Context,
                                                    commander: Context) -> None:
    view = perform(db, admin, set_commander, " Test ", "8001")
    assert (view.name, view.commander_badge, view.members) == ("Test", "8001", 1)
    people = {p.badge: p for p in query(db, admin, list_people)}
    assert people["8001"].division_commander == "8001 Person 8001"
    assert people["1001"].division_commander == ""  # 1001 is in RTIC, which has none
    divisions = {d.name: d for d in query(db, admin, list_divisions)}
    assert divisions["RTIC"].note == "no commander set"
    assert divisions["Test"].commander == "8001 Person 8001"
    with db.read() as session:
        assert commander_of(session, "TEST").badge == "8001"


@pytest.mark.policy("D.2.b(2)(a)")
def test_a_commander_who_loses_the_role_commands_no_more(db: Database, admin: Context,
                                                        commander: Context) -> None:
    perform(db, admin, set_commander, "Test", "8001")
    perform(db, admin, update_person, "8001", PersonInput(
        "8001", "Person 8001", ("officer",), "Test", trained(), trained()))
    with db.read() as session:
        assert commander_of(session, "Test") is None
    divisions = {d.name: d for d in query(db, admin, list_divisions)}
    assert "no longer a division commander" in divisions["Test"].note


@pytest.mark.policy("D.2.b(2)(a)")
def test_only_a_division_commander_commands_a_division(db: Database, admin: Context,
                                                      enrol) -> None:
    enrol("6001", "officer")
    event = assert_refused(db, lambda: perform(db, admin, set_commander, "Patrol", "6001"),
                           action="roster.division.commander", clause="D.2.b(2)(a)",
                           match="not an active division commander")
    assert event.object_id == "Patrol"


@pytest.mark.policy("D.2.c")
def test_only_the_rosters_keepers_name_commanders(db: Database, commander: Context) -> None:
    assert_refused(db, lambda: perform(db, commander, set_commander, "Test", "8001"),
                   action="roster.division.commander", clause="A.2")


def test_clearing_a_commander_is_audited(db: Database, admin: Context,
                                         commander: Context) -> None:
    perform(db, admin, set_commander, "Test", "8001")
    view = perform(db, admin, set_commander, "Test", None)
    assert view.commander_badge is None
    perform(db, admin, add_person, PersonInput("6002", "P", ("officer",), "test",
                                               trained(), trained()), "correct-horse-battery")
    with db.read() as session:
        assert commander_of(session, "test") is None
