"""What a sharing request may ask for: exact plates over a range within retention (C.1,
C.3), or an SPD case's reads; the requesting person, their contact and their case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rtic_console.domain.plates import InvalidPlate, normalize_plate
from rtic_console.domain.search_rules import SearchRuleError, case_number_of, text_of

# C.1: ALPR data is kept at most two years; a request reaching further asks for data SPD
# no longer has, or should not.
RETENTION = timedelta(days=730)
MAX_PLATES = 20
MAX_PURPOSE = 2000
WILDCARDS = frozenset("*?%_")
# C.3: SPD transfers exactly what was asked and allowed, never a pattern's worth of plates.
EXACT_CLAUSE = "C.3"


class SharingAskError(ValueError):
    """A request that cannot be filed as asked; `clause` names the rule it would break."""

    def __init__(self, message: str, clause: str | None = None) -> None:
        super().__init__(message)
        self.clause = clause


def plates_of(raw: Sequence[object] | str | None) -> tuple[str, ...]:
    """Exact plates, each once; a wildcard is refused, never widened or dropped."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or ())
    plates: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            continue
        if WILDCARDS & set(item):
            raise SharingAskError(f"plate {item.strip()[:12]!r} holds a wildcard: a sharing "
                                  "request asks for exact plates", EXACT_CLAUSE)
        try:
            plate = normalize_plate(item)
        except InvalidPlate as exc:
            raise SharingAskError(f"plate {item.strip()[:12]!r}: {exc}") from None
        if plate not in plates:
            plates.append(plate)
    if not plates:
        raise SharingAskError("plates: name at least one exact plate", EXACT_CLAUSE)
    if len(plates) > MAX_PLATES:
        raise SharingAskError(f"plates: at most {MAX_PLATES} in one request", EXACT_CLAUSE)
    return tuple(plates)


def range_of(start: datetime | None, end: datetime | None,
             now: datetime) -> tuple[datetime, datetime]:
    """Both ends, with their time zone, in order, within retention and not in the future."""
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        raise SharingAskError("time range: give both --from and --to", EXACT_CLAUSE)
    if start.tzinfo is None or end.tzinfo is None:
        raise SharingAskError("time range: give times with their time zone")
    if end <= start:
        raise SharingAskError("time range: it ends before it starts", EXACT_CLAUSE)
    if start < now - RETENTION:
        raise SharingAskError(f"time range: it starts before {(now - RETENTION):%Y-%m-%d}, "
                              "beyond the two years ALPR data is kept", "C.1")
    if end > now + timedelta(minutes=5):
        raise SharingAskError("time range: it ends in the future; a request asks for reads "
                              "already made", EXACT_CLAUSE)
    return start, end


def text_field(raw: object, label: str, longest: int = 200, *, required: bool = True) -> str:
    """Text kept as written, spaces tidied; an optional field not given is ""."""
    if not required and (raw is None or (isinstance(raw, str) and not raw.strip())):
        return ""
    try:
        return " ".join(text_of(raw, label, 1, longest).split())
    except SearchRuleError as exc:
        raise SharingAskError(str(exc)) from None


def purpose_text(raw: object) -> str:
    """The purpose in the requester's words; an empty one is refused (C.3)."""
    if not isinstance(raw, str) or not raw.strip():
        raise SharingAskError("purpose: a request states its purpose in the requester's "
                              "words", "C.3")
    return text_field(raw, "purpose", MAX_PURPOSE)


def case_of(raw: object, label: str) -> str:
    """An SPD case number, in SPD's form."""
    if not isinstance(raw, str) or not raw.strip():
        raise SharingAskError(f"{label} is missing")
    try:
        return case_number_of(raw, label)
    except SearchRuleError as exc:
        raise SharingAskError(str(exc)) from None
