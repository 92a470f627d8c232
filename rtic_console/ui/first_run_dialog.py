"""First run: on a machine with no settings, choose and check the database; on an empty
roster, create the first ALPR administrator and enrol this workstation."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rtic_console.config import Settings
from rtic_console.domain.roles import Role
from rtic_console.services.context import Actor, Context
from rtic_console.services.first_run_setup import (
    DatabaseChoice,
    DatabaseReady,
    default_choice,
    enrol_this_workstation,
    prepare_database,
    write_settings,
)
from rtic_console.services.roster import create_first_admin
from rtic_console.store.database import Database
from rtic_console.ui.admin.person_form import PersonForm
from rtic_console.ui.operations import OperationRunner
from rtic_console.ui.saving_dialog import OffThreadSaveDialog
from rtic_console.ui.widgets import PasswordEdit, describe_error

logger = logging.getLogger(__name__)


class DatabaseSetupDialog(OffThreadSaveDialog):
    """Embedded file or PostgreSQL server: tested off the UI thread, then kept in the
    settings file (the password in the OS keyring)."""

    def __init__(self, settings: Settings, settings_path: Path, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._settings, self._settings_path = settings, settings_path
        self.result_ready: DatabaseReady | None = None
        self.setWindowTitle("RTIC Console — Set up this workstation")
        self.setMinimumWidth(620)
        title = QLabel("Which database does this workstation use?")
        title.setObjectName("dialogTitle")
        explain = QLabel(
            "A single workstation keeps everything in an embedded database file on this "
            "computer. A department with several workstations shares one PostgreSQL server: "
            "the database administrator gives you its name, the database and a login.")
        explain.setWordWrap(True)
        self.embedded = QRadioButton("Embedded database on this computer")
        self.server = QRadioButton("PostgreSQL server")
        group = QButtonGroup(self)
        for button in (self.embedded, self.server):
            group.addButton(button)
        self.embedded.setChecked(True)
        self.file = QLineEdit(str(default_choice().sqlite_file))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file)
        file_row.addWidget(browse)
        self.file_box = QWidget()
        self.file_box.setLayout(file_row)
        self.host, self.database, self.user = QLineEdit(), QLineEdit("rtic"), \
            QLineEdit("rtic_console")
        self.host.setPlaceholderText("dbserver.department.local")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.password = PasswordEdit()
        self.server_box = QWidget()
        server_form = QFormLayout(self.server_box)
        for label, field in (("Server", self.host), ("Port", self.port),
                             ("Database", self.database), ("Login", self.user),
                             ("Password", self.password)):
            server_form.addRow(label, field)
        buttons = QDialogButtonBox()
        self.continue_button = buttons.addButton("Test and continue",
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_continue_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (title, explain, self.embedded, self.file_box, self.server, self.server_box,
                  self.message, buttons):
            layout.addWidget(w)
        self.embedded.toggled.connect(self._show_choice)
        self._show_choice()

    def choice(self) -> DatabaseChoice:
        if self.embedded.isChecked():
            return DatabaseChoice(sqlite_file=Path(self.file.text().strip()).expanduser())
        return DatabaseChoice(host=self.host.text().strip(), port=self.port.value(),
                              database=self.database.text().strip(),
                              user=self.user.text().strip(), password=self.password.text())

    @Slot()
    def _show_choice(self) -> None:
        self.file_box.setEnabled(self.embedded.isChecked())
        self.server_box.setEnabled(self.server.isChecked())

    @Slot()
    def _choose_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Database file", self.file.text(),
                                              "SQLite database (*.db *.sqlite3)")
        if name:
            self.file.setText(name)

    @Slot()
    def _on_continue_clicked(self) -> None:
        choice, path, settings = self.choice(), self._settings_path, self._settings

        def body() -> DatabaseReady:
            ready = prepare_database(choice)
            write_settings(path, ready.url, settings)
            return ready

        self.save(self.continue_button, body, self._on_ready)
        self.message.show_ok("Testing the connection and the schema…")

    def _on_ready(self, ready: DatabaseReady) -> None:
        self.result_ready = ready
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        super()._on_failed(error)
        self.adjustSize()  # room for a long "what to do next"


def set_up_database(settings: Settings, settings_path: Path) -> DatabaseReady | None:
    """Run the set-up dialog modally (before the console exists); None when cancelled."""
    runner = OperationRunner()
    try:
        dialog = DatabaseSetupDialog(settings, settings_path, runner)
        logger.info("first-run database set-up shown; settings go to %s", settings_path)
        dialog.exec()
        return dialog.result_ready
    finally:
        runner.shutdown()


class FirstAdminDialog(OffThreadSaveDialog):
    def __init__(self, db: Database, settings: Settings, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self._db, self._settings = db, settings
        self.created: Actor | None = None
        self.setWindowTitle("RTIC Console — First run")
        self.setMinimumWidth(620)
        title = QLabel("Create the first ALPR administrator")
        title.setObjectName("dialogTitle")
        explain = QLabel(
            "This database has no roster yet. Enter the RTIC sergeant, detective or "
            "public-safety IT member who will administer it (General Order 525.08 D.2.c). "
            "They sign in next and add everyone else. Both CLETS and ALPR training must be "
            f"recorded before anyone can sign in. This workstation is enrolled as "
            f"{settings.workstation} in their name.")
        explain.setWordWrap(True)
        self.form = PersonForm(fixed_roles=frozenset({Role.ALPR_ADMIN}), with_password=True)
        self.form.active.hide()
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
        if self.created is not None:  # enrolment failed and was explained: go on
            self.accept()
            return
        problem = self.form.password_problem()
        if problem:
            self.message.show_error(problem)
            return
        data, password = self.form.value(), self.form.password.text()
        db, settings = self._db, self._settings
        self.save(self.create_button, lambda: create_first_admin(db, settings, data, password),
                  self._on_created)

    def _on_created(self, actor: Actor) -> None:
        """The same save goes on (the button still waits): this workstation's enrolment."""
        self.created = actor
        db, ctx, name = self._db, Context(actor, self._settings), self._settings.workstation
        self._runner.write(lambda: enrol_this_workstation(db, ctx, name), self._on_saved,
                           self._on_failed, owner=self)

    def _on_failed(self, error: BaseException) -> None:
        super()._on_failed(error)
        if self.created is not None:
            self.create_button.setText("Continue without enrolment")
            self.message.show_error(
                f"The administrator was created, but this workstation is not enrolled: "
                f"{describe_error(error)} Enrol it later under Administration › Workstations "
                "(or `rtic-console workstation enrol`).")
