"""Every theme shows where the keyboard is, fills its template fully, and keeps text
readable."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from rtic_console.ui.theme import (
    COLORS,
    Theme,
    apply_theme,
    contrast,
    readable,
    style_sheet,
)


@pytest.mark.parametrize("theme", list(Theme))
def test_each_theme_has_visible_focus_rings_and_readable_text(theme: Theme) -> None:
    sheet, colors = style_sheet(theme, 12), COLORS[theme]
    assert "$" not in sheet
    for control in ("QPushButton:focus", "QLineEdit:focus", "QTableView:focus",
                    "QCheckBox:focus", "QListWidget#areaNav:focus"):
        assert control in sheet
    assert f"solid {colors.focus}" in sheet
    assert "font-size: 12pt" in sheet
    base = QColor(colors.base)
    assert contrast(QColor(colors.text), base) >= 7
    assert contrast(QColor(colors.focus), base) >= 3  # a ring must stand out from the page
    for tone in ("ok", "warn", "danger", "info"):
        assert contrast(QColor(getattr(colors, tone)), base) >= 4.5, tone


def test_colours_chosen_for_a_light_page_are_lightened_on_a_dark_one(qapp) -> None:
    apply_theme(qapp, Theme.DARK)
    blue = QColor("#1d4ed8")  # 2.5:1 on the dark base
    assert contrast(readable(blue), QColor(COLORS[Theme.DARK].base)) >= 4.5
    assert qapp.palette().color(QPalette.ColorRole.Base) == QColor(COLORS[Theme.DARK].base)
    apply_theme(qapp, Theme.LIGHT)
    try:
        assert readable(blue) == blue
    finally:
        apply_theme(qapp, Theme.DARK)
