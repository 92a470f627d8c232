"""Dialogs made as small as their window allows keep every wrapped line of their text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from rtic_console.config import Settings
from rtic_console.ui.first_run_dialog import DatabaseSetupDialog, FirstAdminDialog
from rtic_console.ui.sign_in_dialog import SignInDialog
from rtic_console.ui.theme import Theme, apply_theme

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


def _crushed(window: QWidget) -> list[str]:
    """Wrapped labels shown shorter than their text needs at their width."""
    return [label.text()[:40] for label in window.findChildren(QLabel)
            if label.isVisible() and label.wordWrap() and label.text()
            and label.height() < label.heightForWidth(label.width())]


@pytest.mark.parametrize("build", [_sign_in, _database_setup, _first_admin])
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
    assert window.height() > window.minimumSizeHint().height()  # the floor rose with the text
    qtbot.waitUntil(lambda: not _crushed(window), timeout=2000)
