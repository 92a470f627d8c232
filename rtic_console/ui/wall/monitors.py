"""The monitors a wall can be on: a Qt screen as a layout remembers it, and back."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from rtic_console.services.wall_layouts import Monitor


def monitor_of(screen: QScreen) -> Monitor:
    """As `person_settings.screen_key` keys the main window: the name and the place."""
    g = screen.geometry()
    return Monitor(screen.name()[:100] or "screen", g.x(), g.y(), g.width(), g.height())


def screen_for(monitor: Monitor) -> QScreen | None:
    """The connected screen that is that monitor: same name and place, or else the same
    name (the desktop was rearranged); None when it is not connected now."""
    screens = QGuiApplication.screens()
    same = [s for s in screens if s.name() == monitor.name]
    return next((s for s in same if monitor_of(s) == monitor), same[0] if same else None)


def show_on(window: QWidget, screen: QScreen | None) -> None:
    """A wall window full screen on `screen`; with none, a window on the console's monitor."""
    if screen is None:
        window.resize(1280, 760)
        window.show()
        return
    window.setGeometry(screen.availableGeometry())
    window.winId()  # the native window exists, so it can be given its screen
    handle = window.windowHandle()
    if handle is not None:
        handle.setScreen(screen)
    window.showFullScreen()
