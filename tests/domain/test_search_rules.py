"""Search rules without a database: the literal run that picks the trigram index, the
place every canvass needs (D.1.b), and how large an area each kind of search may cover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.search_rules import (
    MAX_CANVASS_RADIUS_M,
    MAX_CANVASS_SIDE_M,
    MAX_RADIUS_M,
    MatchMode,
    PlatePattern,
    SearchKind,
    SearchRuleError,
    area_within_limits,
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


@pytest.mark.policy("D.1")
def test_a_canvass_covers_a_smaller_area_than_a_plate_search() -> None:
    """The bound the map and the Search screen say as an area is drawn or typed (D.1.b)."""
    area_within_limits(SearchKind.CANVASS, radius_m=MAX_CANVASS_RADIUS_M)
    area_within_limits(SearchKind.PLATE, radius_m=MAX_RADIUS_M)
    with pytest.raises(SearchRuleError, match=f"at most {MAX_CANVASS_RADIUS_M} m") as refused:
        area_within_limits(SearchKind.CANVASS, radius_m=MAX_CANVASS_RADIUS_M + 1)
    assert refused.value.clause == "D.1"
    across = MAX_CANVASS_SIDE_M * 1.2 / 111_000  # degrees of latitude
    corners = (38.5, -121.5, 38.5 + across, -121.49)
    area_within_limits(SearchKind.PLATE, corners=corners)
    with pytest.raises(SearchRuleError, match=f"{MAX_CANVASS_SIDE_M / 1000:.0f} km across"):
        area_within_limits(SearchKind.CANVASS, corners=corners)
