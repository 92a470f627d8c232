"""Genetec AutoVu reads forwarded as JSON: every value a string, dates locale-formatted."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rtic_console.domain.plates import normalize_state
from rtic_console.domain.reads import PlateRead, ReadRejected, VehicleInfo
from rtic_console.feeds.read_formats import coerce
from rtic_console.feeds.read_formats.result import ParseContext, ParseResult, PayloadError
from rtic_console.feeds.read_formats.times import date_and_time

SOURCE = "genetec"
# Attribute keys vary by console version and language pack; compared lowercased,
# alphanumerics only, without a leading "vehicle".
_ATTRIBUTE_FIELDS = {
    "type": "body_type",
    "bodytype": "body_type",
    "style": "body_type",
    "color": "color",
    "colour": "color",
    "make": "make",
    "model": "model",
    "year": "year",
}
_PAIR_SEPARATORS = re.compile(r"[;,|]")


def parse(doc: object, ctx: ParseContext) -> ParseResult:
    """One read object or a list of them."""
    if isinstance(doc, dict):
        items: list[object] = [doc]
    elif isinstance(doc, list):
        items = doc
    else:
        raise PayloadError("Genetec body must be a JSON object or a list of objects")
    result = ParseResult(fmt=SOURCE)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.rejected.append((index, "read: must be a JSON object"))
            continue
        ctx.admit(result, index, _read, item, ctx, result.ignored, f"read {index}")
    return result


def _read(item: dict[str, object], ctx: ParseContext, notes: list[str], where: str) -> PlateRead:
    plate, raw = coerce.plate(item.get("Plate"), "Plate")
    captured = date_and_time(item.get("DateUtc"), item.get("TimeUtc"), "DateUtc", "TimeUtc")
    vehicle_id = coerce.text(item.get("VehicleID"), "VehicleID", required=False)
    camera = coerce.text(item.get("CameraName"), "CameraName", required=False)
    # A mobile unit's cameras are named Left/Right on every car: the vehicle makes them unique.
    device = "/".join(part for part in (vehicle_id, camera) if part)
    if not device:
        raise ReadRejected("CameraName", "is missing, and so is VehicleID")
    latitude, longitude = coerce.position(item.get("Latitude"), item.get("Longitude"))
    return PlateRead(
        source=SOURCE,
        source_id=coerce.composite_id(device, captured.isoformat(), plate),
        plate=plate,
        plate_raw=raw,
        state=normalize_state(item.get("State")),
        confidence=coerce.confidence(item.get("ConfidenceScore"), "ConfidenceScore", scale=100),
        captured_at=captured,
        device_ref=device,
        latitude=latitude,
        longitude=longitude,
        vehicle=_vehicle(item.get("Attributes")),
        images=coerce.images(
            {"plate": item.get("PlateImage"), "overview": item.get("ContextImage")},
            ctx.limits,
            notes,
            where,
        ),
    )


def _vehicle(attributes: object) -> VehicleInfo:
    found: dict[str, str] = {}
    for key, value in _attribute_items(attributes, depth=0):
        if not isinstance(key, str):
            continue
        compact = "".join(c for c in key.lower() if c.isalnum())
        target = _ATTRIBUTE_FIELDS.get(compact.removeprefix("vehicle"))
        text = coerce.label(value)
        if target and text and target not in found:
            found[target] = text
    return VehicleInfo(**found)


def _attribute_items(attributes: object, depth: int) -> Iterator[tuple[object, object]]:
    """Attributes arrive as an object, a [{Key, Value}] list, JSON text or "Key=Value; ..." text."""
    if isinstance(attributes, dict):
        yield from attributes.items()
    elif isinstance(attributes, list):
        for entry in attributes:
            if isinstance(entry, dict):
                yield entry.get("Key", entry.get("Name")), entry.get("Value")
    elif isinstance(attributes, str) and depth == 0:
        if attributes.lstrip().startswith(("{", "[")):
            try:
                decoded = coerce.load_json(attributes, "Attributes")
            except PayloadError:
                return
            yield from _attribute_items(decoded, depth=1)
            return
        for chunk in _PAIR_SEPARATORS.split(attributes):
            key, separator, value = chunk.partition("=" if "=" in chunk else ":")
            if separator:
                yield key.strip(), value.strip()
