"""Reads in, hits out: matching, the hit queue and the checklist (D.4, D.5, E.2, I.1)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from rtic_console.domain.checklist import HitStatus, Step, StepInput
from rtic_console.domain.reads import PlateRead
from rtic_console.services import hits as hit_service
from rtic_console.services import hotlists
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import HitStep, HotListEntry
from rtic_console.store.pg_listener import PgListener
from tests.refusals import assert_refused

NOW = datetime.now(UTC)


def read(plate: str, *, state: str | None = "CA", candidates: tuple[str, ...] = (),
         source_id: str | None = None) -> PlateRead:
    return PlateRead(source="openalpr", source_id=source_id or f"agent-1-{plate}-{id(plate)}",
                     plate=plate, plate_raw=plate, state=state, confidence=0.91,
                     captured_at=NOW - timedelta(seconds=5), device_ref="ALPR-FX-01",
                     latitude=38.577, longitude=-121.485, direction_deg=90.0,
                     candidates=tuple((c, 0.8) for c in candidates))


@pytest.fixture
def engine(db: Database) -> Iterator[MatchingEngine]:
    """The index as an ingest process keeps it: loaded, then fed by committed changes."""
    eng = MatchingEngine(max_substitutions=1)
    with db.read() as session:
        eng.load(session)
    db.bus.subscribe(eng.subscriber())
    listener = PgListener(db, db.bus) if db.is_postgres else None
    if listener:
        listener.start()
        assert listener.connected.wait(5)
    yield eng
    if listener:
        listener.stop()


def indexed(db: Database, engine: MatchingEngine) -> int:
    """What the index's owner does before each batch: apply the changes heard so far."""
    with db.read() as session:
        engine.catch_up(session)
    return len(engine.index)


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def listed(db: Database, enrol, engine: MatchingEngine) -> Context:
    officer = enrol("6301", "officer")
    perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
        plate="7ABC123", state="CA", reason="stolen_vehicle", case_number="26-1",
        xref=None, ncic_system="SVS", ncic_record="V1"))
    assert wait_for(lambda: indexed(db, engine) == 1), "the new entry never reached the index"
    return officer


def ingest(db: Database, engine: MatchingEngine, *reads: PlateRead):
    with db.write() as session:
        return ingest_reads(session, reads, engine, datetime.now(UTC), "test")


def test_an_entry_added_while_the_index_loads_is_in_it_or_still_queued(
        db: Database, enrol) -> None:
    """A reload counts the changes already queued and drops them as included: its own
    snapshot must start after that count. The ingest service's start once read the schema
    in the same transaction first, and an entry committed in between was dropped unapplied
    (seen as a hit never raised for a plate added at the service's start, on SQLite)."""
    engine = MatchingEngine()
    db.bus.subscribe(engine.subscriber())
    officer = enrol("6301", "officer")
    with db.read() as earlier:  # a read under way when the entry commits
        earlier.execute(select(func.count()).select_from(HotListEntry)).scalar()
        perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
            plate="7ABC123", state="CA", reason="stolen_vehicle", case_number="26-1",
            xref=None, ncic_system="SVS", ncic_record="V1"))
        assert engine.reload(db) == 1
    assert indexed(db, engine) == 1


def test_exact_approximate_candidate_and_state(db: Database, engine: MatchingEngine,
                                               listed: Context) -> None:
    ids = ingest(db, engine, read("7ABC123"), read("7A8C123"), read("ZZZ999", candidates=(
        "ZZZ998", "7ABCI23")), read("7ABC123", state="NV", source_id="nv-1"),
        read("9XYZ000")).hit_ids
    assert len(ids) == 4
    views = perform(db, listed, hit_service.list_hits)
    by_read = {(v.best_plate, v.read_state): v for v in views}
    assert by_read[("7ABC123", "CA")].substitutions == 0
    assert by_read[("7A8C123", "CA")].approximate and by_read[("7A8C123", "CA")].substitutions == 1
    cand = by_read[("ZZZ999", "CA")]
    assert cand.candidate_index == 1 and cand.read_plate == "7ABCI23"
    assert by_read[("7ABC123", "NV")].state_mismatch
    assert views[0].reason == "stolen_vehicle" and views[0].case_number == "26-1"


def test_duplicate_read_stored_once(db: Database, engine: MatchingEngine, listed) -> None:
    first = ingest(db, engine, read("7ABC123", source_id="same"))
    again = ingest(db, engine, read("7ABC123", source_id="same"))
    assert (first.stored, len(first.hit_ids)) == (1, 1)
    assert (again.stored, again.duplicates, again.hit_ids) == (0, 1, ())


def test_a_file_chunk_resent_is_stored_once(db: Database, engine: MatchingEngine) -> None:
    """A file chunk's worth of reads (20,000), half of them sent before: on PostgreSQL the
    look-up of vendor ids stored already once overflowed the planner's stack at this size."""
    reads = [read(f"{n:07d}", source_id=f"chunk-{n}") for n in range(20_000)]
    first = ingest(db, engine, *reads[:10_000])
    again = ingest(db, engine, *reads)
    assert (first.stored, again.stored, again.duplicates) == (10_000, 10_000, 10_000)


@pytest.mark.policy("E.2")
def test_expired_entry_stops_matching(db: Database, engine: MatchingEngine, enrol) -> None:
    officer = enrol("6302", "officer")
    perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
        plate="4EXP001", state="CA", reason="stolen_plate", case_number="26-2", xref=None,
        ncic_system="SLR", ncic_record="P1", expires_in_hours=0.0003))
    assert wait_for(lambda: indexed(db, engine) == 1)
    time.sleep(1.2)
    assert ingest(db, engine, read("4EXP001")).hit_ids == ()


@pytest.mark.policy("I.1")
def test_special_entry_hits_only_after_approval_and_is_informational(
        db: Database, engine: MatchingEngine, enrol) -> None:
    officer = enrol("6301", "officer")
    supervisor = enrol("8501", "supervisor")
    proposed = perform(db, officer, hotlists.propose_special, HotPlateInput(
        plate="5SPC555", state="CA", reason="other", case_number="26-3", xref=None,
        ncic_system=None, ncic_record=None))
    assert ingest(db, engine, read("5SPC555", source_id="before")).hit_ids == ()
    perform(db, supervisor, hotlists.decide_special, proposed.id, True, "approved")
    assert wait_for(lambda: indexed(db, engine) == 1)
    hit_ids = ingest(db, engine, read("5SPC555", source_id="after")).hit_ids
    assert len(hit_ids) == 1
    view = perform(db, officer, hit_service.list_hits)[0]
    assert view.informational
    dispatcher = enrol("5201", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, view.id)
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.confirm_hit, view.id),
                   action="hits.confirm", clause="I.1", match="informational only")
    # No CLETS/NCIC record stands behind a special list plate (A.15): the claim and a
    # reason close it.
    closed = perform(db, dispatcher, hit_service.close_hit, view.id,
                     HitStatus.NO_LONGER_WANTED, "noted; patrol units informed")
    assert closed.status is HitStatus.NO_LONGER_WANTED


def _work_to_confirmation(db: Database, ctx: Context, hit_id: int) -> None:
    steps = [
        StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118812", "incident_type": "10851"}),
        StepInput(Step.RECORD_CHECKS, {"clets_result": "SVS: STOLEN 26-1",
                                       "ncic_result": "NIC V1 ACTIVE",
                                       "outcome": "still_wanted"}),
        StepInput(Step.VEHICLE_AND_DIRECTION, {"vehicle_description": "silver Honda Civic",
                                               "direction": "E"}),
        StepInput(Step.BROADCAST, {"channel": "Central 1"}),  # broadcast as it is recorded
    ]
    for item in steps:
        perform(db, ctx, hit_service.record_step, hit_id, item)


@pytest.mark.policy("D.5.b")
@pytest.mark.policy("D.6.a")
def test_only_a_dispatcher_confirms_after_four_steps(db: Database, engine: MatchingEngine,
                                                     listed: Context, enrol) -> None:
    hit_id = ingest(db, engine, read("7ABC123")).hit_ids[0]
    admin_like = enrol("4102", "alpr_admin")
    assert_refused(db, lambda: perform(db, admin_like, hit_service.claim_hit, hit_id),
                   action="hits.claim", match="Only Dispatcher")
    dispatcher = enrol("5201", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.confirm_hit, hit_id),
                   action="hits.confirm", clause="D.6.a", match="missing step 1, 2, 3, 4")
    assert_refused(db, lambda: perform(
        db, dispatcher, hit_service.record_step, hit_id,
        StepInput(Step.BROADCAST, {"channel": "x", "broadcast_at": datetime.now(UTC)})),
        action="hits.step", clause="D.6.a", match="do step 1")
    _work_to_confirmation(db, dispatcher, hit_id)
    confirmed = perform(db, dispatcher, hit_service.confirm_hit, hit_id)
    assert confirmed.status is HitStatus.CONFIRMED
    detail = perform(db, dispatcher, hit_service.hit_detail, hit_id)
    assert [s.step for s in detail.steps] == [1, 2, 3, 4]
    assert all(s.done_by == "5201" for s in detail.steps)


def test_steps_survive_a_restart(db: Database, engine: MatchingEngine, listed, enrol) -> None:
    from rtic_console.store.database import open_database

    hit_id = ingest(db, engine, read("7ABC123")).hit_ids[0]
    dispatcher = enrol("5201", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    perform(db, dispatcher, hit_service.record_step, hit_id,
            StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-5", "incident_type": "10851"}))
    fresh = open_database(db.url.render_as_string(hide_password=False))
    try:
        detail = perform(fresh, dispatcher, hit_service.hit_detail, hit_id)
        assert detail.hit.steps_done == (1,) and detail.hit.claimed_by == "5201"
    finally:
        fresh.dispose()


@pytest.mark.policy("D.6.a")
def test_closing_as_misread_needs_the_claim_and_a_reason(db: Database, engine: MatchingEngine,
                                                         listed, enrol) -> None:
    hit_id = ingest(db, engine, read("7A8C123")).hit_ids[0]
    dispatcher = enrol("5201", "dispatcher")
    reason = "photo shows 7A8C123; listed plate differs"
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.close_hit, hit_id,
                                       HitStatus.MISREAD, reason),
                   action="hits.close", clause="D.6.a", match="claim the hit before closing")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    for thin in ("", "nah", "misread"):
        assert_refused(db, lambda thin=thin: perform(db, dispatcher, hit_service.close_hit,
                                                     hit_id, HitStatus.MISREAD, thin),
                       action="hits.close", clause="D.6.a", match="reason")
    closed = perform(db, dispatcher, hit_service.close_hit, hit_id, "misread", reason)
    assert closed.status is HitStatus.MISREAD
    assert perform(db, dispatcher, hit_service.list_hits) == []
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="hits.close"))
    assert event.reason == reason and event.details["closing"] == "misread"
    with pytest.raises(InputRejected, match="not a way to close"):
        perform(db, dispatcher, hit_service.close_hit, hit_id, "recovered", reason)
    with pytest.raises(InputRejected, match="no way to close it was chosen"):
        perform(db, dispatcher, hit_service.close_hit, hit_id, None, reason)


@pytest.mark.policy("D.5.b")
@pytest.mark.policy("D.6.a")
def test_the_checklist_cannot_be_skipped(db: Database, engine: MatchingEngine, listed,
                                         enrol) -> None:
    """The issue's case: an unclaimed hit closed as no longer wanted with 'nah'."""
    hit_id = ingest(db, engine, read("7ABC123")).hit_ids[0]
    dispatcher, other = enrol("5201", "dispatcher"), enrol("5202", "dispatcher")
    close = hit_service.close_hit
    assert_refused(db, lambda: perform(db, dispatcher, close, hit_id,
                                       HitStatus.NO_LONGER_WANTED, "nah"),
                   action="hits.close", clause="D.6.a", match="claim the hit")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    # Someone who has not claimed the hit neither works its steps nor closes or confirms it.
    assert_refused(db, lambda: perform(db, other, hit_service.record_step, hit_id, StepInput(
        Step.CALL_FOR_SERVICE, {"cad_number": "26-9",
                                "incident_type": "10851"})), action="hits.step", clause="D.6.a",
        match="claim the hit")
    assert_refused(db, lambda: perform(db, other, close, hit_id, HitStatus.DUPLICATE,
                                       "same read as hit 41"),
                   action="hits.close", clause="D.5.b", match="claimed by 5201")
    assert_refused(db, lambda: perform(db, other, hit_service.confirm_hit, hit_id),
                   action="hits.confirm", clause="D.5.b", match="who claimed")
    gone = "SVS shows the vehicle recovered on 11/20"
    assert_refused(db, lambda: perform(db, dispatcher, close, hit_id,
                                       HitStatus.NO_LONGER_WANTED, gone),
                   action="hits.close", clause="D.6.a", match="only after step 2")
    perform(db, dispatcher, hit_service.record_step, hit_id,
            StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118812", "incident_type": "10851"}))
    again = StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-1", "incident_type": "10851"})
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.record_step, hit_id, again),
                   action="hits.step", clause="D.6.a", match="already recorded")
    perform(db, dispatcher, hit_service.record_step, hit_id, StepInput(
        Step.RECORD_CHECKS, {"clets_result": "SVS: RECOVERED 11/20", "ncic_result": "NIC V1 "
                             "CLEARED", "outcome": "no_longer_wanted"}))
    closed = perform(db, dispatcher, close, hit_id, HitStatus.NO_LONGER_WANTED, gone)
    assert closed.status is HitStatus.NO_LONGER_WANTED and closed.steps_done == (1, 2)
    assert_refused(db, lambda: perform(db, dispatcher, close, hit_id, HitStatus.MISREAD, gone),
                   action="hits.close", clause="D.6.a", match="already closed")
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.claim_hit, hit_id),
                   action="hits.claim", clause="D.6.a", match="already no longer wanted")


@pytest.mark.policy("D.6.a")
def test_step_one_records_the_incident_type_code(db: Database, engine: MatchingEngine,
                                                 listed, enrol) -> None:
    """The CAD incident and its type code (General Order 500.02): without the code, step 1
    is refused, nothing recorded, and the refusal audited."""
    hit_id = ingest(db, engine, read("7ABC123")).hit_ids[0]
    dispatcher = enrol("5201", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.record_step, hit_id,
                                       StepInput(Step.CALL_FOR_SERVICE,
                                                 {"cad_number": "26-118812"})),
                   action="hits.step", match="incident type code is required")
    perform(db, dispatcher, hit_service.record_step, hit_id, StepInput(
        Step.CALL_FOR_SERVICE, {"cad_number": "26-118812", "incident_type": "10851"}))
    with db.read() as session:
        (step,) = session.scalars(select(HitStep).where(HitStep.hit_id == hit_id))
    assert json.loads(step.data) == {"cad_number": "26-118812", "incident_type": "10851"}


@pytest.mark.policy("D.6.a")
def test_still_wanted_is_not_closed_as_no_longer_wanted(db: Database, engine: MatchingEngine,
                                                        listed, enrol) -> None:
    hit_id = ingest(db, engine, read("7ABC123")).hit_ids[0]
    dispatcher = enrol("5201", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    for item in (StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118812",
                                                   "incident_type": "10851"}),
                 StepInput(Step.RECORD_CHECKS, {"clets_result": "SVS: STOLEN", "ncic_result":
                                                "NIC V1 ACTIVE", "outcome": "still_wanted"})):
        perform(db, dispatcher, hit_service.record_step, hit_id, item)
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.close_hit, hit_id,
                                       HitStatus.NO_LONGER_WANTED, "vehicle left the area"),
                   action="hits.close", clause="D.6.a", match="still wanted")


@pytest.mark.policy("D.6.a")
def test_no_answer_is_chosen_for_the_dispatcher(db: Database, engine: MatchingEngine, listed,
                                                enrol) -> None:
    """The issue's case: a direction nobody chose, and a broadcast 'at' a time before steps
    2 and 3 were recorded, entered the permanent record."""
    hit_id = ingest(db, engine, read("7ABC123")).hit_ids[0]
    dispatcher = enrol("5201", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    before_steps = datetime.now(UTC) - timedelta(seconds=2)  # entered to the second
    for item in (StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118812",
                                                   "incident_type": "10851"}),
                 StepInput(Step.RECORD_CHECKS, {"clets_result": "SVS: STOLEN", "ncic_result":
                                                "NIC V1 ACTIVE", "outcome": "still_wanted"})):
        perform(db, dispatcher, hit_service.record_step, hit_id, item)
    with pytest.raises(InputRejected, match="Direction of travel is required"):
        perform(db, dispatcher, hit_service.record_step, hit_id, StepInput(
            Step.VEHICLE_AND_DIRECTION, {"vehicle_description": "silver Honda Civic"}))
    perform(db, dispatcher, hit_service.record_step, hit_id, StepInput(
        Step.VEHICLE_AND_DIRECTION, {"vehicle_description": "silver Honda Civic",
                                     "direction": "unknown"}))
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.record_step, hit_id,
                                       StepInput(Step.BROADCAST, {"channel": "Central 1",
                                                                  "broadcast_at": before_steps})),
                   action="hits.step", clause="D.6.a", match="before step 3 was recorded")
    perform(db, dispatcher, hit_service.record_step, hit_id,
            StepInput(Step.BROADCAST, {"channel": "Central 1"}))
    steps = perform(db, dispatcher, hit_service.hit_detail, hit_id).steps
    assert steps[2].data["direction"] == "unknown"
    assert datetime.fromisoformat(str(steps[3].data["broadcast_at"])) == steps[3].done_at, \
        "no time given: the broadcast is the moment it was recorded"
    assert steps[3].done_at >= steps[2].done_at


@pytest.mark.policy("D.6.a")
def test_two_dispatchers_claim_at_once_exactly_one_wins(db: Database, engine: MatchingEngine,
                                                        listed, enrol) -> None:
    hit_id = ingest(db, engine, read("7ABC123")).hit_ids[0]
    first, second = enrol("5201", "dispatcher"), enrol("5202", "dispatcher")
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def claim(name: str, ctx: Context) -> None:
        barrier.wait()
        try:
            results[name] = perform(db, ctx, hit_service.claim_hit, hit_id)
        except Refused as exc:
            results[name] = exc

    threads = [threading.Thread(target=claim, args=(n, c))
               for n, c in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    refusals = [r for r in results.values() if isinstance(r, Refused)]
    assert len(refusals) == 1
    assert "already claimed by" in str(refusals[0])
    # Two at once, so not assert_refused; the loser's refusal is audited all the same.
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="hits.claim.refused"))
    assert event.details == {"clause": "D.5.b"} and event.object_id == str(hit_id)


@pytest.mark.policy("D.3.e")
def test_a_confirmed_stolen_vehicle_hit_stores_its_recovery_call(
        db: Database, engine: MatchingEngine, listed: Context, enrol) -> None:
    hit_id = ingest(db, engine, read("7ABC123")).hit_ids[0]
    dispatcher = enrol("5201", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.record_recovery_call,
                                       hit_id, "26-120001"),
                   action="hits.recovery", clause="D.3.e", match="confirmed stolen vehicle")
    _work_to_confirmation(db, dispatcher, hit_id)
    confirmed = perform(db, dispatcher, hit_service.confirm_hit, hit_id)
    assert confirmed.reason == "stolen_vehicle" and confirmed.recovery_cfs is None
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.record_recovery_call,
                                       hit_id, "no!"),
                   action="hits.recovery", match="not valid")
    view = perform(db, dispatcher, hit_service.record_recovery_call, hit_id, "26-120001")
    assert view.recovery_cfs == "26-120001"
    assert_refused(db, lambda: perform(db, dispatcher, hit_service.record_recovery_call,
                                       hit_id, "26-120002"),
                   action="hits.recovery", clause="D.3.e", match="already recorded")
    with db.read() as session:
        [event] = list_events(session, AuditFilter(action="hits.recovery"))
    assert event.details["recovery_cfs"] == "26-120001" and event.actor_badge == "5201"
