"""First run on an empty roster: create the first ALPR administrator, and nothing else."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from rtic_console.config import Settings
from rtic_console.domain.roles import Role
from rtic_console.services.context import Actor
from rtic_console.services.roster import create_first_admin
from rtic_console.store.database import Database
from rtic_console.ui.admin.person_form import PersonForm
from rtic_console.ui.operations import OperationRunner
from rtic_console.ui.widgets import MessageLine, describe_error


class FirstAdminDialog(QDialog):
    def __init__(self, db: Database, settings: Settings, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._settings, self._runner = db, settings, runner
        self.created: Actor | None = None
        self.setWindowTitle("RTIC Console — First run")
        self.setMinimumWidth(620)
        title = QLabel("Create the first ALPR administrator")
        title.setObjectName("dialogTitle")
        explain = QLabel(
            "This database has no roster yet. Enter the RTIC sergeant, detective or "
            "public-safety IT member who will administer it (General Order 525.08 D.2.c). "
            "They sign in next and add everyone else. Both CLETS and ALPR training must be "
            "recorded before anyone can sign in.")
        explain.setWordWrap(True)
        self.form = PersonForm(fixed_roles=frozenset({Role.ALPR_ADMIN}), with_password=True)
        self.form.active.hide()
        self.message = MessageLine()
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton("Create administrator",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_create_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (title, explain, self.form, self.message, buttons):
            layout.addWidget(w)

    @Slot()
    def _on_create_clicked(self) -> None:
        problem = self.form.password_problem()
        if problem:
            self.message.show_error(problem)
            return
        data, password = self.form.value(), self.form.password.text()
        db, settings = self._db, self._settings
        self.create_button.setEnabled(False)
        self._runner.write(lambda: create_first_admin(db, settings, data, password),
                           self._on_created, self._on_failed, owner=self)

    def _on_created(self, actor: Actor) -> None:
        self.created = actor
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        self.message.show_error(describe_error(error))
