"""The allowed viewing hours of a donor agreement (G.3.c): seven rows of time windows."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from rtic_console.domain.donor_terms import END_OF_DAY

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ALL_DAY = "00:00-24:00"
Window = tuple[time, time]


def windows_text(windows: tuple[Window, ...] | list[Window]) -> str:
    def clock(t: time) -> str:
        return "24:00" if t == END_OF_DAY else t.strftime("%H:%M")

    return ", ".join(f"{clock(a)}-{clock(b)}" for a, b in windows)


def parse_windows(text: str, day: str) -> tuple[Window, ...]:
    """'08:00-18:00, 22:00-02:00' as typed; an end before the start runs past midnight."""
    def clock(value: str) -> time:
        value = value.strip()
        if value == "24:00":
            return END_OF_DAY
        try:
            return time.fromisoformat(value if len(value) > 2 else f"{value}:00")
        except ValueError:
            raise ValueError(f"{day}: {value!r} is not a time such as 08:00") from None

    windows = []
    for part in text.replace("–", "-").split(","):
        if not part.strip():
            continue
        start, dash, end = part.partition("-")
        if not dash:
            raise ValueError(f"{day}: {part.strip()!r} is not a window such as 08:00-18:00")
        windows.append((clock(start), clock(end)))
    return tuple(windows)


class HoursEditor(QWidget):
    """Seven rows, one a weekday, each a list of allowed windows; empty means no viewing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(3)
        self.rows: list[QLineEdit] = []
        for day, name in enumerate(WEEKDAYS):
            edit = QLineEdit()
            edit.setObjectName(f"hours_{day}")
            edit.setPlaceholderText("no viewing")
            all_day = QPushButton("All day")
            none = QPushButton("None")
            for button in (all_day, none):
                button.setObjectName("compactButton")
                button.setAutoDefault(False)
            all_day.clicked.connect(lambda _c=False, e=edit: e.setText(ALL_DAY))
            none.clicked.connect(lambda _c=False, e=edit: e.clear())
            grid.addWidget(QLabel(name[:3]), day, 0)
            grid.addWidget(edit, day, 1)
            grid.addWidget(all_day, day, 2)
            grid.addWidget(none, day, 3)
            self.rows.append(edit)
        copy = QPushButton("Copy Monday to every day")
        copy.setObjectName("compactButton")
        copy.setAutoDefault(False)
        copy.clicked.connect(self._on_copy_clicked)
        grid.addWidget(copy, 7, 1, 1, 3, Qt.AlignmentFlag.AlignLeft)

    def set_hours(self, hours: dict[int, tuple[Window, ...]]) -> None:
        for day, edit in enumerate(self.rows):
            edit.setText(windows_text(hours.get(day, ())))

    def hours(self) -> dict[int, tuple[Window, ...]]:
        """Raises ValueError naming the first row that does not read as windows."""
        result = {}
        for day, edit in enumerate(self.rows):
            try:
                windows = parse_windows(edit.text(), WEEKDAYS[day])
            except ValueError:
                edit.setProperty("invalid", True)
                edit.style().polish(edit)
                raise
            edit.setProperty("invalid", False)
            edit.style().polish(edit)
            if windows:
                result[day] = windows
        return result

    @Slot()
    def _on_copy_clicked(self) -> None:
        for edit in self.rows[1:]:
            edit.setText(self.rows[0].text())
