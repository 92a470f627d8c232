"""A search's bounds (D.1) said beside the fields as they are entered, not first at Run."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from rtic_console.domain.search_rules import BOUNDS, SearchRuleError
from rtic_console.ui.theme import TONE_MARKS, Tone
from rtic_console.ui.widgets import sentence


class BoundsNote(QLabel):
    """Shows the service's own words for a bound the entered value goes past. The service
    still refuses it at Run; this only says so early, by the same rule and the same limit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningText")
        self.setWordWrap(True)
        self.hide()

    def check(self, rule: Callable[[], object]) -> None:
        """Run a domain rule on what is entered. Only a bound is said: a value still being
        typed (half a longitude, an end before its start) is no refusal yet."""
        try:
            rule()
        except SearchRuleError as problem:
            if problem.clause == BOUNDS:
                self.setText(f"{TONE_MARKS[Tone.WARN]} {sentence(str(problem))}")
                self.show()
                return
        self.clear()
        self.hide()
