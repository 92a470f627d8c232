"""The map's look-back box says when the area drawn is larger than a canvass may cover."""

from __future__ import annotations

from pathlib import Path

from rtic_console.domain.search_rules import MAX_CANVASS_RADIUS_M, MAX_CANVASS_SIDE_M
from rtic_console.ui.map.look_back_box import LookBackBox

SPOT = {"lat": 38.5770, "lon": -121.4850}


def test_an_area_past_a_canvass_limit_is_said_when_drawn(qtbot, tmp_path: Path) -> None:
    """A circle drawn past the canvass radius was refused only when the look back ran; the
    map's own drawing allows more, so the box says it, in the service's words."""
    box = LookBackBox()
    qtbot.addWidget(box)
    box.resize(900, 200)
    box.show()
    box.set_area({"kind": "circle", **SPOT, "radius_m": float(MAX_CANVASS_RADIUS_M)})
    assert box.area_note.isHidden()
    box.set_area({"kind": "circle", **SPOT, "radius_m": MAX_CANVASS_RADIUS_M * 1.4})
    assert box.area_note.isVisible()
    assert f"at most {MAX_CANVASS_RADIUS_M} m" in box.area_note.text()
    box.grab().save(str(tmp_path / "look_back_box_too_large.png"))
    across = MAX_CANVASS_SIDE_M * 1.2 / 111_000  # degrees of latitude
    box.set_area({"kind": "rectangle", "south": 38.5, "west": -121.5,
                  "north": 38.5 + across, "east": -121.49})
    assert f"{MAX_CANVASS_SIDE_M / 1000:.0f} km across" in box.area_note.text()
    box.set_area({"kind": "rectangle", "south": 38.5, "west": -121.5, "north": 38.55,
                  "east": -121.45})
    assert box.area_note.isHidden()
