"""Composition root of the desktop console: starts parts in order, stops them in reverse."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import qasync
from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from rtic_console.config import Settings
from rtic_console.services.auth import roster_is_empty, sign_in, sign_out
from rtic_console.services.context import Context
from rtic_console.services.runner import perform
from rtic_console.startup_objects import freeze_startup_objects
from rtic_console.store.bootstrap import connect
from rtic_console.store.change_listeners import ChangeListener, change_listener
from rtic_console.store.database import Database
from rtic_console.ui.change_bridge import ChangeBridge
from rtic_console.ui.connection_watchdog import ConnectionWatchdog
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.first_run_dialog import FirstAdminDialog, set_up_database
from rtic_console.ui.main_window import MainWindow
from rtic_console.ui.operations import OperationRunner
from rtic_console.ui.screen_collector import collect_on_screen_thread
from rtic_console.ui.sign_in_dialog import SignInDialog
from rtic_console.ui.theme import Theme, apply_theme
from rtic_console.ui.widgets import describe_error

logger = logging.getLogger(__name__)


def _allow_web_engine_as_root() -> None:
    """Chromium will not start its sandbox as root, and the map would not open at all."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        logger.warning("running as root: the map's web engine runs without its sandbox; "
                       "run the console as an ordinary user")
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()


def qt_application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        _allow_web_engine_as_root()
        app = QApplication(sys.argv[:1])
        app.setApplicationName("RTIC Console")
        app.setOrganizationName("RTIC")
    collect_on_screen_thread(app)
    if not app.styleSheet():
        # Dark until someone signs in: then their own theme and text size (main window).
        apply_theme(app, Theme.DARK)
    return app


class ConsoleController(QObject):
    """Sign-in, first run, the main window and sign-out, around one database."""

    finished = Signal()  # the person quit the console: clean up, then leave

    def __init__(self, db: Database, settings: Settings, *,
                 listener: ChangeListener | None = None, demo: bool = False,
                 demo_note: str = "") -> None:
        super().__init__()
        self.db, self.settings, self.demo, self.demo_note = db, settings, demo, demo_note
        self.runner = OperationRunner(self)
        self.watchdog = ConnectionWatchdog(db, self.runner, settings.db_check_seconds, self)
        self.changes = ChangeBridge(db.bus, self)
        self.listener = listener  # other processes' changes; started and stopped by the root
        self.window: MainWindow | None = None
        self.dialog: SignInDialog | FirstAdminDialog | None = None
        self._ending: list[threading.Thread] = []  # screens' threads asked to stop

    def start(self, auto_sign_in: tuple[str, str] | None = None) -> None:
        # Before any window or session exists: those are collected as usual once let go.
        freeze_startup_objects()
        self.watchdog.start()
        if auto_sign_in:
            badge, password = auto_sign_in
            db, settings = self.db, self.settings
            self.runner.write(lambda: sign_in(db, settings, badge, password),
                              self.open_main_window, self._on_start_failed)
            return
        db = self.db

        def empty() -> bool:
            with db.read() as session:
                return roster_is_empty(session)

        self.runner.read(empty, self._on_roster_checked, self._on_start_failed)

    def _on_roster_checked(self, empty: bool) -> None:
        if empty:
            dialog = FirstAdminDialog(self.db, self.settings, self.runner)
            dialog.accepted.connect(self.show_sign_in)
            dialog.rejected.connect(self.finished)
            self.dialog = dialog
            dialog.show()
        else:
            self.show_sign_in()

    @Slot()
    def show_sign_in(self) -> None:
        note = "Demo password for every demo person: rtic-demo-password" if self.demo else ""
        dialog = SignInDialog(self.db, self.settings, self.runner, note)
        dialog.signed_in.connect(self.open_main_window)
        dialog.rejected.connect(self._on_sign_in_cancelled)
        self.dialog = dialog
        dialog.show()
        logger.info("sign-in window shown on %s", self.db.display)  # installer-test waits

    @Slot()
    def _on_sign_in_cancelled(self) -> None:
        if self.window is None:
            self.finished.emit()

    @Slot(object)
    def open_main_window(self, ctx: Context) -> None:
        self.dialog = None
        session = ConsoleSession(self.db, ctx, self.runner, self.changes, self.demo)
        window = MainWindow(session, self.demo_note if self.demo else "")
        window.sign_out_requested.connect(self._on_sign_out_requested)
        window.closed.connect(self._on_window_closed)
        self.watchdog.state_changed.connect(window.show_connection)
        self.window = window
        window.show()

    @Slot()
    def _on_sign_out_requested(self) -> None:
        self._end_session(self.show_sign_in)

    @Slot()
    def _on_window_closed(self) -> None:
        """Quit, Ctrl+Q, or the window's own close button: the session ends, then the run."""
        self._end_session(self.finished.emit)

    def _end_session(self, then: Callable[[], None]) -> None:
        """Stop every screen's work and drop every view of data, then record the sign-out
        (a workstation can be handed over once the trail says so), then go on."""
        window, self.window = self.window, None
        if window is None:
            then()
            return
        window.save_layout()
        self._ending += window.shutdown()
        window.hide()
        window.deleteLater()
        db, ctx = self.db, window.session.ctx

        def not_recorded(error: BaseException) -> None:
            logger.warning("sign-out of %s not recorded: %s", ctx.actor.badge,
                           describe_error(error))
            then()

        self.runner.write(lambda: perform(db, ctx, sign_out), lambda _r: then(),
                          not_recorded)

    @Slot()
    def quit(self) -> None:
        """From the operating system (SIGTERM, Ctrl-C): as if the person chose Quit."""
        if self.window is not None:
            self.window.close_without_asking()
        else:
            self.finished.emit()

    def _on_start_failed(self, error: BaseException) -> None:
        QMessageBox.critical(None, "RTIC Console", describe_error(error))
        self.finished.emit()

    def shutdown(self, wait_s: float = 8.0) -> None:
        """Stop the console's own threads; wait a bounded time for screens' streams."""
        if self.window is not None:
            self.window.save_layout()
            self._ending += self.window.shutdown()
            self.window.deleteLater()
            self.window = None
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
        self.watchdog.stop()
        self.changes.close()
        self.runner.shutdown()
        deadline = time.monotonic() + wait_s
        for thread in self._ending:
            thread.join(max(0.0, deadline - time.monotonic()))
        left = [t.name for t in self._ending if t.is_alive()]
        if left:
            logger.warning("threads still stopping at exit: %s", ", ".join(left))


class Companion(Protocol):
    """Something the console starts in its event loop and stops before it exits."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def run_console(settings: Settings, *, demo: bool = False, demo_note: str = "",
                auto_sign_in: tuple[str, str] | None = None, db: Database | None = None,
                companion: Callable[[ChangeListener | None], Companion] | None = None,
                first_run_settings: Path | None = None) -> int:
    """Open the console and run until it is quit; returns the process exit code.

    Starts, in order: the database, the change listener, the companion (the demo's
    headless services and simulators) and the console; stops them in reverse. With
    `first_run_settings` (no settings on this machine) the set-up dialog chooses the
    database first and writes that file.
    """
    app = qt_application()
    if db is None and first_run_settings is not None:
        ready = set_up_database(settings, first_run_settings)
        if ready is None:
            return 1
        db, settings = ready.db, replace(settings, database_url=ready.url)
    if db is None:
        try:
            db = connect(settings.database_url, read_replica_url=settings.read_replica_url)
        except Exception as exc:
            QMessageBox.critical(None, "RTIC Console", f"Cannot open the database: {exc}")
            raise
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    listener = change_listener(db)
    controller = ConsoleController(db, settings, listener=listener, demo=demo,
                                   demo_note=demo_note)
    closed = asyncio.Event()
    controller.finished.connect(closed.set)
    # Qt must not end the loop before the companion and the workers have stopped.
    app.setQuitOnLastWindowClosed(False)
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: no handlers
            loop.add_signal_handler(sig, controller.quit)

    async def lifetime() -> None:
        # One coroutine for the whole run, so every task sees a running loop.
        if listener is not None:
            listener.start()
        running = companion(listener) if companion is not None else None
        try:
            if running is not None:
                await running.start()
            controller.start(auto_sign_in)
            await closed.wait()
        finally:
            controller.shutdown()
            if running is not None:
                await running.stop()
            if listener is not None:
                await loop.run_in_executor(None, listener.stop)

    try:
        with loop:
            loop.run_until_complete(lifetime())
    finally:
        # Windows and dialogs closed during the run are destroyed now, not by whoever runs
        # an event loop next.
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        asyncio.set_event_loop(None)
        db.dispose()
    return 0
