"""Quarterly inspection rules (D.2.b): quarters, the flags that help a reviewer, verdicts."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

QUARTER_PATTERN = re.compile(r"(\d{4})Q([1-4])")
# A search reading this many reads or more is worth a second look (a broad net).
LARGE_RESULT = 500
# The same person searching the same plate this often in a quarter is worth a look.
REPEATED_PLATE = 3
# "Usual hours" are learnt from the person's own searches of the quarter: with at least
# this many, an hour (with its neighbours) holding fewer than OFF_HOURS_SHARE of them, and
# fewer than two, is outside their usual hours.
MIN_HOURS_HISTORY = 12
OFF_HOURS_SHARE = 0.05
MIN_REASON = 12
MAX_REASON = 2000


class InspectionRuleError(ValueError):
    """Input an inspection cannot take; the message names the field."""


class Verdict(StrEnum):
    COMPLIANT = "compliant"
    OUT_OF_COMPLIANCE = "out_of_compliance"


VERDICT_TITLES = {Verdict.COMPLIANT: "Compliant",
                  Verdict.OUT_OF_COMPLIANCE: "Out of compliance"}


class SearchFlag(StrEnum):
    NO_CASE_ACTIVITY = "no_case_activity"
    REPEATED_PLATE = "repeated_plate"
    OFF_HOURS = "off_hours"
    LARGE_RESULT = "large_result"
    OTHER_USE = "other_use"


FLAG_TITLES = {
    SearchFlag.NO_CASE_ACTIVITY: "No case activity elsewhere",
    SearchFlag.REPEATED_PLATE: "Same plate searched repeatedly by this person",
    SearchFlag.OFF_HOURS: "Outside this person's usual hours",
    SearchFlag.LARGE_RESULT: f"Large result ({LARGE_RESULT}+ reads)",
    SearchFlag.OTHER_USE: "Other-use search (D.1.c)",
}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    def bounds(self, zone: tzinfo | None) -> tuple[datetime, datetime]:
        """Start (inclusive) and end (exclusive) at local midnight in `zone` (None: this
        machine's own zone, daylight saving included)."""
        start = datetime(self.year, 3 * self.number - 2, 1)
        end = (datetime(self.year + 1, 1, 1) if self.number == 4
               else datetime(self.year, 3 * self.number + 1, 1))
        if zone is None:
            return start.astimezone(), end.astimezone()
        return start.replace(tzinfo=zone), end.replace(tzinfo=zone)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year,
                                                                         self.number - 1)

    @classmethod
    def containing(cls, moment: datetime) -> Quarter:
        return cls(moment.year, (moment.month - 1) // 3 + 1)


def parse_quarter(raw: object) -> Quarter:
    """'2026Q4' (case and surrounding spaces aside); anything else names the form expected."""
    text = raw.strip().upper() if isinstance(raw, str) else ""
    match = QUARTER_PATTERN.fullmatch(text)
    if match is None or not 2000 <= int(match.group(1)) <= 2999:
        raise InspectionRuleError(f"quarter {str(raw)[:20]!r} is not a quarter: write it as "
                                  "YEAR then Q and 1 to 4, such as 2026Q4")
    return Quarter(int(match.group(1)), int(match.group(2)))


def is_future(quarter: Quarter, now: datetime) -> bool:
    """A quarter that has not begun (in the zone of `now`) has nothing to inspect yet."""
    return quarter > Quarter.containing(now)


def reason_of(verdict: Verdict, raw: str | None) -> str | None:
    """Out of compliance needs the reason the commander will read; compliant may have one."""
    text = " ".join((raw or "").split())
    if len(text) > MAX_REASON:
        raise InspectionRuleError(f"reason: at most {MAX_REASON} characters")
    if any(ord(c) < 32 for c in (raw or "") if c not in "\t\n\r"):
        raise InspectionRuleError("reason contains control characters")
    if verdict is Verdict.OUT_OF_COMPLIANCE and len(text) < MIN_REASON:
        raise InspectionRuleError(f"reason: an out-of-compliance finding says why, in at least "
                                  f"{MIN_REASON} characters (the commander acts on it)")
    return text or None


@dataclass(frozen=True)
class SearchFact:
    """What the flags look at in one logged search."""

    id: int
    person_id: int
    searched_at: datetime
    case: str
    plate: str | None
    other_use: bool
    result_count: int


def case_key(case: str) -> str:
    return "".join(case.split()).upper()


def flag_searches(searches: Iterable[SearchFact], cases_with_activity: Collection[str],
                  zone: tzinfo | None = None) -> dict[int, frozenset[SearchFlag]]:
    """Every search's flags, in one pass over the quarter plus one over each person's hours.

    `cases_with_activity` are the case keys (`case_key`) with activity outside the search
    log: a hot list entry, an evidence hold or export. A case only one person searched and
    that has none of those is flagged. Searches of a plate by one person are counted over
    the quarter; usual hours are the person's own, from the quarter's searches.
    """
    facts = list(searches)
    searchers: dict[str, set[int]] = defaultdict(set)
    plates: Counter[tuple[int, str]] = Counter()
    hours: dict[int, Counter[int]] = defaultdict(Counter)
    local_hour: dict[int, int] = {}
    # Zone offsets are whole quarter hours: convert each quarter hour of the quarter once.
    hour_of: dict[datetime, int] = {}
    for s in facts:
        searchers[case_key(s.case)].add(s.person_id)
        if s.plate:
            plates[(s.person_id, s.plate)] += 1
        moment = s.searched_at
        bucket = moment.replace(minute=moment.minute - moment.minute % 15, second=0,
                                microsecond=0)
        hour = hour_of.get(bucket)
        if hour is None:
            hour = hour_of[bucket] = bucket.astimezone(zone).hour
        local_hour[s.id] = hour
        hours[s.person_id][hour] += 1
    unusual = {person: _unusual_hours(counts) for person, counts in hours.items()}
    flags: dict[int, frozenset[SearchFlag]] = {}
    for s in facts:
        found = set()
        key = case_key(s.case)
        if key not in cases_with_activity and len(searchers[key]) == 1:
            found.add(SearchFlag.NO_CASE_ACTIVITY)
        if s.plate and plates[(s.person_id, s.plate)] >= REPEATED_PLATE:
            found.add(SearchFlag.REPEATED_PLATE)
        if local_hour[s.id] in unusual[s.person_id]:
            found.add(SearchFlag.OFF_HOURS)
        if s.result_count >= LARGE_RESULT:
            found.add(SearchFlag.LARGE_RESULT)
        if s.other_use:
            found.add(SearchFlag.OTHER_USE)
        flags[s.id] = frozenset(found)
    return flags


def _unusual_hours(counts: Mapping[int, int]) -> frozenset[int]:
    total = sum(counts.values())
    if total < MIN_HOURS_HISTORY:
        return frozenset()
    floor = max(2.0, OFF_HOURS_SHARE * total)
    return frozenset(h for h in range(24) if counts.get(h, 0)
                     and sum(counts.get((h + d) % 24, 0) for d in (-1, 0, 1)) < floor)


def flags_text(flags: Iterable[SearchFlag]) -> str:
    """The stored spelling: flag codes in a fixed order, comma-separated."""
    chosen = set(flags)
    return ",".join(f.value for f in SearchFlag if f in chosen)

