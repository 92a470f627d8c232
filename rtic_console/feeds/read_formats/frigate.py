"""Frigate NVR plate messages from MQTT: tracked-object LPR updates and car events."""

from __future__ import annotations

from rtic_console.domain.reads import PlateRead
from rtic_console.feeds.read_formats import coerce
from rtic_console.feeds.read_formats.result import ParseContext, ParseResult, PayloadError
from rtic_console.feeds.read_formats.times import epoch

SOURCE = "frigate"
_EVENT_TYPES = ("new", "update", "end")


def parse(doc: object, ctx: ParseContext) -> ParseResult:
    """A message from frigate/tracked_object_update or frigate/events; at most one read."""
    if not isinstance(doc, dict):
        raise PayloadError("Frigate message must be a JSON object")
    result = ParseResult(fmt=SOURCE)
    kind = doc.get("type")
    if kind == "lpr":
        fields = ("id", "plate", "score", "camera", "timestamp")
        ctx.admit(result, 0, _read, *(doc.get(name) for name in fields))
    elif kind in _EVENT_TYPES:
        _event(doc, ctx, result)
    else:
        result.ignored.append(f"Frigate message type {coerce.brief(kind)} is not a plate read")
    return result


def _event(doc: dict[str, object], ctx: ParseContext, result: ParseResult) -> None:
    after = doc.get("after")
    if not isinstance(after, dict):
        result.rejected.append((0, "after: must be a JSON object"))
        return
    recognized = after.get("recognized_license_plate")
    if recognized is None or recognized == "" or recognized == []:
        # Most "new" and many "update" events come before the plate is read.
        result.ignored.append(f"Frigate {doc.get('type')} event carries no recognised plate")
        return
    score = after.get("recognized_license_plate_score")
    # The docs show a string; the code on the wire sends ["ABC123", 0.93].
    if isinstance(recognized, list):
        if score is None and len(recognized) > 1:
            score = recognized[1]
        recognized = recognized[0]
    when = after.get("frame_time")
    if when is None:
        when = after.get("start_time")
    ctx.admit(result, 0, _read, after.get("id"), recognized, score, after.get("camera"), when)


def _read(
    event_id: object, plate_value: object, score: object, camera: object, when: object
) -> PlateRead:
    plate, raw = coerce.plate(plate_value, "plate")
    tracked = coerce.text(event_id, "id")
    device = coerce.text(camera, "camera")
    return PlateRead(
        source=SOURCE,
        # Frigate re-reads a tracked car as it gets closer; each distinct plate text is
        # kept (a hot-list hit may be in any of them) while a repeat of one dedupes.
        source_id=coerce.composite_id(tracked, plate),
        plate=plate,
        plate_raw=raw,
        state=None,
        confidence=coerce.confidence(score, "score", scale=1),
        captured_at=epoch(when, "timestamp"),
        device_ref=device or "",
    )
