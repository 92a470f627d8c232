"""The dispatcher's hit verification checklist (D.5.b, D.6.a) as a small state machine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from rtic_console.domain.text import MIN_REASON_CHARACTERS, MIN_REASON_WORDS, says_something


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
    Step.CALL_FOR_SERVICE: "Enter the call for service (CAD incident number and type code)",
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

COMPASS_POINTS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
DIRECTIONS = (*COMPASS_POINTS, "stationary", "unknown")


def compass_point(degrees: float | None) -> str | None:
    """The read's heading as the nearest of the eight points, None when it reported none."""
    if degrees is None:
        return None
    return COMPASS_POINTS[round(degrees / 45) % 8]

_CAD = re.compile(r"[A-Z0-9][A-Z0-9\-]{3,23}")
# A CAD incident type code of General Order 500.02 (10851, 459, TS, 5150-A): letters and
# digits, with hyphens, dots or slashes between them.
_TYPE_CODE = re.compile(r"[A-Z0-9]+(?:[\-./][A-Z0-9]+)*")
MAX_TYPE_CODE = 12
MAX_RESULT_TEXT = 20_000
MAX_ATTACHMENT = 2 * 1024 * 1024
MAX_REASON = 1000


class ChecklistError(ValueError):
    """Step data or a closing the console cannot store; the message names what is wrong."""


class ChecklistRefusal(ChecklistError):
    """A step, confirmation or closing the order does not allow now (D.5.b, D.6.a, I.1);
    `clause` says which rule decides it. The service refuses it and the refusal is audited."""

    def __init__(self, message: str, clause: str) -> None:
        super().__init__(message)
        self.clause = clause


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


def clean_step(item: StepInput, previous_at: datetime, now: datetime) -> dict[str, Any]:
    """The stored form of one step's data, or ChecklistError naming the bad field.

    `previous_at` is when the step before it was recorded (for step 1, when the hit
    arrived). Nothing is filled in for the dispatcher but the broadcast time, which is the
    moment of recording unless they give another.
    """
    d = item.data
    if item.step is Step.CALL_FOR_SERVICE:
        cad = _text(d, "cad_number", "CAD incident number", 24).upper()
        if not _CAD.fullmatch(cad):
            raise ChecklistError(f"CAD incident number {cad!r} is not valid: 4 to 24 letters, "
                                 "digits or hyphens")
        code = _text(d, "incident_type", "incident type code", MAX_TYPE_CODE).upper()
        if not _TYPE_CODE.fullmatch(code):
            raise ChecklistError(f"incident type code {code!r} is not valid: letters and "
                                 "digits as General Order 500.02 lists them, such as 10851")
        return {"cad_number": cad, "incident_type": code}
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
        if direction not in DIRECTIONS:
            raise ChecklistError(f"direction of travel {direction[:12]!r} is not one of "
                                 f"{', '.join(DIRECTIONS)}")
        return {"vehicle_description": description, "direction": direction}
    channel = _text(d, "channel", "Broadcast channel", 40)
    return {"channel": channel,
            "broadcast_at": broadcast_time(d.get("broadcast_at"), previous_at, now).isoformat()}


def broadcast_time(given: object, previous_at: datetime, now: datetime) -> datetime:
    """When the broadcast went out: the moment of recording unless the dispatcher gives
    another, which is never in the future nor before step 3 was recorded (D.6.a: the steps
    happen in order, and the record says when each did)."""
    if given is None:
        return now
    if not isinstance(given, datetime) or given.tzinfo is None:
        raise ChecklistError("the broadcast time must be a date and time with its time zone")
    if given > now + timedelta(minutes=2):
        raise ChecklistError("the broadcast time is in the future")
    # The time is entered to the second; the step's own time has microseconds.
    if given < previous_at.replace(microsecond=0):
        raise ChecklistRefusal(
            f"the broadcast cannot be at {given.astimezone():%H:%M:%S}, before step 3 was "
            f"recorded at {previous_at.astimezone():%H:%M:%S}: give the time it went out",
            "D.6.a")
    return given


def next_step(done: set[int]) -> Step | None:
    for step in Step:
        if step not in done:
            return step
    return None


def _must_be_open(status: HitStatus) -> None:
    if status not in OPEN_STATUSES:
        raise ChecklistRefusal(f"this hit is already {STATUS_TITLES[status].lower()}", "D.6.a")


def check_step_allowed(status: HitStatus, claimed_by: str | None, actor_badge: str,
                       step: Step, done: set[int]) -> None:
    """D.6.a: the dispatcher who claimed the hit records the four steps, in order, once."""
    _must_be_open(status)
    if status is not HitStatus.CLAIMED or claimed_by != actor_badge:
        raise ChecklistRefusal("claim the hit before working its checklist; only the "
                               "dispatcher who claimed it records its steps", "D.6.a")
    if step in done:
        raise ChecklistRefusal(f"step {int(step)} is already recorded", "D.6.a")
    expected = next_step(done)
    if expected is not None and step != expected:
        raise ChecklistRefusal(f"steps go in order: do step {int(expected)} "
                               f"({STEP_TITLES[expected].lower()}) first", "D.6.a")


def check_confirm_allowed(status: HitStatus, claimed_by: str | None, actor_badge: str,
                          done: set[int], outcome: str | None) -> None:
    """D.5.b: only the claiming dispatcher confirms; D.6.a: only after all four steps."""
    _must_be_open(status)
    if status is not HitStatus.CLAIMED or claimed_by != actor_badge:
        raise ChecklistRefusal("only the dispatcher who claimed the hit can confirm it",
                               "D.5.b")
    missing = [int(s) for s in Step if s not in done]
    if missing:
        raise ChecklistRefusal("the hit cannot be confirmed before all four steps are done; "
                               f"missing step {', '.join(map(str, missing))}", "D.6.a")
    if outcome != QueryOutcome.STILL_WANTED.value:
        raise ChecklistRefusal("the CLETS/NCIC checks did not find the plate still wanted; "
                               "close the hit as no longer wanted instead", "D.6.a")


def closing_reason(reason: object) -> str:
    """The reason as stored, or why it says too little to explain a closed hit."""
    return _stated_reason(reason, "closing the hit", "what was found",
                          "photo shows 7A8C123, not the listed plate", "D.6.a")


def _stated_reason(reason: object, for_what: str, says: str, example: str,
                   clause: str) -> str:
    text = " ".join(reason.split()) if isinstance(reason, str) else ""
    if not text:
        raise ChecklistRefusal(f"give the reason for {for_what}", clause)
    if len(text) > MAX_REASON:
        raise ChecklistError(f"the reason is longer than {MAX_REASON} characters")
    if not says_something(text):
        raise ChecklistRefusal(
            f"the reason {text[:40]!r} does not say {says}: write at least "
            f"{MIN_REASON_WORDS} different words and {MIN_REASON_CHARACTERS} letters or digits "
            f"(for example '{example}')", clause)
    return text


def check_release_allowed(status: HitStatus, reason: object) -> str:
    """The cleaned reason, once the claim may go: a hit waits for no one (D.5.a).

    Its claimer hands it back (the end of a shift, a call to take); a sergeant frees a claim
    whose dispatcher cannot finish it (who may is the roster's: services.hits.release_hit).
    The steps recorded stay, with who did them, and the next dispatcher carries on.
    """
    _must_be_open(status)
    if status is not HitStatus.CLAIMED:
        raise ChecklistRefusal("the hit is not claimed: there is no claim to release", "D.5.a")
    return _stated_reason(reason, "releasing the claim", "why the hit is handed on",
                          "end of shift, CAD incident entered", "D.5.a")


def check_close_allowed(status: HitStatus, closing: HitStatus, reason: object, *,
                        claimed_by: str | None, actor_badge: str, done: set[int],
                        outcome: str | None, informational: bool) -> str:
    """The cleaned reason, once closing this way is allowed (D.6.a).

    Only the dispatcher who claimed the hit closes it. "No longer wanted" is what the
    CLETS/NCIC verification (step 2) found, so it needs that step recorded with an outcome
    other than still wanted; a special list hit has no CLETS/NCIC record to verify (A.15,
    I.1), so it needs only the claim and the reason.
    """
    if closing not in CLOSINGS:
        raise ChecklistError(f"{closing.value} is not a way to close a hit")
    _must_be_open(status)
    if status is HitStatus.CLAIMED and claimed_by != actor_badge:
        raise ChecklistRefusal(f"the hit is claimed by {claimed_by}; only they can close it",
                               "D.5.b")
    if status is not HitStatus.CLAIMED:
        raise ChecklistRefusal("claim the hit before closing it: only the dispatcher who "
                               "claimed it closes it", "D.6.a")
    if closing is HitStatus.NO_LONGER_WANTED and not informational:
        if Step.RECORD_CHECKS not in done:
            raise ChecklistRefusal("a hit is closed as no longer wanted only after step 2: "
                                   "record the CLETS/NCIC checks that show it", "D.6.a")
        if outcome == QueryOutcome.STILL_WANTED.value:
            raise ChecklistRefusal("the CLETS/NCIC checks found the plate still wanted; "
                                   "finish the checklist and confirm it, or close it as a "
                                   "misread or duplicate", "D.6.a")
    return closing_reason(reason)


RECOVERY_REASONS = frozenset({"stolen_vehicle"})


def asks_recovery_call(status: HitStatus, reason: str, recorded: str | None) -> bool:
    """D.3.e: a confirmed stolen vehicle hit asks for the recovery call for service."""
    return status is HitStatus.CONFIRMED and reason in RECOVERY_REASONS and recorded is None


def clean_recovery_call(status: HitStatus, reason: str, recorded: str | None,
                        cfs_number: object) -> str:
    """The stolen vehicle recovery call for service number as stored (D.3.e)."""
    if status is not HitStatus.CONFIRMED or reason not in RECOVERY_REASONS:
        raise ChecklistRefusal("a recovery call for service is recorded for a confirmed "
                               "stolen vehicle hit", "D.3.e")
    if recorded is not None:
        raise ChecklistRefusal(f"the recovery call for service {recorded} is already "
                               "recorded", "D.3.e")
    cfs = _text({"cfs": cfs_number}, "cfs", "call for service number", 24).upper()
    if not _CAD.fullmatch(cfs):
        raise ChecklistError(f"call for service number {cfs!r} is not valid: 4 to 24 "
                             "letters, digits or hyphens")
    return cfs


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
