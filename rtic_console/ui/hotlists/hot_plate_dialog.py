"""Enter an SPD hot plate (E.1, E.2) or propose a special hot list entry (I.1)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.hotlists import NcicSystem, ReasonCategory
from rtic_console.services import hotlists
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.saving_dialog import SavingDialog


class HotPlateDialog(SavingDialog):
    def __init__(self, session: ConsoleSession, *, special: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._special = special
        self.setWindowTitle("Propose a special hot list entry" if special
                            else "Enter an SPD hot plate")
        self.setMinimumWidth(520)
        note = QLabel(
            "Special hot list entries are for plates tied to criminal activity that do not "
            "meet CLETS/NCIC entry criteria. The entry produces no hits until a supervisor "
            "approves it, and its hits go to SPD authorized personnel only (I.1, I.2)."
            if special else
            "A hot plate needs the SPD case number (or the subject's XREF when there is no "
            "case), a reason, and its CLETS/NCIC counterpart record. It expires within 24 "
            "hours of entry (E.1, E.2).")
        note.setWordWrap(True)
        note.setObjectName("noticeText")
        self.plate = QLineEdit()
        self.plate.setMaxLength(12)
        self.state = QLineEdit("CA")
        self.state.setMaxLength(5)
        self.reason = QComboBox()
        self.reason.addItem("— choose —", "")
        for reason in ReasonCategory:
            self.reason.addItem(reason.value.replace("_", " "), reason.value)
        self.case = QLineEdit()
        self.case.setMaxLength(40)
        self.xref = QLineEdit()
        self.xref.setMaxLength(40)
        self.system = QComboBox()
        self.system.addItem("— choose —", "")
        for system in NcicSystem:
            self.system.addItem(system.value, system.value)
        self.record = QLineEdit()
        self.record.setMaxLength(40)
        self.hours = QDoubleSpinBox()
        # Any number can be typed, so 48 is refused with the rule (E.2) rather than kept
        # as the 4 the field would otherwise take of it.
        self.hours.setRange(0.0, 9_999.0)
        self.hours.setValue(24.0)
        self.hours.setToolTip("At most 24 hours after entry (E.2)")
        self.hours.setSuffix(" hours")
        self.narrative = QPlainTextEdit()
        self.narrative.setFixedHeight(64)
        form = QFormLayout()
        form.addRow("Plate", self.plate)
        form.addRow("State", self.state)
        form.addRow("Reason", self.reason)
        form.addRow("SPD case number", self.case)
        form.addRow("or subject XREF", self.xref)
        if not special:
            form.addRow("CLETS/NCIC system", self.system)
            form.addRow("CLETS/NCIC record no.", self.record)
        form.addRow("Expires after", self.hours)
        form.addRow("Narrative", self.narrative)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Submit for approval" if special else "Enter hot plate")
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def value(self) -> HotPlateInput:
        return HotPlateInput(
            plate=self.plate.text(), state=self.state.text() or None,
            reason=self.reason.currentData(), case_number=self.case.text() or None,
            xref=self.xref.text() or None,
            ncic_system=None if self._special else (self.system.currentData() or None),
            ncic_record=None if self._special else (self.record.text() or None),
            expires_in_hours=self.hours.value(), narrative=self.narrative.toPlainText() or None)

    @Slot()
    def _on_save_clicked(self) -> None:
        service = hotlists.propose_special if self._special else hotlists.add_hot_plate
        self.submit(self.save_button, service, self.value())
