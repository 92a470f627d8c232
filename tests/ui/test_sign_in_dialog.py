"""Each sign-in refusal shows its own message in the dialog (A.3)."""

from __future__ import annotations

import pytest

from rtic_console.config import Settings
from rtic_console.services import roster
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.ui.sign_in_dialog import SignInDialog
from tests.support import PASSWORD

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _attempt(qtbot, dialog: SignInDialog, badge: str, password: str) -> None:
    dialog.badge.setText(badge)
    dialog.password.setText(password)
    dialog.message.clear_message()
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.message.isVisible() or dialog.context is not None,
                    timeout=10000)


@pytest.fixture
def dialog(qtbot, db: Database, settings: Settings, runner) -> SignInDialog:
    d = SignInDialog(db, settings, runner)
    qtbot.addWidget(d)
    d.show()
    return d


@pytest.mark.policy("A.3")
def test_each_refusal_has_its_own_message(qtbot, dialog: SignInDialog, db: Database,
                                          admin, enrol) -> None:
    enrol("2101", "officer", alpr=None, sign=False)
    enrol("2102", "officer", clets=None, sign=False)
    enrol("2103", "officer", sign=False)
    perform(db, admin, roster.deactivate_person, "2103")
    cases = [
        ("9999", PASSWORD, "No one with badge 9999 is on the RTIC roster."),
        ("1001", "wrong-password-x", "Wrong password for badge 1001"),
        ("2103", PASSWORD, "Badge 2103 is inactive"),
        ("2101", PASSWORD, "ALPR training is not recorded"),
        ("2102", PASSWORD, "CLETS (less-than-full-operator) training is not recorded"),
    ]
    for badge, password, expected in cases:
        _attempt(qtbot, dialog, badge, password)
        assert expected in dialog.message.text(), (badge, dialog.message.text())
        assert dialog.context is None
        assert dialog.password.text() == "", "a refused password must not linger"


def test_lockout_message(qtbot, dialog: SignInDialog, enrol) -> None:
    enrol("2104", "dispatcher", sign=False)
    for _ in range(3):
        _attempt(qtbot, dialog, "2104", "not-my-password")
    assert "now locked for 10 minutes" in dialog.message.text()
    _attempt(qtbot, dialog, "2104", PASSWORD)
    assert "locked after repeated failed sign-ins" in dialog.message.text()


def test_empty_fields_are_asked_for(qtbot, dialog: SignInDialog, admin) -> None:
    dialog.sign_in_button.click()
    assert "Enter your badge number and password" in dialog.message.text()


def test_success_emits_context(qtbot, dialog: SignInDialog, admin) -> None:
    with qtbot.waitSignal(dialog.signed_in, timeout=10000) as blocker:
        dialog.badge.setText("1001")
        dialog.password.setText(PASSWORD)
        dialog.sign_in_button.click()
    assert blocker.args[0].actor.badge == "1001"


@pytest.mark.policy("G.3.f")
def test_the_sign_in_screen_says_when_the_machine_is_not_enrolled(
        qtbot, db: Database, settings: Settings, runner, admin) -> None:
    enrolled = SignInDialog(db, settings, runner)
    qtbot.addWidget(enrolled)
    qtbot.waitUntil(lambda: "(enrolled)" in enrolled.station_label.text(), timeout=5000)
    from rtic_console.store.memory_keyring import use_memory_keyring

    use_memory_keyring()
    dialog = SignInDialog(db, settings, runner)
    qtbot.addWidget(dialog)
    dialog.resize(520, 420)
    dialog.show()
    qtbot.waitUntil(lambda: "NOT ENROLLED" in dialog.station_label.text(), timeout=5000)
    assert "donor cameras never show here" in dialog.station_label.text()
    assert dialog.station_label.objectName() == "warningText"
