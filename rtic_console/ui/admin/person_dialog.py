"""Add or edit one person on the roster, and reset a password."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import roster
from rtic_console.services.roster import PersonView
from rtic_console.ui.admin.person_form import PersonForm
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.saving_dialog import SavingDialog
from rtic_console.ui.widgets import PasswordEdit


class PersonDialog(SavingDialog):
    """Add when person is None; edit otherwise. Validation and rules live in the service."""

    def __init__(self, session: ConsoleSession, person: PersonView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._person = person
        self.setWindowTitle(f"Edit {person.badge} {person.name}" if person else "Add a person")
        self.setMinimumWidth(520)
        self.form = PersonForm(with_password=person is None)
        if person:
            self.form.load(person)
        else:
            self.form.active.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    @Slot()
    def _on_save_clicked(self) -> None:
        data = self.form.value()
        if self._person is not None:
            self.submit(self.save_button, roster.update_person, self._person.badge, data)
        elif problem := self.form.password_problem():
            self.message.show_error(problem)
        else:
            self.submit(self.save_button, roster.add_person, data, self.form.password.text())


class PasswordResetDialog(SavingDialog):
    def __init__(self, session: ConsoleSession, person: PersonView,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._person = person
        self.setWindowTitle(f"Reset password for {person.badge} {person.name}")
        self.password = PasswordEdit()
        self.again = PasswordEdit()
        for edit in (self.password, self.again):
            edit.setMaxLength(256)
        form = QFormLayout()
        form.addRow("New password", self.password)
        form.addRow("Repeat it", self.again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self._on_ok_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    @Slot()
    def _on_ok_clicked(self) -> None:
        if self.password.text() != self.again.text():
            self.message.show_error("The two passwords differ.")
            return
        self.submit(self.ok_button, roster.reset_password, self._person.badge,
                    self.password.text())
