"""Which reads the map shows: the last hour, a shift, a day, or (for those who search reads)
a custom range; one that starts before the live day is a look back, which is a search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from rtic_console.services.map_data import is_look_back

# The custom range comes last: a bar without it keeps the same indexes for the live presets.
PRESETS: tuple[tuple[str, timedelta | None], ...] = (
    ("Last hour", timedelta(hours=1)),
    ("Shift (8 h)", timedelta(hours=8)),
    ("Day (24 h)", timedelta(hours=24)),
    ("Custom range…", None),
)


@dataclass(frozen=True)
class TimeWindow:
    """A sliding window (`span` set, live) or a fixed range from `start` to `end`."""

    span: timedelta | None
    start: datetime | None = None
    end: datetime | None = None

    @property
    def live(self) -> bool:
        """New reads join a sliding window; a fixed range stays as loaded."""
        return self.span is not None

    @property
    def look_back(self) -> bool:
        """A fixed range starting before the live day: a search of past reads (D.1)."""
        return self.start is not None and is_look_back(self.start, datetime.now(UTC))

    def bounds(self) -> tuple[datetime, datetime | None]:
        """Start and end as of now: a sliding window moves with the clock."""
        if self.span is not None:
            return datetime.now(UTC) - self.span, None
        assert self.start is not None
        return self.start, self.end


def _aware(value: QDateTime) -> datetime:
    return value.toPython().astimezone(UTC)  # type: ignore[no-any-return]


class TimeFilterBar(QWidget):
    """`custom_range` only for those who may search reads: a range is for them alone, and one
    that starts before the live day is a look back, a search (D.1); `look_back_changed` says
    when the chosen range becomes or stops being one, so the map can ask its purpose."""

    window_changed = Signal(object)
    look_back_changed = Signal(bool)
    invalid = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, custom_range: bool = False) -> None:
        super().__init__(parent)
        self.preset = QComboBox()
        for title, span in PRESETS:
            if span is not None or custom_range:
                self.preset.addItem(title)
        self.preset.setCurrentIndex(1)
        now = QDateTime.currentDateTime()
        self.start_edit = QDateTimeEdit(now.addSecs(-8 * 3600))
        self.end_edit = QDateTimeEdit(now)
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.apply = QPushButton("Apply")
        self.apply.clicked.connect(self._on_apply_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Show reads from"))
        layout.addWidget(self.preset)
        self._custom = (QLabel("from"), self.start_edit, QLabel("to"), self.end_edit, self.apply)
        for widget in self._custom:
            layout.addWidget(widget)
        self._show_custom(False)
        self.preset.currentIndexChanged.connect(self._on_preset_current_index_changed)
        self.start_edit.dateTimeChanged.connect(self._on_range_edited)
        self.end_edit.dateTimeChanged.connect(self._on_range_edited)

    def window(self) -> TimeWindow:
        span = PRESETS[self.preset.currentIndex()][1]
        if span is not None:
            return TimeWindow(span)
        return TimeWindow(None, _aware(self.start_edit.dateTime()),
                          _aware(self.end_edit.dateTime()))

    def _show_custom(self, on: bool) -> None:
        for widget in self._custom:
            widget.setVisible(on)

    def _on_preset_current_index_changed(self, index: int) -> None:
        custom = PRESETS[index][1] is None
        self._show_custom(custom)
        self.look_back_changed.emit(self.window().look_back)
        if not custom:
            self.window_changed.emit(self.window())

    def _on_range_edited(self) -> None:
        self.look_back_changed.emit(self.window().look_back)

    def _on_apply_clicked(self) -> None:
        window = self.window()
        assert window.start is not None and window.end is not None
        if window.end <= window.start:
            self.invalid.emit("The range must end after it starts.")
        else:  # the service checks the rest, and refuses (audited) what the order does not allow
            self.window_changed.emit(window)
