"""What a look back on the map needs before it runs: its purpose and case (D.1), and the area
drawn on the map, a crime-scene canvass's (D.1.b). The service decides; this only asks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from rtic_console.domain.search_rules import (
    MAX_CANVASS_RADIUS_M,
    MAX_CANVASS_SPAN,
    SearchKind,
    area_within_limits,
)
from rtic_console.services.map_data import LIVE_LOOKBACK
from rtic_console.services.search_requests import RequestView
from rtic_console.ui.search.bounds_note import BoundsNote
from rtic_console.ui.search.purpose_box import PurposeBox

NOTE = (f"Reads from more than {LIVE_LOOKBACK.total_seconds() / 3600:.0f} hours ago are a "
        "search of past reads (GO 525.08 D.1): a crime-scene canvass of an area you draw, "
        f"at most {MAX_CANVASS_SPAN.total_seconds() / 3600:.0f} hours long and "
        f"{MAX_CANVASS_RADIUS_M / 1000:.0f} km in radius, for its purpose and case. It is "
        "logged as a search for the quarterly review.")


def within_canvass_limits(area: Mapping[str, Any] | None) -> None:
    """Raises the service's SearchRuleError for an area larger than a canvass may cover."""
    if not area:
        return
    if area.get("kind") == "circle":
        area_within_limits(SearchKind.CANVASS, radius_m=area["radius_m"])
    else:
        area_within_limits(SearchKind.CANVASS,
                           corners=[area[k] for k in ("south", "west", "north", "east")])


def area_text(area: Mapping[str, Any] | None) -> str:
    if not area:
        return "No area drawn yet."
    if area.get("kind") == "circle":
        return (f"Circle of {area['radius_m']:,.0f} m around {area['lat']:.5f}, "
                f"{area['lon']:.5f}")
    return (f"Rectangle {area['south']:.4f}, {area['west']:.4f} to {area['north']:.4f}, "
            f"{area['east']:.4f}")


class LookBackBox(QWidget):
    """Shown under the time filter while the chosen range is a look back."""

    area_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookBackBox")
        self.area: dict[str, Any] | None = None
        note = QLabel(NOTE)
        note.setObjectName("noticeText")
        note.setWordWrap(True)
        self.purpose = PurposeBox()
        self.purpose.suggest_for(SearchKind.CANVASS)
        self.area_label = QLabel(area_text(None))
        self.area_label.setObjectName("lookBackArea")
        self.area_label.setWordWrap(True)
        self.draw_circle = QPushButton("Draw circle")
        self.draw_rectangle = QPushButton("Draw rectangle")
        self.draw_circle.clicked.connect(lambda: self.area_requested.emit("circle"))
        self.draw_rectangle.clicked.connect(lambda: self.area_requested.emit("rectangle"))
        area = QHBoxLayout()
        area.addWidget(QLabel("Area:"))
        area.addWidget(self.area_label, 1)
        area.addWidget(self.draw_circle)
        area.addWidget(self.draw_rectangle)
        # A circle drawn too large is said when drawn, not first when the look back runs.
        self.area_note = BoundsNote()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note, 0, 0)
        layout.addLayout(area, 1, 0)
        layout.addWidget(self.area_note, 2, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.purpose, 0, 1, 3, 1)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 2)

    @Slot(object)
    def set_area(self, area: Mapping[str, Any]) -> None:
        """A circle or rectangle as the map's bridge checked it (map_view.parse_area)."""
        self.area = dict(area)
        self.area_label.setText(area_text(self.area))
        self.area_note.check(lambda: within_canvass_limits(self.area))

    def set_requests(self, requests: Sequence[RequestView]) -> None:
        self.purpose.set_requests(requests)

    def values(self) -> dict[str, Any]:
        """The look back's purpose, case, request and area, as MapLookBack takes them."""
        purpose, case, request_id = self.purpose.values()
        area = self.area or {}
        circle = area.get("kind") == "circle"
        rectangle = area.get("kind") == "rectangle"
        return {"purpose": purpose, "case_number": case, "request_id": request_id,
                "near": (area["lat"], area["lon"]) if circle else None,
                "radius_m": area["radius_m"] if circle else None,
                "rectangle": tuple(area[k] for k in ("south", "west", "north", "east"))
                if rectangle else None}
