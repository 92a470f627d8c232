"""The video wall's purpose question (F.2) shows its whole notice above the choices."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QRadioButton

from rtic_console.services.viewing import ViewingPurpose
from rtic_console.ui.theme import Theme, apply_theme
from rtic_console.ui.wall.purpose_dialog import PurposeDialog


@pytest.mark.parametrize("theme", [Theme.DARK, Theme.LIGHT])
def test_the_notice_stays_whole_when_the_choices_grow(qtbot, theme: Theme) -> None:
    """The choices grow after the dialog is laid out (a theme's padding, the focus ring) and
    the dialog keeps its height: sized to its buttons, it then squeezed the notice and cut off
    its last line, as the screenshots and the demo showed."""
    app = QApplication.instance()
    dialog = PurposeDialog()
    qtbot.addWidget(dialog)
    dialog.choose(ViewingPurpose.MONITORING_EVENT, "Kings game")
    dialog.show()
    qtbot.waitExposed(dialog)
    try:
        apply_theme(app, theme)
        qtbot.wait(50)
        notice = dialog.findChild(QLabel)
        first = dialog.findChildren(QRadioButton)[0]
        assert notice.height() >= notice.heightForWidth(notice.width())
        assert notice.geometry().bottom() < first.geometry().top()
        assert dialog.purpose() == ViewingPurpose.MONITORING_EVENT.value
    finally:
        apply_theme(app, Theme.DARK)
