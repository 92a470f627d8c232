"""The video wall's purpose question (F.2) shows its whole notice above the choices."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QRadioButton

from rtic_console.services.viewing import ViewingPurpose
from rtic_console.ui.wall.purpose_dialog import PurposeDialog


def test_the_notice_is_whole_above_the_first_choice(qtbot) -> None:
    """Sized to its buttons, the dialog wrapped the notice to four lines whose last one the
    first choice's focus ring covered; wide enough, it takes at most three."""
    dialog = PurposeDialog()
    qtbot.addWidget(dialog)
    dialog.choose(ViewingPurpose.MONITORING_EVENT, "Kings game")
    dialog.show()
    qtbot.waitExposed(dialog)
    notice = dialog.findChild(QLabel)
    first = dialog.findChildren(QRadioButton)[0]
    lines = notice.heightForWidth(notice.width()) / notice.fontMetrics().lineSpacing()
    assert lines <= 3
    assert notice.geometry().bottom() < first.geometry().top()
    assert dialog.purpose() == ViewingPurpose.MONITORING_EVENT.value
