"""Sizes as people type them, and the levels a cap's use moves through."""

from __future__ import annotations

import pytest

from rtic_console.domain.recording_caps import (
    GIB,
    CapLevel,
    CapRuleError,
    exact_size,
    format_size,
    next_level,
    parse_size,
    rises,
)


@pytest.mark.parametrize(("text", "size"), [
    ("20T", 20 * 1000**4), ("2 TB", 2 * 1000**4), ("750g", 750 * 1000**3),
    ("500GiB", 500 * GIB), ("1.5TiB", int(1.5 * 1024**4)), ("1073741824", GIB)])
def test_sizes_in_the_units_disks_are_sold_in(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "20 parsecs", "-5G", "500M", "2000000P", "1e3G"])
def test_what_cannot_be_a_cap(text: str) -> None:
    with pytest.raises(CapRuleError):
        parse_size(text)


@pytest.mark.parametrize("size", [20 * 1000**4, 500 * GIB, 3 * GIB + 1, 1536 * 1024**3])
def test_an_edited_size_reads_back_to_the_same_bytes(size: int) -> None:
    assert parse_size(exact_size(size)) == size


def test_sizes_shown_in_binary_units() -> None:
    assert (format_size(512), format_size(GIB), format_size(20 * 1000**4)) == (
        "512 B", "1.0 GiB", "18.2 TiB")


def test_levels_rise_once_and_arm_again_below_the_warning() -> None:
    cap = 100 * GIB
    assert next_level(CapLevel.OK, 89 * GIB, cap, removed=False) is CapLevel.OK
    assert next_level(CapLevel.OK, 90 * GIB, cap, removed=False) is CapLevel.WARNING
    assert next_level(CapLevel.WARNING, 95 * GIB, cap, removed=True) is CapLevel.FULL
    # Working at the cap: trimmed to 95 %, it stays full and does not warn again.
    assert next_level(CapLevel.FULL, 97 * GIB, cap, removed=False) is CapLevel.FULL
    assert next_level(CapLevel.FULL, 101 * GIB, cap, removed=True) is CapLevel.STOPPED
    assert next_level(CapLevel.STOPPED, 80 * GIB, cap, removed=False) is CapLevel.OK
    assert next_level(CapLevel.STOPPED, 500 * GIB, None, removed=False) is CapLevel.OK
    assert rises(CapLevel.OK, CapLevel.WARNING) and rises(CapLevel.FULL, CapLevel.STOPPED)
    assert not rises(CapLevel.FULL, CapLevel.FULL) and not rises(CapLevel.STOPPED,
                                                                  CapLevel.FULL)
