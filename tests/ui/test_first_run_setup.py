"""First run on a machine with no settings: the database choice, checked end to end, then
the first administrator, who enrols this workstation."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from rtic_console.config import Settings
from rtic_console.services.auth import roster_is_empty
from rtic_console.services.context import InputRejected
from rtic_console.services.first_run_setup import DatabaseReady
from rtic_console.services.station_proof import find_workstation
from rtic_console.store.credentials import read_secret
from rtic_console.store.database import Database
from rtic_console.store.migrations import current_revision, head_revision
from rtic_console.ui import first_run_dialog
from rtic_console.ui.first_run_dialog import DatabaseSetupDialog, FirstAdminDialog
from rtic_console.ui.operations import OperationRunner
from tests.conftest import PgTestDatabase
from tests.support import PASSWORD


@pytest.fixture
def setup_dialog(qtbot, tmp_path: Path, runner: OperationRunner) -> DatabaseSetupDialog:
    d = DatabaseSetupDialog(Settings(workstation="WS-NEW"), tmp_path / "cfg" / "settings.toml",
                            runner)
    qtbot.addWidget(d)
    d.show()
    return d


def _continue(qtbot, dialog: DatabaseSetupDialog) -> None:
    dialog.continue_button.click()
    qtbot.waitUntil(lambda: dialog.result_ready is not None
                    or dialog.continue_button.isEnabled(), timeout=60000)


@pytest.fixture
def embedded(qtbot, setup_dialog: DatabaseSetupDialog,
             tmp_path: Path) -> Iterator[DatabaseReady]:
    """The set-up dialog's choice of an embedded database, made and checked."""
    setup_dialog.file.setText(str(tmp_path / "data" / "rtic.sqlite3"))
    _continue(qtbot, setup_dialog)
    ready = setup_dialog.result_ready
    assert ready is not None, setup_dialog.message.text()
    yield ready
    ready.db.dispose()


def test_embedded_database_then_first_admin_enrols_workstation(
        qtbot, embedded: DatabaseReady, tmp_path: Path, runner: OperationRunner) -> None:
    assert embedded.roster_empty and current_revision(embedded.db) == head_revision()
    written = tomllib.loads((tmp_path / "cfg" / "settings.toml").read_text())
    assert written == {"database_url": embedded.url, "workstation": "WS-NEW"}
    settings = Settings(database_url=embedded.url, workstation="WS-NEW")
    admin = _first_admin(qtbot, embedded.db, settings, runner)
    with qtbot.waitSignal(admin.accepted, timeout=30000):
        admin.create_button.click()
    with embedded.db.read() as session:
        assert not roster_is_empty(session)
        station = find_workstation(session, "WS-NEW")
    assert station is not None and station.enrolled_by == "1001"


def _first_admin(qtbot, db: Database, settings: Settings,
                 runner: OperationRunner) -> FirstAdminDialog:
    admin = FirstAdminDialog(db, settings, runner)
    qtbot.addWidget(admin)
    form = admin.form
    form.badge.setText("1001")
    form.name.setText("Sgt. First")
    form.division.setText("RTIC")
    for training in (form.clets, form.alpr):
        training.set_value(date.today() - timedelta(days=30))
    form.password.setText(PASSWORD)
    form.password_again.setText(PASSWORD)
    return admin


def test_first_admin_kept_when_enrolment_fails_and_the_dialog_goes_on(
        qtbot, embedded: DatabaseReady, runner: OperationRunner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise InputRejected("the keyring is locked")

    monkeypatch.setattr(first_run_dialog, "enrol_this_workstation", refuse)
    settings = Settings(database_url=embedded.url, workstation="WS-NEW")
    admin = _first_admin(qtbot, embedded.db, settings, runner)
    admin.create_button.click()
    qtbot.waitUntil(admin.create_button.isEnabled, timeout=30000)
    assert admin.created is not None
    assert admin.create_button.text() == "Continue without enrolment"
    assert "not enrolled: the keyring is locked" in admin.message.text()
    with qtbot.waitSignal(admin.accepted, timeout=5000):
        admin.create_button.click()
    with embedded.db.read() as session:
        assert not roster_is_empty(session)
        assert find_workstation(session, "WS-NEW") is None


def test_a_file_that_is_not_a_database_says_what_to_do(
        qtbot, setup_dialog: DatabaseSetupDialog, tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"shopping list" * 20)
    setup_dialog.file.setText(str(junk))
    _continue(qtbot, setup_dialog)
    assert setup_dialog.result_ready is None
    assert "Choose another file" in setup_dialog.message.text()
    assert not (tmp_path / "cfg" / "settings.toml").exists()


def _server(dialog: DatabaseSetupDialog, pg: PgTestDatabase, user: str,
            port: int = 5432) -> None:
    dialog.server.setChecked(True)
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(port)
    dialog.database.setText(pg.name)
    dialog.user.setText(user)
    dialog.password.setText("the-login-password")


@pytest.mark.postgres
def test_postgres_owner_upgrades_and_password_goes_to_keyring(
        qtbot, setup_dialog: DatabaseSetupDialog, pg_database: PgTestDatabase,
        tmp_path: Path) -> None:
    _server(setup_dialog, pg_database, pg_database.owner)
    _continue(qtbot, setup_dialog)
    ready = setup_dialog.result_ready
    assert ready is not None, setup_dialog.message.text()
    try:
        assert current_revision(ready.db) == head_revision() and ready.roster_empty
        assert "password" not in (tmp_path / "cfg" / "settings.toml").read_text()
        key = f"{pg_database.owner}@127.0.0.1:5432/{pg_database.name}"
        assert read_secret(key) == "the-login-password"
    finally:
        ready.db.dispose()


@pytest.mark.postgres
def test_postgres_login_that_cannot_upgrade_names_the_owner(
        qtbot, setup_dialog: DatabaseSetupDialog, pg_database: PgTestDatabase) -> None:
    _server(setup_dialog, pg_database, pg_database.console)
    _continue(qtbot, setup_dialog)
    assert setup_dialog.result_ready is None
    text = setup_dialog.message.text()
    assert pg_database.owner in text and "Ask the database administrator" in text


@pytest.mark.postgres
def test_postgres_unreachable_says_what_to_check(
        qtbot, setup_dialog: DatabaseSetupDialog, pg_database: PgTestDatabase) -> None:
    _server(setup_dialog, pg_database, pg_database.owner, port=1)
    _continue(qtbot, setup_dialog)
    assert setup_dialog.result_ready is None
    assert "Check the server name and port" in setup_dialog.message.text()
