"""Coverage of a range by recorded spans: merged, clipped, and every gap named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rtic_console.domain.recording_coverage import Span, coverage, describe_span

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def _s(a: int, b: int) -> Span:
    return Span(T0 + timedelta(seconds=a), T0 + timedelta(seconds=b))


def test_spans_are_merged_clipped_and_the_gaps_listed() -> None:
    found = coverage([_s(50, 70), _s(-10, 10), _s(10, 20), _s(60, 65), _s(200, 300)],
                     T0, T0 + timedelta(seconds=100))
    assert found.recorded == (_s(0, 20), _s(50, 70))
    assert found.gaps == (_s(20, 50), _s(70, 100))
    assert found.covered == _s(0, 70) and found.recorded_time == timedelta(seconds=40)


def test_a_late_start_and_nothing_at_all() -> None:
    late = coverage([_s(780, 900)], T0, T0 + timedelta(minutes=15))
    assert late.covered == _s(780, 900) and late.gaps == (_s(0, 780),)
    none = coverage([], T0, T0 + timedelta(minutes=15))
    assert none.covered is None and none.gaps == (_s(0, 900),)
    assert describe_span(_s(0, 492)) == "2026-11-20 14:00:00 – 14:08:12 UTC (8 min 12 s)"
