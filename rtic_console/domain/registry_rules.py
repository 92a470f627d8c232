"""What a voluntary registry entry must hold (H.1), and how a registry CSV file is read."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import asdict, dataclass

from rtic_console.domain.search_rules import SearchRuleError, point_of, radius_of

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# H.2: a look-up gathers evidence around one place of a case (the order's example is 300 m),
# not the cameras of a whole district; a search of reads may reach further (search_rules).
MAX_LOOKUP_RADIUS_M = 2_000
COLUMNS = ("owner_name", "contact", "address", "latitude", "longitude", "equipment_type",
           "notes")
# Limits follow the columns of registry_entries; notes are text but kept readable.
LIMITS = {"owner_name": 120, "contact": 120, "address": 200, "equipment_type": 80,
          "notes": 2000, "reason": 1000}
LABELS = {"owner_name": "owner name", "contact": "contact", "address": "address",
          "latitude": "latitude", "longitude": "longitude",
          "equipment_type": "equipment type", "notes": "notes", "reason": "reason"}
REQUIRED_COLUMNS = ("owner_name", "address", "latitude", "longitude", "equipment_type")
RANGES = {"latitude": "-90 to 90", "longitude": "-180 to 180"}
# Plain decimal degrees only: float() would also take "nan", "1e2" and "1_0".
_DECIMAL = re.compile(r"[+-]?\d{1,3}(?:\.\d{1,12})?", re.ASCII)
# Zero-width joiners are part of ordinary writing in some scripts; other format
# characters (bidi overrides, stray BOMs) only disguise what a cell says.
_ALLOWED_FORMAT = {"\u200c", "\u200d"}


class RegistryRuleError(ValueError):
    """An entry the registry cannot hold; the message names the field."""


class RegistryFileError(ValueError):
    """A file refused as a whole; nothing in it is imported."""


@dataclass(frozen=True)
class RegistryEntryData:
    owner_name: str
    contact: str
    address: str
    latitude: float
    longitude: float
    equipment_type: str
    notes: str

    def duplicate_key(self) -> tuple[str, str]:
        return duplicate_key(self.owner_name, self.address)

    def fields(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class RegistryRow:
    """One data row of a file: its spreadsheet row number (the header is row 1) and either
    the entry it holds or the reason it was refused."""

    row: int
    entry: RegistryEntryData | None
    problem: str | None = None


@dataclass(frozen=True)
class ParsedRegistryFile:
    rows: tuple[RegistryRow, ...]
    unknown_columns: tuple[str, ...]
    blank_rows: int


def duplicate_key(owner_name: str, address: str) -> tuple[str, str]:
    """Same owner at the same address, whatever the case and spacing."""
    return " ".join(owner_name.split()).casefold(), " ".join(address.split()).casefold()


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _text(field: str, raw: object, *, required: bool) -> str:
    label = LABELS[field]
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise RegistryRuleError(f"{label} must be text, not {type(raw).__name__}")
    for ch in raw:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch not in "\t\n\r") or category in ("Cs", "Co") or (
                category == "Cf" and ch not in _ALLOWED_FORMAT):
            raise RegistryRuleError(f"{label} contains a control character (U+{ord(ch):04X})")
    if field == "notes":
        text = "\n".join(" ".join(line.split()) for line in raw.strip().splitlines())
    else:
        text = " ".join(raw.split())
    if required and not text:
        raise RegistryRuleError(f"{label} is empty")
    if len(text) > LIMITS[field]:
        raise RegistryRuleError(f"{label} is {len(text)} characters long; at most "
                                f"{LIMITS[field]}")
    if text.startswith("="):
        # A spreadsheet formula exported as text; it would run if the registry is reopened
        # in a spreadsheet, and it is never a name, address or note.
        raise RegistryRuleError(f"{label} starts with '=', a spreadsheet formula")
    return text


def _number(field: str, raw: object) -> float:
    label = LABELS[field]
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise RegistryRuleError(f"{label} is missing")
        if not _DECIMAL.fullmatch(text):
            raise RegistryRuleError(f"{label} {_shown(raw)} is not a number in decimal degrees")
        return float(text)
    if raw is None:
        raise RegistryRuleError(f"{label} is missing")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise RegistryRuleError(f"{label} must be a number, not {type(raw).__name__}")
    return float(raw)


def place_of(latitude: object, longitude: object) -> tuple[float, float]:
    """A place in decimal degrees from a form, a file cell or a command line."""
    lat, lon = _number("latitude", latitude), _number("longitude", longitude)
    for field, point in (("latitude", (lat, 0.0)), ("longitude", (0.0, lon))):
        try:
            point_of(*point)
        except SearchRuleError:
            value = lat if field == "latitude" else lon
            raise RegistryRuleError(f"{field} {value:g} is out of range ({RANGES[field]})") \
                from None
    if lat == 0 and lon == 0:
        raise RegistryRuleError("latitude and longitude are both 0: the place was never "
                                "geocoded")
    return lat, lon


def lookup_radius_of(raw: object) -> float:
    """How far from the place a look-up reaches, in metres (H.2)."""
    try:
        return radius_of(raw, MAX_LOOKUP_RADIUS_M)  # type: ignore[arg-type]
    except SearchRuleError:
        raise RegistryRuleError(
            f"radius must be more than 0 and at most {MAX_LOOKUP_RADIUS_M:,} m: a registry "
            "look-up gathers evidence near one place of a case (H.2)") from None


def validate_entry(*, owner_name: object, contact: object, address: object, latitude: object,
                   longitude: object, equipment_type: object,
                   notes: object) -> RegistryEntryData:
    """H.1: owner or contact name, place and address, and type of equipment, all present."""
    owner = _text("owner_name", owner_name, required=True)
    lat, lon = place_of(latitude, longitude)
    return RegistryEntryData(
        owner_name=owner, contact=_text("contact", contact, required=False),
        address=_text("address", address, required=True), latitude=lat, longitude=lon,
        equipment_type=_text("equipment_type", equipment_type, required=True),
        notes=_text("notes", notes, required=False))


def reason_of(raw: object) -> str:
    """Why an entry was deactivated, kept with the audit event."""
    return _text("reason", raw, required=True)


def decode_csv_text(data: bytes) -> str:
    """UTF-8 text of a CSV file (a BOM dropped); UTF-16, binary or other encodings refused
    with how to save the file instead."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise RegistryFileError("the file is UTF-16 or binary, not a CSV text file; save it "
                                "as 'CSV UTF-8'")
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise RegistryFileError(f"the file is not UTF-8 text (byte 0x{data[exc.start]:02X} on "
                                f"line {line}); save it as 'CSV UTF-8'") from None


def _header(cells: list[str]) -> list[str]:
    names = ["_".join(c.replace("\ufeff", "").split()).lower() for c in cells]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise RegistryFileError(f"column {name} appears twice in the header")
        seen.add(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        hint = " (the file looks separated by ';': save it comma-separated)" \
            if len(cells) == 1 and ";" in cells[0] else ""
        plural = "s" if len(missing) > 1 else ""
        raise RegistryFileError(f"the header has no {', '.join(missing)} column{plural}{hint}; "
                                f"columns are: {', '.join(COLUMNS)}")
    return names


def parse_registry_csv(data: bytes) -> ParsedRegistryFile:
    """Every data row judged on its own; a file that cannot be read at all is refused."""
    if len(data) > MAX_FILE_BYTES:
        raise RegistryFileError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} "
                                "MiB; split it into smaller files")
    reader = csv.reader(io.StringIO(decode_csv_text(data), newline=""))
    try:
        first = next(reader, None)
        if first is None:
            raise RegistryFileError("the file is empty")
        names = _header(first)
        rows: list[RegistryRow] = []
        blank = 0
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                blank += 1
                continue
            if len(rows) == MAX_ROWS:
                raise RegistryFileError(f"the file has more than {MAX_ROWS} rows; split it "
                                        "into smaller files")
            rows.append(_row(number, names, cells))
    except csv.Error as exc:
        raise RegistryFileError(f"line {reader.line_num}: {exc}") from None
    if not rows:
        raise RegistryFileError("the file has a header but no rows")
    unknown = tuple(n for n in names if n and n not in COLUMNS)
    return ParsedRegistryFile(tuple(rows), unknown, blank)


def _row(number: int, names: list[str], cells: list[str]) -> RegistryRow:
    if len(cells) != len(names):
        why = "is a comma in an address unquoted?" if len(cells) > len(names) \
            else "is the row cut short?"
        return RegistryRow(number, None, f"the row has {len(cells)} cells and the header "
                                         f"{len(names)}; {why}")
    values = dict(zip(names, cells, strict=True))
    try:
        return RegistryRow(number, validate_entry(**{c: values.get(c) for c in COLUMNS}))
    except RegistryRuleError as exc:
        return RegistryRow(number, None, str(exc))
