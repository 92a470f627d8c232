"""Workstations are enrolled, not declared (G.3.f): the secret in the machine's keyring, a
hash in the database, proven at sign-in; a console that is not enrolled says so and shows no
donor camera."""

from __future__ import annotations

import json

import keyring
import pytest
from sqlalchemy import select

from rtic_console.config import Settings
from rtic_console.services import viewing, workstations
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context, InputRejected
from rtic_console.services.roster import PersonInput, create_first_admin
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.memory_keyring import MemoryKeyring, use_memory_keyring
from rtic_console.store.models import Workstation
from tests.refusals import assert_refused
from tests.services.pscn_support import add_agreement, add_camera
from tests.support import PASSWORD, trained


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


@pytest.mark.policy("G.3.f")
def test_first_run_then_enrolment_keeps_only_a_hash_and_sign_in_proves_it(
        db: Database, settings: Settings, memory_keyring: MemoryKeyring) -> None:
    create_first_admin(db, settings, PersonInput("1001", "Sgt. First", ("alpr_admin",), "RTIC",
                                                 trained(), trained()), PASSWORD)
    first = sign_in(db, settings, "1001", PASSWORD)
    assert first.station is not None and not first.station.enrolled
    assert first.workstation == "not enrolled: TEST-WS-01"
    (made,) = _events(db, "roster.first_admin")
    assert made.workstation == "not enrolled: TEST-WS-01", "the first run works, and says so"

    view = perform(db, first, workstations.enrol_workstation, "TEST-WS-01")
    assert (view.name, view.enrolled_by, view.status) == ("TEST-WS-01", "1001", "enrolled")
    (held,) = memory_keyring.entries.values()
    secret = json.loads(held)["secret"]
    with db.read() as session:
        row = session.scalar(select(Workstation))
        assert row is not None and row.secret_hash != secret and len(row.secret_hash) == 64
    (event,) = _events(db, "workstation.enrol")
    assert event.object_id == "TEST-WS-01" and event.actor_badge == "1001"
    assert secret not in json.dumps(event.details) and row.secret_hash not in str(event.details)

    again = sign_in(db, settings, "1001", PASSWORD)
    assert again.station is not None and again.station.enrolled
    assert again.workstation == "TEST-WS-01"
    assert _events(db, "auth.sign_in")[0].workstation == "TEST-WS-01"
    (listed,) = query(db, again, workstations.list_workstations)
    assert listed.name == "TEST-WS-01" and listed.revoked_at is None


@pytest.mark.policy("G.3.f")
def test_a_machine_that_is_not_enrolled_shows_no_donor_camera(
        db: Database, settings: Settings, admin: Context) -> None:
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    add_agreement(db, admin, ("CAM-PD-01",))  # names TEST-WS-01, the name this machine claims
    (tile,) = perform(db, admin, viewing.open_wall, [donor.id], "training").tiles
    assert tile.allowed, "on the enrolled workstation the agreement allows it"

    use_memory_keyring()  # another machine, whose settings also say TEST-WS-01
    elsewhere = sign_in(db, settings, "1001", PASSWORD)
    assert not elsewhere.station.enrolled and "holds no enrolment" in elsewhere.station.note
    (tile,) = perform(db, elsewhere, viewing.open_wall, [donor.id], "training").tiles
    assert not tile.allowed and tile.clause == "G.3.f" and tile.streams is None
    assert "not enrolled" in tile.reason
    (refused,) = _events(db, "pscn.view.refused")
    assert refused.workstation == "not enrolled: TEST-WS-01"
    assert refused.details["clause"] == "G.3.f"


@pytest.mark.policy("G.3.f")
def test_revocation_takes_effect_at_the_next_decision_and_a_new_enrolment_replaces_the_old(
        db: Database, settings: Settings, admin: Context) -> None:
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    add_agreement(db, admin, ("CAM-PD-01",))
    here = keyring.get_keyring()
    revoked = perform(db, admin, workstations.revoke_workstation, "test-ws-01",
                      "machine sent for repair")
    assert revoked.status == "revoked" and revoked.revoke_reason == "machine sent for repair"
    (tile,) = perform(db, admin, viewing.open_wall, [donor.id], "training").tiles
    assert not tile.allowed and "revoked" in tile.reason, "no new sign-in needed"
    assert "revoked" in sign_in(db, settings, "1001", PASSWORD).station.note

    use_memory_keyring()  # the replacement machine takes the name
    perform(db, admin, workstations.enrol_workstation, "TEST-WS-01")
    assert sign_in(db, settings, "1001", PASSWORD).station.enrolled
    keyring.set_keyring(here)  # the old machine's secret no longer matches
    station = sign_in(db, settings, "1001", PASSWORD).station
    assert not station.enrolled and "no longer matches" in station.note
    assert [e.details["enrolled_again"] for e in _events(db, "workstation.enrol")] == [
        True, False]


@pytest.mark.policy("G.3.f")
def test_enrolment_and_revocation_are_refused_and_audited(db: Database, admin: Context,
                                                          enrol) -> None:
    it = enrol("7401", "it_staff")
    assert_refused(db, lambda: perform(db, it, workstations.enrol_workstation, "RTIC-WS-09"),
                   action="workstation.enrol", clause="A.2", match="Only ALPR administrator")
    assert_refused(db, lambda: perform(db, it, workstations.revoke_workstation, "TEST-WS-01",
                                       "not trusted any more"),
                   action="workstation.revoke", clause="A.2")
    assert_refused(db, lambda: perform(db, admin, workstations.enrol_workstation, "TEST-WS-01"),
                   action="workstation.enrol", clause="G.3.f", match="already enrolled")
    assert_refused(db, lambda: perform(db, admin, workstations.enrol_workstation, "RTIC-WS-09"),
                   action="workstation.enrol", clause="G.3.f",
                   match="This machine is already enrolled as TEST-WS-01")
    assert_refused(db, lambda: perform(db, admin, workstations.revoke_workstation, "TEST-WS-01",
                                       "meh"),
                   action="workstation.revoke", clause="D.2.c", match="Say why")
    with pytest.raises(InputRejected, match="a workstation name is"):
        perform(db, admin, workstations.enrol_workstation, "not enrolled: X")


def test_a_machine_without_a_keyring_cannot_be_enrolled_and_nothing_is_written(
        db: Database, admin: Context) -> None:
    perform(db, admin, workstations.revoke_workstation, "TEST-WS-01", "moving to a new desk")
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(InputRejected, match="no OS keyring"):
        perform(db, admin, workstations.enrol_workstation, "RTIC-WS-02")
    (row,) = query(db, admin, workstations.list_workstations)
    assert row.name == "TEST-WS-01" and row.status == "revoked"
