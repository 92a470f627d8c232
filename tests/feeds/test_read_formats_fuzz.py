"""Hostile payloads for every read parser: only PayloadError may leave, always with a reason."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtic_console.domain.reads import ReadLimits, validate_heartbeat, validate_read
from rtic_console.feeds.read_formats import (
    FORMATS,
    INTERNAL_ERROR,
    ParseResult,
    PayloadError,
    parse_payload,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reads"
NOW = datetime(2026, 11, 21, 14, 10, tzinfo=UTC)
BOUNDARY = "rticBoundary7MA4YWxkTrZu0gW"
MULTIPART_BODY = (FIXTURES / "platerecognizer_multipart.bin").read_bytes()
FUZZ = settings(
    # FUZZ_N=3000 for a deep run before a release; the default keeps the suite quick.
    max_examples=int(os.environ.get("FUZZ_N", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORMAT_OF_PREFIX = {
    "openalpr": "openalpr",
    "platerecognizer": "platerecognizer",
    "frigate": "frigate",
    "genetec": "genetec",
    "reads": "csv",
}


def fmt_of(name: str) -> str:
    return FORMAT_OF_PREFIX[name.split("_")[0].removesuffix(".csv")]


JSON_FIXTURES = {
    path.name: json.loads(path.read_bytes().decode("utf-8-sig"))
    for path in sorted(FIXTURES.glob("*.json"))
}
ALL_BODIES = {path.name: path.read_bytes() for path in sorted(FIXTURES.iterdir())}

# fmt: off
NASTY_VALUES = [
    None, True, False, 0, -1, 1e308, -1e308, 2**63, 10**200, 0.5, 99.9, 100, 101,
    "", " ", "0", "-1", "NaN", "Infinity", "1e400", "A" * 100_000, "9" * 5000,
    "\x00", "\ud800", "é", "a137o9", "A13709", "A137@9", "us-ca", "ca", "--",
    "2026-11-21T14:03:07Z", "2026-02-30T25:61:00Z", "11/21/2026", "2:03:07 PM",
    "not base64!!", "/9j/" + "A" * 50, "data:image/jpeg;base64,@@@@", [], {}, [[[]]],
    {"plate": None}, [None, "x"], ["A13709"], ["A13709", "high"], {"props": {"plate": [1]}},
]
# fmt: on
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(NASTY_VALUES)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=15,
)


def check(payload: bytes, content_type: str | None = None, fmt: str = "auto") -> ParseResult | None:
    """Parse and assert the contract; None when the payload was refused as a whole."""
    try:
        result = parse_payload(payload, content_type, fmt, now=NOW)
    except PayloadError as exc:
        assert isinstance(exc.reason, str) and exc.reason.strip()
        assert not exc.reason.startswith(INTERNAL_ERROR), exc.reason
        return None
    for read in result.reads:
        validate_read(read, NOW, ReadLimits())
    for heartbeat in result.heartbeats:
        validate_heartbeat(heartbeat)
    for index, reason in result.rejected:
        assert isinstance(index, int)
        assert isinstance(reason, str) and reason.strip()
    for reason in result.ignored:
        assert isinstance(reason, str) and reason.strip()
    return result


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def replaced(doc: Any, path: tuple[Any, ...], new: Any, *, delete: bool = False) -> Any:
    changed = copy.deepcopy(doc)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = new
    return changed


@st.composite
def mutated_fixture(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(JSON_FIXTURES)))
    doc = JSON_FIXTURES[name]
    path = draw(st.sampled_from(paths(doc)))
    delete = draw(st.booleans())
    new = None if delete else draw(json_values)
    return name, json.dumps(replaced(doc, path, new, delete=delete)).encode()


@FUZZ
@given(mutated_fixture())
def test_wrong_types_at_every_field(case: tuple[str, bytes]) -> None:
    name, payload = case
    check(payload)
    check(payload, fmt=fmt_of(name))


@FUZZ
@given(st.sampled_from(sorted(ALL_BODIES)), st.data())
def test_truncated_payloads(name: str, data: st.DataObject) -> None:
    payload = ALL_BODIES[name]
    cut = data.draw(st.integers(0, len(payload)))
    content_type = f"multipart/form-data; boundary={BOUNDARY}" if name.endswith(".bin") else None
    check(payload[:cut], content_type)
    check(payload[:cut], content_type, fmt=fmt_of(name))


@FUZZ
@given(st.sampled_from(sorted(ALL_BODIES)), st.data())
def test_bytes_that_are_not_utf8(name: str, data: st.DataObject) -> None:
    payload = bytearray(ALL_BODIES[name])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(payload)))
        payload[at:at] = data.draw(
            st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"])
        )
    check(bytes(payload))
    check(bytes(payload), fmt=fmt_of(name))


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["auto", *FORMATS]))
def test_random_bytes_in_every_format(payload: bytes, fmt: str) -> None:
    check(payload, fmt=fmt)


@FUZZ
@given(json_values, st.sampled_from(["auto", *FORMATS]))
def test_random_json_in_every_format(value: Any, fmt: str) -> None:
    check(json.dumps(value).encode(), fmt=fmt)


@pytest.mark.parametrize("depth", [50, 900, 5000, 100_000])
@pytest.mark.parametrize("shape", ["list", "object", "openalpr-wrapper"])
def test_nesting_nonsense(depth: int, shape: str) -> None:
    if shape == "list":
        payload = "[" * depth + "]" * depth
    elif shape == "object":
        payload = '{"a":' * depth + "1" + "}" * depth
    else:
        payload = (
            '{"data_type": null, "data":' * depth + '{"data_type": "alpr_group"}' + "}" * depth
        )
    for fmt in ("auto", *FORMATS):
        check(payload.encode(), fmt=fmt)


IMAGE_PATHS = [
    ("openalpr_group_v3.json", ("best_plate", "plate_crop_jpeg")),
    ("openalpr_group_v3.json", ("overview_jpeg",)),
    ("openalpr_group_v3.json", ("vehicle_crop_jpeg",)),
    ("genetec_us_date.json", ("PlateImage",)),
    ("genetec_us_date.json", ("ContextImage",)),
]


@FUZZ
@given(
    st.sampled_from(IMAGE_PATHS),
    st.one_of(
        st.text(max_size=200),
        st.binary(max_size=60).map(lambda raw: raw.hex()),
        st.sampled_from(["", "====", "A", "AB=", "/9j/4AAQ", "iVBORw0KGgo=", "\u00e9\u00e9"]),
        json_values,
    ),
)
def test_base64_that_is_not_costs_the_image_never_the_read(
    case: tuple[str, tuple[str, ...]], image: Any
) -> None:
    name, path = case
    result = check(json.dumps(replaced(JSON_FIXTURES[name], path, image)).encode())
    assert result is not None and len(result.reads) == 1


def test_oversized_base64_is_refused_without_losing_the_read() -> None:
    doc = replaced(JSON_FIXTURES["openalpr_group_v3.json"], ("overview_jpeg",), "/9j/" * 800_000)
    result = check(json.dumps(doc).encode())
    assert result is not None
    assert "overview" not in result.reads[0].images
    assert any("images.overview" in note for note in result.ignored)


# Dates in every form


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 11, 21, 14, 0)).map(
    lambda moment: moment.replace(microsecond=0)
)
offsets = st.integers(-12 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


def twelve_hour(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M:%S} {'PM' if moment.hour >= 12 else 'AM'}"


GENETEC_FORMS = [
    lambda m: (f"{m:%m/%d/%Y}", f"{m:%H:%M:%S}"),
    lambda m: (f"{m.month}/{m.day}/{m.year}", twelve_hour(m)),
    lambda m: (f"{m:%Y-%m-%d}", twelve_hour(m)),
    lambda m: (f"{m:%d.%m.%Y}", f"{m:%H:%M:%S}"),
    lambda m: (f"{m:%Y/%m/%d}", f"{m:%H:%M:%S},000"),
    lambda m: (f"{m:%m/%d/%Y %H:%M:%S}", ""),
    lambda m: (f"{m:%Y-%m-%dT%H:%M:%S}Z", ""),
]


@FUZZ
@given(moments, st.sampled_from(range(len(GENETEC_FORMS))))
def test_genetec_locale_dates_mean_the_same_instant(moment: datetime, form: int) -> None:
    date_text, time_text = GENETEC_FORMS[form](moment)
    doc = dict(JSON_FIXTURES["genetec_us_date.json"], DateUtc=date_text, TimeUtc=time_text)
    result = check(json.dumps(doc).encode())
    assert result is not None
    assert [read.captured_at for read in result.reads] == [moment.replace(tzinfo=UTC)]


@FUZZ
@given(moments, offsets, st.sampled_from(["T", " "]), st.booleans())
def test_platerecognizer_iso_times_with_any_zone(
    moment: datetime, zone: timezone, separator: str, naive: bool
) -> None:
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    text = local.replace(tzinfo=None).isoformat(sep=separator) if naive else local.isoformat()
    if not naive and zone.utcoffset(None) == timedelta(0):
        text = text.replace("+00:00", "Z")
    expected = local.replace(tzinfo=UTC) if naive else moment.replace(tzinfo=UTC)
    doc = replaced(JSON_FIXTURES["platerecognizer_stream.json"], ("data", "timestamp"), text)
    result = check(json.dumps(doc).encode())
    assert result is not None
    if -timedelta(days=365) <= expected - NOW <= timedelta(minutes=5):
        assert [read.captured_at for read in result.reads] == [expected]
    else:
        assert [reason.split(":")[0] for _, reason in result.rejected] == ["captured_at"]


@FUZZ
@given(moments, st.sampled_from([1, 1000, 1_000_000]), st.booleans())
def test_epochs_in_seconds_milliseconds_and_microseconds(
    moment: datetime, per_second: int, as_text: bool
) -> None:
    stamp: Any = int(moment.replace(tzinfo=UTC).timestamp()) * per_second
    stamp = str(stamp) if as_text else stamp
    for name, path in [
        ("openalpr_group_v3.json", ("epoch_start",)),
        ("frigate_lpr_update.json", ("timestamp",)),
    ]:
        result = check(json.dumps(replaced(JSON_FIXTURES[name], path, stamp)).encode())
        assert result is not None
        assert [read.captured_at for read in result.reads] == [moment.replace(tzinfo=UTC)]


@FUZZ
@given(
    st.sampled_from(
        [
            ("openalpr_group_v3.json", ("epoch_start",)),
            ("openalpr_heartbeat.json", ("timestamp",)),
            ("platerecognizer_stream.json", ("data", "timestamp")),
            ("frigate_lpr_update.json", ("timestamp",)),
            ("frigate_event_array_plate.json", ("after", "frame_time")),
            ("genetec_us_date.json", ("DateUtc",)),
            ("genetec_us_date.json", ("TimeUtc",)),
        ]
    ),
    st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}( \d{1,2}:\d{2}(:\d{2})?( ?[AP]M)?)?"),
        st.from_regex(r"\d{1,2}:\d{1,2}(:\d{1,2})?([.,]\d{1,12})?( ?[apAP]\.?[mM]\.?)?"),
        st.datetimes(timezones=st.none() | st.timezones()).map(lambda moment: moment.isoformat()),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(),
        json_values,
    ),
)
def test_dates_in_every_form_never_crash(case: tuple[str, tuple[str, ...]], value: Any) -> None:
    name, path = case
    check(json.dumps(replaced(JSON_FIXTURES[name], path, value)).encode())


# Multipart


@st.composite
def multipart_payload(draw: st.DrawFn) -> tuple[bytes, str]:
    boundary = draw(st.sampled_from([BOUNDARY, "x", "a b", "", "--", "Zz" * 40]))
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(["json", "upload", "", "other", 'js"on']))
        content = draw(
            st.binary(max_size=80)
            | st.sampled_from([ALL_BODIES["platerecognizer_stream.json"], b"{", b"\xff\xd8\xff"])
        )
        encoding = draw(st.sampled_from(["", "Content-Transfer-Encoding: base64\r\n"]))
        disposition = f'Content-Disposition: form-data; name="{name}"\r\n'
        head = f"--{boundary}\r\n{disposition}{encoding}\r\n".encode()
        parts.append(head + content + b"\r\n")
    ending = draw(st.sampled_from([f"--{boundary}--\r\n".encode(), b"", b"--"]))
    header = draw(
        st.sampled_from(
            [
                f"multipart/form-data; boundary={boundary}",
                f'multipart/form-data; boundary="{boundary}"',
                "multipart/form-data",
                "multipart/form-data; boundary=",
                "multipart/form-data; boundary*=utf-8''%FF%FE",
                "multipart/form-data; boundary=x\r\nX-Evil: 1",
                "multipart/form-data; boundary=\u20ac",
            ]
        )
    )
    return b"".join(parts) + ending, header


@FUZZ
@given(multipart_payload())
def test_random_multipart(case: tuple[bytes, str]) -> None:
    payload, content_type = case
    check(payload, content_type)


@FUZZ
@given(st.data())
def test_flipped_bytes_in_a_real_multipart(data: st.DataObject) -> None:
    payload = bytearray(MULTIPART_BODY)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(payload) - 1))
        payload[at] = data.draw(st.integers(0, 255))
    check(bytes(payload), f"multipart/form-data; boundary={BOUNDARY}")


# CSV

HEADER = "plate,state,confidence,captured_at,device,latitude,longitude,direction"
good_rows = st.builds(
    lambda plate, state, score, minute, device: (
        f"{plate},{state},{score},2026-11-21T14:{minute:02d}:00Z,{device},,,"
    ),
    st.sampled_from(["A13709", "A137O9", "A137Q9", "a13709", "7ABC 123"]),
    st.sampled_from(["CA", "us-ca", "", "NV"]),
    st.sampled_from(["0.9", "0.75", "1", "0"]),
    st.integers(0, 9),
    st.sampled_from(["fixed-17", "fixed-18"]),
)
bad_rows = st.sampled_from(
    [
        "!!!,CA,0.9,2026-11-21T14:03:07Z,fixed-17,,,",
        "A13709,CA,0.9,yesterday,fixed-17,,,",
        "A13709,CA,0.9,2026-11-21T14:03:07Z,,,,",
        "A13709,CA,150,2026-11-21T14:03:07Z,fixed-17,,,",
        "A13709,CA,0.9,2026-11-21T14:03:07Z,fixed-17,95,0,",
        "A13709,CA",
    ]
)


@FUZZ
@given(st.lists(st.tuples(st.booleans(), good_rows, bad_rows), max_size=12))
def test_csv_bad_rows_cost_only_themselves_and_are_named_by_line(
    rows: list[tuple[bool, str, str]],
) -> None:
    lines = [HEADER] + [good if keep else bad for keep, good, bad in rows]
    result = check("\n".join(lines).encode(), "text/csv")
    assert result is not None
    assert len(result.reads) == sum(keep for keep, _, _ in rows)
    expected_bad = [number for number, (keep, _, _) in enumerate(rows, start=2) if not keep]
    assert [line for line, _ in result.rejected] == expected_bad


@FUZZ
@given(st.lists(st.lists(st.text(max_size=12), max_size=10), max_size=8))
def test_csv_random_cells(rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    check(out.getvalue().encode("utf-8", "surrogatepass"), "text/csv")
