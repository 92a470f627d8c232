"""The criteria half of the Search screen: mode, plate, vehicle description, time and place.

Values go to the search service as typed, and its refusal names the field, so the console
and the command line word every rule the same way. The bounds of the place and the time
(D.1) are also said beside the fields as they are entered, by the same rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.search_rules import (
    MAX_CANVASS_SPAN,
    MAX_RADIUS_M,
    MAX_SHAPE_SPAN,
    MatchMode,
    SearchKind,
    area_within_limits,
    window_of,
)
from rtic_console.ui.search.bounds_note import BoundsNote

MODE_TITLES = {SearchKind.PLATE: "Plate", SearchKind.CANVASS: "Canvass",
               SearchKind.SHAPE: "Vehicle description"}
AREA_KINDS = ("anywhere", "circle", "rectangle")
AREA_TITLES = ("Anywhere", "Circle (centre and radius)", "Rectangle (S, W, N, E)")
COLORS = ("", "black", "blue", "brown", "gold", "gray", "green", "maroon", "orange", "red",
          "silver", "tan", "white", "yellow")
BODIES = ("", "sedan", "suv", "pickup", "van", "minivan", "coupe", "hatchback", "wagon",
          "convertible", "truck", "motorcycle", "bus")
DEFAULT_WINDOW_HOURS = {SearchKind.PLATE: 24, SearchKind.CANVASS: 2, SearchKind.SHAPE: 24}


def _number(edit: QLineEdit) -> float | str:
    """A float when the text is one; otherwise the text, for the service to name the field."""
    text = edit.text().strip()
    try:
        return float(text)
    except ValueError:
        return text


def _label_box(choices: tuple[str, ...], hint: str) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(choices)
    box.lineEdit().setPlaceholderText(hint)
    box.lineEdit().setMaxLength(40)
    return box


class SearchCriteriaForm(QWidget):
    mode_changed = Signal(object)
    area_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = SearchKind.PLATE
        # A tab bar: the theme already marks the chosen tab, as everywhere in the console.
        self.mode_bar = QTabBar()
        self.mode_bar.setObjectName("searchMode")
        self.mode_bar.setExpanding(True)
        self.mode_bar.setDrawBase(False)
        for kind, title in MODE_TITLES.items():
            self.mode_bar.addTab(title)
            self.mode_bar.setTabData(self.mode_bar.count() - 1, kind.value)
        self.mode_bar.currentChanged.connect(self._on_mode_bar_current_changed)

        self.plate_box = QGroupBox("Plate")
        self.plate = QLineEdit()
        self.plate.setObjectName("plateEdit")
        self.plate.setMaxLength(16)
        self.plate.setPlaceholderText("7ABC123, or 7AB*12 with * and ? as wildcards")
        self.match = QComboBox()
        self.match.addItem("Exact (wildcards * ? allowed)", MatchMode.EXACT.value)
        self.match.addItem("OCR-equivalent (0/O, 8/B, 1/I …)", MatchMode.OCR.value)
        plate_form = QFormLayout(self.plate_box)
        plate_form.addRow("Plate", self.plate)
        plate_form.addRow("Match", self.match)

        self.vehicle_box = QGroupBox("Vehicle description (F.3)")
        self.color = _label_box(COLORS, "any colour")
        self.make = _label_box(("",), "any make, e.g. toyota")
        self.body = _label_box(BODIES, "any body type")
        self.incident = QLineEdit()
        self.incident.setMaxLength(40)
        self.incident.setPlaceholderText("reported incident number")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("The suspect or vehicle description as reported")
        self.description.setMinimumHeight(60)
        self.description.setMaximumHeight(80)
        vehicle_form = QFormLayout(self.vehicle_box)
        vehicle_form.addRow("Colour", self.color)
        vehicle_form.addRow("Make", self.make)
        vehicle_form.addRow("Body type", self.body)
        vehicle_form.addRow("Incident no.", self.incident)
        vehicle_form.addRow("Description", self.description)

        self.when_box = QGroupBox("When")
        self.limit_time = QCheckBox("Only between")
        self.limit_time.toggled.connect(self._on_limit_time_toggled)
        self.time_from = QDateTimeEdit()
        self.time_to = QDateTimeEdit()
        for edit in (self.time_from, self.time_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time_hint = QLabel()
        self.time_hint.setObjectName("footnote")
        self.time_hint.setWordWrap(True)
        when = QGridLayout(self.when_box)
        when.addWidget(self.limit_time, 0, 0)
        when.addWidget(self.time_from, 0, 1)
        when.addWidget(QLabel("and"), 1, 0)
        when.addWidget(self.time_to, 1, 1)
        presets = QHBoxLayout()
        self.presets: dict[int, QPushButton] = {}
        for hours in (1, 2, 24):
            preset = self.presets[hours] = QPushButton(f"Last {hours} h")
            preset.setObjectName("compactButton")
            preset.clicked.connect(lambda _=False, h=hours: self.set_last_hours(h))
            presets.addWidget(preset)
        presets.addStretch(1)
        when.addLayout(presets, 2, 0, 1, 2)
        when.addWidget(self.time_hint, 3, 0, 1, 2)
        self.window_note = BoundsNote()
        when.addWidget(self.window_note, 4, 0, 1, 2)
        for edit in (self.time_from, self.time_to):
            edit.dateTimeChanged.connect(self._check_window)

        self.where_box = QGroupBox("Where")
        self.area_kind = QComboBox()
        for kind, title in zip(AREA_KINDS, AREA_TITLES, strict=True):
            self.area_kind.addItem(title, kind)
        self.area_kind.currentIndexChanged.connect(self._on_area_kind_changed)
        self.draw_button = QPushButton("Draw on map")
        self.draw_button.clicked.connect(self._on_draw_clicked)
        self.lat, self.lon = QLineEdit(), QLineEdit()
        self.radius = QSpinBox()
        self.radius.setRange(10, MAX_RADIUS_M)
        self.radius.setSingleStep(50)
        self.radius.setValue(300)
        self.radius.setSuffix(" m")
        self.south, self.west, self.north, self.east = (QLineEdit() for _ in range(4))
        for edit, hint in ((self.lat, "latitude"), (self.lon, "longitude"),
                           (self.south, "south lat."), (self.west, "west lon."),
                           (self.north, "north lat."), (self.east, "east lon.")):
            edit.setPlaceholderText(hint)
            edit.setMaxLength(24)
        self.area_pages = QStackedWidget()
        self.area_pages.addWidget(QWidget())
        circle = QWidget()
        circle_grid = QGridLayout(circle)
        circle_grid.setContentsMargins(0, 0, 0, 0)
        circle_grid.addWidget(self.lat, 0, 0)
        circle_grid.addWidget(self.lon, 0, 1)
        circle_grid.addWidget(QLabel("Radius"), 1, 0)
        circle_grid.addWidget(self.radius, 1, 1)
        self.area_pages.addWidget(circle)
        rectangle = QWidget()
        rect_grid = QGridLayout(rectangle)
        rect_grid.setContentsMargins(0, 0, 0, 0)
        for i, edit in enumerate((self.south, self.west, self.north, self.east)):
            rect_grid.addWidget(edit, i // 2, i % 2)
        self.area_pages.addWidget(rectangle)
        self.devices = QLineEdit()
        self.devices.setPlaceholderText("all devices, or codes/ids separated by commas")
        self.devices.setMaxLength(2000)
        where = QGridLayout(self.where_box)
        where.addWidget(self.area_kind, 0, 0)
        where.addWidget(self.draw_button, 0, 1)
        where.addWidget(self.area_pages, 1, 0, 1, 2)
        self.area_note = BoundsNote()
        where.addWidget(self.area_note, 2, 0, 1, 2)
        where.addWidget(QLabel("Devices"), 3, 0, 1, 2)
        where.addWidget(self.devices, 4, 0, 1, 2)
        self.radius.valueChanged.connect(self._check_area)
        # Corners are checked once typed, not at each keystroke of a half-typed longitude.
        for edit in (self.south, self.west, self.north, self.east):
            edit.editingFinished.connect(self._check_area)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.mode_bar)
        for box in (self.plate_box, self.vehicle_box, self.when_box, self.where_box):
            layout.addWidget(box)
        self.set_last_hours(DEFAULT_WINDOW_HOURS[SearchKind.PLATE])
        self.limit_time.setChecked(False)  # a plate search looks back over all kept reads
        self.set_mode(SearchKind.PLATE)
        self._on_area_kind_changed()

    def set_mode(self, kind: SearchKind) -> None:
        """Show what the mode uses; a canvass or shape search always has a time window."""
        self.mode = kind
        self.mode_bar.blockSignals(True)
        self.mode_bar.setCurrentIndex(list(MODE_TITLES).index(kind))
        self.mode_bar.blockSignals(False)
        self.plate_box.setVisible(kind is SearchKind.PLATE)
        self.vehicle_box.setVisible(kind is SearchKind.SHAPE)
        windowed = kind is not SearchKind.PLATE
        self.limit_time.setChecked(windowed or self.limit_time.isChecked())
        self.limit_time.setEnabled(not windowed)
        if windowed:
            self.set_last_hours(DEFAULT_WINDOW_HOURS[kind])
            if kind is SearchKind.CANVASS and self.area() == "anywhere":
                self.area_kind.setCurrentIndex(AREA_KINDS.index("circle"))
        span = {SearchKind.CANVASS: MAX_CANVASS_SPAN, SearchKind.SHAPE: MAX_SHAPE_SPAN}.get(kind)
        self.time_hint.setText(
            f"A {MODE_TITLES[kind].lower()} search covers at most "
            f"{int(span.total_seconds() // 3600)} hours." if span else
            "Without a range, all reads still kept (up to 2 years) are searched.")
        self._on_limit_time_toggled(self.limit_time.isChecked())
        self._check_area()
        self.mode_changed.emit(kind)

    def set_last_hours(self, hours: int) -> None:
        """A window ending now (and a minute, for reads arriving as the search runs)."""
        end = QDateTime.currentDateTime().addSecs(60)
        self.time_to.setDateTime(end)
        self.time_from.setDateTime(end.addSecs(-hours * 3600))
        self.limit_time.setChecked(True)

    def area(self) -> str:
        return str(self.area_kind.currentData())

    def set_area(self, area: Mapping[str, Any]) -> None:
        """Fill the place from the map; raises ValueError, changing nothing, for anything but
        a known shape or for a circle the radius box cannot hold (never silently clamped)."""
        kind = area.get("kind") if isinstance(area, Mapping) else None
        fields = {"circle": ("lat", "lon", "radius_m"),
                  "rectangle": ("south", "west", "north", "east")}.get(str(kind))
        if fields is None or not all(isinstance(area.get(f), int | float)
                                     and not isinstance(area.get(f), bool) for f in fields):
            raise ValueError("the map sent an area that is not a circle or a rectangle")
        low, high = self.radius.minimum(), self.radius.maximum()
        radius = area.get("radius_m", 0)
        if kind == "circle" and not (math.isfinite(radius) and low <= round(radius) <= high):
            raise ValueError(f"radius: the circle drawn is {radius:.0f} m; draw one "
                             f"of {low} to {high} m")
        self.area_kind.setCurrentIndex(AREA_KINDS.index(str(kind)))
        if kind == "circle":
            self.lat.setText(f"{area['lat']:.6f}")
            self.lon.setText(f"{area['lon']:.6f}")
            self.radius.setValue(round(area["radius_m"]))
        else:
            for edit, name in zip((self.south, self.west, self.north, self.east), fields,
                                  strict=True):
                edit.setText(f"{area[name]:.6f}")
        self._check_area()

    def missing(self) -> str | None:
        """What the chosen mode cannot run without, before asking the service."""
        if self.mode is SearchKind.PLATE and not self.plate.text().strip():
            return "Plate: enter a plate, or a pattern such as 7AB*12."
        if self.mode is SearchKind.CANVASS and self.area() == "anywhere":
            return "Where: a canvass needs a place, a circle or a rectangle (D.1.b); " \
                "devices may narrow it."
        if self.mode is SearchKind.SHAPE and not any(
                b.currentText().strip() for b in (self.color, self.make, self.body)):
            return "Vehicle description: give at least a colour, make or body type."
        return None

    def values(self) -> dict[str, Any]:
        """Keyword arguments for SearchInput, as typed; the service checks them."""
        mode = self.mode
        shape = mode is SearchKind.SHAPE
        values: dict[str, Any] = {
            "plate": self.plate.text() if mode is SearchKind.PLATE else None,
            "match_mode": self.match.currentData(),
            "devices": tuple(t.strip() for t in self.devices.text().split(",") if t.strip()),
            "color": self.color.currentText() if shape else None,
            "make": self.make.currentText() if shape else None,
            "body": self.body.currentText() if shape else None,
            "incident_number": self.incident.text() if shape else None,
            "description": self.description.toPlainText() if shape else None,
        }
        if self.limit_time.isChecked():
            values["time_from"] = self._utc(self.time_from)
            values["time_to"] = self._utc(self.time_to)
        if self.area() == "circle":
            values |= {"near": (_number(self.lat), _number(self.lon)),
                       "radius_m": float(self.radius.value())}
        elif self.area() == "rectangle":
            values["rectangle"] = tuple(_number(e) for e in (self.south, self.west,
                                                             self.north, self.east))
        return values

    @staticmethod
    def _utc(edit: QDateTimeEdit) -> datetime:
        return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), UTC)

    @Slot(int)
    def _on_mode_bar_current_changed(self, index: int) -> None:
        self.set_mode(SearchKind(self.mode_bar.tabData(index)))

    @Slot(bool)
    def _on_limit_time_toggled(self, on: bool) -> None:
        self.time_from.setEnabled(on)
        self.time_to.setEnabled(on)
        self._check_window()

    @Slot()
    def _on_area_kind_changed(self) -> None:
        self.area_pages.setCurrentIndex(self.area_kind.currentIndex())
        self.area_pages.setVisible(self.area() != "anywhere")
        self.draw_button.setEnabled(self.area() != "anywhere")
        self._check_area()

    @Slot()
    def _check_area(self) -> None:
        """A circle or rectangle larger than this kind of search may cover (a canvass's is
        smaller, D.1.b), named before Run; malformed corners are left to the service."""
        self.area_note.check(self._area_within_limits)

    def _area_within_limits(self) -> None:
        if self.area() == "circle":
            area_within_limits(self.mode, radius_m=float(self.radius.value()))
        elif self.area() == "rectangle":
            corners = [_number(e) for e in (self.south, self.west, self.north, self.east)]
            if all(isinstance(c, float) for c in corners):
                area_within_limits(self.mode, corners=corners)

    @Slot()
    def _check_window(self) -> None:
        """A window longer than this kind of search may cover, named as the times are set."""
        self.window_note.check(self._window_within_limits)

    def _window_within_limits(self) -> None:
        if self.limit_time.isChecked():
            window_of(self.mode, self._utc(self.time_from), self._utc(self.time_to))

    @Slot()
    def _on_draw_clicked(self) -> None:
        self.area_requested.emit(self.area())
