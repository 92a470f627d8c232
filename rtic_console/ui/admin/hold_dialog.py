"""Place an evidence hold for a case: a read, a hit, a plate's reads in a time range, or a
camera's recordings in a time range (C.1, F.5)."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import evidence_holds
from rtic_console.services.evidence_holds import HoldRequest, HoldView
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.saving_dialog import SavingDialog

TARGETS = (("detection", "One read"), ("hit", "One hit and its read"),
           ("plate", "Every read of a plate in a time range"),
           ("camera", "A camera's recordings in a time range"))


class HoldDialog(SavingDialog):
    """The service judges the request (the case, the reason, that the records exist); a
    refusal shows under the form and nothing is held."""

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle("Place an evidence hold")
        self.setMinimumWidth(520)
        self.case_number = QLineEdit()
        self.case_number.setMaxLength(40)
        self.case_number.setPlaceholderText("case number, e.g. 26-004512")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why the data must outlive retention")
        self.target = QComboBox()
        for key, title in TARGETS:
            self.target.addItem(title, key)
        self.record_id = QSpinBox()
        self.record_id.setRange(1, 2_000_000_000)
        self.plate = QLineEdit()
        self.plate.setMaxLength(12)
        self.plate.setPlaceholderText("e.g. 7ABC123")
        self.camera = QLineEdit()
        self.camera.setPlaceholderText("camera code, e.g. CAM-AG-01")
        now = QDateTime.currentDateTime()
        self.start, self.end = QDateTimeEdit(now.addDays(-7)), QDateTimeEdit(now)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.what = QStackedWidget()
        for widget in (self.record_id, self.plate, self.camera):
            self.what.addWidget(widget)
        self.target.currentIndexChanged.connect(self._on_target_changed)
        form = QFormLayout()
        form.addRow("Case number", self.case_number)
        form.addRow("Reason", self.reason)
        form.addRow("Hold", self.target)
        form.addRow("Which", self.what)
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        self._form = form
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.place_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.place_button.setText("Place hold")
        buttons.accepted.connect(self._on_place_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._on_target_changed()

    @Slot()
    def _on_target_changed(self) -> None:
        key = self.target.currentData()
        self.what.setCurrentIndex({"detection": 0, "hit": 0, "plate": 1, "camera": 2}[key])
        label = self._form.labelForField(self.what)
        if isinstance(label, QLabel):
            label.setText({"detection": "Read #", "hit": "Hit #", "plate": "Plate",
                           "camera": "Camera"}[key])
        ranged = key in ("plate", "camera")
        for edit in (self.start, self.end):
            self._form.setRowVisible(edit, ranged)

    def request(self) -> HoldRequest:
        key = self.target.currentData()
        ranged = key in ("plate", "camera")
        return HoldRequest(
            self.case_number.text(), self.reason.text(),
            detection_id=self.record_id.value() if key == "detection" else None,
            hit_id=self.record_id.value() if key == "hit" else None,
            plate=self.plate.text() if key == "plate" else None,
            camera=self.camera.text() if key == "camera" else None,
            start=self.start.dateTime().toPython().astimezone() if ranged else None,
            end=self.end.dateTime().toPython().astimezone() if ranged else None)

    @Slot()
    def _on_place_clicked(self) -> None:
        self.submit(self.place_button, evidence_holds.place_hold, self.request())

    @property
    def placed(self) -> HoldView | None:
        return self.saved  # type: ignore[no-any-return]
