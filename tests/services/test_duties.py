"""Separation of duties: approving roles wait for a second person's confirmation, and no one
approves their own work through an account they made an approver."""

from __future__ import annotations

import pytest

from rtic_console.config import Settings
from rtic_console.domain.duties import GrantBasis
from rtic_console.domain.roles import Role
from rtic_console.services import hotlists, roster
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.duties import confirm_role, list_grants
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.roster import PersonInput
from rtic_console.services.runner import perform, query
from rtic_console.services.search_requests import decide_other_use, request_other_use
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import HotListEntry
from tests.refusals import assert_refused
from tests.support import PASSWORD, trained

SPECIAL = HotPlateInput(plate="7ABC123", state="CA", reason="other", case_number="26-004512",
                        xref=None, ncic_system=None, ncic_record=None,
                        narrative="seen at a burglary series")
USE = "Pattern of travel of a fraud suspect's vehicle for a search warrant affidavit"


def _add(db: Database, ctx: Context, badge: str, *roles: str) -> roster.PersonView:
    return perform(db, ctx, roster.add_person, PersonInput(
        badge, f"Person {badge}", roles, "Test", trained(), trained()), PASSWORD)


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


@pytest.mark.policy("SOD")
@pytest.mark.policy("I.1")
def test_an_admin_cannot_approve_their_own_special_entry_through_a_second_account(
        db: Database, settings: Settings, admin: Context, second_admin: Context) -> None:
    """The attack of issue 12: the administrator makes a 'supervisor' and approves their own
    special hot list entry through it. Refused while the grant is pending, and still refused
    once a second administrator has confirmed it."""
    entry = perform(db, admin, hotlists.propose_special, SPECIAL)
    _add(db, admin, "2999", "supervisor")
    alias = sign_in(db, settings, "2999", PASSWORD)
    assert Role.SUPERVISOR not in alias.actor.roles

    event = assert_refused(db, lambda: perform(db, alias, hotlists.decide_special, entry.id,
                                               True, "looks fine"),
                           action="hotlist.special.approve", clause="SOD",
                           match="awaits confirmation", error=Refused)
    assert event.actor_badge == "2999" and event.object_id == str(entry.id)

    perform(db, second_admin, confirm_role, "2999", "supervisor")
    event = assert_refused(db, lambda: perform(db, alias, hotlists.decide_special, entry.id,
                                               True, "looks fine"),
                           action="hotlist.special.approve", clause="SOD",
                           match="only through a grant by 1001", error=Refused)
    assert "separation of duties" in (event.reason or "")
    with db.read() as session:
        assert session.get(HotListEntry, entry.id).status == "pending"


@pytest.mark.policy("SOD")
@pytest.mark.policy("I.1")
def test_a_supervisor_someone_else_made_approves_the_admins_entry(
        db: Database, settings: Settings, admin: Context, second_admin: Context) -> None:
    entry = perform(db, admin, hotlists.propose_special, SPECIAL)
    _add(db, second_admin, "8502", "supervisor")
    perform(db, admin, confirm_role, "8502", "supervisor")
    supervisor = sign_in(db, settings, "8502", PASSWORD)
    approved = perform(db, supervisor, hotlists.decide_special, entry.id, True, "ok")
    assert approved.status == "active" and approved.decided_by == "8502"


@pytest.mark.policy("SOD")
@pytest.mark.policy("D.1.c")
def test_other_use_request_not_decided_by_an_approver_the_requester_made(
        db: Database, settings: Settings, admin: Context, second_admin: Context) -> None:
    request = perform(db, admin, request_other_use, "26-7001", USE)
    _add(db, admin, "2998", "supervisor")
    perform(db, second_admin, confirm_role, "2998", "supervisor")
    alias = sign_in(db, settings, "2998", PASSWORD)
    assert_refused(db, lambda: perform(db, alias, decide_other_use, request.id, True,
                                       "reviewed"),
                   action="search.request.approve", clause="SOD",
                   match="only through a grant by 1001", error=Refused)
    # The bootstrapped second administrator was made by 1001 as well.
    assert_refused(db, lambda: perform(db, second_admin, decide_other_use, request.id, False,
                                       "reviewed"),
                   action="search.request.deny", clause="SOD", error=Refused)


@pytest.mark.policy("SOD")
def test_a_pending_role_gives_nothing_until_confirmed(
        db: Database, settings: Settings, admin: Context, second_admin: Context,
        enrol) -> None:
    officer = enrol("6301", "officer")
    request = perform(db, officer, request_other_use, "26-7001", USE)
    view = _add(db, admin, "7105", "officer", "supervisor")
    assert view.roles == (Role.OFFICER,) and view.pending_roles == (Role.SUPERVISOR,)
    sergeant = sign_in(db, settings, "7105", PASSWORD)
    assert sergeant.actor.roles == frozenset({Role.OFFICER})
    assert_refused(db, lambda: perform(db, sergeant, decide_other_use, request.id, True,
                                       "reviewed"),
                   action="search.request.approve", clause="SOD", match="awaits confirmation",
                   error=Refused)
    perform(db, second_admin, confirm_role, "7105", "supervisor")
    # The same signed-in session acts with the role from its next action on.
    assert perform(db, sergeant, decide_other_use, request.id, True, "reviewed").usable
    assert sign_in(db, settings, "7105", PASSWORD).actor.roles == frozenset(
        {Role.OFFICER, Role.SUPERVISOR})


@pytest.mark.policy("SOD")
def test_no_one_confirms_a_grant_they_made_or_hold(
        db: Database, settings: Settings, admin: Context, second_admin: Context) -> None:
    _add(db, admin, "8503", "supervisor")
    assert_refused(db, lambda: perform(db, admin, confirm_role, "8503", "supervisor"),
                   action="roster.role.confirm", clause="SOD", match="made this grant",
                   error=Refused)
    _add(db, admin, "1003", "alpr_admin")
    # The bootstrap was used for 1002: the first administrator confirms no more of theirs.
    assert_refused(db, lambda: perform(db, admin, confirm_role, "1003", "alpr_admin"),
                   action="roster.role.confirm", clause="SOD", match="made this grant",
                   error=Refused)
    perform(db, second_admin, roster.update_person, "1002", PersonInput(
        "1002", "Det. Second Admin", ("alpr_admin", "division_commander"), "RTIC", trained(),
        trained()))
    assert_refused(db, lambda: perform(db, second_admin, confirm_role, "1002",
                                       "division_commander"),
                   action="roster.role.confirm", clause="SOD", match="your own",
                   error=Refused)
    dispatcher_view = _add(db, admin, "5201", "dispatcher")
    assert dispatcher_view.roles == (Role.DISPATCHER,) and not dispatcher_view.pending_roles
    dispatcher = sign_in(db, settings, "5201", PASSWORD)
    assert_refused(db, lambda: perform(db, dispatcher, confirm_role, "8503", "supervisor"),
                   action="roster.role.confirm", clause="A.2", error=Refused)


@pytest.mark.policy("SOD")
def test_a_division_commander_confirms(db: Database, settings: Settings, admin: Context,
                                       second_admin: Context) -> None:
    _add(db, second_admin, "9601", "division_commander")
    perform(db, admin, confirm_role, "9601", "division_commander")
    commander = sign_in(db, settings, "9601", PASSWORD)
    _add(db, admin, "8504", "supervisor")
    grant = perform(db, commander, confirm_role, "8504", "supervisor")
    assert (grant.granted_by, grant.confirmed_by, grant.pending) == ("1001", "9601", False)
    with pytest.raises(InputRejected, match="already in effect"):
        perform(db, commander, confirm_role, "8504", "supervisor")
    with pytest.raises(InputRejected, match="no Dispatcher grant"):
        perform(db, commander, confirm_role, "8504", "dispatcher")


@pytest.mark.policy("SOD")
def test_the_first_admin_and_the_one_bootstrap_say_so_in_the_trail(
        db: Database, admin: Context, second_admin: Context) -> None:
    first = _events(db, "roster.first_admin")[0]
    assert "first ALPR administrator on an empty database" in first.details["exception"]
    confirmations = _events(db, "roster.role.confirm")
    assert len(confirmations) == 1 and confirmations[0].actor_badge == "1001"
    assert confirmations[0].object_id == "1002"
    assert "bootstrap" in confirmations[0].details["exception"]
    assert confirmations[0].details["granted_by"] == "1001"
    grants = {(g.badge, g.role): g for g in query(db, admin, list_grants)}
    assert grants["1001", Role.ALPR_ADMIN].basis is GrantBasis.FIRST_ADMIN
    assert grants["1002", Role.ALPR_ADMIN].basis is GrantBasis.BOOTSTRAP


@pytest.mark.policy("SOD")
def test_the_roster_shows_who_granted_and_confirmed_each_role(
        db: Database, admin: Context, second_admin: Context) -> None:
    _add(db, admin, "8505", "supervisor", "officer")
    people = {p.badge: p for p in query(db, admin, roster.list_people)}
    grants = {g.role: g for g in people["8505"].grants}
    assert grants[Role.OFFICER].pending is False and grants[Role.OFFICER].granted_by == "1001"
    assert grants[Role.SUPERVISOR].pending and grants[Role.SUPERVISOR].confirmed_by is None
    assert grants[Role.SUPERVISOR].granted_at is not None
    assert [(g.badge, g.role) for g in query(db, second_admin, list_grants,
                                             pending_only=True)] == [("8505", Role.SUPERVISOR)]
    perform(db, second_admin, confirm_role, "8505", "supervisor")
    grant = {g.role: g for g in query(db, admin, roster.list_people)[-1].grants}[
        Role.SUPERVISOR]
    assert (grant.granted_by, grant.confirmed_by) == ("1001", "1002")
    assert grant.confirmed_at is not None and grant.confirmed_at >= grant.granted_at
    assert query(db, second_admin, list_grants, pending_only=True) == []


@pytest.mark.policy("SOD")
def test_an_edit_keeps_confirmed_grants_and_a_regrant_waits_again(
        db: Database, admin: Context, second_admin: Context) -> None:
    _add(db, admin, "8506", "supervisor")
    perform(db, second_admin, confirm_role, "8506", "supervisor")
    renamed = perform(db, admin, roster.update_person, "8506", PersonInput(
        "8506", "Lt. Renamed", ("supervisor", "officer"), "Patrol", trained(), trained()))
    assert renamed.roles == (Role.OFFICER, Role.SUPERVISOR) and not renamed.pending_roles
    perform(db, admin, roster.update_person, "8506", PersonInput(
        "8506", "Lt. Renamed", ("officer",), "Patrol", trained(), trained()))
    again = perform(db, admin, roster.update_person, "8506", PersonInput(
        "8506", "Lt. Renamed", ("officer", "supervisor"), "Patrol", trained(), trained()))
    assert again.pending_roles == (Role.SUPERVISOR,)
    update = _events(db, "roster.update")[0]
    assert update.details["after"]["pending_roles"] == ["supervisor"]


def test_an_unknown_role_or_badge_is_named(db: Database, second_admin: Context) -> None:
    with pytest.raises(InputRejected, match="unknown role 'sheriff'"):
        perform(db, second_admin, confirm_role, "1001", "sheriff")
    with pytest.raises(InputRejected, match="no one with badge 4040"):
        perform(db, second_admin, confirm_role, "4040", "supervisor")
    with pytest.raises(InputRejected, match="already in effect"):
        perform(db, second_admin, confirm_role, "1002", "alpr_admin")
