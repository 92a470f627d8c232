"""Renders each main screen offscreen with demo data into PNG files for the user guide."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from rtic_console.app import qt_application
from rtic_console.config import Settings
from rtic_console.services.auth import sign_in
from rtic_console.services.demo_seed import DEMO_PASSWORD, seed_demo
from rtic_console.store.bootstrap import connect
from rtic_console.store.database import Database
from rtic_console.ui.change_bridge import ChangeBridge
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.first_run_dialog import FirstAdminDialog
from rtic_console.ui.main_window import MainWindow
from rtic_console.ui.operations import OperationRunner
from rtic_console.ui.sign_in_dialog import SignInDialog


def settle(condition: Callable[[], bool] = lambda: False, seconds: float = 1.5) -> None:
    """Let queued operations deliver their results before a picture is taken."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not condition():
        QApplication.processEvents()
        time.sleep(0.02)
    QApplication.processEvents()


def save(widget: QWidget, out: Path, name: str) -> Path:
    widget.show()
    settle()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")
    return path


def demo_database(folder: Path, settings: Settings) -> Database:
    db = connect(f"sqlite:///{folder / 'demo.db'}")
    with db.write() as session:
        seed_demo(session, date.today(), settings.workstation)
    return db


def render_all(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    qt_application()
    work = Path(tempfile.mkdtemp(prefix="rtic-shots-"))
    settings = Settings(database_url=f"sqlite:///{work / 'demo.db'}", workstation="RTIC-WS-01")
    db = demo_database(work, settings)
    runner = OperationRunner()
    shots: list[Path] = []
    try:
        empty = connect(f"sqlite:///{work / 'empty.db'}")
        first = FirstAdminDialog(empty, settings, runner)
        shots.append(save(first, out, "first-run"))
        first.close()
        empty.dispose()

        dialog = SignInDialog(db, settings, runner,
                              f"Demo password for every demo person: {DEMO_PASSWORD}")
        dialog.badge.setText("6303")
        dialog.password.setText(DEMO_PASSWORD)
        dialog.show()
        dialog.sign_in_button.click()
        settle(lambda: dialog.message.isVisible(), 5)
        shots.append(save(dialog, out, "sign-in-refused"))
        dialog.close()

        ctx = sign_in(db, settings, "4101", DEMO_PASSWORD)
        window = MainWindow(ConsoleSession(db, ctx, runner, ChangeBridge(db.bus), demo=True),
                            f"Password for every demo person: {DEMO_PASSWORD}")
        window.resize(1366, 800)
        for key in window.areas:
            window.tabs.setCurrentWidget(window.areas[key])
            shots.append(save(window, out, f"main-{key}"))
        window.close()
    finally:
        runner.shutdown()
        db.dispose()
    return shots


if __name__ == "__main__":
    render_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
