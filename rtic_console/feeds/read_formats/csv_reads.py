"""The console's own CSV of plate reads, for partner-agency exports and hand-made imports."""

from __future__ import annotations

import csv
import io
from operator import itemgetter
from typing import TYPE_CHECKING

from rtic_console.domain.plates import normalize_state
from rtic_console.domain.reads import PlateRead, ReadRejected
from rtic_console.feeds.read_formats import coerce
from rtic_console.feeds.read_formats.result import ParseContext, ParseResult, PayloadError
from rtic_console.feeds.read_formats.times import date_and_time, timestamp

if TYPE_CHECKING:
    from _csv import Reader

SOURCE = "csv"
COLUMNS = (
    "plate",
    "state",
    "confidence",
    "captured_at",
    "device",
    "latitude",
    "longitude",
    "direction",
)


def parse(text: str, ctx: ParseContext) -> ParseResult:
    """Parse the documented reads CSV; a bad row costs that row only.

    The format, for whoever writes these files:
    - UTF-8 (Excel's "CSV UTF-8" byte-order mark is fine), comma separated, quoted as
      Excel quotes. The first line is the header `plate,state,confidence,captured_at,
      device,latitude,longitude,direction`: names case-insensitive, any order, extra
      columns ignored.
    - plate: as read; spaces, hyphens and dots are dropped. state: `CA`, `us-ca` or
      empty for unknown. confidence: 0..1, or 0..100 when any row of the file is above 1.
    - captured_at: ISO 8601 (no zone means UTC), a Unix epoch, or a date and time such
      as `11/21/2026 14:03:07` (UTC). device: the reader's id, required.
    - latitude, longitude, direction (degrees): decimal numbers, empty when unknown.
    Rejected rows are reported with their line number (the header is line 1).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise PayloadError("CSV is empty") from None
    except csv.Error as exc:
        raise PayloadError(f"CSV header cannot be read: {exc}") from None
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise PayloadError(f"CSV header lacks column(s): {', '.join(missing)}")
    result = ParseResult(fmt=SOURCE)
    extra = [coerce.brief(name) for name in names if name not in COLUMNS]
    if extra:
        result.ignored.append(f"CSV column(s) not used: {', '.join(extra[:10])}")
    rows = _rows(reader, names, result)
    scale = 100.0 if any(_percentage(row["confidence"]) for _, row in rows) else 1.0
    for line, row in rows:
        ctx.admit(result, line, _read, row, scale)
    result.rejected.sort()
    return result


def _rows(
    reader: Reader, names: list[str], result: ParseResult
) -> list[tuple[int, dict[str, str]]]:
    """(line number, cells by column) for every non-blank row with the header's width."""
    rows: list[tuple[int, dict[str, str]]] = []
    # A column named twice counts by its last cell, as a dict of the whole row would take it.
    position = {name: index for index, name in enumerate(names)}
    pick = itemgetter(*(position[column] for column in COLUMNS))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            # The reader resumes on the next line, so one broken row costs only itself.
            result.rejected.append((reader.line_num, f"row cannot be read: {exc}"))
            continue
        line = reader.line_num
        if not "".join(cells).strip():  # blank: no cell holds more than white space
            continue
        if len(cells) != len(names):
            detail = f"row has {len(cells)} fields, the header has {len(names)}"
            result.rejected.append((line, detail))
            continue
        rows.append((line, dict(zip(COLUMNS, pick(cells), strict=True))))


def _percentage(cell: str) -> bool:
    """True for a score only a 0..100 scale explains; garbage above 100 must not flip the file."""
    try:
        score = coerce.number(cell, "confidence")
    except ReadRejected:
        return False
    return score is not None and 1.0 < score <= 100.0


def _read(row: dict[str, str], scale: float) -> PlateRead:
    plate, raw = coerce.plate(row["plate"], "plate")
    device = coerce.text(row["device"], "device")
    try:
        captured = timestamp(row["captured_at"], "captured_at")
    except ReadRejected:
        # Excel rewrites ISO times in the workstation's locale when a file is re-saved.
        captured = date_and_time(row["captured_at"], None, "captured_at", "captured_at")
    latitude, longitude = coerce.position(row["latitude"], row["longitude"])
    return PlateRead(
        source=SOURCE,
        source_id=coerce.composite_id(device, captured.isoformat(), plate),
        plate=plate,
        plate_raw=raw,
        state=normalize_state(row["state"]),
        confidence=coerce.confidence(row["confidence"], "confidence", scale=scale),
        captured_at=captured,
        device_ref=device or "",
        latitude=latitude,
        longitude=longitude,
        direction_deg=coerce.direction(row["direction"]),
    )
