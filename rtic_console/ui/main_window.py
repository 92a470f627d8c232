"""The main window: a layout of the work areas the signed-in person's roles allow."""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from rtic_console import __version__
from rtic_console.domain.personnel import sorted_roles
from rtic_console.domain.roles import ROLE_TITLES, Permission
from rtic_console.services.station_proof import describe_station
from rtic_console.ui.admin.device_report_dialog import DeviceReportDialog
from rtic_console.ui.alert_banner import AlertBanner
from rtic_console.ui.area_links import link_alerts, link_areas
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.shift_check_dialog import ShiftCheckDialog
from rtic_console.ui.work_areas import areas_for
from rtic_console.ui.workstation_settings import workstation_settings

SETTINGS_GROUP = "mainWindow"


class MainWindow(QMainWindow):
    sign_out_requested = Signal()
    closed = Signal()

    def __init__(self, session: ConsoleSession, demo_note: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        actor = session.ctx.actor
        self._title = f"RTIC Console — {actor.badge} {actor.name}"
        self.setWindowTitle(self._title)
        self.setObjectName("mainWindow")
        self.resize(1280, 800)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("workAreas")
        self.areas: dict[str, QWidget] = {}
        self._area_titles: dict[str, str] = {}
        for area in areas_for(session):
            self._area_titles[area.key] = area.title
            widget = area.build(session)
            widget.setObjectName(f"area_{area.key}")
            self.areas[area.key] = widget
            self.tabs.addTab(widget, area.title)
        link_areas(self.areas, self.tabs.setCurrentWidget)
        for key in ("inbox", "hits"):  # the areas that count what waits for this person
            area = self.areas.get(key)
            if area is not None:
                area.waiting_changed.connect(
                    lambda waiting, key=key: self._show_area_count(key, waiting))

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if session.demo:
            self.demo_banner = QLabel(
                "DEMO DATA — simulated people, devices and reads; not for operational use."
                + (f"  {demo_note}" if demo_note else ""))
            self.demo_banner.setObjectName("demoBanner")
            self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(self.demo_banner)
        self.alert_banner = AlertBanner(session)
        link_alerts(self.alert_banner, self.areas, self.tabs.setCurrentWidget)
        layout.addWidget(self.alert_banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self.user_label = QLabel(
            f"Signed in: {actor.badge} {actor.name} "
            f"({', '.join(ROLE_TITLES[r] for r in sorted_roles(actor.roles))})")
        station = session.ctx.station
        self.workstation_label = QLabel(
            f"Workstation {station.name}" if station and station.enrolled
            else f"⚠ Workstation {session.ctx.settings.workstation} not enrolled")
        self.workstation_label.setObjectName("workstationState")
        self.workstation_label.setProperty(
            "state", "enrolled" if station and station.enrolled else "unenrolled")
        self.workstation_label.setToolTip(describe_station(station) if station else "")
        self.db_label = QLabel(f"Database: {session.db.display}")
        self.connection_label = QLabel()
        self.connection_label.setObjectName("connectionState")
        bar = self.statusBar()
        bar.addWidget(self.user_label, 1)
        bar.addPermanentWidget(self.workstation_label)
        bar.addPermanentWidget(self.db_label)
        bar.addPermanentWidget(self.connection_label)
        self.show_connection(True, "")
        self._restore_layout()

    def _show_area_count(self, key: str, waiting: int) -> None:
        """An area's badge, "Inbox (3)": the decisions waiting for this person, the hits no
        one has claimed; the hits' count also leads the window title, seen in the taskbar."""
        title = self._area_titles[key]
        self.tabs.setTabText(self.tabs.indexOf(self.areas[key]),
                             f"{title} ({waiting})" if waiting else title)
        if key == "hits":
            self.setWindowTitle(f"({waiting}) {self._title}" if waiting else self._title)

    def _build_menus(self) -> None:
        console = self.menuBar().addMenu("&Console")
        report = QAction("&Report a damaged device…", self)
        report.triggered.connect(self._on_report_device_triggered)
        console.addAction(report)
        if self.session.may(Permission.RECORD_SHIFT_CHECK):
            check = QAction("Start-of-&shift check…", self)
            check.triggered.connect(self._on_shift_check_triggered)
            console.addAction(check)
        console.addSeparator()
        sign_out = QAction("Sign &out", self)
        sign_out.setShortcut(QKeySequence("Ctrl+Shift+Q"))
        sign_out.triggered.connect(self.sign_out_requested)
        console.addAction(sign_out)
        quit_action = QAction("&Quit", self)
        # Ctrl+Q everywhere: the platform's "Quit" binding is empty on Windows and offscreen.
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        console.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About RTIC Console", self)
        about.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about)

    @Slot(bool, str)
    def show_connection(self, online: bool, message: str) -> None:
        self.connection_label.setProperty("state", "online" if online else "offline")
        self.connection_label.setText(
            "● Connected" if online else "● Database unreachable — reconnecting")
        self.connection_label.setToolTip(message)
        self.connection_label.style().unpolish(self.connection_label)
        self.connection_label.style().polish(self.connection_label)
        if not online:
            self.statusBar().showMessage(
                "The database connection dropped. Changes are refused until it is back; "
                "the console reconnects by itself.", 15000)

    @Slot()
    def _on_report_device_triggered(self) -> None:
        """B.2: anyone signed in reports a device, whatever areas they see."""
        DeviceReportDialog(self.session, None, self).exec()

    @Slot()
    def _on_shift_check_triggered(self) -> None:
        """D.3.b-d: the officer who drives a unit signs its check before the shift."""
        dialog = ShiftCheckDialog(self.session, self)
        if dialog.exec() and dialog.saved:
            self.statusBar().showMessage(
                f"Start-of-shift check of unit {dialog.saved.vehicle_unit} signed"
                + (": failed, damage report opened" if dialog.saved.failed else "."), 15000)

    @Slot()
    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self, "About RTIC Console",
            f"RTIC Console {__version__}\nALPR and Public Safety Camera Network operations "
            "under Sacramento Police Department General Order 525.08.")

    def _restore_layout(self) -> None:
        settings = workstation_settings()
        settings.beginGroup(SETTINGS_GROUP)
        geometry = settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("state")
        if state is not None:
            self.restoreState(state)
        keys = list(self.areas)
        tab = settings.value("tab")
        if isinstance(tab, str) and tab in keys:
            self.tabs.setCurrentIndex(keys.index(tab))
        settings.endGroup()

    def save_layout(self) -> None:
        settings = workstation_settings()
        settings.beginGroup(SETTINGS_GROUP)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        keys = list(self.areas)
        if keys and 0 <= self.tabs.currentIndex() < len(keys):
            settings.setValue("tab", keys[self.tabs.currentIndex()])
        settings.endGroup()
        settings.sync()

    def shutdown(self) -> list[threading.Thread]:
        """Stop every screen's work now: timers, and the areas' own threads (the wall's
        streams), which are asked to stop and returned while they finish."""
        for timer in self.findChildren(QTimer):
            timer.stop()
        ending: list[threading.Thread] = []
        for area in self.areas.values():
            if isinstance(area, StoppableArea):
                ending += area.shutdown()
        return ending

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        super().closeEvent(event)
        self.closed.emit()


@runtime_checkable
class StoppableArea(Protocol):
    """An area with work of its own that must stop before the person leaves."""

    def shutdown(self) -> list[threading.Thread]: ...
