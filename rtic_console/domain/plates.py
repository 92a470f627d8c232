"""Plate and state normalisation shared by every feed, hot list and search."""

from __future__ import annotations

import re

MAX_PLATE_LENGTH = 10

# Characters that plate OCR confuses, as the leading ALPR matchers group them.
OCR_GROUPS: tuple[frozenset[str], ...] = (
    frozenset("0ODQ"),
    frozenset("1I"),
    frozenset("2Z"),
    frozenset("5S"),
    frozenset("8B"),
    frozenset("6G"),
)
OCR_EQUIVALENTS: dict[str, frozenset[str]] = {
    ch: group - {ch} for group in OCR_GROUPS for ch in group
}

PLACEHOLDER_PLATES = frozenset(
    {"UNKNOWN", "UNK", "NONE", "NOPLATE", "NOTAG", "NOTAGS", "TEMP", "0", "00", "000", "0000",
     "NA", "XXXXXX", "PAPER", "DEALER"}
)

_STRIP = re.compile(r"[\s\-.*·_]+")
_PLATE_OK = re.compile(r"[A-Z0-9]+")
_CANONICAL = re.compile(rf"[A-Z0-9]{{1,{MAX_PLATE_LENGTH}}}")

US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
})
CA_PROVINCES = frozenset({
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
})
MX_STATES = frozenset({"MX"})
KNOWN_REGIONS = US_STATES | CA_PROVINCES | MX_STATES
# Government and special issuers that appear in NCIC LIS fields.
SPECIAL_ISSUERS = frozenset({"US", "DP"})
# Every code normalize_state can return.
STATE_CODES = KNOWN_REGIONS | SPECIAL_ISSUERS


class InvalidPlate(ValueError):
    """A plate that no reader or hot list could legitimately hold."""


def clean_plate(raw: str) -> str:
    """Uppercase and drop separators; the result may still be invalid."""
    return _STRIP.sub("", raw).upper()


def normalize_plate(raw: object) -> str:
    """Return the canonical plate, or raise InvalidPlate naming what is wrong."""
    if not isinstance(raw, str):
        raise InvalidPlate(f"plate must be text, got {type(raw).__name__}")
    if _CANONICAL.fullmatch(raw):  # most reads: already canonical, nothing to clean
        return raw
    plate = clean_plate(raw)
    if not plate:
        raise InvalidPlate("plate is empty")
    if len(plate) > MAX_PLATE_LENGTH:
        raise InvalidPlate(f"plate has {len(plate)} characters; at most {MAX_PLATE_LENGTH}")
    if not _PLATE_OK.fullmatch(plate):
        bad = sorted({c for c in plate if not ("A" <= c <= "Z" or "0" <= c <= "9")})
        raise InvalidPlate(f"plate has characters a plate cannot hold: {''.join(bad)!r}")
    return plate


def is_canonical_plate(value: object) -> bool:
    """True for text normalize_plate returns unchanged."""
    return isinstance(value, str) and _CANONICAL.fullmatch(value) is not None


def is_placeholder(plate: str) -> bool:
    """True for the fillers hot lists use when the plate is not known."""
    return clean_plate(plate) in PLACEHOLDER_PLATES


def normalize_state(raw: object) -> str | None:
    """Two-letter region code from 'us-ca', 'CA', 'ca' or '0H'; None when unknown.

    An unknown state stays unknown: it is never guessed from the plate.
    """
    if not isinstance(raw, str):
        return None
    if raw in STATE_CODES:  # most reads: already a code
        return raw
    code = raw.strip().upper()
    if not code:
        return None
    if "-" in code:
        code = code.rsplit("-", 1)[1]
    if len(code) != 2:
        return None
    if code in STATE_CODES:
        return code
    # Hot lists write letter O as digit 0 ('0H' for Ohio).
    fixed = code.replace("0", "O")
    if fixed in KNOWN_REGIONS:
        return fixed
    return None


def ocr_substitutions(read: str, listed: str) -> int | None:
    """Number of OCR-equivalent substitutions turning read into listed, or None if unrelated."""
    if len(read) != len(listed):
        return None
    count = 0
    for a, b in zip(read, listed, strict=True):
        if a == b:
            continue
        if b not in OCR_EQUIVALENTS.get(a, ()):
            return None
        count += 1
    return count
