"""Sharing a special hot list entry with another agency (I.2.b): a request to a division
commander, decided with a reason; without approval nothing leaves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rtic_console.services import hotlists, inbox, special_sharing
from rtic_console.services.agencies import AgencyInput, add_agency
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.test_hot_plates import GOOD


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "shares"


@pytest.fixture
def entry_id(db: Database, admin: Context, enrol) -> int:
    perform(db, admin, add_agency, AgencyInput("CA0340100", "Elk Grove PD", "CA", "local",
                                               learn_partner=True))
    perform(db, admin, add_agency, AgencyInput("CA034PRIV", "Acme Repo", "CA", "private"))
    officer = enrol("6301", "officer")
    special = hotlists.HotPlateInput(**{**GOOD.__dict__, "ncic_system": None,
                                        "ncic_record": None, "reason": "other",
                                        "narrative": "seen at burglary series"})
    proposed = perform(db, officer, hotlists.propose_special, special)
    perform(db, enrol("8501", "supervisor"), hotlists.decide_special, proposed.id, True, "ok")
    return proposed.id


def ask(db: Database, ctx: Context, entry_id: int, ori: str = "CA0340100"):
    return perform(db, ctx, special_sharing.request_special_share, entry_id, ori,
                   "Their burglary series crosses into Elk Grove")


@pytest.mark.policy("I.2.b")
def test_nothing_leaves_without_a_commanders_approval(db: Database, enrol, entry_id: int,
                                                      out: Path) -> None:
    officer = enrol("6302", "officer")
    share = ask(db, officer, entry_id)
    assert share.status == "pending"
    assert_refused(db, lambda: perform(db, officer, special_sharing.release_special_share,
                                       share.id, out),
                   action="hotlist.special.share.release", clause="I.2.b", error=Refused,
                   match="division commander's approval")
    assert not out.exists() or list(out.iterdir()) == []
    commander = enrol("9001", "division_commander")
    assert [s.id for s in query(db, commander, special_sharing.list_special_shares,
                                pending_only=True)] == [share.id]
    assert_refused(db, lambda: perform(db, commander, special_sharing.decide_special_share,
                                       share.id, True, "ok"),
                   action="hotlist.special.share.approve", match="at least 10",
                   error=InputRejected)
    approved = perform(db, commander, special_sharing.decide_special_share, share.id, True,
                       "Shared for the joint burglary investigation")
    assert approved.status == "approved" and approved.decided_by == "9001"
    path = perform(db, officer, special_sharing.release_special_share, share.id, out)
    body = json.loads(path.read_text())
    assert body["entry"]["plate"] == "7ABC123" and body["recipient"]["ori"] == "CA0340100"
    assert body["approved_by"] == "9001"
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="hotlist.special.share.release"))
    assert event.details["clause"] == "I.2.b" and event.details["file"] == path.name


@pytest.mark.policy("I.2.b")
def test_a_rejected_share_releases_nothing(db: Database, enrol, entry_id: int,
                                           out: Path) -> None:
    officer = enrol("6302", "officer")
    share = ask(db, officer, entry_id)
    commander = enrol("9001", "division_commander")
    rejected = perform(db, commander, special_sharing.decide_special_share, share.id, False,
                       "Not needed for their case")
    assert rejected.status == "rejected"
    assert_refused(db, lambda: perform(db, officer, special_sharing.release_special_share,
                                       share.id, out),
                   action="hotlist.special.share.release", clause="I.2.b", error=Refused)
    assert not out.exists()


@pytest.mark.policy("I.2.b")
def test_only_law_enforcement_and_only_a_second_person(db: Database, enrol, entry_id: int,
                                                      out: Path) -> None:
    officer = enrol("6302", "officer")
    assert_refused(db, lambda: ask(db, officer, entry_id, "CA034PRIV"),
                   action="hotlist.special.share", clause="I.2.b", error=Refused,
                   match="not a law enforcement agency")
    assert_refused(db, lambda: ask(db, officer, entry_id, "CA9999999"),
                   action="hotlist.special.share", clause="I.2.b", error=Refused)
    commander = enrol("9001", "division_commander")
    own = ask(db, commander, entry_id)
    assert_refused(db, lambda: perform(db, commander, special_sharing.decide_special_share,
                                       own.id, True, "I approve my own request"),
                   action="hotlist.special.share.approve", clause="SOD", error=Refused)
    assert_refused(db, lambda: perform(db, officer, special_sharing.decide_special_share,
                                       own.id, True, "an officer cannot decide"),
                   action="hotlist.special.share.approve", clause="A.2", error=Refused)


@pytest.mark.policy("I.2.b")
def test_a_share_request_waits_in_the_commanders_inbox(db: Database, enrol,
                                                       entry_id: int) -> None:
    share = ask(db, enrol("6302", "officer"), entry_id)
    commander = enrol("9001", "division_commander")
    (item,) = [i for i in query(db, commander, inbox.inbox) if i.source == "special_share"]
    assert (item.item_id, item.clause) == (share.id, "I.2.b") and "7ABC123" in item.title
    perform(db, commander, inbox.decide, "special_share", share.id, "approve",
            "Shared for the joint burglary investigation")
    assert [i for i in query(db, commander, inbox.inbox) if i.source == "special_share"] == []
    (view,) = query(db, commander, special_sharing.list_special_shares)
    assert (view.status, view.decided_by) == ("approved", "9001")
