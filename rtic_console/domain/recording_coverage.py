"""What a camera's recordings cover in a time range, and the gaps: for the playback timeline
and for an evidence export that must state exactly what it holds (F.4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open stretch of time [start, end)."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Coverage:
    """The recorded stretches inside the requested range, merged and clipped to it, and every
    stretch of the range with no recording (before the first, between, after the last)."""

    requested: Span
    recorded: tuple[Span, ...]
    gaps: tuple[Span, ...]

    @property
    def covered(self) -> Span | None:
        """From the first recorded moment to the last, inside the range; None if nothing."""
        if not self.recorded:
            return None
        return Span(self.recorded[0].start, self.recorded[-1].end)

    @property
    def recorded_time(self) -> timedelta:
        return sum((s.duration for s in self.recorded), timedelta())


def coverage(spans: Iterable[Span], start: datetime, end: datetime) -> Coverage:
    """Merges overlapping or touching spans, clips them to [start, end), and lists the gaps."""
    recorded: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        a, b = max(span.start, start), min(span.end, end)
        if a >= b:
            continue
        if recorded and a <= recorded[-1].end:
            if b > recorded[-1].end:
                recorded[-1] = Span(recorded[-1].start, b)
            continue
        recorded.append(Span(a, b))
    gaps, cursor = [], start
    for span in recorded:
        if span.start > cursor:
            gaps.append(Span(cursor, span.start))
        cursor = span.end
    if cursor < end:
        gaps.append(Span(cursor, end))
    return Coverage(Span(start, end), tuple(recorded), tuple(gaps))


def describe_span(span: Span) -> str:
    """`14:05:00 – 14:13:12 UTC (8 min 12 s)`, or with dates when it crosses midnight."""
    fmt = "%H:%M:%S" if span.start.date() == span.end.date() else "%Y-%m-%d %H:%M:%S"
    head = f"{span.start:%Y-%m-%d} " if fmt == "%H:%M:%S" else ""
    return f"{head}{span.start:{fmt}} – {span.end:{fmt}} UTC ({describe_duration(span.duration)})"


def describe_duration(length: timedelta) -> str:
    seconds = round(length.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "",
             f"{secs} s" if secs or not (hours or minutes) else ""]
    return " ".join(p for p in parts if p)
