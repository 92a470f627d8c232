"""Donor agreement terms: validation and when a donor feed may be viewed (G.1 to G.3)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtic_console.domain.devices import DeviceCategory
from rtic_console.domain.donor_terms import (
    END_OF_DAY,
    DonorAgreementTerms,
    DonorTermsError,
    evaluate_viewing,
    recording_allowed,
    validate_terms,
)

LA = ZoneInfo("America/Los_Angeles")
WORKDAY = ((time(8), time(18)),)


def la(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=LA, fold=fold)  # type: ignore[misc]


def make_terms(**changes: object) -> DonorAgreementTerms:
    terms = DonorAgreementTerms(
        agreement_id="DA-2025-007",
        donor_name="Harbor Plaza Merchants",
        camera_ids=["D-101", "D-102"],
        purpose_and_manner="Monitoring the plaza entrance during business hours.",
        allowed_hours={0: WORKDAY, 1: WORKDAY, 2: WORKDAY, 3: WORKDAY, 4: WORKDAY,
                       5: [(time(22), time(4))]},  # Saturday night into Sunday
        mask_polygons=[[(0.0, 0.0), (0.3, 0.0), (0.3, 0.2)]],
        allowed_workstations={"RTIC-WS1", "RTIC-WS2"},
        effective_at=la(2025, 1, 1),
        expires_at=la(2026, 1, 1),
        retrieval_process="Donor exports clips on written request by the case detective.",
    )
    return replace(terms, **changes) if changes else terms


def view(terms: DonorAgreementTerms | None, now: datetime, camera: str = "D-101",
         workstation: str = "RTIC-WS1"):
    return evaluate_viewing(terms, camera, workstation, now)


@pytest.mark.policy("G.2")
def test_no_agreement_means_no_viewing() -> None:
    decision = view(None, la(2025, 6, 2, 10))
    assert (decision.allowed, decision.clause, decision.until) == (False, "G.2", None)


@pytest.mark.policy("G.2")
def test_agreement_not_yet_in_effect_is_refused_until_its_first_window() -> None:
    terms = make_terms(effective_at=la(2025, 6, 4, 12))  # a Wednesday, mid-window
    decision = view(terms, la(2025, 6, 1, 12))
    assert not decision.allowed and decision.clause == "G.2"
    assert decision.until == la(2025, 6, 4, 12)
    assert view(terms, decision.until).allowed


@pytest.mark.policy("G.2")
def test_invalid_agreement_is_treated_as_no_agreement() -> None:
    decision = view(make_terms(purpose_and_manner=" "), la(2025, 6, 2, 10))
    assert not decision.allowed and decision.clause == "G.2"
    assert "purpose and manner" in decision.reason


@pytest.mark.policy("G.3.b")
def test_camera_not_listed_in_the_agreement_is_refused() -> None:
    decision = view(make_terms(), la(2025, 6, 2, 10), camera="D-999")
    assert (decision.allowed, decision.clause) == (False, "G.3.b")


@pytest.mark.policy("G.3.c")
def test_inside_hours_allowed_until_the_window_closes() -> None:
    decision = view(make_terms(), la(2025, 6, 2, 10))  # Monday 10:00
    assert decision.allowed and decision.clause == "G.3.c"
    assert decision.until == la(2025, 6, 2, 18)


@pytest.mark.policy("G.3.c")
def test_dark_outside_hours_until_the_next_window() -> None:
    decision = view(make_terms(), la(2025, 6, 2, 18))  # Monday 18:00, the window just closed
    assert not decision.allowed and decision.clause == "G.3.c"
    assert decision.until == la(2025, 6, 3, 8)


@pytest.mark.policy("G.3.c")
def test_window_across_midnight() -> None:
    terms = make_terms()
    saturday_night = view(terms, la(2025, 6, 7, 23))
    assert saturday_night.allowed and saturday_night.until == la(2025, 6, 8, 4)
    assert view(terms, la(2025, 6, 8, 3, 59)).allowed
    sunday = view(terms, la(2025, 6, 8, 4))
    assert not sunday.allowed and sunday.until == la(2025, 6, 9, 8)


@pytest.mark.policy("G.3.c")
def test_touching_windows_merge_and_end_of_day_spells_midnight() -> None:
    terms = make_terms(allowed_hours={0: [(time(12), END_OF_DAY)], 1: [(time(0), time(9))]})
    decision = view(terms, la(2025, 6, 2, 13))
    assert decision.allowed and decision.until == la(2025, 6, 3, 9)


@pytest.mark.policy("G.3.c")
def test_dst_spring_forward_inside_a_night_window() -> None:
    # 2025-03-09 02:00 PST jumps to 03:00 PDT; the Saturday 22:00-04:00 window lasts 5 hours.
    decision = view(make_terms(), la(2025, 3, 9, 1, 30))
    assert decision.allowed
    assert decision.until == datetime(2025, 3, 9, 11, tzinfo=UTC)  # 04:00 PDT
    assert decision.until - la(2025, 3, 8, 22).astimezone(UTC) == timedelta(hours=5)


@pytest.mark.policy("G.3.c")
def test_dst_fall_back_repeated_hour() -> None:
    # 2025-11-02 01:00-02:00 happens twice; both are inside the window, which ends 04:00 PST.
    terms = make_terms()
    for fold in (0, 1):
        decision = view(terms, la(2025, 11, 2, 1, 30, fold=fold))
        assert decision.allowed
        assert decision.until == datetime(2025, 11, 2, 12, tzinfo=UTC)


@pytest.mark.policy("G.3.c")
def test_weekday_window_after_dst_change_follows_local_time() -> None:
    decision = view(make_terms(), la(2025, 3, 10, 16))  # Monday after spring forward
    assert decision.until == datetime(2025, 3, 11, 1, tzinfo=UTC)  # 18:00 PDT


@pytest.mark.policy("G.3.g")
def test_dark_at_the_expiry_instant() -> None:
    terms = make_terms(allowed_hours={d: [(time(0), END_OF_DAY)] for d in range(7)},
                       expires_at=la(2025, 7, 1, 12))
    before = view(terms, la(2025, 7, 1, 11, 59, 59))
    assert before.allowed and before.clause == "G.3.g"
    assert before.until == la(2025, 7, 1, 12)
    at_expiry = view(terms, la(2025, 7, 1, 12))
    assert (at_expiry.allowed, at_expiry.clause, at_expiry.until) == (False, "G.3.g", None)


@pytest.mark.policy("G.3.g")
def test_round_the_clock_agreement_runs_to_expiry() -> None:
    terms = make_terms(allowed_hours={d: [(time(0), END_OF_DAY)] for d in range(7)})
    decision = view(terms, la(2025, 3, 1))
    assert decision.allowed and decision.until == la(2026, 1, 1)


@pytest.mark.policy("G.3.g")
def test_agreement_ending_before_it_starts_is_refused() -> None:
    terms = make_terms(effective_at=la(2025, 6, 1), expires_at=la(2025, 5, 1))
    with pytest.raises(DonorTermsError, match=r"ends .* before it starts"):
        validate_terms(terms)
    assert view(terms, la(2025, 5, 15, 10)).clause == "G.2"


@pytest.mark.policy("G.3.f")
def test_workstation_not_listed_is_refused() -> None:
    decision = view(make_terms(), la(2025, 6, 2, 10), workstation="DISPATCH-3")
    assert (decision.allowed, decision.clause, decision.until) == (False, "G.3.f", None)
    assert view(make_terms(), la(2025, 6, 2, 10), workstation="rtic-ws2").allowed


@pytest.mark.policy("G.3.f")
def test_no_listed_workstation_means_no_remote_viewing() -> None:
    decision = view(make_terms(allowed_workstations=set()), la(2025, 6, 2, 10))
    assert (decision.allowed, decision.clause) == (False, "G.3.f")


@pytest.mark.policy("G.3.c")
@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(2024, 12, 1), max_value=datetime(2026, 1, 15),
                    timezones=st.just(UTC)))
def test_decision_flips_exactly_at_until(now: datetime) -> None:
    terms = make_terms()
    decision = view(terms, now)
    if decision.until is None:
        return
    assert decision.until > now
    assert view(terms, decision.until - timedelta(microseconds=1)).allowed == decision.allowed
    assert view(terms, decision.until).allowed != decision.allowed


@pytest.mark.parametrize(("changes", "message"), [
    ({"mask_polygons": [[(0.1, 0.1), (0.2, 0.2)]]}, "fewer than 3 points"),
    ({"mask_polygons": [[(0.1, 0.1), (0.2, "x"), (0.3, 0.1)]]}, "not two numbers"),
    ({"mask_polygons": [[(0.1, 0.1), (0.2, float("nan")), (0.3, 0.1)]]}, "not two numbers"),
    ({"mask_polygons": [[(0.1, 0.1), 0.2, (0.3, 0.1)]]}, "not two numbers"),
    ({"mask_polygons": [7]}, "fewer than 3 points"),
    ({"camera_ids": []}, "no camera"),
    ({"camera_ids": "D-101"}, "no camera"),
    ({"allowed_hours": {0: [(time(9), time(9))]}}, "starts and ends at 09:00"),
    ({"allowed_hours": {7: WORKDAY}}, "weekday 7"),
    ({"allowed_hours": {0: [(time(9), "17:00")]}}, "not a \\(start, end\\) pair"),
    ({"allowed_hours": {}}, "no viewing hours"),
    ({"effective_at": datetime(2025, 1, 1)}, "with a time zone"),
    ({"time_zone": "Mars/Olympus_Mons"}, "unknown time zone"),
    ({"retrieval_process": ""}, "retrieval process"),
    ({"donor_name": "  "}, "donor name"),
])
def test_invalid_terms_are_named(changes: dict[str, object], message: str) -> None:
    with pytest.raises(DonorTermsError, match=message):
        validate_terms(make_terms(**changes))


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(DonorTermsError) as caught:
        validate_terms(make_terms(camera_ids=[], donor_name=""))
    assert len(caught.value.problems) == 2


def test_terms_are_frozen_copies() -> None:
    hours = {0: [(time(8), time(9))]}
    terms = make_terms(allowed_hours=hours)
    hours[0].append((time(10), time(11)))
    assert terms.allowed_hours[0] == ((time(8), time(9)),)
    with pytest.raises(TypeError):
        terms.allowed_hours[1] = WORKDAY  # type: ignore[index]
    assert isinstance(terms.camera_ids, frozenset)
    validate_terms(terms)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="time zone"):
        view(make_terms(), datetime(2025, 6, 2, 10))


@pytest.mark.policy("G.1")
def test_donor_video_is_never_recorded() -> None:
    decision = recording_allowed(DeviceCategory.PRIVATE_DONOR)
    assert (decision.allowed, decision.clause) == (False, "G.1")
    assert "never recorded" in decision.reason
    assert not recording_allowed("private_donor").allowed


@pytest.mark.parametrize("category", ["agency", "city", "city_traffic"])
def test_other_pscn_categories_may_be_recorded(category: str) -> None:
    assert recording_allowed(category).allowed


def test_unknown_category_is_rejected() -> None:
    with pytest.raises(ValueError):
        recording_allowed("doorbell")


def test_donor_terms_import_nothing_beyond_the_standard_library() -> None:
    code = ("import sys, rtic_console.domain.donor_terms as m; "
            "bad = {'cv2', 'numpy', 'PySide6', 'sqlalchemy'} & set(sys.modules) | "
            "{n for n in sys.modules if n.startswith('rtic_console.') "
            "and not n.startswith('rtic_console.domain')}; print(sorted(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
