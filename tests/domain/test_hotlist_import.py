"""Judging a whole hot list file (E.1, E.2, I.1): expired files, shrinking lists, and which
lists are special, on real fixture files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtic_console.domain.hotlist_import import (
    expired_refusal,
    expired_warning,
    list_class,
    shrinks_too_far,
)
from rtic_console.domain.hotlists import ListKind
from rtic_console.feeds.hotlist_files import read_hotlist_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hotlists"
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def load(name: str, when: datetime = NOW):  # type: ignore[no-untyped-def]
    return read_hotlist_file(FIXTURES / name, imported_at=when)


@pytest.mark.policy("E.2")
def test_a_file_whose_entries_all_expired_is_refused() -> None:
    parsed = load("expired_2020.csv")
    assert len(parsed.entries) == 3
    assert expired_refusal(parsed, NOW) == (
        "every one of its 3 entries has expired (the latest at 2020-06-01 00:00 UTC), so it "
        "would replace the list with nothing that produces a hit")
    # The day before the last one lapsed, the file still held something in force.
    assert expired_refusal(parsed, datetime(2020, 5, 31, tzinfo=UTC)) is None
    assert expired_warning(parsed, datetime(2020, 5, 31, tzinfo=UTC)) == (
        "2 entries have already expired and produce no hits")
    assert expired_refusal(load("svs.tbl"), NOW) is None, "extracts do not expire"


@pytest.mark.policy("E.2")
@pytest.mark.parametrize(("previous", "new", "share", "too_far"), [
    (3000, 2, 0.10, True), (100, 89, 0.10, True), (100, 90, 0.10, False),
    (100, 150, 0.10, False), (0, 0, 0.10, False), (35, 34, 0.0, True), (35, 35, 0.0, False),
])
def test_shrinking_more_than_the_share_is_too_far(previous: int, new: int, share: float,
                                                  too_far: bool) -> None:
    assert shrinks_too_far(previous, new, share) is too_far


def test_the_shrink_share_is_a_share() -> None:
    with pytest.raises(ValueError, match="share"):
        shrinks_too_far(10, 1, 1.0)


@pytest.mark.policy("I.1")
def test_a_simple_list_without_the_hot_plate_record_is_special() -> None:
    parsed = load("burglary_series.csv")
    assert [e.plate for e in parsed.entries] == ["6BRG101", "6BRG102", "4BRG203"]
    assert parsed.entries[1].xref == "X5520019"
    assert parsed.entries[2].ncic_system is not None and parsed.entries[2].ncic_record
    classed = list_class(parsed, NOW)
    assert classed.kind is ListKind.SPECIAL and classed.needs_approval
    assert classed.reasons == (
        "2 of 3 rows lack a CLETS/NCIC counterpart (E.2)",
        "3 of 3 rows lack an expiry within 24 hours (E.2)",  # none, or 4 weeks off
        "first such row: csv line 2")


@pytest.mark.policy("E.1")
@pytest.mark.policy("E.2")
def test_a_simple_list_with_the_full_record_is_acted_on() -> None:
    parsed = load("spd_plates_24h.csv")
    assert list_class(parsed, NOW).kind is ListKind.SPD_HOT_PLATE
    # The same file judged a day earlier expires more than 24 hours after entry.
    early = list_class(parsed, NOW - timedelta(days=1))
    assert early.kind is ListKind.SPECIAL
    assert early.reasons[0] == "3 of 3 rows lack an expiry within 24 hours (E.2)"


def test_extracts_are_state_and_ncic_lists() -> None:
    for name in ("svs.tbl", "ncic_vehicles.txt", "ncic_extract.csv"):
        assert list_class(load(name), NOW).kind is ListKind.STATE_NCIC
