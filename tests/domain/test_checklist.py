"""The verification checklist's rules, without a database (D.6.a)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.checklist import (
    ChecklistError,
    ChecklistRefusal,
    HitStatus,
    Step,
    StepInput,
    check_close_allowed,
    check_confirm_allowed,
    check_step_allowed,
    clean_step,
    escalation_level,
    next_step,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
CREATED = NOW - timedelta(minutes=3)


@pytest.mark.policy("D.6.a")
def test_steps_go_in_order() -> None:
    check_step_allowed(HitStatus.CLAIMED, "5201", "5201", Step.CALL_FOR_SERVICE, set())
    with pytest.raises(ChecklistRefusal, match="do step 1"):
        check_step_allowed(HitStatus.CLAIMED, "5201", "5201", Step.RECORD_CHECKS, set())
    with pytest.raises(ChecklistRefusal, match="do step 3"):
        check_step_allowed(HitStatus.CLAIMED, "5201", "5201", Step.BROADCAST, {1, 2})
    with pytest.raises(ChecklistRefusal, match="already recorded"):
        check_step_allowed(HitStatus.CLAIMED, "5201", "5201", Step.CALL_FOR_SERVICE, {1})
    assert next_step({1, 2}) is Step.VEHICLE_AND_DIRECTION


@pytest.mark.policy("D.6.a")
def test_only_the_claiming_dispatcher_works_the_checklist() -> None:
    with pytest.raises(ChecklistRefusal, match="claim the hit") as refused:
        check_step_allowed(HitStatus.NEW, None, "5201", Step.CALL_FOR_SERVICE, set())
    assert refused.value.clause == "D.6.a"
    with pytest.raises(ChecklistRefusal, match="claim the hit"):
        check_step_allowed(HitStatus.CLAIMED, "5202", "5201", Step.CALL_FOR_SERVICE, set())


@pytest.mark.policy("D.5.b")
@pytest.mark.policy("D.6.a")
def test_confirm_needs_the_claim_all_four_steps_and_still_wanted() -> None:
    with pytest.raises(ChecklistRefusal, match="who claimed") as refused:
        check_confirm_allowed(HitStatus.CLAIMED, "5202", "5201", {1, 2, 3, 4}, "still_wanted")
    assert refused.value.clause == "D.5.b"
    with pytest.raises(ChecklistRefusal, match="missing step 4") as refused:
        check_confirm_allowed(HitStatus.CLAIMED, "5201", "5201", {1, 2, 3}, "still_wanted")
    assert refused.value.clause == "D.6.a"
    with pytest.raises(ChecklistRefusal, match="no longer wanted instead"):
        check_confirm_allowed(HitStatus.CLAIMED, "5201", "5201", {1, 2, 3, 4}, "no_record")
    check_confirm_allowed(HitStatus.CLAIMED, "5201", "5201", {1, 2, 3, 4}, "still_wanted")


@pytest.mark.parametrize("step,data,message", [
    (Step.CALL_FOR_SERVICE, {"cad_number": "", "incident_type": "10851"}, "required"),
    (Step.CALL_FOR_SERVICE, {"cad_number": "12'; DROP", "incident_type": "10851"}, "not valid"),
    # D.6: step 1 records the incident's type code (General Order 500.02) beside its number.
    (Step.CALL_FOR_SERVICE, {"cad_number": "26-118812"}, "incident type code is required"),
    (Step.CALL_FOR_SERVICE, {"cad_number": "26-118812", "incident_type": "<b>459</b>"},
     "incident type code '<B>459</B>' is not valid"),
    (Step.CALL_FOR_SERVICE, {"cad_number": "26-118812", "incident_type": "1" * 13},
     "at most 12"),
    (Step.RECORD_CHECKS, {"clets_result": "x", "outcome": "still_wanted"}, "attach"),
    (Step.RECORD_CHECKS, {"clets_result": "x", "ncic_result": "y", "outcome": "maybe"},
     "outcome"),
    (Step.VEHICLE_AND_DIRECTION, {"vehicle_description": "blue Civic"}, "Direction"),
    (Step.VEHICLE_AND_DIRECTION, {"vehicle_description": "blue Civic", "direction": "NNE"},
     "not one of"),
    (Step.BROADCAST, {"channel": "Tac 2", "broadcast_at": "09:58"}, "time zone"),
    (Step.BROADCAST, {"channel": "Tac 2", "broadcast_at": datetime(2026, 11, 22, 9, 58)},
     "time zone"),
    (Step.BROADCAST, {"channel": "Tac 2", "broadcast_at": NOW + timedelta(hours=1)}, "future"),
    (Step.BROADCAST, {"channel": 7, "broadcast_at": NOW}, "must be text"),
])
def test_bad_step_data_named(step: Step, data: dict, message: str) -> None:
    with pytest.raises(ChecklistError, match=message):
        clean_step(StepInput(step, data), CREATED, NOW)


def test_the_broadcast_time_is_the_moment_of_recording_unless_given() -> None:
    step_3_at = NOW - timedelta(seconds=40)
    cleaned = clean_step(StepInput(Step.BROADCAST, {"channel": "Tac 2"}), step_3_at, NOW)
    assert cleaned == {"channel": "Tac 2", "broadcast_at": NOW.isoformat()}
    given = step_3_at + timedelta(seconds=10)
    assert clean_step(StepInput(Step.BROADCAST, {"channel": "Tac 2", "broadcast_at": given}),
                      step_3_at, NOW)["broadcast_at"] == given.isoformat()
    # Entered to the second: the second step 3 was recorded in is not before it.
    same_second = step_3_at.replace(microsecond=0)
    assert clean_step(StepInput(Step.BROADCAST, {"channel": "Tac 2",
                                                 "broadcast_at": same_second}),
                      step_3_at.replace(microsecond=500_000), NOW)


@pytest.mark.policy("D.6.a")
def test_a_broadcast_before_step_3_is_refused() -> None:
    step_3_at = NOW - timedelta(seconds=40)
    with pytest.raises(ChecklistRefusal, match="before step 3 was recorded") as refused:
        clean_step(StepInput(Step.BROADCAST, {"channel": "Tac 2",
                                              "broadcast_at": step_3_at - timedelta(seconds=1)}),
                   step_3_at, NOW)
    assert refused.value.clause == "D.6.a"


def test_step_data_cleaned() -> None:
    assert clean_step(StepInput(Step.CALL_FOR_SERVICE, {"cad_number": " 26-112233 ",
                                                        "incident_type": "10851"}),
                      CREATED, NOW) == {"cad_number": "26-112233", "incident_type": "10851"}
    cleaned = clean_step(StepInput(Step.RECORD_CHECKS, {"outcome": "still_wanted"},
                                   "clets.txt", b"SVS HIT"), CREATED, NOW)
    assert cleaned["outcome"] == "still_wanted"


def close(status: HitStatus, closing: HitStatus, reason: str, *, claimed_by: str | None = "5201",
          done: frozenset[int] = frozenset(), outcome: str | None = None,
          informational: bool = False) -> str:
    return check_close_allowed(status, closing, reason, claimed_by=claimed_by,
                               actor_badge="5201", done=set(done), outcome=outcome,
                               informational=informational)


GOOD_REASON = "photo shows 7A8C123, not the listed plate"


@pytest.mark.policy("D.6.a")
def test_closing_needs_the_claim_and_an_open_hit() -> None:
    with pytest.raises(ChecklistRefusal, match="claim the hit before closing"):
        close(HitStatus.NEW, HitStatus.MISREAD, GOOD_REASON, claimed_by=None)
    with pytest.raises(ChecklistRefusal, match="claimed by 5202; only they") as refused:
        close(HitStatus.CLAIMED, HitStatus.DUPLICATE, GOOD_REASON, claimed_by="5202")
    assert refused.value.clause == "D.5.b"
    with pytest.raises(ChecklistRefusal, match="already confirmed"):
        close(HitStatus.CONFIRMED, HitStatus.MISREAD, GOOD_REASON)
    with pytest.raises(ChecklistError, match="not a way to close"):
        close(HitStatus.CLAIMED, HitStatus.CONFIRMED, GOOD_REASON)
    assert close(HitStatus.CLAIMED, HitStatus.MISREAD, f"  {GOOD_REASON} ") == GOOD_REASON


@pytest.mark.policy("D.6.a")
@pytest.mark.parametrize("reason", ["", "   ", "nah", "no hit", "dup dup dup dup", "a b c d e f",
                                    "n/a n/a n/a"])
def test_a_closing_reason_says_what_was_found(reason: str) -> None:
    with pytest.raises(ChecklistRefusal, match="reason"):
        close(HitStatus.CLAIMED, HitStatus.MISREAD, reason)


def test_a_closing_reason_has_a_length_limit() -> None:
    with pytest.raises(ChecklistError, match="longer than 1000"):
        close(HitStatus.CLAIMED, HitStatus.MISREAD, "word " * 300)
    assert close(HitStatus.CLAIMED, HitStatus.DUPLICATE, "same read as hit 41") \
        == "same read as hit 41"


@pytest.mark.policy("D.6.a")
def test_no_longer_wanted_only_after_the_clets_ncic_step() -> None:
    with pytest.raises(ChecklistRefusal, match="only after step 2"):
        close(HitStatus.CLAIMED, HitStatus.NO_LONGER_WANTED, "recovered yesterday per owner",
              done=frozenset({1}))
    with pytest.raises(ChecklistRefusal, match="still wanted"):
        close(HitStatus.CLAIMED, HitStatus.NO_LONGER_WANTED, "recovered yesterday per owner",
              done=frozenset({1, 2}), outcome="still_wanted")
    assert close(HitStatus.CLAIMED, HitStatus.NO_LONGER_WANTED, "SVS shows recovered 11/20",
                 done=frozenset({1, 2}), outcome="no_longer_wanted")
    # A special list plate has no CLETS/NCIC record to verify (A.15, I.1).
    assert close(HitStatus.CLAIMED, HitStatus.NO_LONGER_WANTED, "noted, patrol informed",
                 informational=True)


@pytest.mark.policy("D.5.a")
def test_escalation_by_age() -> None:
    limits = (timedelta(minutes=2), timedelta(minutes=5))
    assert escalation_level(timedelta(seconds=30), limits) == 0
    assert escalation_level(timedelta(minutes=3), limits) == 1
    assert escalation_level(timedelta(minutes=9), limits) == 2
