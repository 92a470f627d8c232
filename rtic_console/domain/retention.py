"""Retention rules of C.1 and F.5: the kinds of data kept, the allowed span, the cutoff."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

MIN_DAYS, MAX_DAYS = 90, 730  # C.1: at least 90 days, at most 2 years (F.5 for video)
# Until an administrator sets a retention, data is kept as long as the order allows: a
# purge that starts on an upgraded database removes only what is over two years old.
DEFAULT_DAYS = MAX_DAYS


class RetentionKind(StrEnum):
    """What one retention setting governs."""

    DETECTIONS = "detections"  # plate reads, with their images and hits
    HIT_IMAGES = "hit_images"  # images of reads that made a hit, and checklist attachments
    SEARCH_PLATES = "search_plates"  # the plate values of the search log
    RECORDINGS = "recordings"  # PSCN recording segments and their files (F.5)


KIND_TITLES: dict[RetentionKind, str] = {
    RetentionKind.DETECTIONS: "Plate reads (with their images and hits)",
    RetentionKind.HIT_IMAGES: "Images of hits",
    RetentionKind.SEARCH_PLATES: "Plates in the search log and its audit events",
    RetentionKind.RECORDINGS: "Camera recordings",
}


class RetentionRuleError(ValueError):
    """A retention outside what the order allows; `clause` names the rule."""

    clause = "C.1"


def parse_kind(value: str) -> RetentionKind:
    try:
        return RetentionKind(value.strip().lower())
    except ValueError:
        kinds = ", ".join(k.value for k in RetentionKind)
        raise RetentionRuleError(f"unknown kind of data {value!r}; kinds are: {kinds}") \
            from None


def check_days(days: int) -> int:
    """The days as given, when the order allows them (C.1); otherwise refused."""
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise RetentionRuleError(f"retention must be between {MIN_DAYS} days and {MAX_DAYS} "
                                 f"days (2 years), not {days} (C.1)")
    return days


def cutoff(database_now: datetime, days: int) -> datetime:
    """Data captured before this moment is past retention. Measured from the database
    server's clock, never a workstation's, and never later than 90 days before it, whatever
    `days` says: nothing younger than the order's minimum can be reached."""
    kept = max(MIN_DAYS, min(MAX_DAYS, days))
    return database_now - timedelta(days=kept)
