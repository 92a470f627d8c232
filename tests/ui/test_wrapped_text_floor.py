"""Dialogs made as small as their window allows keep every wrapped line of their text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QWidget

from rtic_console.config import Settings
from rtic_console.ui.admin.person_dialog import PersonDialog
from rtic_console.ui.first_run_dialog import DatabaseSetupDialog, FirstAdminDialog
from rtic_console.ui.sign_in_dialog import SignInDialog
from rtic_console.ui.theme import Theme, apply_theme
from rtic_console.ui.wall.purpose_dialog import PurposeDialog

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _sign_in(f: pytest.FixtureRequest) -> QWidget:
    return SignInDialog(f.getfixturevalue("db"), f.getfixturevalue("settings"),
                        f.getfixturevalue("runner"))


def _database_setup(f: pytest.FixtureRequest) -> QWidget:
    return DatabaseSetupDialog(Settings(workstation="WS-NEW"),
                               f.getfixturevalue("tmp_path") / "settings.toml",
                               f.getfixturevalue("runner"))


def _first_admin(f: pytest.FixtureRequest) -> QWidget:
    return FirstAdminDialog(f.getfixturevalue("db"), f.getfixturevalue("settings"),
                            f.getfixturevalue("runner"))


def _add_person(f: pytest.FixtureRequest) -> QWidget:
    session = f.getfixturevalue("console_session")(f.getfixturevalue("admin"))
    return PersonDialog(session)


def _purpose(_f: pytest.FixtureRequest) -> QWidget:
    return PurposeDialog()


def _crushed(window: QWidget) -> list[str]:
    """Shown widgets shorter than they need: wrapped text at its width, anything else
    (the first administrator's grid of role boxes) at its least size."""
    def need(widget: QWidget) -> int:
        if widget.hasHeightForWidth():
            return widget.heightForWidth(widget.width())
        return widget.minimumSizeHint().height()
    return [f"{type(w).__name__} {w.objectName()}" for w in window.findChildren(QWidget)
            if w.isVisible() and w.height() < need(w)]


# The sign-in dialog, every dialog that saves (`OffThreadSaveDialog`, here three), and the
# other dialogs with wrapped text (here the viewing purpose's).
@pytest.mark.parametrize("build", [_sign_in, _database_setup, _first_admin, _add_person,
                                   _purpose])
def test_a_dialog_at_its_smallest_keeps_its_wrapped_text_whole(
        qtbot, qapp, db, request: pytest.FixtureRequest,
        build: Callable[[pytest.FixtureRequest], QWidget]) -> None:
    apply_theme(qapp, Theme.DARK)
    window = build(request)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(window.minimumWidth(), 1)
    qtbot.waitUntil(lambda: window.height() == window.minimumHeight(), timeout=2000)
    qtbot.waitUntil(lambda: not _crushed(window), timeout=2000)
