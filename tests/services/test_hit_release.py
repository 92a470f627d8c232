"""A claimed hit goes back to the queue: handed back by its dispatcher or freed by the sergeant
on duty, so that no hit waits on someone who cannot finish it (D.5.a, D.5.b)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rtic_console.domain.checklist import HitStatus, Step, StepInput
from rtic_console.domain.reads import PlateRead
from rtic_console.services import hits as hit_service
from rtic_console.services.context import Context
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.test_hit_pipeline import engine, ingest, listed  # noqa: F401

WHY = "end of shift, CAD incident already entered"


@pytest.fixture
def claimed(db: Database, engine: MatchingEngine, enrol,  # noqa: F811
            listed: Context) -> tuple[int, Context]:  # noqa: F811
    """A hit claimed by dispatcher 5201, its first step recorded."""
    [hit_id] = ingest(db, engine, PlateRead(
        source="openalpr", source_id="release-1", plate="7ABC123", plate_raw="7ABC123",
        state="CA", confidence=0.9, captured_at=datetime.now(UTC),
        device_ref="ALPR-FX-01")).hit_ids
    dispatcher = enrol("5201", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, hit_id)
    perform(db, dispatcher, hit_service.record_step, hit_id,
            StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118812", "incident_type": "10851"}))
    return hit_id, dispatcher


def _released(db: Database) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action="hits.release"))


@pytest.mark.policy("D.5.a")
def test_the_claimer_hands_a_hit_back_and_the_next_dispatcher_carries_on(
        db: Database, enrol, claimed: tuple[int, Context]) -> None:
    hit_id, first = claimed
    view = perform(db, first, hit_service.release_hit, hit_id, WHY)
    assert view.status is HitStatus.NEW and view.claimed_by is None
    [event] = _released(db)
    assert event.actor_badge == "5201" and event.reason == WHY
    assert event.details["released_from"] == "5201"

    second = enrol("5202", "dispatcher")
    perform(db, second, hit_service.claim_hit, hit_id)
    for item in (StepInput(Step.RECORD_CHECKS, {"clets_result": "SVS: STOLEN",
                                                "ncic_result": "NIC V1 ACTIVE",
                                                "outcome": "still_wanted"}),
                 StepInput(Step.VEHICLE_AND_DIRECTION, {"vehicle_description": "silver sedan",
                                                        "direction": "N"}),
                 StepInput(Step.BROADCAST, {"channel": "Central 1",
                                            "broadcast_at": datetime.now(UTC)})):
        perform(db, second, hit_service.record_step, hit_id, item)
    detail = perform(db, second, hit_service.confirm_hit, hit_id)
    assert detail.status is HitStatus.CONFIRMED
    done_by = {s.step: s.done_by for s in
               query(db, second, hit_service.hit_detail, hit_id).steps}
    assert done_by == {1: "5201", 2: "5202", 3: "5202", 4: "5202"}, "who did each step stays"


@pytest.mark.policy("D.5.a")
def test_the_sergeant_frees_a_claim_its_dispatcher_cannot_finish(
        db: Database, enrol, claimed: tuple[int, Context]) -> None:
    hit_id, _ = claimed
    sergeant = enrol("8501", "supervisor")
    assert_refused(db, lambda: perform(db, sergeant, hit_service.release_hit, hit_id, "gone"),
                   action="hits.release", clause="D.5.a", match="does not say why")
    view = perform(db, sergeant, hit_service.release_hit, hit_id,
                   "dispatcher 5201 called away to a priority incident")
    assert view.status is HitStatus.NEW
    [event] = _released(db)
    assert event.actor_badge == "8501" and event.details["released_from"] == "5201"


@pytest.mark.policy("D.5.b")
def test_another_dispatcher_or_an_officer_cannot_take_a_claim_away(
        db: Database, enrol, claimed: tuple[int, Context]) -> None:
    hit_id, _ = claimed
    other = enrol("5202", "dispatcher")
    officer = enrol("6302", "officer")
    for who in (other, officer):
        assert_refused(db, lambda w=who: perform(db, w, hit_service.release_hit, hit_id, WHY),
                       action="hits.release", clause="A.2", match="Only Supervisor may do this")
    assert _released(db) == []


@pytest.mark.policy("D.5.a")
def test_a_hit_that_is_not_claimed_has_no_claim_to_release(
        db: Database, enrol, claimed: tuple[int, Context]) -> None:
    hit_id, first = claimed
    perform(db, first, hit_service.release_hit, hit_id, WHY)
    assert_refused(db, lambda: perform(db, first, hit_service.release_hit, hit_id, WHY),
                   action="hits.release", clause="D.5.a", match="no claim to release")
