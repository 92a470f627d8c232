"""The inbox: each person sees what their roles decide, and every decision goes through its
own service with a reason (I.1, D.1.c, F.2.e, D.2.b(2)(a))."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.device_reports import ReportInput
from rtic_console.services import hotlists, inbox
from rtic_console.services.context import Context
from rtic_console.services.device_reports import report_device
from rtic_console.services.divisions import set_commander
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.inspections import open_inspection, review_search
from rtic_console.services.runner import perform, query
from rtic_console.services.search_requests import request_other_use
from rtic_console.services.viewing_requests import request_viewing
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.fleet_support import add_fleet
from tests.services.inspection_support import QUARTER, log_search, person
from tests.services.test_hot_plates import GOOD

USE = "Pattern of travel of a fraud suspect's vehicle for a search warrant affidavit"


@pytest.fixture
def waiting(db: Database, admin: Context, enrol) -> dict[str, Context]:
    """One item of each source: a special entry and an other-use request (for supervisors),
    a viewing request and an inspection referral (for the Patrol commander)."""
    people = {"officer": enrol("6101", "officer"), "supervisor": enrol("7001", "supervisor"),
              "asker": enrol("7002", "supervisor"),
              "commander": enrol("8001", "division_commander")}
    perform(db, people["officer"], hotlists.propose_special, HotPlateInput(
        **{**GOOD.__dict__, "ncic_system": None, "ncic_record": None}))
    perform(db, people["officer"], request_other_use, "26-7001", USE)
    perform(db, people["asker"], request_viewing, "Watch the parade route for the visit")
    person(db, admin, "6001", "officer", "Patrol")
    perform(db, admin, set_commander, "Patrol", "8001")
    search = log_search(db, "6001")
    perform(db, admin, open_inspection, QUARTER)
    perform(db, people["supervisor"], review_search, QUARTER, search, "out_of_compliance",
            "No link between the plate and the case")
    return people


def test_each_person_sees_what_their_roles_decide(db: Database, waiting) -> None:
    mine = query(db, waiting["supervisor"], inbox.inbox)
    assert [i.source for i in mine] == ["special_entry", "other_use"]
    commander = query(db, waiting["commander"], inbox.inbox)
    assert [i.source for i in commander] == ["viewing_request", "referral"]
    assert commander[1].clause == "D.2.b(2)(a)" and "No link" in commander[1].detail



def test_every_item_says_who_it_is_from_by_badge_and_name(db: Database, waiting) -> None:
    """A special entry showed its bare badge, an other-use request the badge and name."""
    mine = query(db, waiting["supervisor"], inbox.inbox)
    assert [i.requested_by for i in mine] == ["6101 Person 6101"] * 2

@pytest.mark.policy("F.2.e")
def test_decisions_go_to_their_service_and_are_audited(db: Database, waiting) -> None:
    commander = waiting["commander"]
    viewing, referral = query(db, commander, inbox.inbox)
    # A decision an auditor reads later says why: "ok" does not (a trial approved with it).
    assert_refused(db, lambda: perform(db, commander, inbox.decide, "viewing_request",
                                       viewing.item_id, "approve", "ok",
                                       datetime.now(UTC) + timedelta(hours=3)),
                   action="pscn.viewing_request.approve", match="'ok' does not say why")
    perform(db, commander, inbox.decide, "viewing_request", viewing.item_id, "approve",
            "For the visit only", datetime.now(UTC) + timedelta(hours=3))
    perform(db, commander, inbox.decide, "referral", referral.item_id, "outcome",
            "Counselled; refresher training booked")
    assert query(db, commander, inbox.inbox) == []
    with db.read() as session:
        actions = [e.action for e in list_events(session, AuditFilter(limit=2))]
    assert actions == ["inspection.referral.outcome", "pscn.viewing_request.approve"]


@pytest.mark.policy("D.1.c")
def test_every_decision_has_a_reason(db: Database, waiting) -> None:
    request = query(db, waiting["supervisor"], inbox.inbox)[1]
    assert_refused(db, lambda: perform(db, waiting["supervisor"], inbox.decide, "other_use",
                                       request.item_id, "approve", "  "),
                   action="search.request.approve", match="gives its reason")


def test_a_source_takes_only_its_decisions(db: Database, waiting) -> None:
    referral = query(db, waiting["commander"], inbox.inbox)[1]
    assert_refused(db, lambda: perform(db, waiting["commander"], inbox.decide, "referral",
                                       referral.item_id, "approve", "fine"),
                   action="inbox.decide", match="take outcome")


@pytest.mark.policy("B.2")
def test_a_damage_alert_waits_in_every_administrators_inbox_until_one_acknowledges(
        db: Database, admin: Context, second_admin: Context, enrol) -> None:
    add_fleet(db, admin)
    perform(db, enrol("6102", "officer"), report_device, "ALPR-FX-01",
            ReportInput("lens smashed", vandalism=True, crime_report="26-019934"))
    for reader in (admin, second_admin):
        (alert,) = query(db, reader, inbox.inbox)
        assert (alert.source, alert.clause, alert.decisions) == ("alert", "B.2",
                                                                 (inbox.Decision.ACKNOWLEDGE,))
        assert "ALPR-FX-01" in alert.title
    assert query(db, enrol("7003", "supervisor"), inbox.inbox) == [], "not a supervisor's"
    assert_refused(db, lambda: perform(db, admin, inbox.decide, "alert", alert.item_id,
                                       "acknowledge", " "),
                   action="alert.acknowledge", match="gives its reason")
    perform(db, second_admin, inbox.decide, "alert", alert.item_id, "acknowledge",
            "Crew sent to replace the lens")
    assert query(db, admin, inbox.inbox) == [] and query(db, second_admin, inbox.inbox) == []
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(limit=1))
    assert (event.action, event.reason) == ("alert.acknowledge", "Crew sent to replace the lens")
