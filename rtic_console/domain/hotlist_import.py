"""Judging a parsed hot list file as a whole before it may replace a live list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from rtic_console.domain.hotlists import HotListEntryData


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
