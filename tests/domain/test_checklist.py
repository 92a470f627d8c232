"""The verification checklist's rules, without a database (D.6.a)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.checklist import (
    ChecklistError,
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
    with pytest.raises(ChecklistError, match="do step 1"):
        check_step_allowed(HitStatus.CLAIMED, "5201", "5201", Step.RECORD_CHECKS, set())
    with pytest.raises(ChecklistError, match="do step 3"):
        check_step_allowed(HitStatus.CLAIMED, "5201", "5201", Step.BROADCAST, {1, 2})
    assert next_step({1, 2}) is Step.VEHICLE_AND_DIRECTION


@pytest.mark.policy("D.6.a")
def test_only_the_claiming_dispatcher_works_the_checklist() -> None:
    with pytest.raises(ChecklistError, match="claim the hit"):
        check_step_allowed(HitStatus.NEW, None, "5201", Step.CALL_FOR_SERVICE, set())
    with pytest.raises(ChecklistError, match="claim the hit"):
        check_step_allowed(HitStatus.CLAIMED, "5202", "5201", Step.CALL_FOR_SERVICE, set())


@pytest.mark.policy("D.6.a")
def test_confirm_needs_all_four_steps_and_still_wanted() -> None:
    with pytest.raises(ChecklistError, match="missing step 4"):
        check_confirm_allowed(HitStatus.CLAIMED, "5201", "5201", {1, 2, 3}, "still_wanted")
    with pytest.raises(ChecklistError, match="no longer wanted instead"):
        check_confirm_allowed(HitStatus.CLAIMED, "5201", "5201", {1, 2, 3, 4}, "no_record")
    check_confirm_allowed(HitStatus.CLAIMED, "5201", "5201", {1, 2, 3, 4}, "still_wanted")


@pytest.mark.parametrize("step,data,message", [
    (Step.CALL_FOR_SERVICE, {"cad_number": ""}, "required"),
    (Step.CALL_FOR_SERVICE, {"cad_number": "12'; DROP"}, "not valid"),
    (Step.RECORD_CHECKS, {"clets_result": "x", "outcome": "still_wanted"}, "attach"),
    (Step.RECORD_CHECKS, {"clets_result": "x", "ncic_result": "y", "outcome": "maybe"},
     "outcome"),
    (Step.VEHICLE_AND_DIRECTION, {"vehicle_description": "blue Civic"}, "Direction"),
    (Step.BROADCAST, {"channel": "Tac 2"}, "broadcast time"),
    (Step.BROADCAST, {"channel": "Tac 2", "broadcast_at": NOW + timedelta(hours=1)}, "future"),
    (Step.BROADCAST, {"channel": 7, "broadcast_at": NOW}, "must be text"),
])
def test_bad_step_data_named(step: Step, data: dict, message: str) -> None:
    with pytest.raises(ChecklistError, match=message):
        clean_step(StepInput(step, data), CREATED, NOW)


def test_step_data_cleaned() -> None:
    assert clean_step(StepInput(Step.CALL_FOR_SERVICE, {"cad_number": " 26-112233 "}),
                      CREATED, NOW) == {"cad_number": "26-112233"}
    cleaned = clean_step(StepInput(Step.RECORD_CHECKS, {"outcome": "still_wanted"},
                                   "clets.txt", b"SVS HIT"), CREATED, NOW)
    assert cleaned["outcome"] == "still_wanted"


def test_closing_needs_a_reason_and_an_open_hit() -> None:
    with pytest.raises(ChecklistError, match="reason"):
        check_close_allowed(HitStatus.NEW, HitStatus.MISREAD, "  ")
    with pytest.raises(ChecklistError, match="already confirmed"):
        check_close_allowed(HitStatus.CONFIRMED, HitStatus.MISREAD, "photo shows 8 not B")
    assert check_close_allowed(HitStatus.CLAIMED, HitStatus.MISREAD, " wrong ") == "wrong"


@pytest.mark.policy("D.5.a")
def test_escalation_by_age() -> None:
    limits = (timedelta(minutes=2), timedelta(minutes=5))
    assert escalation_level(timedelta(seconds=30), limits) == 0
    assert escalation_level(timedelta(minutes=3), limits) == 1
    assert escalation_level(timedelta(minutes=9), limits) == 2
