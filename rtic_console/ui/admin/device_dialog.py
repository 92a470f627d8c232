"""Registering a device or changing its record (ALPR administrators, IT staff): kind, place
or vehicle unit, vendor, model, vendor id, versions, installed on and, once registered,
whether it is in service. The service validates and refuses; the dialog only collects."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.devices import (
    CATEGORY_TITLES,
    KIND_TITLES,
    STATE_TITLES,
    DeviceKind,
    ServiceState,
)
from rtic_console.services import devices
from rtic_console.services.devices import DeviceInput, DeviceUpdate, DeviceView
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.saving_dialog import SavingDialog


def _number(text: str, label: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{label} must be a number such as 38.5816") from None


def _day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("installed on must be a date such as 2026-03-14") from None


class DeviceDialog(SavingDialog):
    """Add when device is None; update otherwise (kind, code and category stay)."""

    def __init__(self, session: ConsoleSession, device: DeviceView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._device = device
        self.setWindowTitle(f"Device {device.code}" if device else "Register a device")
        self.setMinimumWidth(560)
        self.code = QLineEdit()
        self.code.setMaxLength(40)
        self.code.setPlaceholderText("e.g. ALPR-FX-07")
        self.kind = QComboBox()
        for kind, title in KIND_TITLES.items():
            self.kind.addItem(title, kind.value)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.category = QComboBox()
        for category, title in CATEGORY_TITLES.items():
            self.category.addItem(title, category.value)
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.vehicle_unit = QLineEdit()
        self.vehicle_unit.setMaxLength(20)
        self.latitude, self.longitude = QLineEdit(), QLineEdit()
        self.area, self.address = QLineEdit(), QLineEdit()
        self.vendor, self.model = QLineEdit(), QLineEdit()
        self.vendor_id = QLineEdit()
        self.vendor_id.setMaxLength(80)
        self.vendor_id.setPlaceholderText("as its reads carry it: camera_id, Frigate camera, …")
        self.vendor_id.setToolTip(
            "The id this device's reads and heartbeats carry, exactly as its vendor sends it "
            "(an OpenALPR or Plate Recognizer camera_id, a Frigate camera name, a Genetec "
            "VehicleID/CameraName). Reads are linked to the device by it, else by its code.")
        self.version, self.expected_version = QLineEdit(), QLineEdit()
        for edit in (self.version, self.expected_version):
            edit.setMaxLength(60)
        self.installed_on = QLineEdit()
        self.installed_on.setPlaceholderText("YYYY-MM-DD")
        self.state = QComboBox()
        for state in (ServiceState.IN_SERVICE, ServiceState.OUT_OF_SERVICE):
            self.state.addItem(STATE_TITLES[state], state.value)
        form = QFormLayout()
        form.addRow("Device code", self.code)
        form.addRow("Kind", self.kind)
        form.addRow("Category (F.1)", self.category)
        form.addRow("Name", self.name)
        form.addRow("Vehicle unit", self.vehicle_unit)
        form.addRow("Latitude", self.latitude)
        form.addRow("Longitude", self.longitude)
        form.addRow("Area", self.area)
        form.addRow("Address", self.address)
        form.addRow("Vendor", self.vendor)
        form.addRow("Model", self.model)
        form.addRow("Vendor id", self.vendor_id)
        form.addRow("Version installed", self.version)
        form.addRow("Version expected", self.expected_version)
        form.addRow("Installed on", self.installed_on)
        form.addRow("Service state", self.state)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if device is not None:
            self._load(device)
        else:
            self.state.setEnabled(False)
        self._on_kind_changed()

    def _load(self, d: DeviceView) -> None:
        self.code.setText(d.code)
        self.kind.setCurrentIndex(self.kind.findData(d.kind.value))
        self.category.setCurrentIndex(self.category.findData(d.category.value))
        for widget in (self.code, self.kind, self.category):
            widget.setEnabled(False)
        self.name.setText(d.name)
        self.vehicle_unit.setText(d.vehicle_unit or "")
        self.latitude.setText("" if d.latitude is None else f"{d.latitude:g}")
        self.longitude.setText("" if d.longitude is None else f"{d.longitude:g}")
        self.area.setText(d.area)
        self.address.setText(d.address)
        self.vendor.setText(d.vendor or "")
        self.model.setText(d.model or "")
        self.vendor_id.setText(d.vendor_id or "")
        self.version.setText(d.version or "")
        self.expected_version.setText(d.expected_version or "")
        self.installed_on.setText(d.installed_on.isoformat() if d.installed_on else "")
        if d.service_state is ServiceState.DAMAGED:
            self.state.addItem(STATE_TITLES[ServiceState.DAMAGED], ServiceState.DAMAGED.value)
            self.state.setEnabled(False)  # cleared with a note, not here (B.2)
            self.state.setToolTip("A damaged device is put back in service by clearing its "
                                  "report with a note (ALPR administrators).")
        self.state.setCurrentIndex(self.state.findData(d.service_state.value))

    @Slot()
    def _on_kind_changed(self) -> None:
        mobile = self.kind.currentData() == DeviceKind.ALPR_MOBILE.value
        self.vehicle_unit.setEnabled(mobile)
        if not mobile:
            self.vehicle_unit.clear()

    def new_device(self) -> DeviceInput:
        return DeviceInput(
            code=self.code.text(), kind=self.kind.currentData(), name=self.name.text(),
            category=self.category.currentData(), vehicle_unit=self.vehicle_unit.text(),
            latitude=_number(self.latitude.text(), "latitude"),
            longitude=_number(self.longitude.text(), "longitude"), area=self.area.text(),
            address=self.address.text(), vendor=self.vendor.text(), model=self.model.text(),
            version=self.version.text(), expected_version=self.expected_version.text(),
            installed_on=_day(self.installed_on.text()), vendor_id=self.vendor_id.text())

    def changes(self) -> DeviceUpdate:
        state = self.state.currentData()
        return DeviceUpdate(
            name=self.name.text(), vehicle_unit=self.vehicle_unit.text(),
            latitude=_number(self.latitude.text(), "latitude"),
            longitude=_number(self.longitude.text(), "longitude"), area=self.area.text(),
            address=self.address.text(), vendor=self.vendor.text(), model=self.model.text(),
            version=self.version.text(), expected_version=self.expected_version.text(),
            installed_on=_day(self.installed_on.text()), vendor_id=self.vendor_id.text(),
            service_state=None if state == ServiceState.DAMAGED.value else state)

    @Slot()
    def _on_save_clicked(self) -> None:
        self.message.clear_message()
        try:
            data = self.new_device() if self._device is None else self.changes()
        except ValueError as exc:
            self.message.show_error(str(exc))
            return
        if self._device is None:
            self.submit(self.save_button, devices.add_device, data)
        else:
            self.submit(self.save_button, devices.update_device, self._device.code, data)
