"""Add or edit one voluntary registry entry: who owns the camera, where it is, what it is (H.1)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.registry_rules import LIMITS
from rtic_console.services import registry
from rtic_console.services.registry import EntryInput, EntryView
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.saving_dialog import SavingDialog

# Suggestions only: owners describe their equipment in their own words.
EQUIPMENT_TYPES = ("doorbell camera", "fixed camera", "PTZ camera", "camera system (NVR/DVR)",
                   "LPR-capable camera", "dash or vehicle camera")


def degrees(value: float) -> str:
    """Decimal degrees as stored, without float noise or exponent: the form reads it back."""
    return f"{value:.12f}".rstrip("0").rstrip(".")


class RegistryEntryDialog(SavingDialog):
    """Add when entry is None, edit otherwise; the registry rules judge the fields and the
    refusal, naming the field, shows under the form."""

    def __init__(self, session: ConsoleSession, entry: EntryView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._entry = entry
        self.setWindowTitle(f"Edit registry entry #{entry.id}" if entry
                            else "Add a registered camera")
        self.setMinimumWidth(560)
        self.owner_name, self.contact, self.address = QLineEdit(), QLineEdit(), QLineEdit()
        self.latitude, self.longitude = QLineEdit(), QLineEdit()
        for edit, field in ((self.owner_name, "owner_name"), (self.contact, "contact"),
                            (self.address, "address")):
            edit.setMaxLength(LIMITS[field])
        self.owner_name.setPlaceholderText("owner, business or contact person")
        self.contact.setPlaceholderText("phone, e-mail or how to reach them")
        self.address.setPlaceholderText("street address")
        self.latitude.setPlaceholderText("e.g. 38.5770")
        self.longitude.setPlaceholderText("e.g. -121.4850")
        place = QHBoxLayout()
        place.addWidget(QLabel("Latitude"))
        place.addWidget(self.latitude, 1)
        place.addSpacing(8)
        place.addWidget(QLabel("Longitude"))
        place.addWidget(self.longitude, 1)
        self.equipment_type = QComboBox()
        self.equipment_type.setEditable(True)
        self.equipment_type.addItems(EQUIPMENT_TYPES)
        self.equipment_type.setCurrentText("")
        self.equipment_type.lineEdit().setMaxLength(LIMITS["equipment_type"])
        self.equipment_type.lineEdit().setPlaceholderText("choose or type")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("What the camera sees, how to ask for footage, hours…")
        self.notes.setMaximumHeight(90)
        form = QFormLayout()
        form.addRow("Owner or contact name", self.owner_name)
        form.addRow("Contact", self.contact)
        form.addRow("Address", self.address)
        form.addRow("Location", place)
        form.addRow("Type of equipment", self.equipment_type)
        form.addRow("Notes", self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if entry is not None:
            self._load(entry)

    def _load(self, entry: EntryView) -> None:
        self.owner_name.setText(entry.owner_name)
        self.contact.setText(entry.contact)
        self.address.setText(entry.address)
        self.latitude.setText(degrees(entry.latitude))
        self.longitude.setText(degrees(entry.longitude))
        self.equipment_type.setCurrentText(entry.equipment_type)
        self.notes.setPlainText(entry.notes)

    def entry_input(self) -> EntryInput:
        return EntryInput(
            owner_name=self.owner_name.text(), contact=self.contact.text(),
            address=self.address.text(), latitude=self.latitude.text(),
            longitude=self.longitude.text(), equipment_type=self.equipment_type.currentText(),
            notes=self.notes.toPlainText())

    @Slot()
    def _on_save_clicked(self) -> None:
        item = self.entry_input()
        if self._entry is None:
            self.submit(self.save_button, registry.add_entry, item)
        else:
            self.submit(self.save_button, registry.edit_entry, self._entry.id, item)
