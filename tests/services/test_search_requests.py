"""'Other use' (D.1.c): a request, a decision by another sergeant or administrator, and a
search that runs only under the searcher's own approval, for its case, while it lasts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from rtic_console.domain.search_rules import OTHER_USE_VALID_FOR
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.runner import perform, query
from rtic_console.services.search import SearchInput, SearchResult, search_reads
from rtic_console.services.search_requests import (
    RequestView,
    decide_other_use,
    my_requests,
    pending_requests,
    request_other_use,
)
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import SearchRecord
from tests.refusals import assert_refused
from tests.services.pscn_support import at
from tests.services.test_search import WINDOW, seed_reads

USE = "Pattern of travel of a fraud suspect's vehicle for a search warrant affidavit"


@pytest.fixture
def people(db: Database, enrol) -> dict[str, Context]:
    seed_reads(db)
    return {"officer": enrol("6301", "officer"), "other": enrol("6302", "officer"),
            "sergeant": enrol("7101", "supervisor"), "second": enrol("7102", "supervisor")}


def ask(db: Database, ctx: Context, case: str = "26-7001", use: str = USE) -> RequestView:
    return perform(db, ctx, request_other_use, case, use)


def decide(db: Database, ctx: Context, request_id: int, approve: bool = True,
           note: str = "Reviewed with the case detective; within department policy"
           ) -> RequestView:
    return perform(db, ctx, decide_other_use, request_id, approve, note)


def other_use(db: Database, ctx: Context, request_id: int | None, case: str = "26-7001",
              **kw: object) -> SearchResult:
    return perform(db, ctx, search_reads, SearchInput(
        "other_use", case, plate="7ABC*", request_id=request_id, **kw))


def refused_search(db: Database, attempt: Callable[[], object], match: str,
                   clause: str | None = "D.1", error: type[Exception] = Refused) -> None:
    assert_refused(db, attempt, action="search.run", clause=clause, match=match, error=error)


@pytest.mark.policy("D.1")
def test_request_approve_then_search(db: Database, people: dict[str, Context]) -> None:
    request = ask(db, people["officer"])
    assert request.status == "pending" and request.requester_name == "Person 6301"
    approved = decide(db, people["sergeant"], request.id)
    assert approved.status == "approved" and approved.decided_by == "7101"
    assert approved.usable_until == approved.decided_at + OTHER_USE_VALID_FOR
    result = other_use(db, people["officer"], request.id)
    assert {r.plate for r in result.reads} == {"7ABC123", "7ABC999"}
    # Valid for a period, not a single use: a second search under it runs too.
    again = other_use(db, people["officer"], request.id, **WINDOW)
    with db.read() as session:
        logs = [session.get(SearchRecord, i) for i in (result.search_id, again.search_id)]
        assert [(g.purpose, g.request_id, g.case_number) for g in logs] == [
            ("other_use", request.id, "26-7001")] * 2
        actions = [e.action for e in list_events(session, AuditFilter(limit=None))]
    assert {"search.request", "search.request.approve", "search.run"} <= set(actions)


@pytest.mark.policy("D.1")
def test_pending_denied_foreign_or_other_case_requests_cannot_be_used(
        db: Database, people: dict[str, Context]) -> None:
    officer = people["officer"]
    pending = ask(db, officer)
    refused_search(db, lambda: other_use(db, officer, pending.id), "not been approved yet")
    denied = ask(db, officer, "26-7002")
    decide(db, people["sergeant"], denied.id, approve=False, note="Not a law-enforcement use")
    refused_search(db, lambda: other_use(db, officer, denied.id, "26-7002"),
                   "was denied: Not a law-enforcement use")
    decide(db, people["sergeant"], pending.id)
    refused_search(db, lambda: other_use(db, people["other"], pending.id), "someone else's")
    refused_search(db, lambda: other_use(db, officer, pending.id, "26-9999"),
                   "approved for case 26-7001, not 26-9999")
    refused_search(db, lambda: other_use(db, officer, None), "names the approved request")
    refused_search(db, lambda: other_use(db, officer, 999), "no other-use request #999",
                   clause=None, error=InputRejected)


@pytest.mark.policy("D.1")
def test_approval_runs_out_after_its_period(db: Database, people: dict[str, Context]) -> None:
    request = ask(db, people["officer"])
    decided = decide(db, people["sergeant"], request.id)
    later = at(people["officer"], decided.decided_at + OTHER_USE_VALID_FOR + timedelta(hours=1))
    refused_search(db, lambda: other_use(db, later, request.id), "ran out")
    assert query(db, later, my_requests)[0].status == "expired"
    just_in_time = at(people["officer"], decided.decided_at + OTHER_USE_VALID_FOR
                      - timedelta(minutes=1))
    assert other_use(db, just_in_time, request.id).search_id


@pytest.mark.policy("D.1")
@pytest.mark.policy("SOD")
def test_no_one_decides_their_own_request(db: Database, people: dict[str, Context]) -> None:
    own = ask(db, people["sergeant"])
    assert_refused(db, lambda: decide(db, people["sergeant"], own.id),
                   action="search.request.approve", clause="SOD",
                   match="cannot decide your own", error=Refused)
    assert [r.id for r in query(db, people["sergeant"], pending_requests)] == []
    assert [r.id for r in query(db, people["second"], pending_requests)] == [own.id]


@pytest.mark.policy("D.1")
def test_only_approvers_decide_and_each_decision_is_documented(
        db: Database, people: dict[str, Context]) -> None:
    request = ask(db, people["officer"])
    assert_refused(db, lambda: decide(db, people["other"], request.id),
                   action="search.request.approve", clause="A.2",
                   match="Only ALPR administrator, Supervisor", error=Refused)
    for note in ("", "   ", "x" * 1001, "ok\x07"):
        assert_refused(db, lambda note=note: decide(db, people["sergeant"], request.id,
                                                    note=note),
                       action="search.request.approve", match="note", error=InputRejected)
    decide(db, people["sergeant"], request.id, approve=False, note="No case nexus")
    assert_refused(db, lambda: decide(db, people["second"], request.id),
                   action="search.request.approve", match="already denied by 7101",
                   error=InputRejected)
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="search.request.deny"))
    assert event.reason == "No case nexus" and event.details["requester"] == "6301"


@pytest.mark.parametrize("case,use,message", [
    ("26-1' OR '1'='1", USE, "case number"),
    (None, USE, "case number"),
    ("26-7001", "too short", "description of the use: at least 10"),
    ("26-7001", "x" * 2001, "description of the use: at most 2000"),
    ("26-7001", USE + "\x1b[2J", "control characters"),
    ("26-7001", 42, "description of the use"),
])
def test_bad_requests_are_rejected(db: Database, people: dict[str, Context], case: object,
                                   use: object, message: str) -> None:
    assert_refused(db, lambda: ask(db, people["officer"], case, use),  # type: ignore[arg-type]
                   action="search.request", match=message, error=InputRejected)


def test_requests_list_mine_only(db: Database, people: dict[str, Context]) -> None:
    mine = ask(db, people["officer"])
    ask(db, people["other"], "26-7003")
    assert [r.id for r in query(db, people["officer"], my_requests)] == [mine.id]
    assert_refused(db, lambda: query(db, people["officer"], pending_requests),
                   action="search.request.list", clause="A.2", error=Refused)
