"""Roster input rules and the authorized-personnel test (A.3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rtic_console.domain.personnel import (
    RosterInputError,
    TrainingPolicy,
    clean_badge,
    clean_name,
    clean_roles,
    clean_training_date,
    training_gaps,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize("raw", ["", "12", "12 34", "1234'; DROP TABLE personnel;--",
                                 "ABCDEFGHIJK", "12-34", None, 1234])
def test_malformed_badges_refused(raw: object) -> None:
    with pytest.raises(RosterInputError, match="badge"):
        clean_badge(raw)


def test_badge_normalised() -> None:
    assert clean_badge(" ab123 ") == "AB123"


@pytest.mark.parametrize("raw,fragment", [("", "empty"), ("   ", "empty"), ("x" * 121, "at most"),
                                           ("Bad\x00Name", "control")])
def test_bad_names_refused(raw: str, fragment: str) -> None:
    with pytest.raises(RosterInputError, match=fragment):
        clean_name(raw)


def test_quotes_in_names_are_kept_verbatim() -> None:
    assert clean_name("Robert'); DROP TABLE personnel;--") == "Robert'); DROP TABLE personnel;--"


def test_unknown_role_lists_valid_roles() -> None:
    with pytest.raises(RosterInputError, match="alpr_admin, dispatcher"):
        clean_roles(["janitor"])


def test_training_date_in_future_refused() -> None:
    with pytest.raises(RosterInputError, match="future"):
        clean_training_date((TODAY + timedelta(days=1)).isoformat(), "ALPR training date", TODAY)


@pytest.mark.policy("A.3")
def test_missing_training_named() -> None:
    gaps = training_gaps(TODAY, None, TODAY, TrainingPolicy())
    assert gaps == ["ALPR training is not recorded"]
    gaps = training_gaps(None, None, TODAY, TrainingPolicy())
    assert len(gaps) == 2 and "CLETS" in gaps[0]


@pytest.mark.policy("A.3")
def test_lapsed_training_named() -> None:
    old = TODAY - timedelta(days=800)
    gaps = training_gaps(old, TODAY, TODAY, TrainingPolicy(clets_valid_days=730))
    assert len(gaps) == 1 and "lapsed" in gaps[0] and "CLETS" in gaps[0]
    assert training_gaps(TODAY, TODAY, TODAY, TrainingPolicy()) == []
