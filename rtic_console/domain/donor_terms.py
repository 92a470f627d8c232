"""Private donor camera agreements (G.1 to G.3): their terms, and when a feed may be viewed."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from numbers import Real
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rtic_console.domain.devices import DeviceCategory

DEFAULT_TIME_ZONE = "America/Los_Angeles"
END_OF_DAY = time.max
"""Window end meaning 24:00, which `datetime.time` cannot spell: `(time(0), END_OF_DAY)` is a
whole day. An end earlier than the start crosses midnight into the next day."""

Window = tuple[time, time]
Polygon = tuple[tuple[float, float], ...]


class DonorTermsError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


_CLAUSE_TAG = re.compile(r"\((G\.\d(?:\.[a-g])?)\)")


def first_clause(problems: Sequence[str]) -> str | None:
    """The clause a refusal of these terms is audited under: the first one a problem names
    in parentheses, as "(G.3.a)"; None when every problem is one of form."""
    return next((m.group(1) for p in problems if (m := _CLAUSE_TAG.search(p))), None)


@dataclass(frozen=True, kw_only=True)
class DonorAgreementTerms:
    """One terms and conditions agreement (G.3), as the donor signed it.

    Times in `allowed_hours` are wall-clock times in `time_zone`; weekdays are 0 = Monday.
    `allowed_workstations` names the console workstations that may show the feed: every
    console views a donor camera remotely (G.3.f), so an empty set means no workstation may
    view it. Names compare case-insensitively, as Windows host names do. `real_time_only`
    (G.3.d) forbids pausing or replaying, which the console never offers for donor feeds
    anyway because it records nothing of them (G.1).
    """

    agreement_id: str
    donor_name: str
    camera_ids: frozenset[str]
    purpose_and_manner: str
    allowed_hours: Mapping[int, tuple[Window, ...]]
    mask_polygons: tuple[Polygon, ...] = ()
    real_time_only: bool = True
    allowed_workstations: frozenset[str] = frozenset()
    effective_at: datetime
    expires_at: datetime
    retrieval_process: str
    time_zone: str = DEFAULT_TIME_ZONE

    def __post_init__(self) -> None:
        # Immutable copies, so terms once validated cannot change; odd values are kept as they
        # are for validate_terms to name.
        def freeze(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        if not isinstance(self.camera_ids, str):
            freeze("camera_ids", frozenset(self.camera_ids))
        if not isinstance(self.allowed_workstations, str):
            freeze("allowed_workstations", frozenset(self.allowed_workstations))
        freeze("allowed_hours", MappingProxyType(
            {day: _tupled(windows) for day, windows in self.allowed_hours.items()}))
        freeze("mask_polygons", _tupled(self.mask_polygons))


@dataclass(frozen=True, slots=True)
class ViewingDecision:
    """`until` is the next instant `allowed` flips (the end of the current window or the
    expiry when allowed, the next window when refused), or None when it never will."""

    allowed: bool
    reason: str
    clause: str
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class RecordingDecision:
    allowed: bool
    reason: str
    clause: str


def _tupled(value: Any) -> Any:
    return tuple(_tupled(v) for v in value) if isinstance(value, list | tuple) else value


def _text_problem(value: object, label: str) -> list[str]:
    return [] if isinstance(value, str) and value.strip() else [f"{label} is empty"]


def _aware(value: object) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _window_problems(day: object, windows: object) -> list[str]:
    if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
        return [f"weekday {day!r} is not 0 (Monday) to 6 (Sunday)"]
    problems = []
    for window in windows if isinstance(windows, tuple) else (windows,):
        if not (isinstance(window, tuple) and len(window) == 2
                and all(isinstance(t, time) and t.tzinfo is None for t in window)):
            problems.append(f"weekday {day}: window {window!r} is not a (start, end) pair of "
                            "local times")
        elif window[0] == window[1]:
            problems.append(f"weekday {day}: window starts and ends at {window[0]:%H:%M}")
        elif window[0] == END_OF_DAY:
            problems.append(f"weekday {day}: a window cannot start at the end of the day")
    return problems


def validate_terms(terms: DonorAgreementTerms) -> None:
    """Raises DonorTermsError listing every problem, so an administrator fixes them in one go."""
    problems = [*_text_problem(terms.agreement_id, "agreement id"),
                *_text_problem(terms.donor_name, "donor name"),
                *_text_problem(terms.purpose_and_manner, "purpose and manner (G.3.a)"),
                *_text_problem(terms.retrieval_process, "footage retrieval process (G.3.e)")]
    if isinstance(terms.camera_ids, str) or not terms.camera_ids:
        problems.append("the agreement lists no camera (G.3.b)")
    elif not all(isinstance(c, str) and c.strip() for c in terms.camera_ids):
        problems.append("a camera id is empty")
    if isinstance(terms.allowed_workstations, str) or not all(
            isinstance(w, str) and w.strip() for w in terms.allowed_workstations):
        problems.append("allowed workstations must be a set of workstation names")
    try:
        ZoneInfo(terms.time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        problems.append(f"unknown time zone {terms.time_zone!r}")
    if not (_aware(terms.effective_at) and _aware(terms.expires_at)):
        problems.append("effective and expiry dates must be datetimes with a time zone")
    elif terms.expires_at.astimezone(UTC) <= terms.effective_at.astimezone(UTC):
        problems.append(f"the agreement ends ({terms.expires_at:%Y-%m-%d %H:%M %Z}) before it "
                        f"starts ({terms.effective_at:%Y-%m-%d %H:%M %Z}) (G.3.g)")
    for day, windows in terms.allowed_hours.items():
        problems += _window_problems(day, windows)
    if not any(terms.allowed_hours.values()):
        problems.append("the agreement allows no viewing hours (G.3.c)")
    for index, polygon in enumerate(terms.mask_polygons, 1):
        if not isinstance(polygon, tuple) or len(polygon) < 3:
            problems.append(f"privacy mask {index} has fewer than 3 points")
        elif not all(isinstance(p, tuple) and len(p) == 2 and all(_is_number(v) for v in p)
                     for p in polygon):
            problems.append(f"privacy mask {index} has a point that is not two numbers")
    if not isinstance(terms.real_time_only, bool):
        problems.append("real-time-only must be true or false")
    if problems:
        raise DonorTermsError(problems)


def _viewing_intervals(terms: DonorAgreementTerms, zone: ZoneInfo,
                       anchor: datetime) -> list[tuple[datetime, datetime]]:
    """The allowed stretches in UTC, merged, from the day before `anchor` for over a week,
    cut to the agreement's term. Windows are laid out on local dates so DST is honoured."""
    first_day: date = anchor.astimezone(zone).date() - timedelta(days=1)
    horizon_end = datetime.combine(first_day + timedelta(days=9), time(0), zone).astimezone(UTC)
    raw = []
    for offset in range(9):
        day = first_day + timedelta(days=offset)
        for start, end in terms.allowed_hours.get(day.weekday(), ()):
            crosses_midnight = end <= start or end == END_OF_DAY
            end_day = day + timedelta(days=1) if crosses_midnight else day
            begins = datetime.combine(day, start, zone).astimezone(UTC)
            ends = datetime.combine(end_day, time(0) if end == END_OF_DAY else end, zone)
            raw.append((begins, ends.astimezone(UTC)))
    merged: list[tuple[datetime, datetime]] = []
    for begins, ends in sorted(raw):
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(ends, merged[-1][1]))
        else:
            merged.append((begins, ends))
    effective, expires = terms.effective_at.astimezone(UTC), terms.expires_at.astimezone(UTC)
    # A stretch reaching the horizon has lasted a full week: the hours never close.
    return [(max(b, effective), expires if e >= horizon_end else min(e, expires))
            for b, e in merged if b < expires and e > effective]


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%a %Y-%m-%d %H:%M %Z}"


def evaluate_viewing(terms: DonorAgreementTerms | None, camera_id: str, workstation: str,
                     now: datetime) -> ViewingDecision:
    """Whether `workstation` may show donor camera `camera_id` at `now` (G.2, G.3)."""
    if now.utcoffset() is None:
        raise ValueError("now must carry a time zone")
    # Compare in UTC only: aware datetimes sharing one tzinfo compare by wall time, which is
    # wrong in the hour that repeats when DST ends.
    now = now.astimezone(UTC)
    if terms is None:
        return ViewingDecision(False, "no terms and conditions agreement covers this donor "
                               "camera", "G.2")
    try:
        validate_terms(terms)
    except DonorTermsError as exc:
        return ViewingDecision(False, f"agreement {terms.agreement_id} is not valid: {exc}",
                               "G.2")
    if camera_id not in terms.camera_ids:
        return ViewingDecision(False, f"camera {camera_id} is not listed in agreement "
                               f"{terms.agreement_id}", "G.3.b")
    zone = ZoneInfo(terms.time_zone)
    effective, expires = terms.effective_at.astimezone(UTC), terms.expires_at.astimezone(UTC)
    if now >= expires:
        return ViewingDecision(False, f"agreement {terms.agreement_id} expired "
                               f"{_local(terms.expires_at, zone)}", "G.3.g")
    if workstation.casefold() not in {w.casefold() for w in terms.allowed_workstations}:
        return ViewingDecision(False, f"workstation {workstation} is not allowed remote access "
                               f"by agreement {terms.agreement_id}", "G.3.f")
    intervals = _viewing_intervals(terms, zone, max(now, effective))
    for begins, ends in intervals:
        if begins <= now < ends:
            clause = "G.3.g" if ends == expires else "G.3.c"
            return ViewingDecision(True, f"viewable under agreement {terms.agreement_id} until "
                                   f"{_local(ends, zone)}", clause, ends)
    opens = next((begins for begins, _ in intervals if begins > now), None)
    then = f"; viewable from {_local(opens, zone)}" if opens else ""
    if now < effective:
        return ViewingDecision(False, f"agreement {terms.agreement_id} takes effect "
                               f"{_local(terms.effective_at, zone)}{then}", "G.2", opens)
    return ViewingDecision(False, f"outside the viewing hours of agreement "
                           f"{terms.agreement_id}{then}", "G.3.c", opens)


def recording_allowed(category: DeviceCategory | str,
                      donor_agreement: str | None = None) -> RecordingDecision:
    """Whether the console may record, snapshot or export a camera of this F.1 category.

    `donor_agreement` names an agreement that covers or ever covered the camera: its video
    is the donor's whatever the camera is called now, so it is never recorded (G.1).
    """
    if DeviceCategory(category) is DeviceCategory.PRIVATE_DONOR:
        return RecordingDecision(False, "private donor video belongs to the donor and is never "
                                 "recorded, stored, snapshotted or exported by the console",
                                 "G.1")
    if donor_agreement is not None:
        return RecordingDecision(False, f"it is or was covered by donor agreement "
                                 f"{donor_agreement}, and donor video is never recorded, "
                                 "stored, snapshotted or exported by the console", "G.1")
    return RecordingDecision(True, "PSCN video is kept 90 days to 2 years, longer only as "
                             "evidence", "F.5")
