"""Turning loosely typed vendor values (ids, numbers, plates, base64 images) into read fields."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rtic_console.domain.plates import InvalidPlate, normalize_plate
from rtic_console.domain.reads import ReadLimits, ReadRejected, check_image
from rtic_console.feeds.read_formats.result import PayloadError

MAX_NUMBER_TEXT = 64
_MAX_LABEL = 64
# A reader's candidate list is a handful of confusable variants; more is noise.
MAX_CANDIDATES = 20


def brief(value: object) -> str:
    """A short, safe description of a bad value for a rejection reason (never a full dump)."""
    if isinstance(value, str):
        shown = repr(value)
        return shown if len(shown) <= 40 else shown[:37] + "..."
    return type(value).__name__


def decode_text(body: bytes | bytearray | memoryview, what: str = "body") -> str:
    """UTF-8 text without the byte-order mark that some agents put in front of their JSON."""
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError(f"{what} is not UTF-8 text (bad byte at offset {exc.start})") from None
    return text.removeprefix("\ufeff")


def load_json(source: bytes | str, what: str = "body") -> Any:
    text = source.removeprefix("\ufeff") if isinstance(source, str) else decode_text(source, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"{what} is not valid JSON: {exc.msg} at offset {exc.pos}") from None
    except (ValueError, RecursionError) as exc:
        # Integers past the digit limit and absurd nesting land here.
        raise PayloadError(f"{what} is not usable JSON: {type(exc).__name__}") from None


def as_dict(value: object) -> dict[str, Any]:
    """The value if it is an object, else empty: optional sections of the wrong type are absent."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: object, name: str, *, required: bool = True) -> str | None:
    """Identifier text; integers are accepted because vendors send camera ids either way."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is not None and not isinstance(value, str):
        raise ReadRejected(name, f"must be text, got {type(value).__name__}")
    if value and value.strip():
        return value.strip()
    if required:
        raise ReadRejected(name, "is missing")
    return None


def number(value: object, name: str) -> float | None:
    """A finite float from a JSON number or numeric text (decimal comma allowed); None if empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ReadRejected(name, "must be a number, got bool")
    if isinstance(value, int | float):
        try:
            result = float(value)
        except OverflowError:
            raise ReadRejected(name, "is too large") from None
    elif isinstance(value, str):
        found = _decimal(value, name)
        if found is None:
            return None
        result = found
    else:
        raise ReadRejected(name, f"must be a number, got {type(value).__name__}")
    if not math.isfinite(result):
        raise ReadRejected(name, "must be finite")
    return result


def _decimal(value: str, name: str) -> float | None:
    if len(value) <= MAX_NUMBER_TEXT:
        try:  # most values: plain decimal text, surrounding blanks and all
            return float(value)
        except ValueError:
            pass
    cleaned = value.strip()
    if not cleaned:
        return None
    # Locale-formatted feeds write 45,52 for 45.52.
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if len(cleaned) > MAX_NUMBER_TEXT:
        raise ReadRejected(name, "is too long to be a number")
    try:
        return float(cleaned)
    except ValueError:
        raise ReadRejected(name, f"is not a number: {brief(value)}") from None


def confidence(value: object, name: str, *, scale: float) -> float:
    """Vendor score on a 0..scale range as 0..1."""
    score = number(value, name)
    if score is None:
        raise ReadRejected(name, "is missing")
    if not 0.0 <= score <= scale:
        raise ReadRejected(name, f"{score:g} is outside 0..{scale:g}")
    return score / scale


def plate(value: object, name: str) -> tuple[str, str]:
    """(canonical plate, raw text as sent): the raw text is evidence of what the reader said."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        raise ReadRejected(name, "is missing")
    try:
        return normalize_plate(value), str(value)
    except InvalidPlate as exc:
        raise ReadRejected(name, str(exc)) from None


def pairs(items: object, plate_key: str, score_key: str) -> Iterator[tuple[object, object]]:
    """(plate, score) from a vendor's list of candidate objects, skipping non-objects."""
    for item in as_list(items):
        if isinstance(item, dict):
            yield item.get(plate_key), item.get(score_key)


def candidates(
    raw: Iterable[tuple[object, object]], *, scale: float, best: str
) -> tuple[tuple[str, float], ...]:
    """Valid alternative readings, best score first, without the chosen plate.

    Invalid candidates are dropped rather than failing the read: they are hints for
    hot-list matching, and one garbage variant must not lose a good detection.
    """
    scores: dict[str, float] = {}
    for raw_plate, raw_score in raw:
        try:
            canonical, _ = plate(raw_plate, "candidate")
            score = confidence(raw_score, "candidate", scale=scale)
        except ReadRejected:
            continue
        if canonical != best and score > scores.get(canonical, -1.0):
            scores[canonical] = score
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ranked[:MAX_CANDIDATES])


def label(value: object) -> str | None:
    """A vehicle label fit to show, or None; labels are descriptive so bad ones are just dropped."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    cleaned = "".join(c for c in value if c.isprintable()).strip()
    return cleaned[:_MAX_LABEL] or None


def first_label(items: object, *keys: str) -> str | None:
    """The first usable label in a best-first list of {name, confidence} objects."""
    for item in as_list(items):
        if isinstance(item, dict):
            for key in keys:
                found = label(item.get(key))
                if found:
                    return found
    return None


def position(lat: object, lon: object) -> tuple[float | None, float | None]:
    """(latitude, longitude), or (None, None) when both are absent.

    Readers without a GPS fix send 0,0; that is "unknown", not a point in the Atlantic.
    Half a position is refused by name rather than dropped: it is not a place, and the
    read then goes to quarantine where someone sees it. Out-of-range values are kept so
    validation rejects them by name.
    """
    latitude = number(lat, "latitude")
    longitude = number(lon, "longitude")
    if latitude is None and longitude is None:
        return None, None
    if latitude is None:
        raise ReadRejected("latitude", "is missing while a longitude is given")
    if longitude is None:
        raise ReadRejected("longitude", "is missing while a latitude is given")
    if latitude == 0.0 and longitude == 0.0:
        return None, None
    return latitude, longitude


def direction(value: object) -> float | None:
    """Heading in 0..360, or None: negative means "unknown" to several vendors.

    Direction only describes the read, so an unusable value is dropped, not fatal.
    """
    try:
        heading = number(value, "direction")
    except ReadRejected:
        return None
    if heading is None or heading < 0:
        return None
    return heading % 360.0


def images(
    sources: Mapping[str, object], limits: ReadLimits, notes: list[str], where: str
) -> dict[str, bytes]:
    """Decoded images by kind; a bad or oversized image is dropped with a note, the read kept.

    The read is the evidence of where a plate was; the picture helps verify it, so losing
    the picture must not lose the read.
    """
    found: dict[str, bytes] = {}
    for kind, value in sources.items():
        if value is None or value == "":
            continue
        try:
            data = value if isinstance(value, bytes) else _base64(value, kind, limits)
            check_image(kind, data, limits)
        except ReadRejected as exc:
            notes.append(f"{where}: image dropped, {exc.reason}")
            continue
        found[kind] = data
    return found


def _base64(value: object, kind: str, limits: ReadLimits) -> bytes:
    name = f"images.{kind}"
    if not isinstance(value, str):
        raise ReadRejected(name, f"must be base64 text, got {type(value).__name__}")
    encoded = value.partition(",")[2] if value.startswith("data:") else value
    # Refuse before decoding: a runaway image should not cost memory it cannot use.
    if len(encoded) > (limits.max_image_bytes + 3) * 4 // 3 + 4096:
        raise ReadRejected(name, f"exceeds the {limits.max_image_bytes}-byte cap")
    compact = "".join(encoded.split())
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ReadRejected(name, "is not valid base64") from None


def composite_id(*parts: object) -> str:
    """A deterministic read id from the fields that identify it, for vendors that send none."""
    return "|".join(["-" if part is None else str(part) for part in parts])
