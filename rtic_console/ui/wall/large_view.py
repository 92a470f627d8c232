"""One camera large, on its main stream, with the same donor terms applied."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from rtic_console.feeds.video_capture import CaptureWorker
from rtic_console.services.viewing import TileGrant
from rtic_console.ui.wall.camera_tile import CameraTile, TileCamera


def toggle_full_screen_keys(window: QWidget) -> None:
    """F11 turns `window` full screen and back; Esc leaves full screen, and otherwise
    closes a dialog (closed, not only hidden as QDialog's own Esc leaves it, so its stream
    ends)."""
    def toggle() -> None:
        if window.isFullScreen():
            window.showNormal()
        else:
            window.showFullScreen()

    def leave() -> None:
        if window.isFullScreen():
            window.showNormal()
        elif isinstance(window, QDialog):
            window.close()

    for key, slot in ((Qt.Key.Key_F11, toggle), (Qt.Key.Key_Escape, leave)):
        shortcut = QShortcut(QKeySequence(key), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)


class LargeViewDialog(QDialog):
    playback_requested = Signal()

    def __init__(self, camera: TileCamera, grant: TileGrant,
                 make_worker: Callable[[TileCamera, TileGrant], CaptureWorker],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera_id = camera.device_id
        self.setWindowTitle(f"{camera.code} · {camera.name}")
        self.resize(1024, 600)
        self.tile = CameraTile(0)
        self.tile.setAcceptDrops(False)
        self.playback_button = QPushButton("Play back recording…")
        self.playback_button.clicked.connect(self.playback_requested)
        self.full_screen_button = QPushButton("Full screen")
        self.full_screen_button.setToolTip("This camera alone on the screen (F11 or Esc to "
                                           "leave)")
        self.full_screen_button.clicked.connect(self.showFullScreen)
        toggle_full_screen_keys(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.playback_button, 1)
        buttons.addWidget(self.full_screen_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tile, 1)
        layout.addLayout(buttons)
        self.tile.show_camera(camera, lambda: make_worker(camera, grant))
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self.tile.poll)
        self._timer.start()
        if grant.until is not None:
            remaining = (grant.until - datetime.now(UTC)).total_seconds()
            QTimer.singleShot(int(max(0.0, min(remaining, 6 * 3600)) * 1000), self.close)

    def add_controls(self, strip: QWidget) -> None:
        """A strip under the picture: the PTZ controls (`ptz_controls.offer_ptz`)."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, strip)

    def release(self) -> CaptureWorker | None:
        """The picture stopped and its stream asked to end; the worker, for a caller that
        waits for it (the wall shutting down), or None when there was none."""
        self._timer.stop()
        worker = self.tile.clear()
        if worker is not None:
            worker.request_stop()  # it ends within its read timeout
        return worker

    def closeEvent(self, event: QCloseEvent) -> None:
        self.release()  # the GUI does not wait for the stream's end
        super().closeEvent(event)
