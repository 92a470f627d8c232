"""Asks why the camera network is viewed (F.2) before any camera opens."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services.viewing import PURPOSE_TITLES, ViewingPurpose
from rtic_console.ui.widgets import keep_wrapped_text_whole


class PurposeDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_wrapped_text_whole(self)
        self.setWindowTitle("Why are you viewing the cameras?")
        # Wide enough that the wrapped notice keeps its last line: a dialog sized to its
        # buttons gave the label one line less than it wraps to, under the first choice.
        self.setMinimumWidth(480)
        intro = QLabel("General Order 525.08 F.2 allows the Public Safety Camera Network to be "
                       "viewed only for these purposes. Your choice is recorded with every "
                       "camera you open.")
        intro.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Reference: the event, or VR-… for a request a "
                                          "division commander approved (required for that "
                                          "purpose)")
        self.reference.setMaxLength(200)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for purpose, title in PURPOSE_TITLES.items():
            button = QRadioButton(title)
            button.setProperty("purpose", purpose.value)
            self.group.addButton(button)
            layout.addWidget(button)
        layout.addWidget(self.reference)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Open the wall")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choose(self, purpose: ViewingPurpose, reference: str = "") -> None:
        for button in self.group.buttons():
            button.setChecked(button.property("purpose") == purpose.value)
        self.reference.setText(reference)

    def purpose(self) -> str | None:
        checked = self.group.checkedButton()
        return str(checked.property("purpose")) if checked else None
