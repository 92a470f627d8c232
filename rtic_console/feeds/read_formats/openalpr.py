"""OpenALPR / Rekor agent webhook messages: vehicle groups, vendor alerts and heartbeats."""

from __future__ import annotations

from itertools import chain

from rtic_console.domain.plates import normalize_state
from rtic_console.domain.reads import (
    Heartbeat,
    PlateRead,
    ReadRejected,
    StreamStatus,
    VehicleInfo,
    validate_heartbeat,
)
from rtic_console.feeds.read_formats import coerce
from rtic_console.feeds.read_formats.coerce import as_dict, as_list
from rtic_console.feeds.read_formats.result import ParseContext, ParseResult, PayloadError
from rtic_console.feeds.read_formats.times import epoch

SOURCE = "openalpr"
# Relays that wrap a message under "data_type": null are unwrapped this many levels at most.
_MAX_WRAP_DEPTH = 3
_NOT_INGESTED = {
    "alpr_results": "per-frame alpr_results are not ingested; the vehicle's alpr_group is",
    "vehicle": "a vehicle with no readable plate is not a plate read",
}


def parse(doc: object, ctx: ParseContext) -> ParseResult:
    """One webhook body: a message, a list of messages, or a relay's wrapper around them."""
    if isinstance(doc, dict):
        messages: list[object] = [doc]
    elif isinstance(doc, list):
        messages = doc
    else:
        raise PayloadError("OpenALPR body must be a JSON object or a list of objects")
    result = ParseResult(fmt=SOURCE)
    for index, message in enumerate(messages):
        _handle(index, message, ctx, result, depth=0)
    return result


def _handle(
    index: int, message: object, ctx: ParseContext, result: ParseResult, depth: int
) -> None:
    where = f"message {index}"
    if not isinstance(message, dict):
        result.rejected.append((index, "message: must be a JSON object"))
        return
    if message.get("openalpr_webhook") == "test":
        result.ignored.append(f"{where}: OpenALPR webhook test ping")
        return
    kind = message.get("data_type")
    if kind is None and "best_plate_number" in message:
        kind = "alpr_group"
    if kind is None:
        inner = _wrapped(message) if depth < _MAX_WRAP_DEPTH else []
        if not inner:
            result.ignored.append(f"{where}: wrapper with data_type null and no message inside")
        for item in inner:
            _handle(index, item, ctx, result, depth + 1)
    elif not isinstance(kind, str):
        result.ignored.append(f"{where}: data_type of type {type(kind).__name__} is not handled")
    elif kind == "alpr_group":
        ctx.admit(result, index, _group_read, message, ctx, result.ignored, where)
    elif kind == "alpr_alert":
        _alert(index, message, ctx, result)
    elif kind == "heartbeat":
        _heartbeat(index, message, ctx, result)
    elif kind in _NOT_INGESTED:
        result.ignored.append(f"{where}: {_NOT_INGESTED[kind]}")
    else:
        result.ignored.append(f"{where}: data_type {coerce.brief(kind)} is not handled")


def _wrapped(message: dict[str, object]) -> list[object]:
    """Messages a relay nested inside a null-typed wrapper, possibly as a JSON string."""
    for value in message.values():
        inner = value
        if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
            try:
                inner = coerce.load_json(value, "wrapped message")
            except PayloadError:
                continue
        if isinstance(inner, dict) and ("data_type" in inner or "best_plate_number" in inner):
            return [inner]
        if isinstance(inner, list) and inner and all(isinstance(m, dict) for m in inner):
            return list(inner)
    return []


def _alert(index: int, message: dict[str, object], ctx: ParseContext, result: ParseResult) -> None:
    """The vendor's own hot-list hit: its group is a read; its verdict is ours to make."""
    group = message.get("group")
    if not isinstance(group, dict):
        result.rejected.append((index, "group: alpr_alert carries no group object"))
        return
    where = f"message {index}"
    result.ignored.append(f"{where}: alpr_alert verdict not used; its group is ingested as a read")
    ctx.admit(result, index, _group_read, group, ctx, result.ignored, where)


def _group_read(
    group: dict[str, object], ctx: ParseContext, notes: list[str], where: str
) -> PlateRead:
    best = as_dict(group.get("best_plate"))
    # best_plate_number is what the agent matched on; best_plate.plate may differ.
    plate, raw = coerce.plate(
        group.get("best_plate_number") or best.get("plate"), "best_plate_number"
    )
    score = group.get("best_confidence")
    captured_value = group.get("epoch_start")
    if captured_value is None:
        captured_value = group.get("epoch_end")
    captured = epoch(captured_value, "epoch_start")
    camera = coerce.text(group.get("camera_id"), "camera_id", required=False)
    agent = coerce.text(group.get("agent_uid"), "agent_uid", required=False)
    device = camera or agent
    if device is None:
        raise ReadRejected("camera_id", "is missing, and so is agent_uid")
    source_id = coerce.text(group.get("best_uuid"), "best_uuid", required=False)
    latitude, longitude = coerce.position(group.get("gps_latitude"), group.get("gps_longitude"))
    alternatives = chain(
        coerce.pairs(group.get("candidates"), "plate", "confidence"),
        coerce.pairs(best.get("candidates"), "plate", "confidence"),
        [(best.get("plate"), best.get("confidence"))],
    )
    return PlateRead(
        source=SOURCE,
        source_id=source_id or coerce.composite_id(agent, camera, int(captured.timestamp() * 1000)),
        plate=plate,
        plate_raw=raw,
        state=normalize_state(group.get("best_region") or best.get("region")),
        confidence=coerce.confidence(
            best.get("confidence") if score is None else score, "best_confidence", scale=100
        ),
        captured_at=captured,
        device_ref=device,
        latitude=latitude,
        longitude=longitude,
        direction_deg=coerce.direction(group.get("travel_direction")),
        candidates=coerce.candidates(alternatives, scale=100, best=plate),
        vehicle=_vehicle(as_dict(group.get("vehicle"))),
        images=coerce.images(
            {
                "plate": best.get("plate_crop_jpeg"),
                "vehicle": group.get("vehicle_crop_jpeg"),
                "overview": group.get("overview_jpeg"),
            },
            ctx.limits,
            notes,
            where,
        ),
    )


def _vehicle(vehicle: dict[str, object]) -> VehicleInfo:
    make = coerce.first_label(vehicle.get("make"), "name")
    model = coerce.first_label(vehicle.get("make_model"), "name")
    # make_model labels read "honda_civic"; the make is already its own field.
    if model and make and model.lower().startswith(make.lower() + "_"):
        model = model[len(make) + 1 :] or model
    return VehicleInfo(
        color=coerce.first_label(vehicle.get("color"), "name"),
        make=make,
        model=model,
        body_type=coerce.first_label(vehicle.get("body_type"), "name"),
        year=coerce.first_label(vehicle.get("year"), "name"),
    )


def _heartbeat(
    index: int, message: dict[str, object], ctx: ParseContext, result: ParseResult
) -> None:
    streams: list[StreamStatus] = []
    for position, stream in enumerate(as_list(message.get("video_streams"))):
        try:
            streams.append(_stream(as_dict(stream)))
        except ReadRejected as exc:
            result.ignored.append(
                f"message {index}: heartbeat stream {position} skipped, {exc.reason}"
            )
    try:
        heartbeat = Heartbeat(
            device_ref=coerce.text(message.get("agent_uid"), "agent_uid") or "",
            at=epoch(message.get("timestamp"), "timestamp"),
            streams=tuple(streams),
        )
        validate_heartbeat(heartbeat)
    except ReadRejected as exc:
        result.rejected.append((index, f"heartbeat {exc.reason}"))
        return
    result.heartbeats.append(heartbeat)


def _stream(stream: dict[str, object]) -> StreamStatus:
    try:
        fps = coerce.number(stream.get("fps"), "fps")
    except ReadRejected:
        fps = None
    try:
        last_update = epoch(stream.get("last_update"), "last_update")
    except ReadRejected:
        last_update = None
    return StreamStatus(
        camera_id=coerce.text(stream.get("camera_id"), "camera_id") or "",
        camera_name=coerce.label(stream.get("camera_name")),
        fps=fps,
        is_streaming=stream.get("is_streaming") in (True, 1, "true", "True"),
        last_update=last_update,
    )
