"""Every password box shows PASSWORD_SHOWN echo dots whole, even at its screen's smallest."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLineEdit, QWidget

from rtic_console.config import Settings
from rtic_console.services import roster
from rtic_console.services.runner import perform
from rtic_console.ui.account_widget import AccountWidget
from rtic_console.ui.admin.camera_dialog import CameraDialog
from rtic_console.ui.admin.person_dialog import PasswordResetDialog, PersonDialog
from rtic_console.ui.first_run_dialog import DatabaseSetupDialog, FirstAdminDialog
from rtic_console.ui.sign_in_dialog import SignInDialog
from rtic_console.ui.theme import Theme, apply_theme
from rtic_console.ui.widgets import PASSWORD_SHOWN

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

# What each case builds: the screen, and its password boxes.
Screen = tuple[QWidget, list[QLineEdit]]


def _dot_runs(image: QImage) -> list[int]:
    """The widths of the runs of columns with light ink: one run per echoed character."""
    def inked(x: int) -> bool:
        return any(QColor.fromRgb(image.pixel(x, y)).lightness() > 160
                   for y in range(image.height()))
    runs, width = [], 0
    for x in range(image.width()):
        if inked(x):
            width += 1
        elif width:
            runs.append(width)
            width = 0
    return runs + ([width] if width else [])


def _sign_in(f: pytest.FixtureRequest) -> Screen:
    dialog = SignInDialog(f.getfixturevalue("db"), f.getfixturevalue("settings"),
                          f.getfixturevalue("runner"))
    return dialog, [dialog.password]


def _database_setup(f: pytest.FixtureRequest) -> Screen:
    dialog = DatabaseSetupDialog(Settings(workstation="WS-NEW"),
                                 f.getfixturevalue("tmp_path") / "settings.toml",
                                 f.getfixturevalue("runner"))
    dialog.server.setChecked(True)
    return dialog, [dialog.password]


def _first_admin(f: pytest.FixtureRequest) -> Screen:
    dialog = FirstAdminDialog(f.getfixturevalue("db"), f.getfixturevalue("settings"),
                              f.getfixturevalue("runner"))
    return dialog, [dialog.form.password, dialog.form.password_again]


def _session(f: pytest.FixtureRequest):
    return f.getfixturevalue("console_session")(f.getfixturevalue("admin"))


def _add_person(f: pytest.FixtureRequest) -> Screen:
    dialog = PersonDialog(_session(f))
    return dialog, [dialog.form.password, dialog.form.password_again]


def _password_reset(f: pytest.FixtureRequest) -> Screen:
    session = _session(f)
    person = perform(session.db, session.ctx, roster.own_record)
    dialog = PasswordResetDialog(session, person)
    return dialog, [dialog.password, dialog.again]


def _account(f: pytest.FixtureRequest) -> Screen:
    widget = AccountWidget(_session(f))
    return widget, [widget.current, widget.new, widget.again]


def _camera_onvif(f: pytest.FixtureRequest) -> Screen:
    dialog = CameraDialog(_session(f))
    return dialog, [dialog.onvif.password]


SCREENS: dict[str, Callable[[pytest.FixtureRequest], Screen]] = {
    "sign-in": _sign_in, "database-setup": _database_setup, "first-admin": _first_admin,
    "add-person": _add_person, "password-reset": _password_reset, "account": _account,
    "camera-onvif": _camera_onvif}


@pytest.mark.parametrize("name", SCREENS)
def test_every_password_box_shows_its_dots_whole(qtbot, qapp, db, request: pytest.FixtureRequest,
                                                 name: str) -> None:
    """The guide's picture of the camera dialog showed a ten-character password with its
    first dot cut: the box, one share of its row, was narrower than the dots, so the text
    scrolled. At the screen's smallest size each box still shows PASSWORD_SHOWN whole dots
    of one width."""
    apply_theme(qapp, Theme.DARK)
    screen, boxes = SCREENS[name](request)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    screen.resize(screen.minimumSizeHint())
    qtbot.waitUntil(lambda: screen.size() == screen.minimumSizeHint().expandedTo(
        screen.minimumSize()))
    for box in boxes:
        box.setText("p" * PASSWORD_SHOWN)
        inside = box.contentsRect().adjusted(0, 2, 0, -2)
        runs = _dot_runs(box.grab(inside).toImage())
        assert len(runs) == PASSWORD_SHOWN, (box.objectName(), box.width(), runs)
        assert max(runs) - min(runs) <= 2, f"a dot is cut: {runs}"
