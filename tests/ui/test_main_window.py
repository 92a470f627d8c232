"""The main window shows only what a person's roles allow, and says when the database drops."""

from __future__ import annotations

import pytest

from rtic_console.store.database import Database
from rtic_console.ui.connection_watchdog import ConnectionWatchdog
from rtic_console.ui.main_window import MainWindow

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.policy("A.2")
@pytest.mark.parametrize("role,areas", [
    ("alpr_admin", ["hits", "recent_hits", "map", "wall", "search", "other_use", "hotlists",
                    "inbox", "dashboard", "cameras", "devices", "donors", "registry", "sharing",
                    "roster", "workstations", "inspections", "retention", "quarantine",
                    "audit", "account"]),
    ("supervisor", ["hits", "recent_hits", "map", "wall", "search", "other_use", "hotlists",
                    "inbox", "dashboard", "registry", "sharing", "inspections", "retention",
                    "audit", "account"]),
    ("division_commander", ["hits", "recent_hits", "inbox", "dashboard", "sharing", "inspections",
                            "retention", "audit", "account"]),
    ("dispatcher", ["hits", "recent_hits", "map", "hotlists", "account"]),
    ("it_staff", ["wall", "dashboard", "cameras", "devices", "inspections", "retention",
                  "quarantine", "account"]),
])
def test_areas_follow_roles(qtbot, console_session, db: Database, runner, enrol, role: str,
                            areas: list[str]) -> None:
    ctx = enrol("2201", role)
    window = MainWindow(console_session(ctx))
    qtbot.addWidget(window)
    assert list(window.areas) == areas
    assert not hasattr(window, "demo_banner")
    assert "2201" in window.user_label.text()


def test_demo_banner_and_layout_persist(qtbot, console_session, admin) -> None:
    window = MainWindow(console_session(admin, demo=True))
    qtbot.addWidget(window)
    assert "DEMO DATA" in window.demo_banner.text()
    window.resize(720, 520)
    window.tabs.setCurrentWidget(window.areas["audit"])
    window.save_layout()
    again = MainWindow(console_session(admin, demo=True))
    qtbot.addWidget(again)
    assert again.tabs.currentWidget() is again.areas["audit"]
    assert again.size().width() == 720


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
