"""Search rules without a database: the literal run that picks the trigram index, and the
place every canvass needs (D.1.b)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.search_rules import (
    MatchMode,
    PlatePattern,
    SearchKind,
    SearchRuleError,
    criteria_of,
)

END = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
NO_CRITERIA = {"plate": None, "match_mode": "exact", "time_from": END - timedelta(hours=2),
               "time_to": END, "near": None, "radius_m": None, "rectangle": None,
               "devices": None, "color": None, "make": None, "body": None}


@pytest.mark.parametrize("pattern,run", [
    ("7AB*12", 3), ("?PSI*", 3), ("7A?B*", 2), ("9PS*90", 3), ("7ABC123", 7), ("*", 0),
])
def test_longest_literal_run(pattern: str, run: int) -> None:
    assert PlatePattern(MatchMode.WILDCARD, pattern).longest_literal_run() == run


@pytest.mark.policy("D.1")
@pytest.mark.parametrize("devices", [None, ("ALPR-SO-01",)])
def test_a_canvass_needs_a_place(devices: tuple[str, ...] | None) -> None:
    with pytest.raises(SearchRuleError, match=r"^area: .*canvass \(D\.1\.b\) and needs a "
                                              r"place, a circle or a rectangle"):
        criteria_of(**{**NO_CRITERIA, "devices": devices})


@pytest.mark.policy("D.1")
def test_devices_narrow_a_canvass_place() -> None:
    criteria = criteria_of(**{**NO_CRITERIA, "near": (38.577, -121.485), "radius_m": 300,
                              "devices": ("ALPR-MT-01",)})
    assert criteria.kind is SearchKind.CANVASS and criteria.devices == ("ALPR-MT-01",)
    assert criteria.parameters()["radius_m"] == 300
