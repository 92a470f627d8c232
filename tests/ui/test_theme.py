"""Every theme shows where the keyboard is, fills its template fully, and keeps text
readable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QColor, QImage, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from rtic_console.ui.table_model import configure_table
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


def test_the_current_cell_of_a_focused_table_shows_its_whole_text(qtbot, qapp) -> None:
    """Its focus border took a pixel each side of a column fitted to its text, so the Search
    screen's selected result read "09:52:…": the cell drawn with the border must show what
    the same cell without it shows."""
    apply_theme(qapp, Theme.DARK)
    model = QStandardItemModel(3, 2)
    for row in range(3):
        for column, text in enumerate(("2026-12-07 09:52:35", "Broadway & 16th St")):
            model.setItem(row, column, QStandardItem(text))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    configure_table(view)
    view.resize(500, 200)
    view.show()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    # Rows 0 and 2 share a background (alternating rows); only row 0 is current.
    view.selectionModel().setCurrentIndex(model.index(0, 0),
                                          QItemSelectionModel.SelectionFlag.NoUpdate)
    picture = view.viewport().grab().toImage()
    current, other = (_ink(picture.copy(view.visualRect(model.index(row, 0))
                                       .adjusted(2, 2, -2, -2))) for row in (0, 2))
    # The current cell's background is tinted, so a few anti-aliased edges differ; an
    # elided "35" differs by hundreds of pixels.
    assert len(current ^ other) < len(other) // 10


def _ink(image: QImage) -> set[tuple[int, int]]:
    """Where the light text is drawn on a dark cell."""
    return {(x, y) for x in range(image.width()) for y in range(image.height())
            if QColor.fromRgb(image.pixel(x, y)).lightness() > 160}
