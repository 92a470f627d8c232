"""Plate Recognizer Stream and Snapshot webhooks, as JSON or multipart with the uploaded frame."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from rtic_console.domain.plates import normalize_state
from rtic_console.domain.reads import PlateRead, VehicleInfo
from rtic_console.feeds.read_formats import coerce
from rtic_console.feeds.read_formats.coerce import as_dict, as_list
from rtic_console.feeds.read_formats.result import ParseContext, ParseResult, PayloadError
from rtic_console.feeds.read_formats.times import timestamp

SOURCE = "platerecognizer"
_EVENTS = ("recognition", "image.done")


class _Reading(NamedTuple):
    """The plate part of one result, whichever of the two result shapes carried it."""

    plate: object
    score: object
    region: object
    others: Iterable[tuple[object, object]]


def parse_parts(json_text: str | bytes, upload: bytes | None, ctx: ParseContext) -> ParseResult:
    """A multipart webhook already split into its `json` field and its `upload` JPEG."""
    return parse(coerce.load_json(json_text, "json field"), ctx, upload)


def parse(doc: object, ctx: ParseContext, upload: bytes | None = None) -> ParseResult:
    """The {hook, data} envelope; every result in data.results is one read."""
    if not isinstance(doc, dict):
        raise PayloadError("Plate Recognizer body must be a JSON object")
    result = ParseResult(fmt=SOURCE)
    event = as_dict(doc.get("hook")).get("event")
    if event is not None and event not in _EVENTS:
        result.ignored.append(f"hook event {coerce.brief(event)} is not a plate read")
        return result
    data = doc.get("data")
    if not isinstance(data, dict):
        raise PayloadError("data must be a JSON object")
    results = data.get("results")
    if results is None:
        results = []
    if not isinstance(results, list):
        raise PayloadError("data.results must be a list")
    if not results:
        # Snapshot sends a webhook for every image, plates or not.
        result.ignored.append("webhook carries no plate (results is empty)")
        return result
    frame = coerce.images({"overview": upload}, ctx.limits, result.ignored, "upload")
    for index, item in enumerate(results):
        if not isinstance(item, dict):
            result.rejected.append((index, f"results[{index}]: must be a JSON object"))
            continue
        reading = _reading(item)
        if reading is None:
            result.ignored.append(f"result {index}: vehicle with no readable plate (plate is null)")
            continue
        ctx.admit(result, index, _read, data, item, reading, index, frame)
    return result


def _reading(item: dict[str, object]) -> _Reading | None:
    """Classic results carry `plate` as text; vehicle mode nests it under props, maybe as null."""
    plate = item.get("plate")
    if plate is None:
        return None
    if not isinstance(plate, dict):
        region = as_dict(item.get("region")).get("code")
        others = coerce.pairs(item.get("candidates"), "plate", "score")
        return _Reading(plate, item.get("score"), region, others)
    props = as_dict(plate.get("props"))
    values = [value for value in as_list(props.get("plate")) if isinstance(value, dict)]
    if not values:
        return None
    region = coerce.first_label(props.get("region"), "value", "code")
    others = coerce.pairs(values[1:], "value", "score")
    return _Reading(values[0].get("value"), values[0].get("score"), region, others)


def _read(
    data: dict[str, object],
    item: dict[str, object],
    reading: _Reading,
    index: int,
    frame: Mapping[str, bytes],
) -> PlateRead:
    plate, raw = coerce.plate(reading.plate, f"results[{index}].plate")
    camera = coerce.text(data.get("camera_id"), "camera_id")
    captured = timestamp(data.get("timestamp"), "timestamp")
    return PlateRead(
        source=SOURCE,
        # hook.id names the webhook configuration, not the message: it cannot tell reads apart.
        source_id=coerce.composite_id(camera, captured.isoformat(), index, plate),
        plate=plate,
        plate_raw=raw,
        state=normalize_state(reading.region),
        confidence=coerce.confidence(reading.score, f"results[{index}].score", scale=1),
        captured_at=captured,
        device_ref=camera or "",
        direction_deg=coerce.direction(item.get("direction")),
        candidates=coerce.candidates(reading.others, scale=1, best=plate),
        vehicle=_vehicle(item),
        images=frame,
    )


def _vehicle(item: dict[str, object]) -> VehicleInfo:
    vehicle = as_dict(item.get("vehicle"))
    props = as_dict(vehicle.get("props"))
    make_models = as_list(item.get("model_make")) or as_list(props.get("make_model"))
    top = next((entry for entry in make_models if isinstance(entry, dict)), {})
    return VehicleInfo(
        color=coerce.first_label(item.get("color"), "color", "value")
        or coerce.first_label(props.get("color"), "value", "color"),
        make=coerce.label(top.get("make")),
        model=coerce.label(top.get("model")),
        body_type=coerce.label(vehicle.get("type")),
    )
