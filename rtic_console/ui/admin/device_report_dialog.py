"""Reporting a device damaged or inoperable (B.2), for anyone signed in: what is wrong, and
what the order asks for that kind of device. The ALPR administrators are alerted at once."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.device_reports import REMINDER, ReportInput
from rtic_console.domain.devices import DeviceKind
from rtic_console.services import device_reports, devices
from rtic_console.services.devices import DeviceView
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.saving_dialog import SavingDialog
from rtic_console.ui.widgets import describe_error


class DeviceReportDialog(SavingDialog):
    """For the device given, or one chosen from the fleet."""

    def __init__(self, session: ConsoleSession, device: DeviceView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle("Report a damaged or inoperable device")
        self.setMinimumWidth(720)
        reminder = QLabel(REMINDER)
        reminder.setObjectName("warningText")
        reminder.setWordWrap(True)
        self.device = QComboBox()
        self.device.currentIndexChanged.connect(self._on_device_changed)
        self.problem = QPlainTextEdit()
        self.problem.setPlaceholderText("What is wrong: what you saw, since when")
        self.problem.setFixedHeight(80)
        self.vandalism = QCheckBox("Vandalism")
        self.vandalism.toggled.connect(self._on_device_changed)
        self.crime_report = QLineEdit()
        self.crime_report.setPlaceholderText("crime report number (B.2.c)")
        self.mdc_request = QPlainTextEdit()
        self.mdc_request.setPlaceholderText("MDC repair request number and the malfunction "
                                            "details (B.2.b(1))")
        self.mdc_request.setFixedHeight(60)
        self.trailer_secured = QCheckBox("Returned to a secured location (B.2.b(2))")
        self.trailer_secured.setToolTip("A damaged or vandalized trailer is returned to the "
                                        "police facility by a trained officer.")
        form = QFormLayout()
        form.addRow("Device", self.device)
        form.addRow("What is wrong", self.problem)
        form.addRow("", self.vandalism)
        form.addRow("Crime report", self.crime_report)
        form.addRow("MDC repair request", self.mdc_request)
        form.addRow("Trailer", self.trailer_secured)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setText("Report")
        buttons.accepted.connect(self._on_send_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(reminder)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if device is not None:
            self._on_devices_loaded([device])
            self.device.setEnabled(False)
        else:
            session.query(devices.list_devices, owner=self, on_done=self._on_devices_loaded,
                          on_error=lambda e: self.message.show_error(describe_error(e)))

    def _on_devices_loaded(self, views: list[DeviceView]) -> None:
        self.device.clear()
        for v in views:
            self.device.addItem(f"{v.code} · {v.name} ({v.kind_title}, {v.state_title.lower()})",
                                v)
        self._on_device_changed()

    @Slot()
    def _on_device_changed(self) -> None:
        chosen: DeviceView | None = self.device.currentData()
        kind = chosen.kind if chosen else None
        self.mdc_request.setEnabled(kind is DeviceKind.ALPR_MOBILE)
        self.trailer_secured.setEnabled(kind is DeviceKind.TRAILER)
        self.crime_report.setEnabled(self.vandalism.isChecked())

    def value(self) -> ReportInput:
        chosen: DeviceView | None = self.device.currentData()
        kind = chosen.kind if chosen else None
        return ReportInput(
            self.problem.toPlainText(), self.vandalism.isChecked(),
            self.crime_report.text() if self.vandalism.isChecked() else None,
            self.mdc_request.toPlainText() if kind is DeviceKind.ALPR_MOBILE else None,
            kind is DeviceKind.TRAILER and self.trailer_secured.isChecked())

    @Slot()
    def _on_send_clicked(self) -> None:
        chosen: DeviceView | None = self.device.currentData()
        if chosen is None:
            self.message.show_error("Choose the device.")
            return
        self.submit(self.send_button, device_reports.report_device, chosen.code, self.value())
