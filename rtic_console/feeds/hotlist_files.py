"""Hot list file import: California DOJ .tbl, NCIC fixed-width and CSV extracts, simple CSV."""

from __future__ import annotations

import csv
import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rtic_console.domain.hotlist_import import (
    BadRow,
    ImportDecision,
    ParsedHotList,
    import_decision,
)
from rtic_console.domain.hotlists import (
    DEFAULT_PRIORITY,
    NCIC_SYSTEM_BY_DOJ_FILE,
    NCIC_SYSTEM_BY_TYPE,
    REASON_BY_DOJ_FILE,
    HotListEntryData,
    NcicSystem,
    ReasonCategory,
    reason_for_ncic_record,
)
from rtic_console.domain.plates import (
    InvalidPlate,
    is_placeholder,
    normalize_plate,
    normalize_state,
)

logger = logging.getLogger(__name__)

# The result types and the import decision live in the domain so services can judge a file
# without importing feeds; they are re-exported here as part of this module's API.
__all__ = [
    "FORMATS",
    "BadRow",
    "HotListFileError",
    "ImportDecision",
    "ParsedHotList",
    "detect_format",
    "import_decision",
    "parse_hotlist",
    "read_hotlist_file",
]

FORMATS = ("ca-doj", "ncic", "ncic-csv", "csv")
# A simple list is special (informational, I.1) unless every row has a case or XREF, its
# CLETS/NCIC counterpart and an expiry within 24 hours (domain/hotlist_import.list_class).
SIMPLE_CSV_COLUMNS = ("plate", "state", "reason", "case", "xref", "ncic_system", "ncic_record",
                      "expires")
MAX_CASE_LENGTH = 40  # the case_number, xref and ncic_record columns
MAX_LINE = 400  # longer than any real record; longer lines are reported, never regex-scanned
RAW_KEEP = 120  # characters of a bad line kept for the operator

_DOJ_HEADER = re.compile(r"DATE\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?", re.A)
_DOJ_FOOTER = re.compile(r"TOTAL\s+RECORDS?\s*:?\s*(\d{1,9})", re.A)
# Matched from the end: plate widths vary between files, the 12-character tail does not.
_DOJ_RECORD = re.compile(r"(?P<plate>.*?)\s*(?P<state>[A-Z0-9]{2})(?P<county>\d\d)(?P<day>\d{8})",
                         re.A)
_NIC = re.compile(r"[A-Z]\d{9}", re.A)
_NCIC_FIXED_START = re.compile(r"[A-Z]\d{9}.{9}\d{8}", re.A)
NCIC_MIN_LENGTH = 39  # through LIS, the last field a hot list cannot do without
# NIC ORI date LIC LIS LIY LIT VYR VMA VMO VST VCO: the widths FORMATS.md gives.
_NCIC_FIELDS = tuple(slice(a, b) for a, b in pairwise((0, 10, 19, 27, 37, 39, 43, 45, 49, 53,
                                                       56, 58, None)))


class HotListFileError(ValueError):
    """A file that cannot be read as a hot list at all; the operator gets this message."""


class _Collector:
    """Gathers one file's results; duplicates (plate and state) keep the strongest entry."""

    def __init__(self, fmt: str, imported_at: datetime) -> None:
        self.fmt = fmt
        self.imported_at = imported_at
        self.best: dict[tuple[str, str | None], tuple[tuple[int, date, int], HotListEntryData]] = {}
        self.bad_rows: list[BadRow] = []
        self.records = self.placeholders = self.merged = 0
        self.notes: list[str] = []
        self.header_date: datetime | None = None
        self.footer: int | None = None

    def bad(self, number: int, reason: str, raw: str) -> None:
        self.bad_rows.append(BadRow(number, reason, raw[:RAW_KEEP]))

    def source(self, number: int) -> str:
        """Where an entry came from, short enough to store; the import keeps the file itself."""
        return f"{self.fmt} line {number}"

    def plate_and_state(
        self, number: int, raw: str, plate_text: str, state_text: str, *, state_required: bool
    ) -> tuple[str, str | None] | None:
        """The cleaned plate and state, or None once the row is counted as skipped or bad."""
        if is_placeholder(plate_text):
            self.placeholders += 1
            return None
        try:
            plate = normalize_plate(plate_text)
        except InvalidPlate as exc:
            self.bad(number, str(exc), raw)
            return None
        state = normalize_state(state_text)
        if state is None and (state_required or state_text.strip()):
            self.bad(number, f"state {state_text.strip()!r} is not a known state code", raw)
            return None
        return plate, state

    def keep(self, number: int, entry: HotListEntryData, recency: date | None) -> None:
        """File an entry; a duplicate keeps the higher priority, then the more recent record.

        The kept entry lasts until the later of the two expiries, so merging never ends a
        listing early, and its narrative names the record it absorbed.
        """
        key = (entry.plate, entry.state)
        rank = (-entry.priority, recency or date.min, number)
        held = self.best.get(key)
        if held is None:
            self.best[key] = (rank, entry)
            return
        self.merged += 1
        if rank > held[0]:
            winner_rank, winner, loser = rank, entry, held[1]
        else:
            (winner_rank, winner), loser = held, entry
        narrative = winner.narrative
        if (loser.reason, loser.ncic_record, loser.case_number) != \
                (winner.reason, winner.ncic_record, winner.case_number):
            record = loser.ncic_record or loser.case_number or ""
            narrative = "; ".join(filter(None, (narrative, f"also listed: {loser.reason.value} "
                                                           f"{record}".rstrip())))
        expires = None if None in (winner.expires_at, loser.expires_at) \
            else max(winner.expires_at, loser.expires_at)
        self.best[key] = (winner_rank, dataclasses.replace(winner, narrative=narrative,
                                                           expires_at=expires))

    def result(self, lines: list[str], ends_cleanly: bool, encoding: str,
               truncated: str | None = None) -> ParsedHotList:
        if truncated is None and not ends_cleanly and self.bad_rows \
                and self.bad_rows[-1].line_number == len(lines):
            truncated = "the last line is cut off mid-record"
        return ParsedHotList(
            format=self.fmt, entries=tuple(entry for _, entry in self.best.values()),
            bad_rows=tuple(self.bad_rows), record_count=self.records,
            placeholders_skipped=self.placeholders, duplicates_merged=self.merged,
            header_date=self.header_date, footer_count=self.footer, total_lines=len(lines),
            encoding=encoding, truncated=truncated, notes=tuple(self.notes),
        )


def _decode(data: bytes) -> tuple[str, str]:
    if b"\x00" in data:
        raise HotListFileError(
            "the file holds NUL bytes: it is binary or UTF-16, not a text hot list; "
            "save it as UTF-8 or plain text")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"  # older state systems write Latin-1


def _records(lines: list[str], out: _Collector) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; overlong lines are reported, not yielded."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if len(text) > MAX_LINE:
            out.records += 1
            out.bad(number, f"line is {len(text)} characters; no hot list record is that long",
                    text)
            continue
        yield number, text


def _yyyymmdd(text: str) -> date | None:
    # Not strptime: it is half the cost of reading a 300,000-record DOJ file.
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _doj_zone() -> tzinfo:
    try:
        return ZoneInfo("America/Los_Angeles")
    except ZoneInfoNotFoundError:  # Windows without tzdata: standard time is close enough
        logger.warning("no time zone database; DOJ header times read as UTC-8")
        return timezone(timedelta(hours=-8), "PST")


def _doj_kind(filename: str, doj_kind: str | None) -> str | None:
    stem = (doj_kind or Path(filename).name).lower()[:3]
    return stem if stem in REASON_BY_DOJ_FILE else None


def _parse_doj(lines: list[str], out: _Collector, kind: str | None) -> str | None:
    reason = REASON_BY_DOJ_FILE.get(kind or "", ReasonCategory.OTHER)
    if kind is None:
        out.notes.append("DOJ file kind (svs, sfr, slr) unknown from its name: reason 'other'")
    for number, text in _records(lines, out):
        upper = text.upper()
        if out.header_date is None and out.records == 0 and (m := _DOJ_HEADER.match(upper)):
            month, day, year, hour, minute = (int(g or 0) for g in m.groups())
            try:
                local = datetime(year, month, day, hour, minute, tzinfo=_doj_zone())
                out.header_date = local.astimezone(UTC)
            except ValueError:
                out.notes.append(f"header {text[:30]!r} is not a valid date and time")
            continue
        if out.footer is None and (m := _DOJ_FOOTER.fullmatch(upper)):
            out.footer = int(m.group(1))
            continue
        out.records += 1
        if out.footer is not None:
            out.bad(number, "line after the TOTAL RECORD footer", text)
            continue
        m = _DOJ_RECORD.fullmatch(upper)
        if m is None:
            out.bad(number, "not a DOJ record (plate, state, county, date of loss YYYYMMDD)",
                    text)
            continue
        lost = _yyyymmdd(m["day"])
        if lost is None:
            out.bad(number, f"date of loss {m['day']!r} is not a date", text)
            continue
        checked = out.plate_and_state(number, text, m["plate"], m["state"], state_required=True)
        if checked is not None:
            out.keep(number, HotListEntryData(
                plate=checked[0], state=checked[1], reason=reason,
                priority=DEFAULT_PRIORITY[reason], effective_at=out.imported_at,
                source_record=out.source(number),
                ncic_system=NCIC_SYSTEM_BY_DOJ_FILE.get(kind or ""),
                narrative=f"county {m['county']}, date of loss {lost.isoformat()}",
            ), lost)
    return None if out.footer is not None else "no TOTAL RECORD footer: the file ends early"


def _ncic_record(out: _Collector, number: int, raw: str, fields: list[str]) -> None:
    """One NCIC vehicle record: NIC, ORI, date, LIC, LIS, then optional LIY..VCO fields."""
    nic, ori, day, plate_text, state_text, *rest = (f.strip().upper() for f in fields)
    if not _NIC.fullmatch(nic):
        out.bad(number, f"NIC {nic[:12]!r} is not a letter and nine digits", raw)
        return
    reason = reason_for_ncic_record(nic)
    if reason is None:
        out.bad(number, f"NIC record type {nic[0]!r} is not one the console lists", raw)
        return
    entered = _yyyymmdd(day)
    if entered is None:
        out.bad(number, f"entry date {day[:12]!r} is not a date (YYYYMMDD)", raw)
        return
    checked = out.plate_and_state(number, raw, plate_text, state_text, state_required=True)
    if checked is None:
        return
    plate_year, plate_type, year, make, model, style, color = (rest + [""] * 7)[:7]
    # NCIC codes have no digit 0 in makes: 'D0DG' is Dodge with letter O keyed as zero.
    vehicle = " ".join(filter(None, (color, year, make.replace("0", "O"), model, style)))
    narrative = "; ".join(filter(None, (vehicle, f"ORI {ori}", f"entered {entered.isoformat()}",
                                        f"plate year {plate_year}" if plate_year else "")))
    out.keep(number, HotListEntryData(
        plate=checked[0], state=checked[1], reason=reason, priority=DEFAULT_PRIORITY[reason],
        effective_at=out.imported_at, plate_type=plate_type or None,
        source_record=out.source(number), ncic_system=NCIC_SYSTEM_BY_TYPE.get(nic[0]),
        ncic_record=nic, narrative=narrative,
    ), entered)


def _parse_ncic_fixed(lines: list[str], out: _Collector) -> None:
    for number, text in _records(lines, out):
        out.records += 1
        if len(text) < NCIC_MIN_LENGTH:
            out.bad(number, f"record is {len(text)} characters; an NCIC vehicle record has "
                            f"at least {NCIC_MIN_LENGTH}", text)
            continue
        _ncic_record(out, number, text, [text[cut] for cut in _NCIC_FIELDS])


def _csv_row(text: str) -> list[str] | None:
    try:
        return next(csv.reader([text]), [])
    except csv.Error:
        return None


def _parse_ncic_csv(lines: list[str], out: _Collector) -> None:
    for number, text in _records(lines, out):
        row = _csv_row(text)
        if out.records == 0 and row and row[0].strip().upper() == "NIC":
            continue  # header row
        out.records += 1
        if row is None or len(row) not in (11, 12):
            count = "unreadable" if row is None else str(len(row))
            out.bad(number, f"{count} columns; an NCIC CSV row has 12, or 11 without LIT", text)
            continue
        if len(row) == 11:
            row.insert(6, "")  # the state dropped LIT (plate type)
        _ncic_record(out, number, text, row)


def _expiry(text: str) -> datetime | str:
    """The aware UTC expiry, or the reason it cannot be one."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return f"expires {text[:40]!r} is not an ISO 8601 date and time"
    if moment.utcoffset() is None:
        return f"expires {text[:40]!r} has no UTC offset (write ...Z or ...-08:00)"
    return moment.astimezone(UTC)


def _references(values: dict[str, str]
                ) -> tuple[str | None, str | None, NcicSystem | None, str | None] | str:
    """Case, XREF, CLETS/NCIC system and record of a simple CSV row, or why not."""
    texts = {}
    for column, label in (("case", "case number"), ("xref", "XREF"),
                          ("ncic_record", "NCIC record")):
        value = values.get(column) or None
        if value is not None and len(value) > MAX_CASE_LENGTH:
            return f"{label} is {len(value)} characters; at most {MAX_CASE_LENGTH}"
        texts[column] = value
    system_text = (values.get("ncic_system") or "").upper()
    try:
        system = NcicSystem(system_text) if system_text else None
    except ValueError:
        return (f"ncic_system {system_text[:12]!r} is not one of "
                + ", ".join(s.value for s in NcicSystem))
    return texts["case"], texts["xref"], system, texts["ncic_record"]


def _parse_simple_csv(lines: list[str], out: _Collector) -> None:
    records = _records(lines, out)
    first = next(records, None)
    header = [c.strip().lower() for c in (_csv_row(first[1]) or [])] if first else []
    if "plate" not in header:
        raise HotListFileError("a hot list CSV starts with a header row naming its columns: "
                               + ",".join(SIMPLE_CSV_COLUMNS))
    if extra := [c for c in header if c not in SIMPLE_CSV_COLUMNS]:
        out.notes.append("columns ignored: " + ", ".join(extra)[:RAW_KEEP])
    for number, text in records:
        out.records += 1
        row = _csv_row(text)
        if row is None or len(row) != len(header):
            count = "unreadable" if row is None else str(len(row))
            out.bad(number, f"{count} columns; the header has {len(header)}", text)
            continue
        values = dict(zip(header, (v.strip() for v in row), strict=True))
        reason_text = values.get("reason", "").lower().replace(" ", "_")
        try:
            reason = ReasonCategory(reason_text)
        except ValueError:
            out.bad(number, f"reason {reason_text[:30]!r} is not one of: "
                            + ", ".join(ReasonCategory), text)
            continue
        references = _references(values)
        if isinstance(references, str):
            out.bad(number, references, text)
            continue
        case, xref, system, record = references
        expires = _expiry(values["expires"]) if values.get("expires") else None
        if isinstance(expires, str):
            out.bad(number, expires, text)
            continue
        checked = out.plate_and_state(number, text, values["plate"], values.get("state", ""),
                                      state_required=False)
        if checked is not None:
            out.keep(number, HotListEntryData(
                plate=checked[0], state=checked[1], reason=reason,
                priority=DEFAULT_PRIORITY[reason], effective_at=out.imported_at,
                expires_at=expires, source_record=out.source(number),
                case_number=case, xref=xref, ncic_system=system, ncic_record=record,
            ), None)


def detect_format(first_bytes: bytes, filename: str = "") -> str | None:
    """Which of FORMATS a file is, from its name and first line; None when it cannot tell."""
    text = first_bytes[:4096].removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    first = next((ln.strip().upper() for ln in text.splitlines() if ln.strip()), "")
    if Path(filename).suffix.lower() == ".tbl" or _DOJ_HEADER.match(first):
        return "ca-doj"
    if "," in first:
        fields = [f.strip().strip('"') for f in first.split(",")]
        if "PLATE" in fields:
            return "csv"
        if fields[0] == "NIC" or _NIC.fullmatch(fields[0]):
            return "ncic-csv"
        return None
    if _NCIC_FIXED_START.match(first):
        return "ncic"
    return "ca-doj" if _DOJ_RECORD.fullmatch(first[:MAX_LINE]) else None


def parse_hotlist(data: bytes, filename: str = "", fmt: str = "auto", *,
                  imported_at: datetime | None = None, doj_kind: str | None = None
                  ) -> ParsedHotList:
    """Parse a hot list file; bad rows are reported, never raised.

    HotListFileError only for a file that is not text, a format that cannot be told, or a
    simple CSV without its header. ``doj_kind`` (svs, sfr, slr) overrides the file name.
    Every entry takes effect at ``imported_at`` (now by default). DOJ and NCIC extracts do
    not expire (the next extract replaces them); a simple CSV row expires when it says.
    """
    if fmt not in (*FORMATS, "auto"):
        raise HotListFileError(f"unknown hot list format {fmt!r}; use auto or one of "
                               + ", ".join(FORMATS))
    when = imported_at or datetime.now(UTC)
    if when.utcoffset() is None:
        raise ValueError("imported_at must carry a time zone")
    text, encoding = _decode(data)
    if fmt == "auto":
        detected = detect_format(data, filename)
        if detected is None and text.strip():
            raise HotListFileError("cannot tell the hot list format; choose one of "
                                   + ", ".join(FORMATS))
        fmt = detected or "csv"
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ends_cleanly = lines[-1] == ""
    if ends_cleanly:
        lines.pop()
    out = _Collector(fmt, when.astimezone(UTC))
    truncated = None
    if fmt == "ca-doj":
        truncated = _parse_doj(lines, out, _doj_kind(filename, doj_kind))
    elif fmt == "ncic":
        _parse_ncic_fixed(lines, out)
    elif fmt == "ncic-csv":
        _parse_ncic_csv(lines, out)
    elif any(line.strip() for line in lines):
        _parse_simple_csv(lines, out)
    parsed = out.result(lines, ends_cleanly or not lines, encoding, truncated)
    logger.info("parsed %s hot list: %s entries, %s bad rows, %s placeholders, %s merged",
                fmt, len(parsed.entries), len(parsed.bad_rows), parsed.placeholders_skipped,
                parsed.duplicates_merged)
    return parsed


def read_hotlist_file(path: Path | str, fmt: str = "auto", *,
                      imported_at: datetime | None = None, doj_kind: str | None = None
                      ) -> ParsedHotList:
    """parse_hotlist on a file, turning an unreadable file into a HotListFileError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HotListFileError(f"cannot read {path.name}: {exc.strerror}") from exc
    return parse_hotlist(data, path.name, fmt, imported_at=imported_at, doj_kind=doj_kind)
