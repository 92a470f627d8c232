"""`rtic-console hits claim` and `hits close`: the checklist's rules hold on the CLI (D.6.a)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rtic_console.domain.checklist import Step, StepInput
from rtic_console.domain.reads import PlateRead
from rtic_console.services import hits as hit_service
from rtic_console.services import hotlists
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.cli.conftest import CliRefused, refused_by_cli
from tests.refusals import assert_refused

GONE = "SVS and NCIC show the vehicle recovered 11/20"


@pytest.fixture
def hit_id(db: Database, enrol) -> int:
    """One hit on an SPD hot plate, new in the queue."""
    officer = enrol("6301", "officer")
    perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
        plate="7ABC123", state="CA", reason="stolen_vehicle", case_number="26-1", xref=None,
        ncic_system="SVS", ncic_record="V1"))
    engine = MatchingEngine()
    with db.read() as session:
        engine.load(session)
    with db.write() as session:
        outcome = ingest_reads(session, [PlateRead(
            source="openalpr", source_id="cli-1", plate="7ABC123", plate_raw="7ABC123",
            state="CA", confidence=0.9, captured_at=datetime.now(UTC), device_ref="R1")],
            engine, datetime.now(UTC), "test")
    return outcome.hit_ids[0]


@pytest.mark.policy("D.6.a")
def test_an_unclaimed_hit_is_not_closed_as_no_longer_wanted_with_nah(
        db: Database, as_person, enrol, hit_id: int) -> None:
    enrol("5201", "dispatcher", sign=False)
    event = assert_refused(db, refused_by_cli(as_person, "5201", "hits", "close", str(hit_id),
                                              "--as", "no_longer_wanted", "--reason", "nah"),
                           action="hits.close", clause="D.6.a", error=CliRefused, signed_in=True,
                           match="claim the hit before closing")
    assert event.actor_badge == "5201" and event.object_id == str(hit_id)


@pytest.mark.policy("D.6.a")
def test_claim_then_close_by_the_rules(db: Database, as_person, enrol, hit_id: int) -> None:
    dispatcher = enrol("5201", "dispatcher")
    enrol("5202", "dispatcher", sign=False)
    code, out, err = as_person("5201", "hits", "claim", str(hit_id))
    assert code == 0, err
    assert f"Hit {hit_id} (7ABC123) claimed by 5201" in out
    assert_refused(db, refused_by_cli(as_person, "5202", "hits", "claim", str(hit_id)),
                   action="hits.claim", clause="D.5.b", error=CliRefused, signed_in=True,
                   match="already claimed by 5201")
    close = ("hits", "close", str(hit_id), "--as", "no_longer_wanted", "--reason")
    assert_refused(db, refused_by_cli(as_person, "5201", *close, "nah"),
                   action="hits.close", clause="D.6.a", error=CliRefused, signed_in=True,
                   match="only after step 2")
    assert_refused(db, refused_by_cli(as_person, "5202", *close, GONE),
                   action="hits.close", clause="D.5.b", error=CliRefused, signed_in=True,
                   match="claimed by 5201; only they")
    for item in (StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118812",
                                                   "incident_type": "10851"}),
                 StepInput(Step.RECORD_CHECKS, {"clets_result": "SVS: RECOVERED",
                                                "ncic_result": "NIC V1 CLEARED",
                                                "outcome": "no_longer_wanted"})):
        perform(db, dispatcher, hit_service.record_step, hit_id, item)
    assert_refused(db, refused_by_cli(as_person, "5201", *close, "nah"),
                   action="hits.close", clause="D.6.a", error=CliRefused, signed_in=True,
                   match="does not say what was found")
    code, out, err = as_person("5201", *close, GONE)
    assert code == 0, err
    assert out.strip() == f"Hit {hit_id} (7ABC123) closed: no longer wanted"
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="hits.close"))
    assert event.reason == GONE and event.details["closing"] == "no_longer_wanted"
    code, out, _ = as_person("5201", "hits", "list")
    assert str(hit_id) not in out.split("\n", 1)[1], "the closed hit left the open queue"


def test_closing_choices_and_arguments_are_checked(as_person, enrol, hit_id: int,
                                                   capsys) -> None:
    enrol("5201", "dispatcher", sign=False)
    with pytest.raises(SystemExit) as stopped:
        as_person("5201", "hits", "close", str(hit_id), "--as", "recovered", "--reason", GONE)
    assert stopped.value.code == 2
    assert "invalid choice: 'recovered'" in capsys.readouterr().err
    code, _, err = as_person("5201", "hits", "claim", "999999")
    assert code == 2 and "there is no hit #999999" in err


@pytest.mark.policy("D.5.a")
def test_a_claim_is_released_from_the_terminal(db: Database, as_person, enrol,
                                               hit_id: int) -> None:
    enrol("5201", "dispatcher")
    enrol("5202", "dispatcher", sign=False)
    assert as_person("5201", "hits", "claim", str(hit_id))[0] == 0
    assert_refused(db, refused_by_cli(as_person, "5202", "hits", "release", str(hit_id),
                                      "--reason", "taking it over from 5201 now"),
                   action="hits.release", clause="A.2", error=CliRefused, signed_in=True,
                   match="Only Supervisor")
    code, out, err = as_person("5201", "hits", "release", str(hit_id), "--reason",
                               "end of shift, nothing recorded yet")
    assert code == 0, err
    assert out.strip() == f"Hit {hit_id} (7ABC123) is back in the queue for any dispatcher"
    code, out, err = as_person("5202", "hits", "claim", str(hit_id))
    assert code == 0 and "claimed by 5202" in out, err
