"""Hot list vocabulary and the General Order 525.08 rules for hand-entered hot plates (E, I)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from rtic_console.domain.plates import (
    InvalidPlate,
    is_placeholder,
    normalize_plate,
    normalize_state,
)

logger = logging.getLogger(__name__)

# E.2: a hand-entered hot plate lives at most this long.
HOT_PLATE_MAX_LIFETIME = timedelta(hours=24)
MAX_REFERENCE_LENGTH = 40  # case numbers, XREFs and record numbers as stored


class ListKind(StrEnum):
    """Where a list comes from decides who may change it and what its hits mean."""

    STATE_NCIC = "state_ncic"
    SPD_HOT_PLATE = "spd_hot_plate"
    SPECIAL = "special"

    @property
    def title(self) -> str:
        """As a person says it: "a special list", "an SPD hot plate list"."""
        return {"state_ncic": "state/NCIC", "spd_hot_plate": "SPD hot plate",
                "special": "special"}[self.value]

    @property
    def hits_are_informational(self) -> bool:
        """I.1: a special list hit informs officers; it never calls for a stop or a confirmation."""
        return self is ListKind.SPECIAL


class ReasonCategory(StrEnum):
    """Why a plate is listed; drives the default priority and the dispatcher's script."""

    STOLEN_VEHICLE = "stolen_vehicle"
    STOLEN_PLATE = "stolen_plate"
    FELONY_VEHICLE = "felony_vehicle"
    WANTED_PERSON = "wanted_person"
    MISSING_PERSON = "missing_person"
    AMBER = "amber"
    VIOLENT_PERSON = "violent_person"
    PROTECTION_ORDER = "protection_order"
    OTHER = "other"


class NcicSystem(StrEnum):
    """CLETS/NCIC systems a hot plate's counterpart record can live in (E.2)."""

    SVS = "SVS"
    SLR = "SLR"
    SFR = "SFR"
    MUPS = "MUPS"


# First letter of an NCIC NIC. Files the console has no category for (protective
# interest, gang/terrorist, sex offender, supervised release) stay "other" rather
# than being forced into a category that would mislead the dispatcher.
REASON_BY_NCIC_TYPE: dict[str, ReasonCategory] = {
    "V": ReasonCategory.STOLEN_VEHICLE,
    "P": ReasonCategory.STOLEN_PLATE,
    "F": ReasonCategory.FELONY_VEHICLE,
    "W": ReasonCategory.WANTED_PERSON,
    "M": ReasonCategory.MISSING_PERSON,
    "A": ReasonCategory.AMBER,
    "L": ReasonCategory.VIOLENT_PERSON,
    "H": ReasonCategory.PROTECTION_ORDER,
    "K": ReasonCategory.OTHER,
    "T": ReasonCategory.OTHER,
    "X": ReasonCategory.OTHER,
    "C": ReasonCategory.OTHER,
    "R": ReasonCategory.STOLEN_VEHICLE,
    # A stolen boat is recovered like a stolen vehicle (usually found on its trailer).
    "B": ReasonCategory.STOLEN_VEHICLE,
}

# The CLETS system that holds the counterpart of an NCIC record type, where there is one.
NCIC_SYSTEM_BY_TYPE: dict[str, NcicSystem] = {
    "V": NcicSystem.SVS,
    "R": NcicSystem.SVS,
    "P": NcicSystem.SLR,
    "F": NcicSystem.SFR,
    "M": NcicSystem.MUPS,
}

# California DOJ hot list files: svs.tbl, sfr.tbl, slr.tbl.
REASON_BY_DOJ_FILE: dict[str, ReasonCategory] = {
    "svs": ReasonCategory.STOLEN_VEHICLE,
    "sfr": ReasonCategory.FELONY_VEHICLE,
    "slr": ReasonCategory.STOLEN_PLATE,
}
NCIC_SYSTEM_BY_DOJ_FILE: dict[str, NcicSystem] = {
    "svs": NcicSystem.SVS,
    "sfr": NcicSystem.SFR,
    "slr": NcicSystem.SLR,
}

# 1 is worked first: danger to the public or a child outranks property.
DEFAULT_PRIORITY: dict[ReasonCategory, int] = {
    ReasonCategory.AMBER: 1,
    ReasonCategory.VIOLENT_PERSON: 1,
    ReasonCategory.WANTED_PERSON: 2,
    ReasonCategory.FELONY_VEHICLE: 2,
    ReasonCategory.MISSING_PERSON: 2,
    ReasonCategory.PROTECTION_ORDER: 3,
    ReasonCategory.STOLEN_VEHICLE: 3,
    ReasonCategory.STOLEN_PLATE: 3,
    ReasonCategory.OTHER: 4,
}


class HotListRuleError(ValueError):
    """A hot list entry the order does not allow; the message lists every problem.

    `clause` is the first rule of the order the entry breaks (E.1 before E.2), or None
    when every problem is one of form (a plate that is not a plate).
    """

    def __init__(self, problems: list[str], clause: str | None = None) -> None:
        self.problems = tuple(problems)
        self.clause = clause
        super().__init__("hot plate refused: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class HotListEntryData:
    """One listed plate as every layer passes it around, free of storage details."""

    plate: str
    state: str | None
    reason: ReasonCategory
    priority: int
    effective_at: datetime
    expires_at: datetime | None = None
    plate_type: str | None = None
    source_record: str | None = None
    ncic_system: NcicSystem | None = None
    ncic_record: str | None = None
    case_number: str | None = None
    xref: str | None = None
    narrative: str | None = None

    def in_effect(self, now: datetime) -> bool:
        """Whether the entry may produce a hit at ``now``."""
        return is_in_effect(self.effective_at, self.expires_at, now)


def is_in_effect(effective_at: datetime | None, expires_at: datetime | None, now: datetime) -> bool:
    """The one definition of an entry's life: from effective_at up to, not including, expiry.

    Expiry is exclusive so an entry stops matching at the exact instant it expires (E.2).
    """
    if effective_at is not None and now < effective_at:
        return False
    return expires_at is None or now < expires_at


def reason_for_ncic_record(nic: str) -> ReasonCategory | None:
    """Category of an NCIC record from its NIC, or None for a record type we do not know."""
    return REASON_BY_NCIC_TYPE.get(nic[:1].upper())


def effective_from(
    kind: ListKind, entered_at: datetime, approved_at: datetime | None
) -> datetime | None:
    """When an entry starts producing hits; None while a special-list entry awaits approval.

    I.1: a special hot list entry takes effect only once a supervisor has approved it,
    and never before it was entered.
    """
    if kind is not ListKind.SPECIAL:
        return entered_at
    if approved_at is None:
        return None
    return max(entered_at, approved_at)


def _text(value: str | None) -> str | None:
    cleaned = value.strip() if isinstance(value, str) else ""
    return cleaned or None


def _utc(value: datetime, name: str, problems: list[str]) -> datetime | None:
    if value.tzinfo is None or value.utcoffset() is None:
        problems.append(f"{name} has no time zone")
        return None
    return value.astimezone(UTC)


def _check_plate(plate: str, problems: list[str]) -> str | None:
    try:
        normalized = normalize_plate(plate)
    except InvalidPlate as exc:
        problems.append(str(exc))
        return None
    if is_placeholder(normalized):
        problems.append(f"plate {normalized!r} is a placeholder, not a plate")
        return None
    return normalized


def _check_state(state: str | None, problems: list[str]) -> str | None:
    if _text(state) is None:
        return None
    code = normalize_state(state)
    if code is None:
        problems.append(f"state {state!r} is not a known state or province code")
    return code


def _check_reason(reason: ReasonCategory | str | None, problems: list[str]) -> ReasonCategory:
    text = _text(str(reason)) if reason is not None else None
    if text is None:
        problems.append("a reason is required (E.1)")
        return ReasonCategory.OTHER
    try:
        return ReasonCategory(text.lower().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(r.value for r in ReasonCategory)
        problems.append(f"reason {text!r} is not one of: {allowed}")
        return ReasonCategory.OTHER


def _check_system(system: NcicSystem | str | None, problems: list[str]) -> NcicSystem | None:
    text = _text(str(system)) if system is not None else None
    if text is None:
        problems.append(
            "the CLETS/NCIC counterpart system (SVS, SLR, SFR or MUPS) is required (E.2)"
        )
        return None
    try:
        return NcicSystem(text.upper())
    except ValueError:
        problems.append(f"CLETS/NCIC system {text!r} is not one of SVS, SLR, SFR, MUPS (E.2)")
        return None


def _check_expiry(
    entered_at: datetime, expires_at: datetime | None, problems: list[str]
) -> tuple[datetime | None, datetime | None]:
    entered = _utc(entered_at, "entry time", problems)
    if entered is None:
        return None, None
    if expires_at is None:
        return entered, entered + HOT_PLATE_MAX_LIFETIME
    expires = _utc(expires_at, "expiry", problems)
    if expires is not None and expires > entered + HOT_PLATE_MAX_LIFETIME:
        problems.append(
            f"expiry is {expires - entered} after entry; at most 24 hours is allowed (E.2)"
        )
    elif expires is not None and expires <= entered:
        problems.append("expiry is not after the entry time")
    return entered, expires


def validate_hot_plate(
    *,
    plate: str,
    state: str | None,
    reason: ReasonCategory | str | None,
    case_number: str | None,
    xref: str | None,
    ncic_system: NcicSystem | str | None,
    ncic_record: str | None,
    entered_at: datetime,
    expires_at: datetime | None = None,
    plate_type: str | None = None,
    priority: int | None = None,
    narrative: str | None = None,
) -> HotListEntryData:
    """Turn a hand-entered SPD hot plate into an entry, or refuse it under E.1/E.2.

    Every problem is collected so the operator fixes the form in one pass. Without an
    expiry the entry lives the full 24 hours the order allows.
    """
    return _validate_entry(
        plate=plate, state=state, reason=reason, case_number=case_number, xref=xref,
        counterpart=(ncic_system, ncic_record), entered_at=entered_at, expires_at=expires_at,
        plate_type=plate_type, priority=priority, narrative=narrative)


def validate_special_entry(
    *,
    plate: str,
    state: str | None,
    reason: ReasonCategory | str | None,
    case_number: str | None,
    xref: str | None,
    entered_at: datetime,
    expires_at: datetime | None = None,
    narrative: str | None = None,
) -> HotListEntryData:
    """A special hot list entry: by definition it has no CLETS/NCIC counterpart (A.15),
    but the case or XREF, the reason and the 24-hour limit apply as to any hot plate."""
    return _validate_entry(
        plate=plate, state=state, reason=reason, case_number=case_number, xref=xref,
        counterpart=None, entered_at=entered_at, expires_at=expires_at, plate_type=None,
        priority=None, narrative=narrative)


def _validate_entry(
    *,
    plate: str,
    state: str | None,
    reason: ReasonCategory | str | None,
    case_number: str | None,
    xref: str | None,
    counterpart: tuple[NcicSystem | str | None, str | None] | None,
    entered_at: datetime,
    expires_at: datetime | None,
    plate_type: str | None,
    priority: int | None,
    narrative: str | None,
) -> HotListEntryData:
    problems: list[str] = []
    broken: list[str] = []  # the clauses of the order behind the problems, in order

    def under(clause: str, before: int) -> None:
        if len(problems) > before and clause not in broken:
            broken.append(clause)

    normalized_plate = _check_plate(plate, problems)
    normalized_state = _check_state(state, problems)
    first_e1 = len(problems)
    case, subject = _text(case_number), _text(xref)
    if case is None and subject is None:
        problems.append("an SPD case number, or the subject's XREF when there is no case, "
                        "is required (E.1)")
    for label, value in (("case number", case), ("XREF", subject)):
        if value is not None and len(value) > MAX_REFERENCE_LENGTH:
            problems.append(f"{label} is {len(value)} characters; at most "
                            f"{MAX_REFERENCE_LENGTH}")
    category = _check_reason(reason, problems)
    under("E.1", first_e1)
    first_e2 = len(problems)
    system, record = None, None
    if counterpart is not None:
        system = _check_system(counterpart[0], problems)
        record = _text(counterpart[1])
        if record is None:
            problems.append("the CLETS/NCIC counterpart record number is required (E.2)")
        elif len(record) > MAX_REFERENCE_LENGTH:
            problems.append(f"CLETS/NCIC record number is longer than {MAX_REFERENCE_LENGTH}")
    entered, expires = _check_expiry(entered_at, expires_at, problems)
    under("E.2", first_e2)
    if priority is not None and priority < 1:
        problems.append(f"priority must be 1 (highest) or more, got {priority}")
    # A None plate or entry time always comes with its problem already listed.
    if problems or normalized_plate is None or entered is None:
        logger.info("hot list entry refused with %s problem(s)", len(problems))
        raise HotListRuleError(problems, broken[0] if broken else None)
    return HotListEntryData(
        plate=normalized_plate,
        state=normalized_state,
        reason=category,
        priority=priority if priority is not None else DEFAULT_PRIORITY[category],
        effective_at=entered,
        expires_at=expires,
        plate_type=_text(plate_type),
        ncic_system=system,
        ncic_record=record,
        case_number=case,
        xref=subject,
        narrative=_text(narrative),
    )
