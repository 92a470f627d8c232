"""Judging a parsed hot list file as a whole before it may replace a live list: is it
whole, is anything in it still in force, does it shrink the list, and may its hits be acted
on (E.1, E.2) or are they informational (a special list, I.1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from rtic_console.domain.hotlists import HOT_PLATE_MAX_LIFETIME, HotListEntryData, ListKind

# Formats that are extracts of the CLETS/NCIC systems themselves: every record is its own
# counterpart, kept current by the state, so they are actionable as they stand.
EXTRACT_FORMATS = frozenset({"ca-doj", "ncic", "ncic-csv"})
# A day's DOJ or NCIC extract differs from the day before by a few per cent; losing more than
# this share of a list at once is more likely a wrong or partial file than real news.
DEFAULT_MAX_SHRINK_SHARE = 0.10


class BadRow(NamedTuple):
    """A line that could not become an entry, kept so the source can be corrected."""

    line_number: int
    reason: str
    raw: str


@dataclass(frozen=True)
class ParsedHotList:
    """All a file yielded, with what the import decision needs to judge the file as a whole.

    ``record_count`` counts lines meant as records (kept, merged, placeholder or bad), the
    figure a DOJ footer should equal. ``truncated`` says why the file looks cut short.
    """

    format: str
    entries: tuple[HotListEntryData, ...]
    bad_rows: tuple[BadRow, ...]
    record_count: int
    placeholders_skipped: int
    duplicates_merged: int
    header_date: datetime | None
    footer_count: int | None
    total_lines: int
    encoding: str
    truncated: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def footer_matches(self) -> bool | None:
        return None if self.footer_count is None else self.footer_count == self.record_count


@dataclass(frozen=True)
class ImportDecision:
    """Whether a file may replace a live list; warnings are shown even when it may."""

    accepted: bool
    reasons: tuple[str, ...]  # why it is refused; empty when accepted
    warnings: tuple[str, ...]


def import_decision(parsed: ParsedHotList, max_bad_share: float = 0.05) -> ImportDecision:
    """Whether a parsed file may replace the live list: refuse what looks empty or broken."""
    if not 0 <= max_bad_share <= 1:
        raise ValueError("max_bad_share is a share between 0 and 1")
    reasons: list[str] = []
    warnings = list(parsed.notes)
    bad = len(parsed.bad_rows)
    if parsed.record_count == 0:
        reasons.append("the file holds no records")
    elif not parsed.entries:
        reasons.append("no usable entries: every record is bad or a placeholder")
    if parsed.truncated:
        reasons.append(f"the file looks truncated: {parsed.truncated}")
    if parsed.format == "ca-doj" and parsed.header_date is None:
        reasons.append("no valid DATE header: the file's currency cannot be checked")
    if parsed.record_count and bad / parsed.record_count > max_bad_share:
        reasons.append(f"{bad} of {parsed.record_count} records are bad "
                       f"({bad / parsed.record_count:.1%}); at most {max_bad_share:.1%} allowed")
    elif bad:
        warnings.append(f"{bad} bad record(s) will be left out")
    if parsed.footer_matches is False:
        warnings.append(f"footer says {parsed.footer_count} records; "
                        f"the file holds {parsed.record_count}")
    if parsed.encoding != "utf-8":
        warnings.append(f"the file is not UTF-8; read as {parsed.encoding}")
    return ImportDecision(not reasons, tuple(reasons), tuple(warnings))


def in_force(entries: Sequence[HotListEntryData], now: datetime) -> list[HotListEntryData]:
    """The entries that can still produce a hit at `now` or later (not yet expired)."""
    return [e for e in entries if e.expires_at is None or e.expires_at > now]


def expired_refusal(parsed: ParsedHotList, now: datetime) -> str | None:
    """Why a file must not replace a list because nothing in it is in force any more (E.2)."""
    if not parsed.entries or in_force(parsed.entries, now):
        return None
    latest = max(e.expires_at for e in parsed.entries if e.expires_at is not None)
    return (f"every one of its {len(parsed.entries)} entries has expired (the latest at "
            f"{latest:%Y-%m-%d %H:%M} UTC), so it would replace the list with nothing that "
            "produces a hit")


def expired_warning(parsed: ParsedHotList, now: datetime) -> str | None:
    gone = len(parsed.entries) - len(in_force(parsed.entries, now))
    return f"{gone} entries have already expired and produce no hits" if gone else None


def shrinks_too_far(previous: int, new: int, max_share: float) -> bool:
    """Whether going from `previous` to `new` entries in force loses more than `max_share`."""
    if not 0 <= max_share < 1:
        raise ValueError("the shrink share is a share from 0 up to, not including, 1")
    return previous > 0 and (previous - new) / previous > max_share


_LACKS = ("a case or XREF (E.1)", "a CLETS/NCIC counterpart (E.2)",
          "an expiry within 24 hours (E.2)")


def _lacks(entry: HotListEntryData, now: datetime) -> tuple[str, ...]:
    """What a row lacks of a hot plate's E.1/E.2 record, judged as if entered `now`."""
    case, counterpart, expiry = _LACKS
    missing = []
    if not (entry.case_number or entry.xref):
        missing.append(case)
    if entry.ncic_system is None or not entry.ncic_record:
        missing.append(counterpart)
    if entry.expires_at is None or entry.expires_at > now + HOT_PLATE_MAX_LIFETIME:
        missing.append(expiry)
    return tuple(missing)


@dataclass(frozen=True)
class ListClass:
    """What a file's hits mean: `kind`, and for a special list why it is one."""

    kind: ListKind
    reasons: tuple[str, ...] = ()

    @property
    def needs_approval(self) -> bool:
        """I.1: special entries wait for a supervisor before they produce any hit."""
        return self.kind is ListKind.SPECIAL


def list_class(parsed: ParsedHotList, now: datetime) -> ListClass:
    """A CA DOJ or NCIC extract is a state/NCIC list. Any other list is a special list
    (informational hits, I.1) unless every row still in force carries a case or XREF, a
    CLETS/NCIC counterpart and an expiry within 24 hours: the record E.1 and E.2 ask of a
    hot plate, which then makes it a list of SPD hot plates."""
    if parsed.format in EXTRACT_FORMATS:
        return ListClass(ListKind.STATE_NCIC)
    rows = in_force(parsed.entries, now)
    gaps = {e.source_record or e.plate: _lacks(e, now) for e in rows}
    short = {source: lacks for source, lacks in gaps.items() if lacks}
    if rows and not short:
        return ListClass(ListKind.SPD_HOT_PLATE)
    counts = Counter(item for lacks in short.values() for item in lacks)
    reasons = [f"{counts[item]} of {len(rows)} rows lack {item}" for item in _LACKS
               if counts[item]]
    first = next(iter(short), None)
    if first is not None:
        reasons.append(f"first such row: {first}")
    return ListClass(ListKind.SPECIAL, tuple(reasons))
