"""What an ALPR search may ask (D.1) and how its plate pattern is read."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rtic_console.domain.plates import OCR_EQUIVALENTS

MAX_RADIUS_M = 20_000
MAX_SPAN = timedelta(days=731)
MIN_LITERALS = 2
EARTH_RADIUS_M = 6_371_000.0


class SearchPurpose(StrEnum):
    STOLEN_VEHICLE_OR_PLATE = "stolen_vehicle_or_plate"
    WANTED_OR_MISSING = "wanted_or_missing"
    CRIME_SCENE_CANVASS = "crime_scene_canvass"


PURPOSE_TITLES = {
    SearchPurpose.STOLEN_VEHICLE_OR_PLATE: "Stolen vehicle or plate",
    SearchPurpose.WANTED_OR_MISSING: "Wanted or missing person or vehicle",
    SearchPurpose.CRIME_SCENE_CANVASS: "Crime-scene canvass",
}


class MatchMode(StrEnum):
    EXACT = "exact"
    WILDCARD = "wildcard"
    OCR = "ocr"


class SearchRuleError(ValueError):
    """A search the order or common sense does not allow; the message names the field."""


@dataclass(frozen=True)
class PlatePattern:
    mode: MatchMode
    text: str

    def like(self) -> str:
        """SQL LIKE form of a wildcard pattern; plates hold only A-Z and 0-9, so no escapes."""
        return self.text.replace("*", "%").replace("?", "_")

    def variants(self, max_substitutions: int = 1) -> frozenset[str]:
        """Every plate within the OCR confusion groups of this one, for an indexed IN look-up."""
        found = {self.text}
        frontier = {self.text}
        for _ in range(max_substitutions):
            nxt = set()
            for plate in frontier:
                for i, ch in enumerate(plate):
                    for other in OCR_EQUIVALENTS.get(ch, ()):
                        nxt.add(plate[:i] + other + plate[i + 1:])
            frontier = nxt - found
            found |= nxt
        return frozenset(found)


_PATTERN = re.compile(r"[A-Z0-9*?]{1,10}")
_SEPARATORS = re.compile(r"[\s\-.]+")


def purpose_of(raw: str | None) -> SearchPurpose:
    try:
        return SearchPurpose((raw or "").strip().lower())
    except ValueError:
        names = ", ".join(p.value for p in SearchPurpose)
        raise SearchRuleError(f"a search states one approved purpose (D.1): {names}") from None


def case_number_of(raw: str | None) -> str:
    case = " ".join((raw or "").split())
    if not case:
        raise SearchRuleError("a search names the case it is for (D.1)")
    if len(case) > 40 or not re.fullmatch(r"[A-Za-z0-9\-/]+", case):
        raise SearchRuleError("case number must be 1 to 40 letters, digits, '-' or '/'")
    return case


def plate_pattern(raw: str, mode: MatchMode | str = MatchMode.EXACT) -> PlatePattern:
    # Not clean_plate: that drops '*', which here is a wildcard.
    text = _SEPARATORS.sub("", raw).upper() if isinstance(raw, str) else ""
    mode = MatchMode(mode)
    if not _PATTERN.fullmatch(text):
        raise SearchRuleError("plate pattern: 1 to 10 letters or digits, with * or ? as "
                              "wildcards")
    wild = "*" in text or "?" in text
    if wild and mode is not MatchMode.WILDCARD:
        mode = MatchMode.WILDCARD
    literals = sum(c.isalnum() for c in text)
    if wild and literals < MIN_LITERALS:
        raise SearchRuleError(f"a wildcard search needs at least {MIN_LITERALS} known "
                              "characters; a pattern of wildcards alone searches everyone")
    return PlatePattern(mode, text)


def time_range(start: datetime | None, end: datetime | None) -> None:
    if start and end:
        if end <= start:
            raise SearchRuleError("the time range ends before it starts")
        if end - start > MAX_SPAN:
            raise SearchRuleError("the time range is longer than the 2 years data is kept")


def radius_of(value: float) -> float:
    if not (isinstance(value, int | float) and math.isfinite(value)) or not \
            0 < value <= MAX_RADIUS_M:
        raise SearchRuleError(f"radius must be more than 0 and at most {MAX_RADIUS_M} m")
    return float(value)


def point_of(lat: float, lon: float) -> tuple[float, float]:
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90
            and -180 <= lon <= 180):
        raise SearchRuleError("the place must be a latitude and longitude in range")
    return lat, lon


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine): ample for radii of a few kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def bounding_box(center: tuple[float, float], radius_m: float) -> tuple[float, float, float,
                                                                       float]:
    """(min lat, max lat, min lon, max lon) around a circle, for an indexed pre-filter."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(center[0])), 1e-6)
    return center[0] - dlat, center[0] + dlat, center[1] - dlon, center[1] + dlon
