"""Kinds and categories of ALPR readers, trailers and PSCN cameras (F.1), their service state
(B.2) and the rules for what a device record holds."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from rtic_console.domain.text import TextRuleError, has_control


class DeviceKind(StrEnum):
    ALPR_FIXED = "alpr_fixed"
    ALPR_MOBILE = "alpr_mobile"
    TRAILER = "trailer"  # a mobile ALPR trailer, parked where it is needed (B.2.b(2))
    CAMERA = "camera"


class DeviceCategory(StrEnum):
    AGENCY = "agency"
    CITY = "city"
    CITY_TRAFFIC = "city_traffic"
    PRIVATE_DONOR = "private_donor"


class ServiceState(StrEnum):
    """B.2: a reported device is damaged until an ALPR administrator clears it; out of
    service is a device taken off on purpose (maintenance, removed)."""

    IN_SERVICE = "in_service"
    OUT_OF_SERVICE = "out_of_service"
    DAMAGED = "damaged"


CATEGORY_TITLES: dict[DeviceCategory, str] = {
    DeviceCategory.AGENCY: "Agency",
    DeviceCategory.CITY: "City",
    DeviceCategory.CITY_TRAFFIC: "City traffic",
    DeviceCategory.PRIVATE_DONOR: "Private donor",
}

KIND_TITLES: dict[DeviceKind, str] = {
    DeviceKind.ALPR_FIXED: "Fixed ALPR reader",
    DeviceKind.ALPR_MOBILE: "Mobile ALPR reader",
    DeviceKind.TRAILER: "ALPR trailer",
    DeviceKind.CAMERA: "PSCN camera",
}

STATE_TITLES: dict[ServiceState, str] = {
    ServiceState.IN_SERVICE: "In service",
    ServiceState.OUT_OF_SERVICE: "Out of service",
    ServiceState.DAMAGED: "Damaged",
}

# The words people type for a kind (`device add --kind fixed_reader`).
KIND_WORDS: dict[DeviceKind, str] = {
    DeviceKind.ALPR_FIXED: "fixed_reader",
    DeviceKind.ALPR_MOBILE: "mobile_reader",
    DeviceKind.TRAILER: "trailer",
    DeviceKind.CAMERA: "camera",
}

# Devices whose reads are plate reads, and so whose hits can come from them.
READER_KINDS: frozenset[DeviceKind] = frozenset(
    {DeviceKind.ALPR_FIXED, DeviceKind.ALPR_MOBILE, DeviceKind.TRAILER})

_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,39}")
_VERSION = re.compile(r"[\w.+\-/ ()]{1,60}")


class DeviceRuleError(TextRuleError):
    """A device record or report the order or the schema does not allow; `clause` names the
    rule (None for a plain format error)."""


def kind_of(word: str) -> DeviceKind:
    """The kind from the word people type, or from its stored value."""
    text = word.strip().lower()
    for kind, typed in KIND_WORDS.items():
        if text in (typed, kind.value):
            return kind
    raise DeviceRuleError(f"kind must be one of: {', '.join(KIND_WORDS.values())}")


def state_of(word: str) -> ServiceState:
    try:
        return ServiceState(word.strip().lower())
    except ValueError:
        raise DeviceRuleError("service state must be one of: "
                              + ", ".join(s.value for s in ServiceState)) from None


def clean_code(raw: str) -> str:
    code = raw.strip().upper()
    if not _CODE.fullmatch(code):
        raise DeviceRuleError("device code must be 1 to 40 letters, digits, '-' or '_'")
    return code


def clean_version(raw: str | None, label: str = "version") -> str | None:
    """A software or firmware version as the vendor writes it ("4.2.1-b17"); None when
    empty. Control characters are refused, not stripped: a version is compared with the
    expected one, and a hidden character would make two equal-looking versions differ."""
    if raw is None or not raw.strip():
        return None
    if has_control(raw):
        raise DeviceRuleError(f"{label} contains a control character")
    text = raw.strip()
    if not _VERSION.fullmatch(text):
        raise DeviceRuleError(f"{label} {text[:40]!r} is not a version: up to 60 letters, "
                              "digits, spaces and . + - / ( )")
    return text


def out_of_date(version: str | None, expected: str | None) -> bool:
    """D.2.b(1) "up to date": the installed version is the one the department expects. No
    expectation means nothing to be behind; an expectation with no version known is not
    shown up to date."""
    if expected is None:
        return False
    return version != expected


def clean_position(latitude: float | None, longitude: float | None
                   ) -> tuple[float | None, float | None]:
    if (latitude is None) != (longitude is None):
        raise DeviceRuleError("give both latitude and longitude, or neither")
    if latitude is not None and longitude is not None and not (
            -90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DeviceRuleError("latitude must be -90 to 90 and longitude -180 to 180")
    return latitude, longitude


def check_installed_on(installed: date | None, today: date) -> date | None:
    if installed is not None and installed > today:
        raise DeviceRuleError(f"installed on {installed.isoformat()} is in the future")
    return installed
