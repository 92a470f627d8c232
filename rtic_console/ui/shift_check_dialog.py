"""The start-of-shift check of a mobile reader (D.3.b to D.3.d), signed by the officer who
drives the unit. A failed item opens a damage report through the MDC repair procedure."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.device_reports import CHECK_ITEMS, ShiftCheckInput
from rtic_console.services import shift_checks
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.saving_dialog import SavingDialog


class ShiftCheckDialog(SavingDialog):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle("Start-of-shift check")
        self.setMinimumWidth(560)
        intro = QLabel("Before the shift, in the vehicle: check each item. An item that fails "
                       "opens a damage report of the unit's reader; do not attempt to repair "
                       "it, file the MDC repair request (B.2.b(1)).")
        intro.setObjectName("noticeText")
        intro.setWordWrap(True)
        self.unit = QLineEdit()
        self.unit.setMaxLength(20)
        self.unit.setPlaceholderText("vehicle unit, e.g. 1134")
        self.items: dict[str, QCheckBox] = {}
        form = QFormLayout()
        form.addRow("Vehicle unit", self.unit)
        for field, title in CHECK_ITEMS:
            box = QCheckBox(title[0].upper() + title[1:])
            box.toggled.connect(self._on_item_toggled)
            self.items[field] = box
            form.addRow("", box)
        self.note = QLineEdit()
        self.note.setPlaceholderText("optional")
        self.mdc_request = QPlainTextEdit()
        self.mdc_request.setPlaceholderText("when an item fails: the MDC repair request and "
                                            "what is wrong")
        self.mdc_request.setFixedHeight(60)
        form.addRow("Note", self.note)
        form.addRow("MDC repair request", self.mdc_request)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_button.setText("Sign the check")
        buttons.accepted.connect(self._on_sign_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._on_item_toggled()

    @Slot()
    def _on_item_toggled(self) -> None:
        self.mdc_request.setEnabled(not all(b.isChecked() for b in self.items.values()))

    def value(self) -> ShiftCheckInput:
        passed = {field: box.isChecked() for field, box in self.items.items()}
        return ShiftCheckInput(self.unit.text(), passed["cameras_affixed"],
                               passed["cdms_started"], passed["all_green"], self.note.text(),
                               self.mdc_request.toPlainText() if self.mdc_request.isEnabled()
                               else None)

    @Slot()
    def _on_sign_clicked(self) -> None:
        self.submit(self.sign_button, shift_checks.record_shift_check, self.value())
