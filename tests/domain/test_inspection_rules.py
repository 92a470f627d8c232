"""Inspection rules: quarters, and the flags that point a reviewer at searches (D.2.b(2))."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rtic_console.domain.inspections import (
    LARGE_RESULT,
    InspectionRuleError,
    Quarter,
    SearchFact,
    SearchFlag,
    Verdict,
    flag_searches,
    flags_text,
    is_future,
    parse_quarter,
    reason_of,
)

BASE = datetime(2026, 8, 3, 9, 0, tzinfo=UTC)


def fact(i: int, person: int = 1, *, hour: int = 10, day: int = 0, case: str = "26-1000",
         plate: str | None = None, other: bool = False, results: int = 3) -> SearchFact:
    at = BASE.replace(hour=hour) + timedelta(days=day)
    return SearchFact(i, person, at, case, plate, other, results)


@pytest.mark.parametrize("raw, expected", [("2026Q4", Quarter(2026, 4)),
                                           (" 2025q1 ", Quarter(2025, 1))])
def test_quarters_are_read(raw: str, expected: Quarter) -> None:
    assert parse_quarter(raw) == expected


@pytest.mark.parametrize("raw", ["2026Q5", "2026-Q4", "Q4 2026", "", "1999Q1", None, "2026Q"])
def test_malformed_quarters_say_the_form(raw: object) -> None:
    with pytest.raises(InspectionRuleError, match="such as 2026Q4"):
        parse_quarter(raw)


def test_quarter_bounds_and_future() -> None:
    start, end = Quarter(2026, 4).bounds(UTC)
    assert (start, end) == (datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert Quarter(2026, 1).bounds(UTC)[1] == datetime(2026, 4, 1, tzinfo=UTC)
    now = datetime(2026, 12, 6, tzinfo=UTC)
    assert not is_future(Quarter(2026, 4), now) and is_future(Quarter(2027, 1), now)
    assert Quarter.containing(now).label == "2026Q4"


def test_out_of_compliance_needs_a_reason() -> None:
    with pytest.raises(InspectionRuleError, match="at least"):
        reason_of(Verdict.OUT_OF_COMPLIANCE, "bad")
    assert reason_of(Verdict.COMPLIANT, "  ") is None
    assert reason_of(Verdict.OUT_OF_COMPLIANCE, "No case  activity found anywhere") == (
        "No case activity found anywhere")


@pytest.mark.policy("D.2.b(2)")
def test_each_flag_in_one_pass() -> None:
    searches = [
        fact(1, case="26-0001"),  # alone on its case, no activity elsewhere
        fact(2, case="26-0002"), fact(3, person=2, case="26-0002"),  # two searchers
        fact(4, case="26-0003"),  # the case has a hot list entry
        *(fact(10 + d, case="26-0004", plate="7ABC123", day=d) for d in range(3)),
        fact(20, case="26-0002", results=LARGE_RESULT),
        fact(21, case="26-0002", other=True),
    ]
    flags = flag_searches(searches, {"26-0003"}, UTC)
    assert flags[1] == {SearchFlag.NO_CASE_ACTIVITY}
    assert flags[2] == flags[3] == frozenset()
    assert flags[4] == frozenset()
    assert flags[10] == {SearchFlag.NO_CASE_ACTIVITY, SearchFlag.REPEATED_PLATE}
    assert flags[20] == {SearchFlag.LARGE_RESULT}
    assert flags[21] == {SearchFlag.OTHER_USE}


@pytest.mark.policy("D.2.b(2)")
def test_searches_outside_a_persons_usual_hours() -> None:
    day_shift = [fact(i, case="26-0002", hour=9 + i % 8, day=i) for i in range(16)]
    night = fact(100, case="26-0002", hour=3)
    other = fact(101, person=2, case="26-0002", hour=3)  # too little history to judge
    flags = flag_searches([*day_shift, night, other], set(), UTC)
    assert SearchFlag.OFF_HOURS in flags[100]
    assert all(SearchFlag.OFF_HOURS not in flags[s.id] for s in day_shift)
    assert SearchFlag.OFF_HOURS not in flags[101]


def test_flags_are_stored_in_a_fixed_order() -> None:
    assert flags_text({SearchFlag.OTHER_USE, SearchFlag.OFF_HOURS}) == "off_hours,other_use"
    assert flags_text(()) == ""


def test_usual_hours_are_local_even_in_half_hour_zones() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    # 16 searches at 10:40 UTC = 16:10 local, then one at 10:20 UTC = 15:50 local.
    usual = [fact(i, case="26-0002", hour=10, day=i) for i in range(16)]
    usual = [SearchFact(f.id, f.person_id, f.searched_at.replace(minute=40), f.case, f.plate,
                        f.other_use, f.result_count) for f in usual]
    late = SearchFact(99, 1, BASE.replace(hour=22, minute=10), "26-0002", None, False, 1)
    flags = flag_searches([*usual, late], set(), india)
    assert SearchFlag.OFF_HOURS in flags[99]  # 03:40 local
    assert all(SearchFlag.OFF_HOURS not in flags[f.id] for f in usual)
