"""Turning vendor times (Unix epochs, ISO 8601, locale-formatted dates) into aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from rtic_console.domain.reads import ReadRejected
from rtic_console.feeds.read_formats.coerce import MAX_NUMBER_TEXT, brief, number

# Epoch magnitudes: 1e11 s is the year 5138 while 1e11 ms is 1973, so the ranges never meet.
_EPOCH_MS_FROM = 1e11
_EPOCH_US_FROM = 1e14
_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", re.ASCII)
_DAY_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_SLASHED = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", re.ASCII)
_CLOCK = re.compile(
    r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:([AaPp])\.?[Mm]\.?)?\s*(?:Z|UTC|GMT)?",
    re.ASCII,
)


def epoch(value: object, name: str) -> datetime:
    """UTC time from Unix seconds, milliseconds or microseconds, told apart by magnitude."""
    seconds = number(value, name)
    if seconds is None:
        raise ReadRejected(name, "is missing")
    if seconds >= _EPOCH_US_FROM:
        seconds /= 1e6
    elif seconds >= _EPOCH_MS_FROM:
        seconds /= 1e3
    if seconds <= 0:
        raise ReadRejected(name, "is not after 1970")
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise ReadRejected(name, "is out of range") from None


def to_utc(moment: datetime, name: str) -> datetime:
    """Naive times are UTC: Plate Recognizer Snapshot and hand-made CSV send them that way."""
    if moment.tzinfo is UTC:  # most times: ISO 8601 with Z or +00:00
        return moment
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ReadRejected(name, "is out of range") from None


def timestamp(value: object, name: str) -> datetime:
    """UTC time from ISO 8601 (with Z, an offset or no zone) or a Unix epoch number."""
    if not isinstance(value, str):
        return epoch(value, name)
    cleaned = value.strip()
    if not cleaned:
        raise ReadRejected(name, "is missing")
    if len(cleaned) > MAX_NUMBER_TEXT:
        raise ReadRejected(name, "is too long to be a time")
    if cleaned.replace(".", "", 1).isdigit():
        return epoch(cleaned, name)
    if ":" not in cleaned:
        raise ReadRejected(name, f"has no time of day: {brief(value)}")
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ReadRejected(name, f"is not an ISO 8601 time: {brief(value)}") from None
    return to_utc(parsed, name)


def date_and_time(
    date_value: object, time_value: object, date_name: str, time_name: str
) -> datetime:
    """UTC time from a locale-formatted date and clock, given apart or in one string.

    Accepts 2026-11-21, 21.11.2026 and 11/21/2026; a slashed or dashed date is month
    first (the en-US default of the exporting consoles) unless the first number cannot
    be a month. Clocks may be 24-hour or 12-hour with AM/PM, seconds and fractions optional.
    """
    if not isinstance(date_value, str) or not date_value.strip():
        raise ReadRejected(date_name, "is missing")
    day_text = date_value.strip()
    if time_value is None or time_value == "":
        if "T" in day_text:
            return timestamp(day_text, date_name)
        day_text, _, clock_text = day_text.partition(" ")
        time_name = date_name
    elif isinstance(time_value, str):
        clock_text = time_value
    else:
        raise ReadRejected(time_name, f"must be text, got {type(time_value).__name__}")
    if len(day_text) > MAX_NUMBER_TEXT or len(clock_text) > MAX_NUMBER_TEXT:
        raise ReadRejected(date_name, "is too long to be a date and time")
    return datetime.combine(_day(day_text, date_name), _clock(clock_text, time_name), tzinfo=UTC)


def _day(text: str, name: str) -> date:
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DAY_DOTTED.fullmatch(text):
        day, month, year = match.groups()
    elif match := _SLASHED.fullmatch(text):
        first, second, year = match.groups()
        month, day = (second, first) if int(first) > 12 else (first, second)
    else:
        raise ReadRejected(name, f"is not a recognised date: {brief(text)}")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ReadRejected(name, f"is not a calendar date: {brief(text)}") from None


def _clock(text: str, name: str) -> time:
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        raise ReadRejected(name, f"is not a recognised time of day: {brief(text)}")
    hours_text, minutes, seconds, fraction, half = match.groups()
    hours = int(hours_text)
    if half:
        if not 1 <= hours <= 12:
            raise ReadRejected(name, f"is not a 12-hour time: {brief(text)}")
        hours = hours % 12 + (12 if half in "Pp" else 0)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return time(hours, int(minutes), int(seconds or 0), micro)
    except ValueError:
        raise ReadRejected(name, f"is not a valid time of day: {brief(text)}") from None
