"""The agency directory: by hand and from CSV with a report per row; a row without state or
type is refused, never taken as in-state; every change audited (C.2 to C.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from rtic_console.services import agencies
from rtic_console.services.agencies import AgencyInput
from rtic_console.services.context import Context
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Agency
from tests.refusals import assert_refused

FIXTURES = Path(__file__).parents[1] / "fixtures" / "agencies"


def elk_grove(**kw: object) -> AgencyInput:
    return AgencyInput(**{"ori": "ca0340100", "name": " Elk Grove  Police Department",
                          "state": "ca", "agency_type": "local", "learn_partner": True,
                          "contact": "records@egpd.example", **kw})


@pytest.mark.policy("C.2")
def test_add_by_hand_is_audited_and_listed(db: Database, admin: Context) -> None:
    view = perform(db, admin, agencies.add_agency, elk_grove())
    assert (view.ori, view.name, view.state, view.agency_type) == (
        "CA0340100", "Elk Grove Police Department", "CA", "local")
    assert view.law_enforcement and view.learn_partner
    private = perform(db, admin, agencies.add_agency, AgencyInput(
        "CA034PRIV", "Acme Repossession", "CA", "private"))
    assert not private.law_enforcement and not private.learn_partner
    assert [a.ori for a in query(db, admin, agencies.list_agencies)] == ["CA034PRIV",
                                                                         "CA0340100"]
    with db.read() as session:
        event = list_events(session, AuditFilter(action="agency.add"))[-1]
    assert event.object_id == "CA0340100" and event.details["learn_partner"] is True


@pytest.mark.policy("C.4")
@pytest.mark.parametrize(("change", "match"), [
    ({"state": ""}, "state is missing"),
    ({"state": None}, "state is missing"),
    ({"agency_type": " "}, "type is missing"),
    ({"agency_type": "private", "law_enforcement": True}, "private entity"),
])
def test_missing_state_or_type_is_refused_never_assumed(db: Database, admin: Context,
                                                        change: dict, match: str) -> None:
    assert_refused(db, lambda: perform(db, admin, agencies.add_agency, elk_grove(**change)),
                   action="agency.add", clause="C.4", match=match)


@pytest.mark.parametrize(("change", "match"), [
    ({"ori": "12345"}, "not nine letters"),
    ({"name": "  "}, "name is missing"),
    ({"state": "ZZ"}, "not a US state"),
    ({"law_enforcement": "maybe"}, "yes or no"),
    ({"name": "=HYPERLINK(1)"}, "formula"),
])
def test_bad_fields_are_refused(db: Database, admin: Context, change: dict,
                                match: str) -> None:
    assert_refused(db, lambda: perform(db, admin, agencies.add_agency, elk_grove(**change)),
                   action="agency.add", match=match)


def test_only_administrators_keep_the_directory(db: Database, admin: Context, enrol) -> None:
    officer = enrol("2001", "officer")
    perform(db, admin, agencies.add_agency, elk_grove())
    assert_refused(db, lambda: perform(db, officer, agencies.add_agency, elk_grove(
        ori="CA0340200")), action="agency.add", clause="A.2")
    assert_refused(db, lambda: perform(db, admin, agencies.add_agency, elk_grove()),
                   action="agency.add", match="already in the directory")


@pytest.mark.policy("C.4")
def test_import_reports_every_row(db: Database, admin: Context) -> None:
    perform(db, admin, agencies.add_agency, AgencyInput("CA0345000", "Galt PD", "CA", "local",
                                                        learn_partner=True))
    data = (FIXTURES / "agencies.csv").read_bytes()
    report = perform(db, admin, agencies.import_agencies, "agencies.csv", data)
    rows = {o.row: o for o in report.rows}
    assert rows[2].status == rows[3].status == rows[4].status == "added"
    assert rows[5].status == "refused" and "state is missing" in rows[5].detail
    assert rows[6].status == "refused" and "type is missing" in rows[6].detail
    assert rows[7].status == "refused" and "private entity" in rows[7].detail
    assert rows[8].status == "added"
    assert rows[9].status == "refused" and "also on row 2" in rows[9].detail
    assert rows[10].status == "updated" and rows[10].detail == "learn_partner, name"
    assert not report.complete
    with db.read() as session:
        stored = {a.ori: a for a in session.scalars(select(Agency))}
        event = list_events(session, AuditFilter(action="agency.import"))[-1]
    assert "CA0190000" not in stored and "CA0349999" not in stored
    assert stored["CA0340000"].law_enforcement  # a county not stated follows its type
    assert not stored["CA0345000"].learn_partner  # the partnership ended
    assert (event.details["added"], event.details["updated"], event.details["refused"]) == (
        4, 1, 4)
    assert event.details["changes"]["CA0345000"]["learn_partner"] == [True, False]
    again = perform(db, admin, agencies.import_agencies, "agencies.csv", data)
    assert again.count("unchanged") == 5 and again.count("added") == 0


def test_unreadable_file_is_refused_whole(db: Database, admin: Context) -> None:
    assert_refused(db, lambda: perform(db, admin, agencies.import_agencies, "x.csv",
                                       b"ori,name\nCA0340100,Elk Grove\n"),
                   action="agency.import", match="no state, type column")
