"""The last gate before a read is stored: every limit of validate_read, at and past its edge."""

from __future__ import annotations

import dataclasses
import inspect
import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from rtic_console.domain.reads import (
    TEXT_LIMITS,
    Heartbeat,
    PlateRead,
    ReadLimits,
    ReadRejected,
    StreamStatus,
    VehicleInfo,
    check_image,
    validate_heartbeat,
    validate_read,
)

NOW = datetime(2026, 11, 21, 14, 10, tzinfo=UTC)
JPEG_HEAD = b"\xff\xd8\xff\xe0"
PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def make_read(**changes: object) -> PlateRead:
    base = PlateRead(
        source="openalpr",
        source_id="agent-1-1795269787123",
        plate="A13709",
        plate_raw="A13709",
        state="CA",
        confidence=0.946,
        captured_at=NOW - timedelta(minutes=7),
        device_ref="1288162412",
        latitude=37.7749,
        longitude=-122.4194,
        direction_deg=271.5,
        candidates=(("A137O9", 0.91), ("A137Q9", 0.85)),
        vehicle=VehicleInfo(color="silver", make="toyota"),
        images={"plate": JPEG_HEAD + b"1234", "overview": JPEG_HEAD + b"5678"},
    )
    return dataclasses.replace(base, **changes)


def rejected_field(read: PlateRead, limits: ReadLimits | None = None) -> str:
    with pytest.raises(ReadRejected) as caught:
        validate_read(read, NOW, limits)
    assert caught.value.reason.startswith(caught.value.field + ": ")
    assert caught.value.detail
    return caught.value.field


def test_a_complete_read_passes() -> None:
    validate_read(make_read(), NOW)


def test_a_minimal_read_passes() -> None:
    read = make_read(
        state=None, latitude=None, longitude=None, direction_deg=None, candidates=(), images={}
    )
    validate_read(read, NOW)


def test_read_rejected_is_a_value_error_naming_the_field() -> None:
    error = ReadRejected("latitude", "91 is outside -90..90")
    assert isinstance(error, ValueError)
    assert error.field == "latitude"
    assert error.reason == "latitude: 91 is outside -90..90"
    assert str(error) == error.reason


@pytest.mark.parametrize(
    "plate",
    ["a13709", "A1-3709", "", "A" * 11, "A137@9", "ÄBC123", 123456, None],
)
def test_plate_must_be_canonical(plate: object) -> None:
    assert rejected_field(make_read(plate=plate)) == "plate"


def test_plate_at_maximum_length_passes() -> None:
    validate_read(make_read(plate="A" * 10, plate_raw="A" * 10), NOW)


@pytest.mark.parametrize("value", [-0.0001, 1.0001, math.nan, math.inf, True, "0.9", None])
def test_confidence_outside_zero_to_one_is_rejected(value: object) -> None:
    assert rejected_field(make_read(confidence=value)) == "confidence"


@pytest.mark.parametrize("value", [0, 0.0, 1, 1.0])
def test_confidence_edges_pass(value: float) -> None:
    validate_read(make_read(confidence=value), NOW)


def test_future_time_is_allowed_up_to_five_minutes_of_clock_skew() -> None:
    validate_read(make_read(captured_at=NOW + timedelta(minutes=5)), NOW)
    late = make_read(captured_at=NOW + timedelta(minutes=5, seconds=1))
    assert rejected_field(late) == "captured_at"


def test_past_time_is_allowed_up_to_a_year() -> None:
    validate_read(make_read(captured_at=NOW - timedelta(days=365)), NOW)
    stale = make_read(captured_at=NOW - timedelta(days=365, seconds=1))
    assert rejected_field(stale) == "captured_at"


def test_time_limits_are_configurable() -> None:
    limits = ReadLimits(max_future=timedelta(0), max_past=timedelta(hours=1))
    assert rejected_field(make_read(captured_at=NOW + timedelta(seconds=1)), limits) == (
        "captured_at"
    )
    assert rejected_field(make_read(captured_at=NOW - timedelta(hours=2)), limits) == (
        "captured_at"
    )
    validate_read(make_read(captured_at=NOW - timedelta(minutes=59)), NOW, limits)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 21, 14, 3),
        datetime(2026, 11, 21, 6, 3, tzinfo=timezone(timedelta(hours=-8))),
        "2026-11-21T14:03:07Z",
    ],
)
def test_time_must_be_aware_utc(moment: object) -> None:
    assert rejected_field(make_read(captured_at=moment)) == "captured_at"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": 90.0001}, "latitude"),
        ({"latitude": -90.0001}, "latitude"),
        ({"latitude": math.nan}, "latitude"),
        ({"longitude": 180.0001}, "longitude"),
        ({"longitude": -180.0001}, "longitude"),
        ({"longitude": None}, "latitude"),
        ({"latitude": None}, "latitude"),
        ({"latitude": "37.7"}, "latitude"),
    ],
)
def test_position_ranges(changes: dict[str, object], field: str) -> None:
    assert rejected_field(make_read(**changes)) == field


def test_position_edges_pass() -> None:
    validate_read(make_read(latitude=-90.0, longitude=180.0), NOW)
    validate_read(make_read(latitude=90, longitude=-180), NOW)


@pytest.mark.parametrize("value", [-0.1, 360.1, math.inf, False])
def test_direction_outside_a_circle_is_rejected(value: object) -> None:
    assert rejected_field(make_read(direction_deg=value)) == "direction_deg"


@pytest.mark.parametrize("value", [0, 0.0, 359.9, 360.0, None])
def test_direction_edges_pass(value: float | None) -> None:
    validate_read(make_read(direction_deg=value), NOW)


def test_image_cap_defaults_to_two_mebibytes() -> None:
    cap = 2 * 1024 * 1024
    assert ReadLimits().max_image_bytes == cap
    at_cap = JPEG_HEAD + bytes(cap - len(JPEG_HEAD))
    validate_read(make_read(images={"overview": at_cap}), NOW)
    assert rejected_field(make_read(images={"overview": at_cap + b"x"})) == "images.overview"


def test_image_cap_is_configurable() -> None:
    limits = ReadLimits(max_image_bytes=16)
    validate_read(make_read(images={"plate": JPEG_HEAD + bytes(12)}), NOW, limits)
    too_big = make_read(images={"plate": JPEG_HEAD + bytes(13)})
    assert rejected_field(too_big, limits) == "images.plate"


@pytest.mark.parametrize(
    ("images", "field"),
    [
        ({"thumbnail": JPEG_HEAD}, "images.thumbnail"),
        ({"plate": b"GIF89a...."}, "images.plate"),
        ({"plate": b""}, "images.plate"),
        ({"vehicle": "/9j/4AAQ"}, "images.vehicle"),
    ],
)
def test_images_must_be_known_kinds_of_real_pictures(images: dict[str, object], field: str) -> None:
    assert rejected_field(make_read(images=images)) == field


def test_check_image_accepts_jpeg_only() -> None:
    check_image("plate", JPEG_HEAD, ReadLimits())
    with pytest.raises(ReadRejected, match=r"images\.overview: is not a JPEG image"):
        check_image("overview", PNG_HEAD, ReadLimits())


@pytest.mark.parametrize("name", ["source", "source_id", "device_ref", "plate_raw"])
@pytest.mark.parametrize("value", ["", "   ", "cam\x00one", "cam\ud800", None, 7])
def test_identifying_text_must_be_storable(name: str, value: object) -> None:
    assert rejected_field(make_read(**{name: value})) == name


@pytest.mark.parametrize("name", sorted(TEXT_LIMITS))
def test_identifying_text_fits_its_column(name: str) -> None:
    limit = TEXT_LIMITS[name]
    validate_read(make_read(**{name: "d" * limit}), NOW)
    assert rejected_field(make_read(**{name: "d" * (limit + 1)})) == name


@pytest.mark.parametrize("state", ["C", "CAL", "C1", 12, "ca", "us-ca", "ZZ", "0H"])
def test_state_is_two_letters_or_unknown(state: object) -> None:
    assert rejected_field(make_read(state=state)) == "state"


@pytest.mark.parametrize(
    ("candidates", "field"),
    [
        ((("a137o9", 0.9),), "candidates[0].plate"),
        ((("A137O9", 0.9), ("A137Q9", 1.5)), "candidates[1].confidence"),
    ],
)
def test_candidates_are_checked_like_the_plate(
    candidates: tuple[tuple[object, object], ...], field: str
) -> None:
    assert rejected_field(make_read(candidates=candidates)) == field


def test_read_is_frozen_hashable_and_its_images_cannot_be_swapped() -> None:
    read = make_read(candidates=[("A137O9", 0.9)])
    assert read.candidates == (("A137O9", 0.9),)
    assert hash(read) == hash(make_read(candidates=(("A137O9", 0.9),)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.plate = "B8C123"  # type: ignore[misc]
    with pytest.raises(TypeError):
        read.images["plate"] = b"swapped"  # type: ignore[index]
    assert "images" not in repr(read)


def test_a_reads_images_are_its_own_copy_and_its_constructor_is_the_generated_ones() -> None:
    images = {"plate": JPEG_HEAD}
    read = make_read(images=images)
    images["plate"] = PNG_HEAD
    assert dict(read.images) == {"plate": JPEG_HEAD}
    assert dict(dataclasses.replace(read, images={}).images) == {}
    # __init__ is written out for speed: it must take every field, in order, with its default.
    params = list(inspect.signature(PlateRead).parameters.values())
    fields = dataclasses.fields(PlateRead)
    assert [p.name for p in params] == [f.name for f in fields]
    for param, field in zip(params, fields, strict=True):
        if field.default is not dataclasses.MISSING:
            assert param.default == field.default, field.name
        elif field.default_factory is not dataclasses.MISSING:
            assert param.default == field.default_factory(), field.name
        else:
            assert param.default is inspect.Parameter.empty, field.name


def test_heartbeat_identifiers_must_be_storable() -> None:
    stream = StreamStatus("1288162412", "North Gate", 14.8, True, NOW)
    validate_heartbeat(Heartbeat("agent-1", NOW, (stream,)))
    with pytest.raises(ReadRejected, match="device_ref"):
        validate_heartbeat(Heartbeat("", NOW))
    with pytest.raises(ReadRejected, match=r"streams\[0\]\.camera_id"):
        validate_heartbeat(Heartbeat("agent-1", NOW, (stream._replace(camera_id="\x00"),)))
    with pytest.raises(ReadRejected, match="at"):
        validate_heartbeat(Heartbeat("agent-1", datetime(2026, 11, 21)))
