"""The main window shows only what a person's roles allow, and says when the database drops."""

from __future__ import annotations

import pytest

from rtic_console.store.database import Database
from rtic_console.ui.connection_watchdog import ConnectionWatchdog
from rtic_console.ui.main_window import MainWindow

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("A.2")
@pytest.mark.parametrize("role,areas,start", [
    ("alpr_admin", ["hits", "recent_hits", "map", "wall", "search", "other_use", "registry",
                    "sharing", "inbox", "inspections", "audit", "dashboard", "roster", "devices",
                    "cameras", "donors", "hotlists", "quarantine", "workstations", "retention",
                    "account"], "hits"),
    ("supervisor", ["hits", "recent_hits", "map", "wall", "search", "other_use", "registry",
                    "sharing", "inbox", "inspections", "audit", "dashboard", "hotlists",
                    "retention", "account"], "inbox"),
    ("division_commander", ["hits", "recent_hits", "sharing", "inbox", "inspections", "audit",
                            "dashboard", "retention", "account"], "inbox"),
    ("dispatcher", ["hits", "recent_hits", "map", "hotlists", "account"], "hits"),
    ("it_staff", ["wall", "inspections", "dashboard", "devices", "cameras", "quarantine",
                  "retention", "account"], "devices"),
])
def test_the_navigation_lists_the_permitted_areas_and_opens_where_the_role_works(
        qtbot, console_session, db: Database, runner, enrol, role: str, areas: list[str],
        start: str) -> None:
    ctx = enrol("2201", role)
    window = MainWindow(console_session(ctx))
    qtbot.addWidget(window)
    assert list(window.areas) == areas
    assert window.nav.keys() == areas
    assert window.current_area_key() == start
    assert window.nav.currentItem().text().startswith(window.nav.text_of(start))
    assert not hasattr(window, "demo_banner")
    assert "2201" in window.user_label.text()


def test_areas_are_built_on_their_first_visit(qtbot, console_session, admin) -> None:
    window = MainWindow(console_session(admin))
    qtbot.addWidget(window)
    # The hit queue and the inbox signal waiting work, so they exist from the start; the
    # wall is not built, so it asks for no purpose until the person opens it.
    assert set(window.stack.built_areas) == {"hits", "inbox"}
    window.show_area("audit")
    assert "audit" in window.stack.built_areas and "wall" not in window.stack.built_areas


def test_demo_banner_and_layout_persist_per_person(qtbot, console_session, admin) -> None:
    window = MainWindow(console_session(admin, demo=True))
    qtbot.addWidget(window)
    assert "DEMO DATA" in window.demo_banner.text()
    window.resize(720, 520)
    window.show_area("audit")
    window.navigation_action.setChecked(False)  # a narrow monitor: the list hidden
    window.save_layout()
    again = MainWindow(console_session(admin, demo=True))
    qtbot.addWidget(again)
    assert again.current_area() is again.areas["audit"]
    assert again.size().width() == 720
    assert not again.nav.isVisibleTo(again) and not again.navigation_action.isChecked()


def test_the_next_person_does_not_open_in_the_previous_persons_area(
        qtbot, console_session, admin, enrol) -> None:
    sergeant = enrol("2301", "alpr_admin", "supervisor")
    first = MainWindow(console_session(sergeant))
    qtbot.addWidget(first)
    first.areas["wall"]._asked = True  # no modal purpose question in a test
    first.show_area("wall")
    first.save_layout()
    first.areas["wall"].shutdown()
    dispatcher = MainWindow(console_session(enrol("2302", "dispatcher")))
    qtbot.addWidget(dispatcher)
    assert dispatcher.current_area_key() == "hits"
    commander = MainWindow(console_session(enrol("2303", "division_commander")))
    qtbot.addWidget(commander)
    assert commander.current_area_key() == "inbox"
    assert "wall" not in commander.stack.built_areas
    admin_again = MainWindow(console_session(admin))
    qtbot.addWidget(admin_again)
    assert admin_again.current_area_key() == "hits"  # 1001 never left one: their role's


def test_workspaces_and_areas_from_the_keyboard(qtbot, console_session, admin) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window = MainWindow(console_session(admin))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # a shortcut reaches the window in front only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window, Qt.Key.Key_3, ctrl)
    assert window.current_area_key() == "inbox"
    qtbot.keyClick(window, Qt.Key.Key_PageDown, ctrl)
    assert window.current_area_key() == "inspections"
    qtbot.keyClick(window, Qt.Key.Key_4, ctrl)
    assert window.current_area_key() == "roster"
    qtbot.keyClick(window, Qt.Key.Key_PageUp, ctrl)
    assert window.current_area_key() == "dashboard"
    qtbot.keyClick(window, Qt.Key.Key_3, ctrl)  # back to the area last used there
    assert window.current_area_key() == "dashboard"
    qtbot.keyClick(window, Qt.Key.Key_1, ctrl)
    assert window.current_area_key() == "hits"
    assert window.isAncestorOf(window.focusWidget())


def test_theme_and_text_size_are_remembered_per_person(qtbot, console_session, admin,
                                                       enrol) -> None:
    from PySide6.QtWidgets import QApplication

    from rtic_console.ui.theme import COLORS, Theme, current_colors

    window = MainWindow(console_session(admin))
    qtbot.addWidget(window)
    assert window.display.theme is Theme.DARK  # the default for a 24-hour centre
    window.theme_actions[Theme.LIGHT].trigger()
    window.display.larger()
    window.display.larger()
    assert current_colors() is COLORS[Theme.LIGHT]
    assert QApplication.font().pointSize() == 12
    other = MainWindow(console_session(enrol("2401", "dispatcher")))
    qtbot.addWidget(other)
    assert other.display.theme is Theme.DARK and QApplication.font().pointSize() == 10
    assert current_colors() is COLORS[Theme.DARK]
    again = MainWindow(console_session(admin))
    qtbot.addWidget(again)
    assert again.display.theme is Theme.LIGHT and again.display.text_pt == 12
    assert again.theme_actions[Theme.LIGHT].isChecked()
    account = again.areas["account"]
    assert account.theme.currentData() == "light" and account.text_size.value() == 12


def test_an_area_badge_shows_its_count(qtbot, console_session, admin) -> None:
    window = MainWindow(console_session(admin))
    qtbot.addWidget(window)
    window.set_area_count("hits", 3)
    assert window.nav.text_of("hits") == "Hit queue (3)"
    window.set_area_count("hits", 0)
    assert window.nav.text_of("hits") == "Hit queue"


def test_lost_database_is_shown_and_writes_refused(qtbot, console_session, db: Database,
                                                   runner, admin, tmp_path) -> None:
    window = MainWindow(console_session(admin))
    qtbot.addWidget(window)
    watchdog = ConnectionWatchdog(db, runner, 0.2)
    watchdog.state_changed.connect(window.show_connection)
    # Point the engine at a folder that cannot hold a database: the next ping fails.
    from sqlalchemy import create_engine

    good_engine = db.engine
    db.engine = create_engine(f"sqlite:///{tmp_path}/missing-dir/x.db")
    try:
        watchdog.start()
        qtbot.waitUntil(lambda: "unreachable" in window.connection_label.text(), timeout=5000)
        errors: list[BaseException] = []
        runner.write(lambda: None, lambda _r: None, errors.append)
        assert errors and "nothing was saved" in str(errors[0])
        db.engine = good_engine
        qtbot.waitUntil(lambda: "Connected" in window.connection_label.text(), timeout=5000)
    finally:
        db.engine = good_engine
        watchdog.stop()


@pytest.mark.policy("G.3.f")
def test_the_status_bar_says_whether_the_workstation_is_enrolled(
        qtbot, console_session, db, settings, admin) -> None:
    from rtic_console.services.auth import sign_in
    from rtic_console.store.memory_keyring import use_memory_keyring
    from tests.support import PASSWORD

    window = MainWindow(console_session(admin))
    qtbot.addWidget(window)
    assert window.workstation_label.text() == "Workstation TEST-WS-01"
    assert window.workstation_label.property("state") == "enrolled"
    use_memory_keyring()  # the same person at a machine that is not enrolled
    elsewhere = MainWindow(console_session(sign_in(db, settings, "1001", PASSWORD)))
    qtbot.addWidget(elsewhere)
    assert "not enrolled" in elsewhere.workstation_label.text()
    assert elsewhere.workstation_label.property("state") == "unenrolled"
    assert "donor cameras never show here" in elsewhere.workstation_label.toolTip()
