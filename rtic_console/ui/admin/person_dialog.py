"""Add or edit one person on the roster, and reset a password."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import roster
from rtic_console.services.roster import PersonView
from rtic_console.ui.admin.person_form import PersonForm
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import MessageLine, describe_error


class PersonDialog(QDialog):
    """Add when person is None; edit otherwise. Validation and rules live in the service."""

    def __init__(self, session: ConsoleSession, person: PersonView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._person = person
        self.setWindowTitle(f"Edit {person.badge} {person.name}" if person else "Add a person")
        self.setMinimumWidth(520)
        self.form = PersonForm(with_password=person is None)
        if person:
            self.form.load(person)
        else:
            self.form.active.hide()
        self.message = MessageLine()
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
        self.save_button.setEnabled(False)
        if self._person is None:
            problem = self.form.password_problem()
            if problem:
                self._on_failed(ValueError(problem))
                return
            self._session.perform(roster.add_person, data, self.form.password.text(),
                                  owner=self, on_done=self._on_saved, on_error=self._on_failed)
        else:
            self._session.perform(roster.update_person, self._person.badge, data,
                                  owner=self, on_done=self._on_saved, on_error=self._on_failed)

    def _on_saved(self, _view: PersonView) -> None:
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message.show_error(str(error) if isinstance(error, ValueError)
                                else describe_error(error))


class PasswordResetDialog(QDialog):
    def __init__(self, session: ConsoleSession, person: PersonView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session, self._person = session, person
        self.setWindowTitle(f"Reset password for {person.badge} {person.name}")
        self.password = QLineEdit()
        self.again = QLineEdit()
        for edit in (self.password, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(256)
        form = QFormLayout()
        form.addRow("New password", self.password)
        form.addRow("Repeat it", self.again)
        self.message = MessageLine()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
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
        self._session.perform(roster.reset_password, self._person.badge, self.password.text(),
                              owner=self, on_done=lambda _r: self.accept(),
                              on_error=lambda e: self.message.show_error(describe_error(e)))
