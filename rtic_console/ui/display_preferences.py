"""The signed-in person's theme and text size: applied to the whole console at once and
remembered for them at this workstation."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication

from rtic_console.ui.person_settings import PersonSettings
from rtic_console.ui.theme import DEFAULT_TEXT_PT, Theme, apply_theme, clamp_text_pt


class DisplayPreferences(QObject):
    changed = Signal()

    def __init__(self, person: PersonSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._person = person
        self.theme = person.theme
        self.text_pt = person.text_pt

    def apply(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.theme, self.text_pt)
        self.changed.emit()

    def set_theme(self, theme: Theme) -> None:
        self.theme = self._person.theme = theme
        self.apply()

    def set_text_pt(self, size: int) -> None:
        size = clamp_text_pt(size)
        if size != self.text_pt:
            self.text_pt = self._person.text_pt = size
            self.apply()

    @Slot()
    def larger(self) -> None:
        self.set_text_pt(self.text_pt + 1)

    @Slot()
    def smaller(self) -> None:
        self.set_text_pt(self.text_pt - 1)

    @Slot()
    def reset_text(self) -> None:
        self.set_text_pt(DEFAULT_TEXT_PT)
