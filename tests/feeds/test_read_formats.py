"""Every vendor fixture, quirks included, parsed into the normalised reads it must yield."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

import rtic_console.feeds.read_formats as read_formats
from rtic_console.domain.reads import (
    IMAGE_KINDS,
    TIME_KEYED_SOURCES,
    Heartbeat,
    PlateRead,
    ReadLimits,
    StreamStatus,
    VehicleInfo,
    validate_read,
)
from rtic_console.feeds.read_formats import (
    INTERNAL_ERROR,
    ParseResult,
    PayloadError,
    detect_format,
    parse_payload,
)
from rtic_console.feeds.read_formats.platerecognizer import parse_parts
from rtic_console.feeds.read_formats.result import ParseContext

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reads"
NOW = datetime(2026, 11, 21, 14, 10, tzinfo=UTC)
AGENT = "W6rxZjFBvB8Kf2yHcX1pQe4LmN0sTa9UdJgRk3Vb"
MULTIPART = "multipart/form-data; boundary=rticBoundary7MA4YWxkTrZu0gW"
T0 = datetime(2026, 11, 21, 14, 3, 7, tzinfo=UTC)
T0_MS = T0.replace(microsecond=123000)
TINY_JPEG = base64.b64decode(
    json.loads((FIXTURES / "genetec_us_date.json").read_bytes())["PlateImage"]
)


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str, **kwargs: object) -> ParseResult:
    content_type = MULTIPART if name.endswith(".bin") else None
    return parse_payload(body(name), content_type, now=NOW, **kwargs)  # type: ignore[arg-type]


def only_read(result: ParseResult) -> PlateRead:
    assert len(result.reads) == 1, (result.reads, result.rejected, result.ignored)
    return result.reads[0]


def test_tiny_jpeg_fixture_is_a_whole_jpeg() -> None:
    assert TINY_JPEG.startswith(b"\xff\xd8\xff")
    assert TINY_JPEG.endswith(b"\xff\xd9")
    assert TINY_JPEG in body("platerecognizer_multipart.bin")


# OpenALPR / Rekor


def test_openalpr_v3_group_yields_the_full_read() -> None:
    result = parse("openalpr_group_v3.json")
    assert result.fmt == "openalpr"
    assert result.rejected == [] and result.ignored == []
    assert only_read(result) == PlateRead(
        source="openalpr",
        source_id=f"{AGENT}-1288162412-1795269787123",
        plate="A13709",
        plate_raw="A13709",
        state="CA",
        confidence=pytest.approx(0.946),
        captured_at=T0_MS,
        device_ref="1288162412",
        latitude=37.7749,
        longitude=-122.4194,
        direction_deg=271.5,
        # best_plate.plate (A137O9) differs from best_plate_number: kept as the top
        # candidate; the invalid A137@9 is dropped; A1 37-D9 is cleaned.
        candidates=(("A137O9", pytest.approx(0.912)), ("A137Q9", 0.8525), ("A137D9", 0.555)),
        vehicle=VehicleInfo(
            color="silver-gray",
            make="toyota",
            model="camry",
            body_type="sedan-standard",
            year="2015-2019",
        ),
        images={"plate": TINY_JPEG, "vehicle": TINY_JPEG, "overview": TINY_JPEG},
    )


def test_openalpr_v1_with_bom_bare_region_and_seconds() -> None:
    raw = body("openalpr_group_v1_bom_seconds.json")
    assert raw.startswith(b"\xef\xbb\xbf")
    read = only_read(parse("openalpr_group_v1_bom_seconds.json"))
    assert (read.plate, read.state, read.captured_at) == ("7ABC123", "CA", T0)
    assert read.confidence == pytest.approx(0.8875)
    # 0,0 is "no GPS fix", not a position.
    assert (read.latitude, read.longitude) == (None, None)
    assert read.candidates == () and dict(read.images) == {}


def test_openalpr_null_data_type_wrapper_is_unwrapped() -> None:
    result = parse("openalpr_wrapped_null.json")
    read = only_read(result)
    assert (read.plate, read.plate_raw, read.state) == ("8XYZ456", "8xyz 456", "NV")
    assert read.captured_at == T0_MS.replace(minute=4)
    # travel_direction -1 means unknown.
    assert read.direction_deg is None
    # The broken overview costs the image, never the read.
    assert dict(read.images) == {"plate": TINY_JPEG}
    assert result.ignored == ["message 0: image dropped, images.overview: is not valid base64"]


def test_openalpr_heartbeat_feeds_device_health() -> None:
    result = parse("openalpr_heartbeat.json")
    assert result.reads == [] and result.rejected == []
    assert result.heartbeats == [
        Heartbeat(
            device_ref=AGENT,
            at=T0_MS,
            streams=(
                StreamStatus("1288162412", "North Gate", 14.8, True, T0_MS.replace(second=6)),
                StreamStatus(
                    "1288162413", "North Gate LPR 2", 0.0, False, T0_MS.replace(minute=53, hour=13)
                ),
            ),
        )
    ]


def test_openalpr_test_ping_is_acknowledged_not_ingested() -> None:
    result = parse("openalpr_test_ping.json")
    assert (result.reads, result.heartbeats, result.rejected) == ([], [], [])
    assert result.ignored == ["message 0: OpenALPR webhook test ping"]


def test_openalpr_alert_ingests_its_group_and_not_its_verdict() -> None:
    result = parse("openalpr_alert.json")
    read = only_read(result)
    assert (read.plate, read.state, read.latitude) == ("A137Q9", "CA", 37.78)
    # Same id as the group the agent sends on its own, so the pair dedupes.
    assert read.source_id == f"{AGENT}-1288162412-1795269907123"
    assert len(result.ignored) == 1 and "alpr_alert" in result.ignored[0]


@pytest.mark.parametrize(
    ("name", "reason"),
    [("openalpr_alpr_results.json", "per-frame"), ("openalpr_vehicle.json", "no readable plate")],
)
def test_openalpr_frames_and_plateless_vehicles_are_ignored_with_a_reason(
    name: str, reason: str
) -> None:
    result = parse(name)
    assert result.reads == [] and result.rejected == []
    assert len(result.ignored) == 1 and reason in result.ignored[0]


def test_openalpr_batch_keeps_good_messages_and_indexes_bad_ones() -> None:
    group = json.loads(body("openalpr_group_v3.json"))
    broken = dict(group, best_plate_number="A137@9", best_plate={})
    batch = json.dumps([group, broken, "nonsense", {"data_type": "heartbeat"}]).encode()
    result = parse_payload(batch, "application/json", now=NOW)
    assert [read.plate for read in result.reads] == ["A13709"]
    assert [index for index, _ in result.rejected] == [1, 2, 3]
    assert result.rejected[0][1].startswith("best_plate_number: ")
    assert result.rejected[2][1] == "heartbeat agent_uid: is missing"


# Plate Recognizer


def test_platerecognizer_stream_recognition() -> None:
    result = parse("platerecognizer_stream.json")
    assert result.fmt == "platerecognizer" and result.rejected == []
    assert only_read(result) == PlateRead(
        source="platerecognizer",
        source_id="cam-north-1|2026-11-21T14:03:07.250000+00:00|0|A13709",
        plate="A13709",
        plate_raw="a13709",
        state="CA",
        confidence=0.902,
        captured_at=T0.replace(microsecond=250000),
        device_ref="cam-north-1",
        direction_deg=185.0,
        candidates=(("A137O9", 0.85), ("A137Q9", 0.7)),
        vehicle=VehicleInfo(color="silver", make="Toyota", model="Camry", body_type="Sedan"),
    )


def test_platerecognizer_snapshot_naive_time_empty_region_and_a_bad_result() -> None:
    result = parse("platerecognizer_snapshot_naive.json")
    read = only_read(result)
    assert (read.plate, read.plate_raw, read.state) == ("9JUB11", "9jub11", None)
    assert read.captured_at == T0.replace(microsecond=30345)
    assert read.direction_deg is None
    assert read.vehicle.body_type == "Pickup Truck"
    assert result.rejected == [(1, "results[1].score: 1.4 is outside 0..1")]


def test_platerecognizer_vehicle_mode_nested_plate_and_null_plate() -> None:
    result = parse("platerecognizer_vehicle_mode.json")
    read = only_read(result)
    assert (read.plate, read.state, read.confidence) == ("A137Q9", "CA", 0.88)
    assert read.candidates == (("A137O9", 0.61), ("A13709", 0.55))
    assert read.vehicle == VehicleInfo(
        color="black", make="Ford", model="Explorer", body_type="SUV"
    )
    assert read.direction_deg == 90.0
    assert result.rejected == []
    assert result.ignored == ["result 1: vehicle with no readable plate (plate is null)"]


def test_platerecognizer_empty_results_is_zero_reads_not_an_error() -> None:
    result = parse("platerecognizer_empty.json")
    assert (result.reads, result.rejected) == ([], [])
    assert result.ignored


def test_platerecognizer_multipart_carries_the_frame_as_overview() -> None:
    read = only_read(parse("platerecognizer_multipart.bin"))
    assert (read.plate, read.state, read.device_ref) == ("A137O9", "AZ", "gate-3")
    assert read.candidates == (("A13709", 0.79),)
    assert dict(read.images) == {"overview": TINY_JPEG}


def test_platerecognizer_parts_can_be_handed_over_already_split() -> None:
    json_text = body("platerecognizer_stream.json").decode()
    ctx = ParseContext(now=NOW, limits=ReadLimits())
    result = parse_parts(json_text, TINY_JPEG, ctx)
    assert dict(only_read(result).images) == {"overview": TINY_JPEG}
    assert only_read(parse_parts(json_text, None, ctx)).images == {}


def test_platerecognizer_multipart_without_json_field_is_a_payload_error() -> None:
    broken = body("platerecognizer_multipart.bin").replace(b'name="json"', b'name="other"')
    with pytest.raises(PayloadError, match="'json' field"):
        parse_payload(broken, MULTIPART, now=NOW)


def test_platerecognizer_oversized_upload_is_dropped_and_the_read_kept() -> None:
    result = parse_payload(
        body("platerecognizer_multipart.bin"),
        MULTIPART,
        now=NOW,
        limits=ReadLimits(max_image_bytes=100),
    )
    assert only_read(result).images == {}
    assert any("images.overview" in note for note in result.ignored)


# Frigate


def test_frigate_lpr_tracked_object_update() -> None:
    read = only_read(parse("frigate_lpr_update.json"))
    assert read == PlateRead(
        source="frigate",
        source_id="1795356180.5-k3x9qp|A137O9",
        plate="A137O9",
        plate_raw="A137O9",
        state=None,
        confidence=0.91,
        captured_at=T0_MS,
        device_ref="driveway",
    )


def test_frigate_event_with_array_plate() -> None:
    read = only_read(parse("frigate_event_array_plate.json"))
    assert (read.plate, read.confidence, read.captured_at) == ("A13709", 0.93, T0_MS)
    assert read.state is None


def test_frigate_event_with_string_plate_and_score_uses_start_time_without_frame_time() -> None:
    read = only_read(parse("frigate_event_string_plate.json"))
    assert (read.plate, read.confidence) == ("A137Q9", 0.87)
    assert read.captured_at == datetime(2026, 11, 21, 14, 3, 0, 623000, tzinfo=UTC)


def test_frigate_event_without_a_plate_is_ignored() -> None:
    result = parse("frigate_event_no_plate.json")
    assert (result.reads, result.rejected) == ([], [])
    assert result.ignored == ["Frigate new event carries no recognised plate"]


def test_frigate_same_plate_on_both_topics_dedupes() -> None:
    update = json.loads(body("frigate_lpr_update.json"))
    update["plate"] = "A13709"
    from_update = only_read(parse_payload(json.dumps(update).encode(), now=NOW))
    from_event = only_read(parse("frigate_event_array_plate.json"))
    assert from_update.source_id == from_event.source_id


# Genetec


def test_genetec_us_date_with_images_and_attribute_object() -> None:
    result = parse("genetec_us_date.json")
    assert result.fmt == "genetec"
    assert only_read(result) == PlateRead(
        source="genetec",
        source_id="Unit 12/Left|2026-11-21T14:03:07+00:00|A13709",
        plate="A13709",
        plate_raw="A13709",
        state="CA",
        confidence=0.99,
        captured_at=T0,
        device_ref="Unit 12/Left",
        latitude=37.7749,
        longitude=-122.4194,
        vehicle=VehicleInfo(color="Silver", make="Toyota", body_type="Sedan"),
        images={"plate": TINY_JPEG, "overview": TINY_JPEG},
    )


def test_genetec_iso_date_with_twelve_hour_clock_and_attribute_list() -> None:
    read = only_read(parse("genetec_iso_12h.json"))
    assert (read.plate, read.state, read.confidence) == ("A137O9", "CA", 0.87)
    assert read.captured_at == T0
    assert read.device_ref == "Sharp-North"
    assert (read.latitude, read.longitude) == (None, None)
    assert read.vehicle == VehicleInfo(color="Red", make="Ford", body_type="Pickup")
    assert dict(read.images) == {"plate": TINY_JPEG}


def test_genetec_dotted_dates_decimal_commas_and_an_impossible_date() -> None:
    result = parse("genetec_dotted_list.json")
    read = only_read(result)
    assert (read.plate, read.plate_raw, read.state) == ("A137Q9", "A137-Q9", None)
    assert read.captured_at == T0
    assert (read.latitude, read.longitude) == (48.8566, 2.3522)
    assert read.vehicle == VehicleInfo(color="White", body_type="Van")
    assert result.rejected == [(1, "DateUtc: is not a calendar date: '31.02.2026'")]


# CSV


def test_csv_with_percent_confidences_and_mixed_time_forms() -> None:
    result = parse("reads.csv")
    assert result.fmt == "csv" and result.rejected == [] and result.ignored == []
    assert [
        (r.plate, r.plate_raw, r.state, r.confidence, r.captured_at, r.device_ref)
        for r in result.reads
    ] == [
        ("A13709", "A13709", "CA", 0.95, T0, "fixed-17"),
        ("A137O9", "a137o9", "CA", 0.885, T0.replace(minute=4, second=0), "fixed-17"),
        ("A137Q9", "A137 Q9", None, 0.72, T0.replace(minute=5, second=0), "fixed-18"),
    ]
    assert (result.reads[0].latitude, result.reads[0].direction_deg) == (37.7749, 90.0)
    assert result.reads[1].latitude is None


def test_csv_bad_rows_are_reported_by_line_number() -> None:
    result = parse("reads_bad_rows.csv")
    assert [(r.plate, r.captured_at.hour, r.direction_deg) for r in result.reads] == [
        ("A13709", 14, 90.0),
        ("ZZ9999", 13, 40.0),
    ]
    assert result.rejected == [
        (3, "plate: is missing"),
        (4, "confidence: is not a number: 'high'"),
        (5, "row has 5 fields, the header has 9"),
        (6, "latitude: 123.0 is outside -90..90"),
        (9, "captured_at: is more than 365 days in the past"),
    ]
    assert result.ignored == ["CSV column(s) not used: 'notes'"]


def test_csv_blank_rows_are_skipped_and_a_column_named_twice_counts_by_its_last_cell() -> None:
    text = ("Plate,state,confidence,captured_at,device,latitude,longitude,direction,plate\n"
            " , ,\t, , , , , , \n"
            "IGNORED1,CA,91,2026-11-21T14:03:07Z,fixed-17,,,,A13709\n"
            ",,,,,,,\n")
    result = parse_payload(text.encode(), "text/csv", now=NOW)
    assert [(r.plate, r.state, r.captured_at) for r in result.reads] == [("A13709", "CA", T0)]
    assert result.rejected == [] and result.ignored == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "CSV is empty"),
        ("plate,state\nA13709,CA\n", "lacks column(s): confidence, captured_at"),
    ],
)
def test_csv_without_its_header_is_a_payload_error(text: str, reason: str) -> None:
    with pytest.raises(PayloadError, match=re.escape(reason)):
        parse_payload(text.encode(), "text/csv", now=NOW)


# Detection and the whole-payload contract


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("openalpr_group_v1_bom_seconds.json", "openalpr"),
        ("openalpr_test_ping.json", "openalpr"),
        ("openalpr_wrapped_null.json", "openalpr"),
        ("platerecognizer_empty.json", "platerecognizer"),
        ("frigate_lpr_update.json", "frigate"),
        ("frigate_event_no_plate.json", "frigate"),
        ("genetec_dotted_list.json", "genetec"),
        ("genetec_us_date.json", "genetec"),
        ("reads.csv", "csv"),
        ("reads_bad_rows.csv", "csv"),
    ],
)
def test_detect_format_from_content(name: str, fmt: str) -> None:
    assert detect_format(body(name), None, None) == fmt


@pytest.mark.parametrize(
    ("content_type", "hint", "fmt"),
    [
        (MULTIPART, None, "platerecognizer"),
        ("text/csv; charset=utf-8", None, "csv"),
        (None, "/imports/partner-reads.CSV", "csv"),
        ("application/json", "/webhooks/rekor", "openalpr"),
        (None, "/webhooks/plate-recognizer", "platerecognizer"),
        (None, "frigate/tracked_object_update", "frigate"),
        (None, "/webhooks/autovu", "genetec"),
    ],
)
def test_detect_format_trusts_transport_before_content(
    content_type: str | None, hint: str | None, fmt: str
) -> None:
    assert detect_format(b"not even json", content_type, hint) == fmt


@pytest.mark.parametrize(
    "payload", [b"", b"hello", b"{}", b"[]", b"[1, 2]", b'{"unrelated": true}', b"\xff\xfe{}"]
)
def test_unrecognisable_payloads_are_payload_errors(payload: bytes) -> None:
    with pytest.raises(PayloadError) as caught:
        parse_payload(payload, now=NOW)
    assert caught.value.reason


def test_unknown_format_name_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="unknown read format"):
        parse_payload(body("reads.csv"), fmt="excel", now=NOW)


def test_explicit_format_skips_detection() -> None:
    result = parse_payload(body("frigate_lpr_update.json"), fmt="frigate", now=NOW)
    assert only_read(result).source == "frigate"


def test_a_parser_bug_still_surfaces_only_as_payload_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(doc: object, ctx: ParseContext) -> ParseResult:
        raise KeyError("bug")

    monkeypatch.setitem(read_formats._JSON_PARSERS, "genetec", explode)
    with pytest.raises(PayloadError, match=INTERNAL_ERROR):
        parse_payload(body("genetec_us_date.json"), now=NOW)


ALL_FIXTURES = sorted(path.name for path in FIXTURES.iterdir())


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_reparses_identically_so_resends_dedupe(name: str) -> None:
    first, second = parse(name), parse(name)
    assert [r.source_id for r in first.reads] == [r.source_id for r in second.reads]
    assert first == second


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_read_is_valid_and_every_reason_is_said(name: str) -> None:
    result = parse(name)
    for read in result.reads:
        validate_read(read, NOW)
        assert set(read.images) <= set(IMAGE_KINDS)
        assert read.plate not in {plate for plate, _ in read.candidates}
    assert all(reason for _, reason in result.rejected)
    assert all(reason for reason in result.ignored)
    assert result.reads or result.heartbeats or result.ignored or result.rejected


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_a_time_keyed_feed_names_each_read_by_its_time(name: str) -> None:
    """The ingest skips its look-up of stored reads for these feeds (services/ingest.py):
    that is sound only while a read's id holds its exact time."""
    for read in parse(name).reads:
        if read.source in TIME_KEYED_SOURCES:
            assert read.captured_at.isoformat() in read.source_id.split("|")


def test_time_keyed_feeds_are_feeds_with_fixtures() -> None:
    sources = {read.source for name in ALL_FIXTURES for read in parse(name).reads}
    assert sources >= TIME_KEYED_SOURCES


def test_fixtures_stay_small() -> None:
    assert sum(path.stat().st_size for path in FIXTURES.iterdir()) < 200_000
