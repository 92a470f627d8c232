"""Plate reads and reader heartbeats as every feed hands them over, and the checks they pass."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import NamedTuple

from rtic_console.domain.plates import (
    STATE_CODES,
    InvalidPlate,
    is_canonical_plate,
    normalize_plate,
)

IMAGE_KINDS = ("plate", "vehicle", "overview")
# Feeds whose read id is built from the read's exact time (its ISO text): a re-sent read
# carries its time again, so the detections' unique key (format, id, held, time) alone finds
# it, unless the stored copy is held (services/ingest.py looks those up).
TIME_KEYED_SOURCES = frozenset({"csv", "genetec", "platerecognizer"})
# Every supported vendor sends JPEG, and the store keeps images as JPEG.
_JPEG_SIGNATURE = b"\xff\xd8\xff"
# Longest identifier the detections table can hold; the store sizes its columns from these.
TEXT_LIMITS: Mapping[str, int] = MappingProxyType(
    {"source": 24, "source_id": 160, "device_ref": 80, "plate_raw": 40}
)
# The images of every read that has none: a view of a dict nothing else holds.
_NO_IMAGES: Mapping[str, bytes] = MappingProxyType({})
# Control characters and lone surrogates (PostgreSQL text refuses NUL and surrogates).
_UNSTORABLE = frozenset({"Cc", "Cs"})


class ReadRejected(ValueError):
    """A read (or one of its fields) that must not be stored; `reason` names the field."""

    def __init__(self, field_name: str, detail: str) -> None:
        self.field = field_name
        self.detail = detail
        self.reason = f"{field_name}: {detail}"
        super().__init__(self.reason)


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds a read must respect; a site with big overview frames can raise them."""

    max_image_bytes: int = 2 * 1024 * 1024
    max_future: timedelta = timedelta(minutes=5)
    max_past: timedelta = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class VehicleInfo:
    """The reader's own guess at the vehicle, best label first; often wrong, never a match key."""

    color: str | None = None
    make: str | None = None
    model: str | None = None
    body_type: str | None = None
    year: str | None = None


_NO_VEHICLE = VehicleInfo()


@dataclass(frozen=True)
class PlateRead:
    """One vehicle seen by one reader, already normalised.

    (source, source_id) is deterministic so that a re-sent payload dedupes instead of
    creating a second detection.
    """

    source: str
    source_id: str
    plate: str
    plate_raw: str
    state: str | None
    confidence: float
    captured_at: datetime
    device_ref: str
    latitude: float | None = None
    longitude: float | None = None
    direction_deg: float | None = None
    candidates: tuple[tuple[str, float], ...] = ()
    vehicle: VehicleInfo = _NO_VEHICLE
    images: Mapping[str, bytes] = field(default_factory=dict, hash=False, repr=False)

    # Written out, not generated: the generated __init__ of a frozen dataclass sets each
    # field through object.__setattr__, half the cost of building a read from a CSV row.
    # It takes the fields declared above, in order, with their defaults (tests/domain).
    def __init__(
        self, source: str, source_id: str, plate: str, plate_raw: str, state: str | None,
        confidence: float, captured_at: datetime, device_ref: str,
        latitude: float | None = None, longitude: float | None = None,
        direction_deg: float | None = None, candidates: Iterable[tuple[str, float]] = (),
        vehicle: VehicleInfo = _NO_VEHICLE, images: Mapping[str, bytes] = _NO_IMAGES,
    ) -> None:
        # Frozen means frozen: a caller must not be able to swap an image after validation.
        vars(self).update(
            source=source, source_id=source_id, plate=plate, plate_raw=plate_raw,
            state=state, confidence=confidence, captured_at=captured_at,
            device_ref=device_ref, latitude=latitude, longitude=longitude,
            direction_deg=direction_deg,
            candidates=candidates if type(candidates) is tuple else tuple(candidates),
            vehicle=vehicle,
            images=MappingProxyType(dict(images)) if images else _NO_IMAGES)


class StreamStatus(NamedTuple):
    """One camera stream as a reader agent reports it in its heartbeat."""

    camera_id: str
    camera_name: str | None
    fps: float | None
    is_streaming: bool
    last_update: datetime | None


@dataclass(frozen=True)
class Heartbeat:
    """A reader agent saying it is alive; feeds device health, never the detections table."""

    device_ref: str
    at: datetime
    streams: tuple[StreamStatus, ...] = ()


def check_image(kind: str, data: object, limits: ReadLimits) -> None:
    """Raise ReadRejected unless data is a plausible image of a known kind within the size cap."""
    name = f"images.{kind}"
    if kind not in IMAGE_KINDS:
        raise ReadRejected(name, f"unknown image kind; expected one of {', '.join(IMAGE_KINDS)}")
    if not isinstance(data, bytes):
        raise ReadRejected(name, f"must be bytes, got {type(data).__name__}")
    if len(data) > limits.max_image_bytes:
        raise ReadRejected(name, f"{len(data)} bytes exceeds the {limits.max_image_bytes}-byte cap")
    if not data.startswith(_JPEG_SIGNATURE):
        raise ReadRejected(name, "is not a JPEG image")


def _check_text(name: str, value: object, limit: int) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ReadRejected(name, "is missing")
    # Identifiers land in sized, indexed columns; a runaway string is a broken sender.
    if len(value) > limit:
        raise ReadRejected(name, f"is longer than {limit} characters")
    # Printable ASCII, nearly every real value, needs no per-character look-up.
    if not (value.isascii() and value.isprintable()) and any(
            unicodedata.category(c) in _UNSTORABLE for c in value):
        raise ReadRejected(name, "contains control or unencodable characters")


def _check_unit(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ReadRejected(name, "must be a finite number")
    if not 0.0 <= value <= 1.0:
        raise ReadRejected(name, f"{value} is outside 0..1")


def _check_range(name: str, value: object, low: float, high: float) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ReadRejected(name, "must be a finite number")
    if not low <= value <= high:
        raise ReadRejected(name, f"{value} is outside {low:g}..{high:g}")


def _check_plate(name: str, value: object) -> None:
    if is_canonical_plate(value):
        return
    try:
        canonical = normalize_plate(value)
    except InvalidPlate as exc:
        raise ReadRejected(name, str(exc)) from None
    if canonical != value:
        raise ReadRejected(name, "is not in canonical form")


def _check_time(read: PlateRead, now: datetime, limits: ReadLimits) -> None:
    at = read.captured_at
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ReadRejected("captured_at", "must be a time-zone-aware datetime")
    if at.utcoffset() != timedelta(0):
        raise ReadRejected("captured_at", "must be in UTC")
    if at - now > limits.max_future:
        raise ReadRejected("captured_at", f"is more than {limits.max_future} in the future")
    if now - at > limits.max_past:
        raise ReadRejected("captured_at", f"is more than {limits.max_past.days} days in the past")


def validate_read(read: PlateRead, now: datetime, limits: ReadLimits | None = None) -> None:
    """Raise ReadRejected naming the first field that makes the read unfit to store or match.

    Parsers already normalise; this is the last gate before the database, so it also
    catches reads built by simulators, imports and future feeds.
    """
    limits = limits or ReadLimits()
    for name, limit in TEXT_LIMITS.items():
        _check_text(name, getattr(read, name), limit)
    _check_plate("plate", read.plate)
    if read.state is not None and read.state not in STATE_CODES:
        raise ReadRejected("state", "must be a known two-letter region code or unknown")
    _check_unit("confidence", read.confidence)
    _check_time(read, now, limits)
    if (read.latitude is None) != (read.longitude is None):
        raise ReadRejected("latitude", "latitude and longitude must be given together")
    _check_range("latitude", read.latitude, -90.0, 90.0)
    _check_range("longitude", read.longitude, -180.0, 180.0)
    _check_range("direction_deg", read.direction_deg, 0.0, 360.0)
    for position, (plate, score) in enumerate(read.candidates):
        _check_plate(f"candidates[{position}].plate", plate)
        _check_unit(f"candidates[{position}].confidence", score)
    for kind, data in read.images.items():
        check_image(kind, data, limits)


def validate_heartbeat(heartbeat: Heartbeat) -> None:
    """Raise ReadRejected when a heartbeat's identifiers could not be stored or matched."""
    _check_text("device_ref", heartbeat.device_ref, TEXT_LIMITS["device_ref"])
    if not isinstance(heartbeat.at, datetime) or heartbeat.at.tzinfo is None:
        raise ReadRejected("at", "must be a time-zone-aware datetime")
    for position, stream in enumerate(heartbeat.streams):
        _check_text(f"streams[{position}].camera_id", stream.camera_id, TEXT_LIMITS["device_ref"])
