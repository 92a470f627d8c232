"""Hot plates by hand (E.1, E.2) and special lists with supervisor approval (I.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtic_console.services import hotlists
from rtic_console.services.context import InputRejected, Refused
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import HotListEntry
from tests.refusals import assert_refused

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hotlists"

GOOD = HotPlateInput(plate="7ABC123", state="CA", reason="stolen_vehicle",
                     case_number="26-004512", xref=None, ncic_system="SVS",
                     ncic_record="V123456789")


def _entries(db: Database) -> int:
    with db.read() as session:
        return session.query(HotListEntry).count()


@pytest.mark.policy("E.1")
@pytest.mark.parametrize("change,message", [
    ({"case_number": None, "xref": None}, "case number, or the subject's XREF"),
    ({"reason": ""}, "reason is required"),
])
def test_hot_plate_needs_case_or_xref_and_reason(db: Database, enrol, change: dict,
                                                 message: str) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: perform(db, officer, hotlists.add_hot_plate,
                                       HotPlateInput(**{**GOOD.__dict__, **change})),
                   action="hotlist.add", clause="E.1", match=message, error=InputRejected)
    assert _entries(db) == 0


@pytest.mark.policy("E.2")
@pytest.mark.parametrize("change,message", [
    ({"ncic_system": None}, "SVS, SLR, SFR or MUPS"),
    ({"ncic_system": "XYZ"}, "not one of SVS"),
    ({"ncic_record": ""}, "record number is required"),
    ({"expires_in_hours": 25}, "at most 24 hours"),
])
def test_hot_plate_needs_counterpart_and_short_expiry(db: Database, enrol, change: dict,
                                                      message: str) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: perform(db, officer, hotlists.add_hot_plate,
                                       HotPlateInput(**{**GOOD.__dict__, **change})),
                   action="hotlist.add", clause="E.2", match=message, error=InputRejected)


@pytest.mark.policy("E.2")
def test_default_expiry_is_24_hours_and_entry_is_audited(db: Database, enrol) -> None:
    officer = enrol("6301", "officer")
    view = perform(db, officer, hotlists.add_hot_plate, GOOD)
    assert view.expires_at is not None and view.effective_at is not None
    assert (view.expires_at - view.effective_at).total_seconds() == 24 * 3600
    with db.read() as session:
        event = list_events(session, AuditFilter(action="hotlist.add"))[0]
    assert event.actor_badge == "6301" and event.details["ncic_record"] == "V123456789"


@pytest.mark.policy("A.2")
def test_dispatcher_cannot_enter_hot_plates(db: Database, enrol) -> None:
    dispatcher = enrol("5201", "dispatcher")
    assert_refused(db, lambda: perform(db, dispatcher, hotlists.add_hot_plate, GOOD),
                   action="hotlist.add", clause="A.2", match="Only ALPR administrator, Officer",
                   error=Refused)


@pytest.mark.policy("I.1")
def test_special_entry_needs_another_supervisor(db: Database, enrol) -> None:
    officer = enrol("6301", "officer")
    supervisor = enrol("8501", "supervisor")
    special = HotPlateInput(**{**GOOD.__dict__, "ncic_system": None, "ncic_record": None,
                               "reason": "other", "narrative": "seen at burglary series"})
    proposed = perform(db, officer, hotlists.propose_special, special)
    assert proposed.status == "pending" and proposed.effective_at is None
    assert_refused(db, lambda: perform(db, officer, hotlists.decide_special, proposed.id, True),
                   action="hotlist.special.approve", clause="A.2", match="Only Supervisor",
                   error=Refused)
    assert_refused(db, lambda: perform(db, supervisor, hotlists.decide_special, proposed.id,
                                       False, ""),
                   action="hotlist.special.reject", match="reason for rejecting",
                   error=InputRejected)
    approved = perform(db, supervisor, hotlists.decide_special, proposed.id, True, "ok")
    assert approved.status == "active" and approved.decided_by == "8501"
    assert_refused(db, lambda: perform(db, supervisor, hotlists.decide_special, proposed.id,
                                       False, "changed mind"),
                   action="hotlist.special.reject", match="already decided",
                   error=InputRejected)


@pytest.mark.policy("I.1")
@pytest.mark.policy("SOD")
def test_supervisor_cannot_approve_own_entry(db: Database, enrol) -> None:
    supervisor = enrol("8501", "supervisor")
    special = HotPlateInput(**{**GOOD.__dict__, "ncic_system": None, "ncic_record": None})
    proposed = perform(db, supervisor, hotlists.propose_special, special)
    assert_refused(db, lambda: perform(db, supervisor, hotlists.decide_special, proposed.id,
                                       True),
                   action="hotlist.special.approve", clause="SOD",
                   match="own special hot list entry", error=Refused)

