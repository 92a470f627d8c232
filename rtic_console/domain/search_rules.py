"""What an ALPR search may ask (D.1, F.3): purposes, criteria and their bounds, search kinds."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from rtic_console.domain.plates import OCR_EQUIVALENTS

MAX_RADIUS_M = 20_000
MAX_RECTANGLE_SIDE_M = 2 * MAX_RADIUS_M
# A canvass covers the surroundings of one crime scene (D.1.b), not a district.
MAX_CANVASS_RADIUS_M = 5_000
MAX_CANVASS_SIDE_M = 2 * MAX_CANVASS_RADIUS_M
MAX_SPAN = timedelta(days=731)
# Searches without a plate read everyone who passed, so their window is short.
MAX_CANVASS_SPAN = timedelta(hours=24)
MAX_SHAPE_SPAN = timedelta(hours=72)
# D.1.c: an approval covers the described use for a week of searches on its case, so a
# follow-up search needs no second request; after that the use is reviewed again.
OTHER_USE_VALID_FOR = timedelta(days=7)
MIN_LITERALS = 2
MAX_DEVICES = 50
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 1000
EARTH_RADIUS_M = 6_371_000.0
# The clause behind the bounds: a search reads only what its stated purpose needs.
BOUNDS = "D.1"


class SearchPurpose(StrEnum):
    STOLEN_VEHICLE_OR_PLATE = "stolen_vehicle_or_plate"
    WANTED_OR_MISSING = "wanted_or_missing"
    CRIME_SCENE_CANVASS = "crime_scene_canvass"
    OTHER_USE = "other_use"


PURPOSE_TITLES = {
    SearchPurpose.STOLEN_VEHICLE_OR_PLATE: "Stolen vehicle or plate",
    SearchPurpose.WANTED_OR_MISSING: "Wanted or missing person or vehicle",
    SearchPurpose.CRIME_SCENE_CANVASS: "Crime-scene canvass",
    SearchPurpose.OTHER_USE: "Other use (approved request, D.1.c)",
}


class SearchKind(StrEnum):
    PLATE = "plate"
    CANVASS = "canvass"
    SHAPE = "shape"


class MatchMode(StrEnum):
    EXACT = "exact"
    WILDCARD = "wildcard"
    OCR = "ocr"


class SearchRuleError(ValueError):
    """A search the order or common sense does not allow; the message names the field.

    `clause` names the order's rule behind a bound (D.1 keeps a search to what its purpose
    needs: the retention span, the radius, a canvass's window); a format error has none.
    """

    def __init__(self, message: str, clause: str | None = None) -> None:
        super().__init__(message)
        self.clause = clause


class SearchRefusal(SearchRuleError):
    """A search the order itself forbids as asked; `clause` says which rule decides it."""

    def __init__(self, message: str, clause: str) -> None:
        super().__init__(message, clause)


@dataclass(frozen=True)
class PlatePattern:
    mode: MatchMode
    text: str

    def like(self) -> str:
        """SQL LIKE form of a wildcard pattern; plates hold only A-Z and 0-9, so no escapes."""
        return self.text.replace("*", "%").replace("?", "_")

    def longest_literal_run(self) -> int:
        """Known characters in a row: from three on, a trigram index can find the plates."""
        return max((len(run) for run in re.split(r"[*?]", self.text)), default=0)

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


@dataclass(frozen=True)
class Circle:
    lat: float
    lon: float
    radius_m: float

    def bounds(self) -> tuple[float, float, float, float]:
        return bounding_box((self.lat, self.lon), self.radius_m)

    def contains(self, lat: float, lon: float) -> bool:
        return distance_m((self.lat, self.lon), (lat, lon)) <= self.radius_m


@dataclass(frozen=True)
class Rectangle:
    south: float
    west: float
    north: float
    east: float

    def bounds(self) -> tuple[float, float, float, float]:
        return self.south, self.north, self.west, self.east

    def sides_m(self) -> tuple[float, float]:
        """(north-south, widest east-west) extent in metres."""
        height = distance_m((self.south, self.west), (self.north, self.west))
        widest_lat = min(abs(self.south), abs(self.north)) if self.south * self.north > 0 else 0
        return height, distance_m((widest_lat, self.west), (widest_lat, self.east))


Area = Circle | Rectangle


@dataclass(frozen=True)
class VehicleDescription:
    """Reader labels to match (F.3); each compared with the lower-case label stored per read."""

    color: str | None = None
    make: str | None = None
    body: str | None = None

    def given(self) -> dict[str, str]:
        return {k: v for k, v in (("color", self.color), ("make", self.make),
                                  ("body", self.body)) if v}


@dataclass(frozen=True)
class SearchCriteria:
    """A checked search. Its parameters are what the log keeps and what an export re-runs."""

    plate: PlatePattern | None = None
    time_from: datetime | None = None
    time_to: datetime | None = None
    area: Area | None = None
    devices: tuple[str, ...] = ()
    vehicle: VehicleDescription = field(default_factory=VehicleDescription)

    @property
    def kind(self) -> SearchKind:
        """Any vehicle label makes a shape search (F.3); no plate makes a canvass (D.1.b)."""
        if self.vehicle.given():
            return SearchKind.SHAPE
        return SearchKind.PLATE if self.plate else SearchKind.CANVASS

    def parameters(self) -> dict[str, object]:
        """JSON-ready; times are kept in their own columns of the log."""
        params: dict[str, object] = {}
        if self.plate:
            params |= {"plate": self.plate.text, "mode": self.plate.mode.value}
        if isinstance(self.area, Circle):
            params |= {"near": [self.area.lat, self.area.lon], "radius_m": self.area.radius_m}
        elif isinstance(self.area, Rectangle):
            a = self.area
            params["rectangle"] = [a.south, a.west, a.north, a.east]
        if self.devices:
            params["devices"] = list(self.devices)
        return params | self.vehicle.given()

    @classmethod
    def from_parameters(cls, params: Mapping[str, object], time_from: datetime | None,
                        time_to: datetime | None) -> SearchCriteria:
        """The criteria of a logged search, as it ran (the log holds only checked values)."""
        plate = params.get("plate")
        near, rect = params.get("near"), params.get("rectangle")
        area: Area | None = None
        if isinstance(near, list):
            area = Circle(float(near[0]), float(near[1]), float(params["radius_m"]))
        elif isinstance(rect, list):
            area = Rectangle(*(float(v) for v in rect))
        return cls(
            PlatePattern(MatchMode(params["mode"]), plate) if isinstance(plate, str) else None,
            time_from, time_to, area, tuple(params.get("devices") or ()),
            VehicleDescription(params.get("color"), params.get("make"), params.get("body")))


_PATTERN = re.compile(r"[A-Z0-9*?]{1,10}")
_SEPARATORS = re.compile(r"[\s\-.]+")
_CASE = re.compile(r"[A-Za-z0-9\-/]+")
_DEVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-.]{0,39}")
_LABEL = re.compile(r"[a-z0-9][a-z0-9 \-/]{0,39}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def purpose_of(raw: str | None) -> SearchPurpose:
    try:
        return SearchPurpose((raw or "").strip().lower())
    except (ValueError, AttributeError):
        names = "; ".join(PURPOSE_TITLES[p] for p in SearchPurpose)
        raise SearchRuleError(f"a search states one approved purpose (D.1): {names}") from None


def case_number_of(raw: str | None, field_name: str = "case number") -> str:
    case = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not case:
        raise SearchRuleError(f"a search names the {field_name} it is for (D.1)")
    if len(case) > 40 or not _CASE.fullmatch(case):
        raise SearchRuleError(f"{field_name} must be 1 to 40 letters, digits, '-' or '/'")
    return case


def text_of(raw: object, field_name: str, shortest: int = 1,
            longest: int = MAX_DESCRIPTION) -> str:
    """Free text kept as written (always a bound value); control characters are refused."""
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) < shortest:
        raise SearchRuleError(f"{field_name}: at least {shortest} characters")
    if len(text) > longest:
        raise SearchRuleError(f"{field_name}: at most {longest} characters")
    if _CONTROL.search(text):
        raise SearchRuleError(f"{field_name}: contains control characters")
    return text


def plate_pattern(raw: str, mode: MatchMode | str = MatchMode.EXACT) -> PlatePattern:
    # Not clean_plate: that drops '*', which here is a wildcard.
    text = _SEPARATORS.sub("", raw).upper() if isinstance(raw, str) else ""
    try:
        mode = MatchMode(mode)
    except ValueError:
        raise SearchRuleError("match mode: exact, wildcard or ocr") from None
    if not _PATTERN.fullmatch(text):
        raise SearchRuleError("plate pattern: 1 to 10 letters or digits, with * or ? as "
                              "wildcards")
    wild = "*" in text or "?" in text
    if wild and mode is not MatchMode.WILDCARD:
        mode = MatchMode.WILDCARD
    literals = sum(c.isalnum() for c in text)
    if wild and literals < MIN_LITERALS:
        raise SearchRuleError(f"plate pattern: a wildcard search needs at least {MIN_LITERALS} "
                              "known characters; a pattern of wildcards alone searches everyone",
                              BOUNDS)
    return PlatePattern(mode, text)


def time_range(start: datetime | None, end: datetime | None) -> None:
    for moment in (start, end):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            raise SearchRuleError("time range: give times with their time zone")
    if start and end:
        if end <= start:
            raise SearchRuleError("time range: it ends before it starts")
        if end - start > MAX_SPAN:
            raise SearchRuleError("time range: longer than the 2 years data is kept", BOUNDS)


def window_of(kind: SearchKind, start: datetime | None, end: datetime | None) -> None:
    """A canvass or shape search needs both ends of a short window; a plate search need not."""
    time_range(start, end)
    limit = {SearchKind.CANVASS: MAX_CANVASS_SPAN, SearchKind.SHAPE: MAX_SHAPE_SPAN}.get(kind)
    if limit is None:
        return
    hours = int(limit.total_seconds() // 3600)
    if start is None or end is None or end - start > limit:
        raise SearchRuleError(f"time range: a {kind.value} search needs a start and an end at "
                              f"most {hours} hours apart", BOUNDS)


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SearchRuleError(f"{name}: not a number")
    return float(value)


def radius_of(value: float, largest: float = MAX_RADIUS_M) -> float:
    number = not isinstance(value, bool) and isinstance(value, int | float) \
        and math.isfinite(value)
    if not number or not 0 < value <= largest:
        raise SearchRuleError(f"radius must be more than 0 and at most {largest:.0f} m",
                              BOUNDS if number and value > largest else None)
    return float(value)


def point_of(lat: float, lon: float) -> tuple[float, float]:
    lat, lon = _number(lat, "latitude"), _number(lon, "longitude")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise SearchRuleError("the place must be a latitude and longitude in range")
    return lat, lon


def circle_of(near: object, radius_m: object, largest: float = MAX_RADIUS_M) -> Circle:
    if not isinstance(near, Sequence) or isinstance(near, str) or len(near) != 2:
        raise SearchRuleError("area: the place is a latitude and a longitude")
    if radius_m is None:
        raise SearchRuleError("radius: a search near a place needs a radius")
    lat, lon = point_of(*near)
    return Circle(lat, lon, radius_of(radius_m, largest))


def rectangle_of(corners: object, largest_side: float = MAX_RECTANGLE_SIDE_M) -> Rectangle:
    """South, west, north, east in degrees; it may not cross the antimeridian."""
    if not isinstance(corners, Sequence) or isinstance(corners, str) or len(corners) != 4:
        raise SearchRuleError("area: a rectangle is south, west, north, east")
    south, west, north, east = (_number(v, "area") for v in corners)
    if not (-90 <= south <= 90 and -90 <= north <= 90 and -180 <= west <= 180
            and -180 <= east <= 180):
        raise SearchRuleError("area: the rectangle's corners must be latitudes and longitudes "
                              "in range")
    if south >= north or west >= east:
        raise SearchRuleError("area: the rectangle's south must be below its north and its "
                              "west left of its east")
    rect = Rectangle(south, west, north, east)
    if max(rect.sides_m()) > largest_side:
        raise SearchRuleError(f"area: the rectangle is more than {largest_side / 1000:.0f} km "
                              "across", BOUNDS)
    return rect


def devices_of(raw: Sequence[object] | None) -> tuple[str, ...]:
    """Device codes or ids as typed; the service resolves them to registered devices."""
    if raw is None:
        return ()
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        raise SearchRuleError("devices: a list of device codes or ids")
    tokens = [str(v).strip() if isinstance(v, str | int) and not isinstance(v, bool) else ""
              for v in raw]
    if len(tokens) > MAX_DEVICES:
        raise SearchRuleError(f"devices: at most {MAX_DEVICES}")
    for token in tokens:
        if not _DEVICE.fullmatch(token):
            raise SearchRuleError("devices: each is a device code or id (letters, digits, "
                                  "'-', '_' or '.')")
    return tuple(dict.fromkeys(tokens))


def label_of(raw: str | None, field_name: str) -> str | None:
    """A vehicle label the way ingest stores it: lower case, trimmed."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = " ".join(raw.split()).lower() if isinstance(raw, str) else ""
    if not _LABEL.fullmatch(text):
        raise SearchRuleError(f"{field_name}: 1 to 40 letters, digits, spaces, '-' or '/'")
    return text


def area_limits(kind: SearchKind) -> tuple[float, float]:
    """The largest radius and rectangle side, in metres, a search of this kind may cover: a
    canvass's are smaller (D.1.b). The console checks what is typed against these too."""
    if kind is SearchKind.CANVASS:
        return MAX_CANVASS_RADIUS_M, MAX_CANVASS_SIDE_M
    return MAX_RADIUS_M, MAX_RECTANGLE_SIDE_M


def area_within_limits(kind: SearchKind, *, radius_m: float | None = None,
                       corners: Sequence[float] | None = None) -> None:
    """Raises the service's SearchRuleError for a circle's radius or a rectangle (south, west,
    north, east) larger than this kind of search may cover, so that the map and the Search
    screen say the bound as an area is drawn or typed, in the words the service refuses it."""
    largest_radius, largest_side = area_limits(kind)
    if radius_m is not None:
        radius_of(radius_m, largest_radius)
    elif corners is not None:
        rectangle_of(corners, largest_side)


def criteria_of(*, plate: str | None, match_mode: str, time_from: datetime | None,
                time_to: datetime | None, near: object, radius_m: object, rectangle: object,
                devices: Sequence[object] | None, color: str | None, make: str | None,
                body: str | None) -> SearchCriteria:
    """Check every criterion, naming the field at fault; the kind sets the bounds."""
    if near is not None and rectangle is not None:
        raise SearchRuleError("area: a circle or a rectangle, not both")
    vehicle = VehicleDescription(label_of(color, "color"), label_of(make, "make"),
                                 label_of(body, "body type"))
    pattern = plate_pattern(plate, match_mode) if plate else None
    device_tokens = devices_of(devices)
    kind = SearchCriteria(pattern, vehicle=vehicle).kind
    largest_radius, largest_side = area_limits(kind)
    area: Area | None = None
    if near is not None or radius_m is not None:
        area = circle_of(near, radius_m, largest_radius)
    elif rectangle is not None:
        area = rectangle_of(rectangle, largest_side)
    if kind is SearchKind.CANVASS and area is None:
        # D.1.b: a canvass reads everyone within R metres of a place; devices only narrow it.
        raise SearchRuleError("area: a search without a plate or vehicle description is a "
                              "canvass (D.1.b) and needs a place, a circle or a rectangle; "
                              "devices may narrow it", BOUNDS)
    window_of(kind, time_from, time_to)
    return SearchCriteria(pattern, time_from, time_to, area, device_tokens, vehicle)


def purpose_fits(kind: SearchKind, purpose: SearchPurpose) -> None:
    """Reads of everyone near a place are a canvass: that purpose or an approved other use."""
    if kind is SearchKind.CANVASS and purpose not in (SearchPurpose.CRIME_SCENE_CANVASS,
                                                      SearchPurpose.OTHER_USE):
        raise SearchRefusal("A search by place without a plate is a crime-scene canvass "
                            "(D.1.b): state that purpose, or use an approved other use "
                            "(D.1.c).", "D.1")


def shape_record_of(kind: SearchKind, incident: str | None,
                    description: str | None) -> tuple[str | None, str | None]:
    """F.3: the incident and the description, both recorded, before a shape search runs."""
    if kind is not SearchKind.SHAPE:
        if incident or description:
            raise SearchRuleError("incident number: only a vehicle-description search records "
                                  "an incident and description")
        return None, None
    if not (isinstance(incident, str) and incident.strip()):
        raise SearchRefusal("A vehicle-description search runs only for a reported incident "
                            "(F.3): give its incident number.", "F.3")
    if not (isinstance(description, str) and len(description.strip()) >= MIN_DESCRIPTION):
        raise SearchRefusal("A vehicle-description search runs only when the suspect or "
                            "vehicle description is known (F.3): record it in at least "
                            f"{MIN_DESCRIPTION} characters.", "F.3")
    return (case_number_of(incident, "incident number"),
            text_of(description, "description", MIN_DESCRIPTION))


def approval_usable_until(decided_at: datetime) -> datetime:
    return decided_at + OTHER_USE_VALID_FOR


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
