"""Sharing requests (C.2 to C.6): the rule decides; a grant releases a package of exactly the
data asked for, whose manifest hashes match its files; every refusal writes no file and is
audited with its clause; legal review is decided by a division commander, never the rule."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from rtic_console.services import inbox, sharing
from rtic_console.services.agencies import AgencyInput, add_agency
from rtic_console.services.alerts import open_alerts
from rtic_console.services.context import Context, Refused
from rtic_console.services.runner import perform, query
from rtic_console.services.sharing import SharingInput
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.store.database import Database
from rtic_console.store.models import SharingRequest
from rtic_console.store.pg_listener import PgListener
from tests.refusals import assert_refused
from tests.services.test_registry import wait_for
from tests.services.test_search import NOW, WINDOW, run, seed_reads

PARTNER, NEVADA, FBI, REPO, NOT_PARTNER = ("CA0340100", "NV0020000", "DCFBIWA00", "CA034PRIV",
                                           "CA0345000")


@pytest.fixture
def directory(db: Database, admin: Context) -> None:
    for ori, name, state, kind, partner in (
            (PARTNER, "Elk Grove PD", "CA", "local", True),
            (NEVADA, "Washoe County SO", "NV", "county", True),
            (FBI, "FBI Sacramento", "DC", "federal", True),
            (REPO, "Acme Repossession", "CA", "private", False),
            (NOT_PARTNER, "Galt PD", "CA", "local", False)):
        perform(db, admin, add_agency, AgencyInput(ori, name, state, kind,
                                                   learn_partner=partner))


@pytest.fixture
def reads(db: Database, directory: None) -> None:
    seed_reads(db)


@pytest.fixture
def heard(db: Database) -> Iterator[list[ChangeEvent]]:
    """Alert events as every console hears them, on either engine."""
    events: list[ChangeEvent] = []
    db.bus.subscribe(lambda e: e.kind is Change.ALERT and events.append(e))
    listener = PgListener(db, db.bus) if db.is_postgres else None
    if listener:
        listener.start()
        assert listener.connected.wait(5)
    yield events
    if listener:
        listener.stop()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "packages"
    folder.mkdir()
    return folder


def ask(agency: str = PARTNER, purpose: str = "armed robbery suspect vehicle", **kw: object
        ) -> SharingInput:
    base: dict[str, object] = {
        "agency_ori": agency, "requester_name": "Det. R. Alvarez",
        "requester_contact": "ralvarez@egpd.example", "purpose": purpose,
        "their_case_number": "EG-26-0412", "plates": "7ABC123, 7abc-999", **WINDOW}
    return SharingInput(**{**base, **kw})


def events(db: Database, action: str):
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.policy("C.2")
def test_a_grant_releases_exactly_the_reads_asked_for(db: Database, admin: Context, reads,
                                                      out: Path) -> None:
    out = out / "sub"
    view = perform(db, admin, sharing.file_request, ask(), out)
    assert view.decision == "granted" and view.clause == "C.2" and view.released
    package = Path(view.package_path)
    assert package.parent == out and sorted(p.name for p in package.iterdir()) == [
        "manifest.json", "reads.csv"]
    with (package / "reads.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["plate"] for r in rows) == ["7ABC123", "7ABC999"]  # not 7A8C123
    manifest = json.loads((package / "manifest.json").read_text())
    assert manifest["files"] == [{"file": "reads.csv", "sha256": sha256(package / "reads.csv"),
                                  "bytes": (package / "reads.csv").stat().st_size, "rows": 2}]
    assert manifest["request"]["plates"] == ["7ABC123", "7ABC999"]
    assert manifest["decision"]["clause"] == "C.2"
    assert manifest["recipient"]["ori"] == PARTNER
    assert view.manifest_sha256 == sha256(package / "manifest.json") and view.read_count == 2
    event = events(db, "sharing.request")[-1]
    assert event.details["decision"] == "granted" and event.details["clause"] == "C.2"
    assert event.details["manifest_sha256"] == view.manifest_sha256
    assert "7ABC123" not in json.dumps(event.details)  # plates stay in the purgeable row
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no staged part left"


@pytest.mark.policy("C.2")
def test_a_case_shares_the_reads_its_plate_searches_returned(db: Database, admin: Context,
                                                             enrol, reads,
                                                             out: Path) -> None:
    officer = enrol("6301", "officer")
    run(db, officer, plate="7ABC123", case_number="26-77")
    run(db, officer, plate="4XYZ*", case_number="26-77")  # a wildcard's reads stay home
    view = perform(db, admin, sharing.file_request,
                   ask(plates=None, time_from=None, time_to=None, spd_case_number="26-77"),
                   out)
    with (Path(view.package_path) / "reads.csv").open(newline="") as f:
        assert [r["plate"] for r in csv.DictReader(f)] == ["7ABC123"]
    assert view.spd_case_number == "26-77" and view.plates == ()


@pytest.mark.parametrize(("agency", "purpose", "clause"), [
    pytest.param(FBI, "armed robbery", "C.4", marks=pytest.mark.policy("C.4")),
    pytest.param(NEVADA, "armed robbery", "C.4", marks=pytest.mark.policy("C.4")),
    pytest.param(REPO, "locate a vehicle for repossession", "C.2",
                 marks=pytest.mark.policy("C.2")),
    pytest.param(NOT_PARTNER, "armed robbery", "C.2.a", marks=pytest.mark.policy("C.2.a")),
    pytest.param(PARTNER, "assist I.C.E. with a removal hearing", "C.5",
                 marks=pytest.mark.policy("C.5")),
    pytest.param(PARTNER, "trans healthcare clinic visitors", "C.6",
                 marks=pytest.mark.policy("C.6")),
])
def test_a_refusal_is_recorded_writes_no_file_and_names_its_clause(
        db: Database, admin: Context, reads, out: Path, agency: str, purpose: str,
        clause: str) -> None:
    view = perform(db, admin, sharing.file_request, ask(agency, purpose), out)
    assert view.decision == "refused" and view.clause == clause and not view.released
    assert list(out.iterdir()) == [], "a refused request writes no file"
    assert view.package_path is None and view.read_count is None
    event = events(db, "sharing.request")[-1]
    assert event.details["decision"] == "refused" and event.details["clause"] == clause
    assert event.object_id == str(view.id)
    assert view.commander_alerted == (agency in (REPO, NOT_PARTNER))


@pytest.mark.policy("C.2.a")
def test_a_non_partner_is_flagged_for_the_commander_whatever_else(db: Database,
                                                                 admin: Context,
                                                                 reads) -> None:
    view = perform(db, admin, sharing.file_request, ask(REPO), None)
    assert view.clauses == ("C.2", "C.2.a") and view.commander_alerted


@pytest.mark.parametrize(("change", "clause", "match"), [
    pytest.param({"agency_ori": "CA9999999"}, "C.2", "not in the agency directory",
                 marks=pytest.mark.policy("C.2")),
    pytest.param({"plates": "7ABC*"}, "C.3", "wildcard", marks=pytest.mark.policy("C.3")),
    pytest.param({"plates": ["7ABC12?"]}, "C.3", "wildcard", marks=pytest.mark.policy("C.3")),
    pytest.param({"time_from": WINDOW["time_to"], "time_to": WINDOW["time_from"]}, "C.3",
                 "ends before it starts", marks=pytest.mark.policy("C.3")),
    pytest.param({"time_from": NOW - timedelta(days=800)}, "C.1", "beyond the two years",
                 marks=pytest.mark.policy("C.1")),
    pytest.param({"purpose": "   "}, "C.3", "states its purpose",
                 marks=pytest.mark.policy("C.3")),
    pytest.param({"spd_case_number": "26-77"}, None, "one of the two"),
    pytest.param({"their_case_number": "EG\x00-1"}, None, "their case number"),
])
def test_bad_requests_are_refused_before_anything_is_recorded(
        db: Database, admin: Context, reads, out: Path, change: dict,
        clause: str | None, match: str) -> None:
    assert_refused(db, lambda: perform(db, admin, sharing.file_request, ask(**change),
                                       out),
                   action="sharing.request", clause=clause, match=match)
    assert list(out.iterdir()) == []


def test_only_administrators_take_requests(db: Database, enrol, reads,
                                           out: Path) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: perform(db, officer, sharing.file_request, ask(), out),
                   action="sharing.request", clause="A.2", error=Refused)
    assert list(out.iterdir()) == []


@pytest.mark.policy("C.4")
def test_legal_review_is_decided_by_a_commander(db: Database, second_admin: Context, enrol, reads,
                                                out: Path) -> None:
    refused = perform(db, second_admin, sharing.file_request, ask(FBI), out)
    with pytest.raises(Exception, match="at least 10"):
        perform(db, second_admin, sharing.send_to_review, refused.id, "short")
    pending = perform(db, second_admin, sharing.send_to_review, refused.id,
                      "Federal task force: 18 U.S.C. 2523 warrant served, see file")
    assert pending.review_status == "pending" and list(out.iterdir()) == []
    commander = enrol("9001", "division_commander")
    assert [v.id for v in query(db, commander, sharing.list_requests,
                                pending_review=True)] == [refused.id]
    assert_refused(db, lambda: perform(db, second_admin, sharing.decide_review, refused.id, True,
                                       "the warrant permits it", out),
                   action="sharing.review.permit", clause="A.2")
    permitted = perform(db, commander, sharing.decide_review, refused.id, True,
                        "Warrant reviewed by the City Attorney", out / "sub")
    assert permitted.decision == "refused" and permitted.review_status == "permitted"
    assert permitted.released and permitted.status == "refused · permitted on legal review"
    manifest = json.loads((Path(permitted.package_path) / "manifest.json").read_text())
    assert manifest["decision"]["legal_review"]["decided_by"] == "9001"
    assert events(db, "sharing.review.permit")[-1].details["clause"] == "C.4"


@pytest.mark.policy("C.3")
def test_an_upheld_refusal_releases_nothing(db: Database, second_admin: Context, enrol, reads,
                                            out: Path) -> None:
    refused = perform(db, second_admin, sharing.file_request, ask(NEVADA), out)
    perform(db, second_admin, sharing.send_to_review, refused.id,
            "Interstate compact, please check")
    commander = enrol("9001", "division_commander")
    denied = perform(db, commander, sharing.decide_review, refused.id, False,
                     "No law permits this transfer")
    assert denied.review_status == "denied" and not denied.released
    assert list(out.iterdir()) == []
    assert_refused(db, lambda: perform(db, commander, sharing.decide_review, refused.id, True,
                                       "changed my mind about it", out),
                   action="sharing.review.permit", match="not waiting")


def test_a_grant_cannot_be_sent_to_review(db: Database, admin: Context, reads,
                                          out: Path) -> None:
    granted = perform(db, admin, sharing.file_request, ask(), out)
    assert_refused(db, lambda: perform(db, admin, sharing.send_to_review, granted.id,
                                       "review this one as well"),
                   action="sharing.review", match="was granted")


def test_the_commander_who_took_the_request_does_not_review_it(db: Database, enrol, reads,
                                                               out: Path) -> None:
    both = enrol("9002", "alpr_admin", "division_commander")
    refused = perform(db, both, sharing.file_request, ask(FBI), out)
    perform(db, both, sharing.send_to_review, refused.id, "Federal warrant, see the file")
    assert_refused(db, lambda: perform(db, both, sharing.decide_review, refused.id, True,
                                       "I permit my own request", out),
                   action="sharing.review.permit", clause="SOD")
    with db.read() as session:
        assert session.scalar(select(SharingRequest.review_status)) == "pending"


@pytest.mark.policy("C.2.a")
def test_a_non_partner_request_alerts_division_commanders_at_once(
        db: Database, admin: Context, enrol, reads, out: Path,
        heard: list[ChangeEvent]) -> None:
    commander = enrol("9001", "division_commander")
    view = perform(db, admin, sharing.file_request, ask(NOT_PARTNER), out)
    assert list(out.iterdir()) == []
    alerts = query(db, commander, open_alerts)
    assert [(a.kind, a.subject_id) for a in alerts] == [("sharing.non_partner", str(view.id))]
    assert "Galt PD" in alerts[0].title and "C.2.a" in alerts[0].body
    assert wait_for(lambda: any(e.ids == (alerts[0].id,) for e in heard))
    assert events(db, "sharing.request")[-1].details["alert"] == alerts[0].id
    assert query(db, admin, open_alerts) == []  # for commanders, not the administrator


@pytest.mark.policy("C.3")
def test_the_sharing_log_holds_decisions_and_refused_attempts(db: Database, admin: Context,
                                                              enrol, reads, out: Path) -> None:
    perform(db, admin, sharing.file_request, ask(), out)
    with pytest.raises(Refused):
        perform(db, admin, sharing.file_request, ask("CA0000001"), out)
    log = query(db, admin, sharing.sharing_log)
    assert [e.action for e in log][:2] == ["sharing.request.refused", "sharing.request"]
    assert {e.action for e in log} >= {"agency.add"}
    assert all(e.action.startswith(sharing.LOG_ACTIONS) for e in log)
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: query(db, officer, sharing.sharing_log),
                   action="sharing.log", clause="A.2")


@pytest.mark.policy("C.4")
def test_a_legal_review_waits_in_the_commanders_inbox(db: Database, second_admin: Context,
                                                      enrol, reads, out: Path) -> None:
    refused = perform(db, second_admin, sharing.file_request, ask(NEVADA), out)
    perform(db, second_admin, sharing.send_to_review, refused.id,
            "Interstate compact, please check")
    commander = enrol("9001", "division_commander")
    (item,) = [i for i in query(db, commander, inbox.inbox) if i.source == "legal_review"]
    assert (item.item_id, item.clause) == (refused.id, "C.4")
    assert "Washoe County SO" in item.title
    perform(db, commander, inbox.decide, "legal_review", refused.id, "reject",
            "No law permits this transfer")
    assert [i for i in query(db, commander, inbox.inbox) if i.source == "legal_review"] == []
    assert events(db, "sharing.review.deny")[-1].reason == "No law permits this transfer"
    assert list(out.iterdir()) == []
