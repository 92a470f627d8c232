"""Layouts are kept per person and per monitor; theme and text size per person."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QGuiApplication

from rtic_console.ui.person_settings import PersonSettings, SavedLayout, screen_key
from rtic_console.ui.theme import TEXT_PT_RANGE, Theme


def test_a_layout_belongs_to_its_person_and_monitor(qapp) -> None:
    screen = QGuiApplication.primaryScreen()
    anna = PersonSettings("5201")
    anna.save_layout(screen, SavedLayout("map", QByteArray(b"g"), None,
                                         {"hits": [QByteArray(b"s1"), QByteArray(b"s2")]}))
    mine = anna.load_layout(screen)
    assert (mine.area, mine.geometry, mine.splitters) == (
        "map", QByteArray(b"g"), {"hits": [QByteArray(b"s1"), QByteArray(b"s2")]})
    assert anna.last_screen(QGuiApplication.screens()) is screen
    assert anna.load_layout(None).area is None, "another monitor: its own layout"
    assert PersonSettings("9601").load_layout(screen).area is None, "another person: none"
    assert "/" not in screen_key(screen)


def test_theme_and_text_size_fall_back_and_stay_in_range(qapp) -> None:
    person = PersonSettings("4101")
    assert person.theme is Theme.DARK and person.text_pt == 10
    person.theme, person.text_pt = Theme.HIGH_CONTRAST, 99
    again = PersonSettings("4101")
    assert again.theme is Theme.HIGH_CONTRAST and again.text_pt == TEXT_PT_RANGE[1]
