"""The dispatcher's hit verification checklist (D.5.b, D.6.a) as a small state machine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any


class HitStatus(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    CONFIRMED = "confirmed"
    MISREAD = "misread"
    NO_LONGER_WANTED = "no_longer_wanted"
    DUPLICATE = "duplicate"


OPEN_STATUSES = frozenset({HitStatus.NEW, HitStatus.CLAIMED})
CLOSINGS = frozenset({HitStatus.MISREAD, HitStatus.NO_LONGER_WANTED, HitStatus.DUPLICATE})

STATUS_TITLES = {
    HitStatus.NEW: "New",
    HitStatus.CLAIMED: "Claimed",
    HitStatus.CONFIRMED: "Confirmed",
    HitStatus.MISREAD: "Closed: misread",
    HitStatus.NO_LONGER_WANTED: "Closed: no longer wanted",
    HitStatus.DUPLICATE: "Closed: duplicate",
}


class Step(IntEnum):
    CALL_FOR_SERVICE = 1
    RECORD_CHECKS = 2
    VEHICLE_AND_DIRECTION = 3
    BROADCAST = 4


STEP_TITLES = {
    Step.CALL_FOR_SERVICE: "Enter the call for service (CAD incident number)",
    Step.RECORD_CHECKS: "Verify the plate with CLETS and NCIC; attach the results",
    Step.VEHICLE_AND_DIRECTION: "Obtain the vehicle description and direction of travel",
    Step.BROADCAST: "Complete the broadcast",
}


class QueryOutcome(StrEnum):
    STILL_WANTED = "still_wanted"
    NO_LONGER_WANTED = "no_longer_wanted"
    NO_RECORD = "no_record"


OUTCOME_TITLES = {
    QueryOutcome.STILL_WANTED: "Still wanted",
    QueryOutcome.NO_LONGER_WANTED: "No longer wanted",
    QueryOutcome.NO_RECORD: "No record",
}

DIRECTIONS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW", "stationary", "unknown")

_CAD = re.compile(r"[A-Z0-9][A-Z0-9\-]{3,23}")
MAX_RESULT_TEXT = 20_000
MAX_ATTACHMENT = 2 * 1024 * 1024


class ChecklistError(ValueError):
    """A step or closing the checklist does not allow now; the message says what to do."""


@dataclass(frozen=True)
class StepInput:
    step: Step
    data: dict[str, Any]
    attachment_name: str | None = None
    attachment: bytes | None = None


def _text(data: dict[str, Any], key: str, label: str, limit: int, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ChecklistError(f"{label} must be text")
    value = value.strip()
    if required and not value:
        raise ChecklistError(f"{label} is required")
    if len(value) > limit:
        raise ChecklistError(f"{label} is {len(value)} characters; at most {limit}")
    return value


def clean_step(item: StepInput, hit_created_at: datetime, now: datetime) -> dict[str, Any]:
    """The stored form of one step's data, or ChecklistError naming the bad field."""
    d = item.data
    if item.step is Step.CALL_FOR_SERVICE:
        cad = _text(d, "cad_number", "CAD incident number", 24).upper()
        if not _CAD.fullmatch(cad):
            raise ChecklistError(f"CAD incident number {cad!r} is not valid: 4 to 24 letters, "
                                 "digits or hyphens")
        return {"cad_number": cad}
    if item.step is Step.RECORD_CHECKS:
        clets = _text(d, "clets_result", "CLETS result", MAX_RESULT_TEXT, required=False)
        ncic = _text(d, "ncic_result", "NCIC result", MAX_RESULT_TEXT, required=False)
        if item.attachment is not None and len(item.attachment) > MAX_ATTACHMENT:
            raise ChecklistError("the attached results file is larger than 2 MiB")
        if not (clets and ncic) and not item.attachment:
            raise ChecklistError("attach the CLETS and NCIC query results (paste both, or "
                                 "attach the results file)")
        try:
            outcome = QueryOutcome(d.get("outcome"))
        except ValueError:
            raise ChecklistError("choose the outcome of the queries: still wanted, no longer "
                                 "wanted, or no record") from None
        return {"clets_result": clets, "ncic_result": ncic, "outcome": outcome.value}
    if item.step is Step.VEHICLE_AND_DIRECTION:
        description = _text(d, "vehicle_description", "Vehicle description", 500)
        direction = _text(d, "direction", "Direction of travel", 40)
        return {"vehicle_description": description, "direction": direction}
    channel = _text(d, "channel", "Broadcast channel", 40)
    raw_time = d.get("broadcast_at")
    if not isinstance(raw_time, datetime) or raw_time.tzinfo is None:
        raise ChecklistError("the broadcast time is required")
    if raw_time > now + timedelta(minutes=2):
        raise ChecklistError("the broadcast time is in the future")
    if raw_time < hit_created_at - timedelta(minutes=1):
        raise ChecklistError("the broadcast time is before the hit arrived")
    return {"channel": channel, "broadcast_at": raw_time.isoformat()}


def next_step(done: set[int]) -> Step | None:
    for step in Step:
        if step not in done:
            return step
    return None


def check_step_allowed(status: HitStatus, claimed_by: str | None, actor_badge: str,
                       step: Step, done: set[int]) -> None:
    if status not in OPEN_STATUSES:
        raise ChecklistError(f"this hit is already {STATUS_TITLES[status].lower()}")
    if status is not HitStatus.CLAIMED or claimed_by != actor_badge:
        raise ChecklistError("claim the hit before working its checklist")
    if step in done:
        raise ChecklistError(f"step {int(step)} is already recorded")
    expected = next_step(done)
    if expected is not None and step != expected:
        raise ChecklistError(f"steps go in order: do step {int(expected)} "
                             f"({STEP_TITLES[expected].lower()}) first")


def check_confirm_allowed(status: HitStatus, claimed_by: str | None, actor_badge: str,
                          done: set[int], outcome: str | None) -> None:
    if status is not HitStatus.CLAIMED or claimed_by != actor_badge:
        raise ChecklistError("only the dispatcher who claimed the hit can confirm it")
    missing = [int(s) for s in Step if s not in done]
    if missing:
        raise ChecklistError("the hit cannot be confirmed before all four steps are done; "
                             f"missing step {', '.join(map(str, missing))}")
    if outcome != QueryOutcome.STILL_WANTED.value:
        raise ChecklistError("the CLETS/NCIC checks did not find the plate still wanted; close "
                             "the hit as no longer wanted instead")


def check_close_allowed(status: HitStatus, closing: HitStatus, reason: str) -> str:
    if closing not in CLOSINGS:
        raise ChecklistError(f"{closing.value} is not a way to close a hit")
    if status not in OPEN_STATUSES:
        raise ChecklistError(f"this hit is already {STATUS_TITLES[status].lower()}")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ChecklistError("give the reason for closing the hit")
    if len(reason) > 1000:
        raise ChecklistError("the reason is longer than 1000 characters")
    return reason


def escalation_level(age: timedelta, thresholds: tuple[timedelta, timedelta]) -> int:
    """0 on time, 1 getting old, 2 overdue (D.5.a: hits are worked promptly)."""
    if age >= thresholds[1]:
        return 2
    if age >= thresholds[0]:
        return 1
    return 0


STOP_WARNING = ("A hit alone is not a basis for a stop: independent reasonable suspicion or "
                "probable cause is required (GO 525.08 D.4, I.1). Verify before acting.")
INFORMATIONAL_NOTE = ("Special hot list hit: informational only, for SPD authorized personnel "
                      "(GO 525.08 I.1, I.2.a). It is not confirmed and is no basis for a stop.")
