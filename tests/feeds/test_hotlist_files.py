"""Hot list file parsers and the import decision, on realistic files with their quirks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtic_console.domain.hotlists import NcicSystem, ReasonCategory
from rtic_console.domain.plates import is_placeholder, normalize_plate
from rtic_console.feeds.hotlist_files import (
    FORMATS,
    RAW_KEEP,
    HotListFileError,
    ParsedHotList,
    detect_format,
    import_decision,
    parse_hotlist,
    read_hotlist_file,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hotlists"
IMPORTED = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def load(name: str, fmt: str = "auto") -> ParsedHotList:
    return read_hotlist_file(FIXTURES / name, fmt, imported_at=IMPORTED)


def by_plate(parsed: ParsedHotList) -> dict[str, object]:
    return {e.plate: e for e in parsed.entries}


def test_doj_stolen_vehicle_file_with_its_quirks() -> None:
    parsed = load("svs.tbl")  # BOM, CRLF, padded plates, 0H, placeholders, duplicate, bad date
    entries = by_plate(parsed)
    assert parsed.format == "ca-doj"
    assert parsed.header_date == datetime(2026, 11, 21, 14, 0, tzinfo=UTC)  # 06:00 Pacific
    assert (parsed.record_count, len(parsed.entries)) == (40, 35)
    assert parsed.placeholders_skipped == 3
    assert parsed.duplicates_merged == 1
    assert parsed.footer_count == 72 and parsed.footer_matches is False
    assert [(b.line_number, b.reason) for b in parsed.bad_rows] == [
        (17, "date of loss '20261345' is not a date")]
    ohio = entries["7DEF450"]
    assert ohio.state == "OH"
    assert {"7JKL209", "8MNO551"} <= set(entries)  # space and hyphen dropped
    stolen = entries["7ABC123"]
    assert stolen.reason is ReasonCategory.STOLEN_VEHICLE
    assert stolen.ncic_system is NcicSystem.SVS
    assert stolen.narrative == "county 19, date of loss 2026-11-15"  # the more recent record
    assert stolen.effective_at == IMPORTED and stolen.expires_at is None
    assert stolen.source_record == "ca-doj line 24"
    decision = import_decision(parsed)
    assert decision.accepted
    assert "footer says 72 records; the file holds 40" in decision.warnings


def test_doj_felony_file_without_trailing_newline_is_complete() -> None:
    parsed = load("sfr.tbl")
    assert parsed.footer_matches is True
    assert {e.reason for e in parsed.entries} == {ReasonCategory.FELONY_VEHICLE}
    assert by_plate(parsed)["4HIT789"].state == "NV"
    assert import_decision(parsed).accepted


def test_doj_file_cut_short_is_refused() -> None:
    parsed = load("slr_truncated.tbl")
    assert parsed.truncated == "no TOTAL RECORD footer: the file ends early"
    assert parsed.bad_rows[-1].line_number == 4
    decision = import_decision(parsed)
    assert not decision.accepted
    assert any("truncated" in reason for reason in decision.reasons)


def test_doj_kind_comes_from_the_name_or_is_given() -> None:
    data = (FIXTURES / "sfr.tbl").read_bytes()
    unnamed = parse_hotlist(data, "download.tbl", imported_at=IMPORTED)
    assert {e.reason for e in unnamed.entries} == {ReasonCategory.OTHER}
    assert unnamed.notes and "unknown" in unnamed.notes[0]
    given_kind = parse_hotlist(data, "download.tbl", doj_kind="slr", imported_at=IMPORTED)
    assert {e.ncic_system for e in given_kind.entries} == {NcicSystem.SLR}


def test_doj_records_parse_by_pattern_whatever_the_plate_width() -> None:
    text = "DATE11/21/2026 06:00\nABC1234CA1220190515\n  7XYZ890        CA0120200101\n" \
           "TOTAL RECORD 2\nLATE123 CA0120200101\n"
    parsed = parse_hotlist(text.encode(), "svs.tbl", imported_at=IMPORTED)
    assert set(by_plate(parsed)) == {"ABC1234", "7XYZ890"}
    assert parsed.bad_rows[0].reason == "line after the TOTAL RECORD footer"


def test_doj_file_without_header_is_refused() -> None:
    parsed = parse_hotlist(b"ABC1234 CA1220190515\nTOTAL RECORD 1\n", "svs.tbl")
    assert parsed.footer_matches
    assert any("DATE header" in r for r in import_decision(parsed).reasons)


def test_ncic_fixed_width_extract() -> None:
    parsed = load("ncic_vehicles.txt")
    entries = by_plate(parsed)
    assert parsed.format == "ncic"
    example = entries["AB123456"]  # the FORMATS.md example line
    assert (example.state, example.plate_type, example.ncic_record) == ("CA", "MC", "V123456789")
    assert example.narrative.startswith("BLK 2009 YAMA CYL MC; ORI LA0570200")
    assert "DODG CHA" in entries["6FEL999"].narrative  # D0DG is Dodge
    assert entries["JFJ4764"].state == "OH"
    assert entries["JFJ4764"].ncic_system is NcicSystem.MUPS
    assert entries["9AMB321"].reason is ReasonCategory.AMBER
    assert entries["9AMB321"].priority == 1
    assert entries["CDN123"].state == "BC"
    assert entries["ABC1234"].reason is ReasonCategory.STOLEN_VEHICLE  # ABC-1234
    # V and W records for one plate merge; the wanted person outranks the stolen car.
    merged = entries["7ABC123"]
    assert merged.reason is ReasonCategory.WANTED_PERSON
    assert merged.narrative.endswith("also listed: stolen_vehicle V000123457")
    assert parsed.placeholders_skipped == 1
    reasons = [b.reason for b in parsed.bad_rows]
    assert reasons == ["NIC record type 'G' is not one the console lists",
                       "record is 27 characters; an NCIC vehicle record has at least 39",
                       "entry date '20261199' is not a date (YYYYMMDD)"]
    assert not import_decision(parsed).accepted  # 3 bad of 17 is more than 5 %
    assert import_decision(parsed, max_bad_share=0.2).accepted


def test_ncic_csv_extract_with_and_without_lit_in_latin_1() -> None:
    parsed = load("ncic_extract.csv")
    entries = by_plate(parsed)
    assert parsed.format == "ncic-csv"
    assert parsed.encoding == "latin-1"
    assert entries["JFJ4764"].plate_type == "TK"  # the FORMATS.md example row
    assert entries["JFJ4764"].state == "OH"
    assert entries["GTR5510"].plate_type is None  # 11 columns: LIT dropped
    assert entries["GTR5510"].reason is ReasonCategory.STOLEN_PLATE
    assert "DODG DUR" in entries["HPX2231"].narrative
    assert "CÓR" in entries["FKL7720"].narrative
    assert parsed.placeholders_skipped == 1
    assert parsed.bad_rows[0].line_number == 7
    decision = import_decision(parsed, max_bad_share=0.2)
    assert decision.accepted
    assert "the file is not UTF-8; read as latin-1" in decision.warnings


def test_simple_csv() -> None:
    parsed = load("spd_hotplates.csv")
    entries = by_plate(parsed)
    assert parsed.format == "csv"
    assert parsed.notes == ("columns ignored: entered_by",)
    first = entries["8KLM204"]
    assert (first.state, first.reason, first.case_number) == (
        "CA", ReasonCategory.FELONY_VEHICLE, "26-104240")
    assert first.expires_at == datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    assert entries["5WAN999"].state is None and entries["5WAN999"].expires_at is None
    # 7ABC-123 and 7ABC123 are one plate: the AMBER entry wins and lasts as long as the other.
    merged = entries["7ABC123"]
    assert merged.reason is ReasonCategory.AMBER
    assert merged.expires_at == datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    assert merged.narrative == "also listed: stolen_vehicle 26-104233"
    reasons = [b.reason for b in parsed.bad_rows]
    assert "has no UTC offset" in reasons[0]
    assert reasons[1].startswith("reason 'parking' is not one of")


def test_simple_csv_needs_its_header() -> None:
    with pytest.raises(HotListFileError, match="header row"):
        parse_hotlist(b"7ABC123,CA,stolen_vehicle,1,\n", fmt="csv")


@pytest.mark.parametrize(("name", "fmt"), [
    ("svs.tbl", "ca-doj"), ("sfr.tbl", "ca-doj"), ("ncic_vehicles.txt", "ncic"),
    ("ncic_extract.csv", "ncic-csv"), ("spd_hotplates.csv", "csv"),
])
def test_detect_format(name: str, fmt: str) -> None:
    data = (FIXTURES / name).read_bytes()
    assert detect_format(data[:512], name) == fmt
    assert detect_format(data[:512], "upload.dat") == fmt


def test_undetectable_or_unreadable_files_raise_a_clear_error() -> None:
    assert detect_format(b"hello world\n", "notes.txt") is None
    with pytest.raises(HotListFileError, match="cannot tell"):
        parse_hotlist(b"hello world\n", "notes.txt")
    with pytest.raises(HotListFileError, match="NUL bytes"):
        parse_hotlist("plate\n".encode("utf-16"), "x.csv")
    with pytest.raises(HotListFileError, match="unknown hot list format"):
        parse_hotlist(b"", fmt="xml")
    with pytest.raises(HotListFileError, match="cannot read"):
        read_hotlist_file(FIXTURES / "missing.tbl")


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_file_is_refused(fmt: str) -> None:
    parsed = parse_hotlist(b"\r\n  \n", fmt=fmt)
    assert parsed.entries == ()
    assert "the file holds no records" in import_decision(parsed).reasons


def test_file_of_placeholders_only_is_refused() -> None:
    parsed = parse_hotlist(b"plate,state,reason\nUNKNOWN,CA,other\nNONE,CA,other\n")
    assert parsed.placeholders_skipped == 2
    assert import_decision(parsed).reasons == (
        "no usable entries: every record is bad or a placeholder",)


def test_last_line_cut_mid_record_is_truncation() -> None:
    data = (FIXTURES / "ncic_vehicles.txt").read_bytes().rstrip(b"\n")[:-40]
    parsed = parse_hotlist(data, imported_at=IMPORTED)
    assert parsed.truncated == "the last line is cut off mid-record"
    assert not import_decision(parsed, max_bad_share=1).accepted


def test_bad_share_threshold() -> None:
    parsed = load("svs.tbl")  # 1 bad record in 40
    assert import_decision(parsed, max_bad_share=0.025).accepted
    refused = import_decision(parsed, max_bad_share=0.02)
    assert refused.reasons == ("1 of 40 records are bad (2.5%); at most 2.0% allowed",)
    with pytest.raises(ValueError, match="share"):
        import_decision(parsed, max_bad_share=5)


def test_entries_default_to_now_and_reject_naive_import_time() -> None:
    before = datetime.now(UTC)
    parsed = parse_hotlist((FIXTURES / "sfr.tbl").read_bytes(), "sfr.tbl")
    assert all(before <= e.effective_at <= before + timedelta(minutes=1) for e in parsed.entries)
    with pytest.raises(ValueError, match="time zone"):
        parse_hotlist(b"", imported_at=datetime(2026, 1, 1))


# Property tests: whatever the bytes, a parser returns a full account or a clear error.

SAMPLES = {fmt: (FIXTURES / name).read_bytes() for fmt, name in [
    ("ca-doj", "svs.tbl"), ("ncic", "ncic_vehicles.txt"), ("ncic-csv", "ncic_extract.csv"),
    ("csv", "spd_hotplates.csv")]}


def check_account(data: bytes, fmt: str) -> ParsedHotList | None:
    try:
        parsed = parse_hotlist(data, "upload", fmt, imported_at=IMPORTED)
    except HotListFileError as exc:
        assert str(exc)
        return None
    for row in parsed.bad_rows:
        assert row.reason.strip()
        assert 1 <= row.line_number <= parsed.total_lines
        assert len(row.raw) <= RAW_KEEP
    for entry in parsed.entries:
        assert normalize_plate(entry.plate) == entry.plate
        assert not is_placeholder(entry.plate)
    kept = len(parsed.entries) + parsed.duplicates_merged
    assert kept + parsed.placeholders_skipped + len(parsed.bad_rows) == parsed.record_count
    decision = import_decision(parsed)
    assert decision.accepted == (not decision.reasons)
    return parsed


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(fmt=st.sampled_from(FORMATS), data=st.binary(max_size=2000))
def test_random_bytes_never_crash(fmt: str, data: bytes) -> None:
    check_account(data, fmt)


@FUZZ
@given(fmt=st.sampled_from(FORMATS), cut=st.integers(0, 2000))
def test_truncated_files_never_crash(fmt: str, cut: int) -> None:
    data = SAMPLES[fmt]
    check_account(data[: min(cut, len(data))], fmt)


@FUZZ
@given(cut=st.integers(0, 10_000))
def test_doj_file_cut_anywhere_before_its_footer_is_refused(cut: int) -> None:
    data = SAMPLES["ca-doj"]
    cut = cut % data.index(b"TOTAL RECORD")
    parsed = check_account(data[:cut], "ca-doj")
    assert parsed is not None and not import_decision(parsed).accepted


@FUZZ
@given(fmt=st.sampled_from(FORMATS), at=st.integers(0, 10_000),
       junk=st.binary(min_size=1, max_size=8).filter(lambda b: b"\x00" not in b))
def test_non_utf8_bytes_never_crash(fmt: str, at: int, junk: bytes) -> None:
    data = SAMPLES[fmt]
    at %= len(data)
    check_account(data[:at] + bytes(b | 0x80 for b in junk) + data[at:], fmt)


@FUZZ
@given(fmt=st.sampled_from(FORMATS), length=st.integers(401, 200_000),
       char=st.sampled_from("A0, \t-é"))
def test_huge_lines_are_reported_not_scanned(fmt: str, length: int, char: str) -> None:
    data = SAMPLES[fmt]
    head, _, tail = data.partition(b"\n")
    parsed = check_account(head + b"\n" + (char * length).encode() + b"\n" + tail, fmt)
    assert parsed is not None
    if char.strip():
        assert any("no hot list record is that long" in b.reason for b in parsed.bad_rows)
