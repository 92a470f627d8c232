"""The alert banner: a damage report made on another console (another process's engine and
bus) appears at once on every console where an ALPR administrator is signed in, and stays
until one of them acknowledges it (B.2); on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rtic_console.domain.device_reports import ReportInput
from rtic_console.services.alerts import acknowledge_alert
from rtic_console.services.context import Context
from rtic_console.services.device_reports import report_device
from rtic_console.services.runner import perform
from rtic_console.store.change_listeners import change_listener
from rtic_console.store.database import Database, open_database
from rtic_console.ui.alert_banner import AlertBanner
from rtic_console.ui.main_window import MainWindow
from tests.services.fleet_support import add_fleet


@pytest.fixture
def other(db: Database, db_url: str) -> Iterator[Database]:
    """Another console's database: its own engine and bus, as another process has. This
    console hears it only through its change listener."""
    listener = change_listener(db)
    assert listener is not None
    listener.start()
    second = open_database(db_url)
    try:
        assert listener.connected.wait(5)
        yield second
    finally:
        second.dispose()
        listener.stop()


@pytest.mark.policy("B.2")
def test_a_report_from_another_console_shows_until_acknowledged(
        qtbot, console_session, db: Database, other: Database, admin: Context,
        second_admin: Context, enrol) -> None:
    add_fleet(db, admin)
    officer = enrol("6301", "officer")
    banners = [AlertBanner(console_session(ctx)) for ctx in (admin, second_admin, officer)]
    for banner in banners:
        qtbot.addWidget(banner)
    first, second, officers = banners
    qtbot.wait(200)
    assert all(b.isHidden() for b in banners)
    report = perform(other, officer, report_device, "ALPR-FX-01",
                     ReportInput("pole down after a collision"))
    qtbot.waitUntil(lambda: bool(first.alerts and second.alerts), timeout=5000)
    assert not first.isHidden() and not second.isHidden()
    assert "ALPR-FX-01 reported damaged" in first.text.text()
    assert "pole down" in first.text.text()
    qtbot.wait(300)
    assert officers.alerts == [] and officers.isHidden()
    perform(other, officer, report_device, "ALPR-TR-01",
            ReportInput("trailer tagged with paint", vandalism=True, crime_report="26-3001",
                        trailer_secured=True))
    qtbot.waitUntil(lambda: second.count.text() == "+1 more", timeout=5000)
    first.acknowledge(report.alert_id, "crew on the way")
    qtbot.waitUntil(lambda: len(second.alerts) == 1, timeout=5000)
    assert "ALPR-TR-01" in second.text.text()
    perform(other, admin, acknowledge_alert, second.alerts[0].id, "trailer towed to the yard")
    qtbot.waitUntil(lambda: not first.alerts and not second.alerts, timeout=5000)
    assert first.isHidden() and second.isHidden()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_show_opens_the_devices_tab_on_the_reported_device(qtbot, console_session,
                                                           db: Database, admin: Context,
                                                           enrol) -> None:
    add_fleet(db, admin)
    officer = enrol("6301", "officer")
    perform(db, officer, report_device, "ALPR-TR-01",
            ReportInput("hitch bent", trailer_secured=True))
    window = MainWindow(console_session(admin))
    qtbot.addWidget(window)
    banner, devices = window.alert_banner, window.areas["devices"]
    qtbot.waitUntil(lambda: bool(banner.alerts) and devices.model.rowCount() == 4,
                    timeout=5000)
    assert banner.show_button.isVisibleTo(banner)
    banner.show_button.click()
    assert window.current_area() is devices
    assert devices.selected() is not None and devices.selected().code == "ALPR-TR-01"
