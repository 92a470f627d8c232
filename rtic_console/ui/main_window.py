"""The main window: a layout of the work areas the signed-in person's roles allow."""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rtic_console import __version__
from rtic_console.domain.personnel import sorted_roles
from rtic_console.domain.roles import ROLE_TITLES, Permission
from rtic_console.domain.workspaces import start_area
from rtic_console.services.station_proof import describe_station
from rtic_console.ui.admin.device_report_dialog import DeviceReportDialog
from rtic_console.ui.alert_banner import AlertBanner
from rtic_console.ui.area_links import link_alerts, link_area
from rtic_console.ui.area_nav import AreaNavigation
from rtic_console.ui.area_stack import AreaStack, LazyAreas
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.display_preferences import DisplayPreferences
from rtic_console.ui.hits.claims_handover import ClaimsHandover
from rtic_console.ui.person_settings import PersonSettings, SavedLayout
from rtic_console.ui.shift_check_dialog import ShiftCheckDialog
from rtic_console.ui.theme import THEME_TITLES, Theme
from rtic_console.ui.work_areas import Workspace, areas_for


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

        self.person = PersonSettings(actor.badge)
        self.display = DisplayPreferences(self.person, self)
        self.display.apply()
        # Before signing out or quitting: the hits this person holds (the guide's handover).
        self.handover = ClaimsHandover(session, self)
        self._leaving = False  # the person chose to go: closing asks nothing more
        permitted = areas_for(session)
        self.stack = AreaStack(session, permitted)
        self.stack.setObjectName("workAreas")
        self.nav = AreaNavigation(permitted)
        self.areas = LazyAreas(self.stack)  # looking an area up builds it
        self._workspace_areas = {w: [a.key for a in permitted if a.workspace is w]
                                 for w in Workspace}
        self._last_in_workspace: dict[Workspace, str] = {}
        self._workspace_of = {a.key: a.workspace for a in permitted}
        self._saved = self.person.load_layout(
            self.person.last_screen(QGuiApplication.screens()) or self.screen())
        self.stack.built.connect(self._on_area_built)
        self.stack.area_shown.connect(self._on_area_shown)
        self.nav.area_chosen.connect(self.show_area)
        for area in permitted:
            if area.eager:
                self.stack.area(area.key)

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
        link_alerts(self.alert_banner, self.stack)
        layout.addWidget(self.alert_banner)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout.addLayout(body, 1)
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

    # -- areas ------------------------------------------------------------------------
    def set_area_count(self, key: str, count: int) -> None:
        """The area's badge in the navigation: how much waits there ("Inbox (3)": the
        decisions waiting for this person, "Hit queue (2)": the hits no one has claimed);
        the hits' count also leads the window title, seen in the taskbar."""
        self.nav.set_count(key, count)
        if key == "hits":
            self.setWindowTitle(f"({count}) {self._title}" if count else self._title)

    @Slot(str)
    def show_area(self, key: str) -> QWidget:
        """Open one of the person's areas (built on its first visit)."""
        return self.stack.show_area(key)

    def current_area(self) -> QWidget | None:
        key = self.stack.current_key()
        return self.stack.built_areas.get(key) if key else None

    def current_area_key(self) -> str | None:
        return self.stack.current_key()

    def _show_area_and_focus(self, key: str) -> None:
        """From the keyboard: open the area and put the focus on its first control."""
        area = self.show_area(key)
        current = area.focusWidget()
        if current is not None and current.isVisibleTo(self):
            current.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        widget = area.nextInFocusChain()
        while widget is not area and widget is not None:
            if (area.isAncestorOf(widget) and widget.isVisibleTo(self) and widget.isEnabled()
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
            widget = widget.nextInFocusChain()

    def show_workspace(self, workspace: Workspace) -> None:
        """Ctrl+1..5: the workspace's area last used, else its first."""
        keys = self._workspace_areas[workspace]
        if keys:
            self._show_area_and_focus(self._last_in_workspace.get(workspace, keys[0]))

    def step_area(self, step: int) -> None:
        """Ctrl+PgDn / Ctrl+PgUp: the next or previous area in the navigation's order."""
        keys = self.nav.keys()
        current = self.stack.current_key()
        index = keys.index(current) if current in keys else 0
        self._show_area_and_focus(keys[(index + step) % len(keys)])

    @Slot(str, QWidget)
    def _on_area_built(self, key: str, widget: QWidget) -> None:
        link_area(key, widget, self.stack)
        if key in ("inbox", "hits"):  # the areas that count what waits for this person
            widget.waiting_changed.connect(
                lambda waiting, key=key: self.set_area_count(key, waiting))
        if key == "account":
            widget.offer_display(self.display)
        states = self._saved.splitters.get(key, [])
        for splitter, state in zip(self._splitters_of(widget), states, strict=False):
            splitter.restoreState(state)

    @Slot(str)
    def _on_area_shown(self, key: str) -> None:
        self.nav.select(key)
        self._last_in_workspace[self._workspace_of[key]] = key

    @staticmethod
    def _splitters_of(area: QWidget) -> list[QSplitter]:
        return area.findChildren(QSplitter)

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
        sign_out.triggered.connect(self._on_sign_out_triggered)
        console.addAction(sign_out)
        quit_action = QAction("&Quit", self)
        # Ctrl+Q everywhere: the platform's "Quit" binding is empty on Windows and offscreen.
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        console.addAction(quit_action)
        # Both from any window of the console (a large view on another monitor), not only
        # this one; a modal dialog still holds them until it is answered.
        for action in (sign_out, quit_action):
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self._build_view_menu(self.menuBar().addMenu("&View"))
        self._build_go_menu(self.menuBar().addMenu("&Go"))
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About RTIC Console", self)
        about.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about)

    def _build_view_menu(self, view: QMenu) -> None:
        """Theme and text size, remembered for this person (night shifts, tired eyes)."""
        themes = view.addMenu("&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[Theme, QAction] = {}
        for theme in Theme:
            action = QAction(THEME_TITLES[theme], self, checkable=True)
            action.setChecked(theme is self.display.theme)
            action.triggered.connect(lambda _c=False, t=theme: self.display.set_theme(t))
            group.addAction(action)
            themes.addAction(action)
            self.theme_actions[theme] = action
        view.addSeparator()
        self.navigation_action = QAction("Show the &list of areas", self, checkable=True)
        self.navigation_action.setChecked(self._saved.navigation)
        self.navigation_action.toggled.connect(self.nav.setVisible)
        view.addAction(self.navigation_action)
        view.addSeparator()
        for title, keys, slot in (
                ("&Larger text", ("Ctrl+=", "Ctrl++"), self.display.larger),
                ("&Smaller text", ("Ctrl+-",), self.display.smaller),
                ("&Normal text size", ("Ctrl+0",), self.display.reset_text)):
            action = QAction(title, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(slot)
            view.addAction(action)
            self.addAction(action)  # works with the menu bar hidden too

    def _build_go_menu(self, go: QMenu) -> None:
        """Workspaces on Ctrl+1..5, areas on Ctrl+PgUp/PgDn (Ctrl+Tab is the checklist's)."""
        for number, workspace in enumerate(Workspace, start=1):
            action = QAction(f"{workspace.value} workspace", self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setEnabled(bool(self._workspace_areas[workspace]))
            action.triggered.connect(lambda _c=False, w=workspace: self.show_workspace(w))
            go.addAction(action)
            self.addAction(action)
        go.addSeparator()
        for title, key, step in (("&Next area", "Ctrl+PgDown", 1),
                                 ("&Previous area", "Ctrl+PgUp", -1)):
            action = QAction(title, self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _c=False, s=step: self.step_area(s))
            go.addAction(action)
            self.addAction(action)

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
        """This person's layout on this monitor; a first visit opens where their role works."""
        saved = self._saved
        self.nav.setVisible(saved.navigation)
        if saved.geometry is not None:
            self.restoreGeometry(saved.geometry)
        elif self.screen() is not None:  # a first visit fills the monitor it opens on
            self.setGeometry(self.screen().availableGeometry())
        if saved.state is not None:
            self.restoreState(saved.state)
        keys = self.nav.keys()
        key = saved.area if saved.area in keys else start_area(
            self.session.ctx.actor.roles, keys)
        if key is not None:
            self._show_area_and_focus(key)  # the keyboard starts in the area, not the list

    def save_layout(self) -> None:
        self.person.save_layout(self.screen(), SavedLayout(
            self.stack.current_key(), self.saveGeometry(), self.saveState(),
            {key: [s.saveState() for s in self._splitters_of(area)]
             for key, area in self.stack.built_areas.items()},
            self.navigation_action.isChecked()))

    def shutdown(self) -> list[threading.Thread]:
        """Stop every screen's work now: timers, and the areas' own threads (the wall's
        streams), which are asked to stop and returned while they finish."""
        for timer in self.findChildren(QTimer):
            timer.stop()
        ending: list[threading.Thread] = []
        for area in self.stack.built_areas.values():
            if isinstance(area, StoppableArea):
                ending += area.shutdown()
        return ending

    @Slot()
    def _on_sign_out_triggered(self) -> None:
        self.handover.before_leaving("sign out", self.sign_out_requested.emit)

    def close_without_asking(self) -> None:
        """From the operating system (SIGTERM): no one may be there to answer."""
        self._leaving = True
        self.close()

    def _close_now(self) -> None:
        self._leaving = True
        QTimer.singleShot(0, self, self.close)  # not inside the close being refused

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._leaving:  # Quit, Ctrl+Q or the window's close button
            event.ignore()
            self.handover.before_leaving("quit", self._close_now)
            return
        self.save_layout()
        super().closeEvent(event)
        self.closed.emit()


@runtime_checkable
class StoppableArea(Protocol):
    """An area with work of its own that must stop before the person leaves."""

    def shutdown(self) -> list[threading.Thread]: ...
