"""A desktop notification for an operator whose console is not in front: the system tray's
message where there is a tray, the taskbar flash where there is none."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QWidget

logger = logging.getLogger(__name__)

TRAY, FLASH = "tray", "flash"
SHOWN_MS = 15000


class DesktopNotifier:
    """Made once per main window; the tray icon exists only while a tray does."""

    def __init__(self, window: QWidget) -> None:
        self._window = window
        self._tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = window.windowIcon()
            if icon.isNull():  # a tray icon must have one to be shown
                icon = window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self._tray = QSystemTrayIcon(icon, window)
            self._tray.setToolTip("RTIC Console")
            self._tray.messageClicked.connect(self._on_tray_message_clicked)
            self._tray.show()

    def notify(self, title: str, text: str) -> str:
        """Shows the notice; says how (TRAY or FLASH). The flash happens either way, so the
        taskbar still marks the console after the message fades."""
        QApplication.alert(self._window)
        if self._tray is None:
            return FLASH
        self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, SHOWN_MS)
        return TRAY

    def _on_tray_message_clicked(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()
