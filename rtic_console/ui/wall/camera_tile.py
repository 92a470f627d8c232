"""One wall tile: paints its camera's newest frame and says plainly when and why it is dark."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from PySide6.QtCore import QMimeData, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QHideEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from rtic_console.domain.devices import CATEGORY_TITLES, DeviceCategory
from rtic_console.feeds.display_fit import DisplayFit, chain
from rtic_console.feeds.video_capture import CaptureWorker, StreamState

CAMERA_MIME = "application/x-rtic-camera-id"
DECODE_SCALE = 0.8
STATE_COLORS = {
    StreamState.LIVE: QColor("#22c55e"), StreamState.STALE: QColor("#f59e0b"),
    StreamState.CONNECTING: QColor("#60a5fa"), StreamState.RECONNECTING: QColor("#60a5fa"),
    StreamState.OFFLINE: QColor("#ef4444"), StreamState.PAUSED: QColor("#9ca3af"),
    StreamState.STOPPED: QColor("#9ca3af"),
}


@dataclass(frozen=True)
class TileCamera:
    """What a tile needs to know of its camera."""

    device_id: int
    code: str
    name: str
    category: DeviceCategory
    url: str


def camera_mime(device_id: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(CAMERA_MIME, str(device_id).encode())
    return mime


class CameraTile(QWidget):
    """Decoding happens in the CaptureWorker thread; the wall's timer calls poll() to paint."""

    camera_dropped = Signal(int, int)  # tile index, device id
    double_clicked = Signal(int)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.camera: TileCamera | None = None
        self.worker: CaptureWorker | None = None
        self.dark_reason = ""
        self._image: QImage | None = None
        self._frame: np.ndarray | None = None  # keeps the QImage's buffer alive
        self._seq = 0
        self.last_frame_wall: float | None = None
        self.frame_ages_ms: list[float] = []
        self.record_ages = False
        self._shown_state: tuple[object, str] | None = None
        self._fit = DisplayFit()
        self.setAcceptDrops(True)
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setObjectName("cameraTile")

    def show_camera(self, camera: TileCamera,
                    make_worker: Callable[[], CaptureWorker]) -> CaptureWorker | None:
        """Start the camera's stream; returns the worker it replaced, for the wall to join."""
        retired = self.clear()
        self.camera = camera
        self.worker = make_worker()
        self.worker.target_size = self._decode_size()
        self._fit.size = (max(1, self.width()), max(1, self.height()))
        self.worker.transform = chain(self.worker.transform, self._fit)
        self.worker.start()
        if not self.isVisible():
            self.worker.pause()
        self.update()
        return retired

    def show_dark(self, camera: TileCamera | None, reason: str) -> CaptureWorker | None:
        """No stream at all: the terms or the camera's state forbid it, and the tile says why."""
        retired = self.clear()
        self.camera = camera
        self.dark_reason = reason
        self.update()
        return retired

    def clear(self) -> CaptureWorker | None:
        """Empty the tile. The old worker is asked to stop and handed back, never joined
        here: a stalled stream may take seconds to let go, and the GUI must not wait."""
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.request_stop()
        self.camera = None
        self.dark_reason = ""
        self._image = None
        self._frame = None
        self._seq = 0
        self.last_frame_wall = None
        self._shown_state: tuple[object, str] | None = None
        self.update()
        return worker

    def _decode_size(self) -> tuple[int, int]:
        """Decode at up to 1.25x below the tile's size: a slight upscale looks the same on a
        wall tile and lets a 640x360 stream decode at half size, four times fewer pixels."""
        return (max(1, int(self.width() * DECODE_SCALE)),
                max(1, int(self.height() * DECODE_SCALE)))

    def poll(self) -> None:
        """Take the worker's newest frame if it is new; stale frames are never queued."""
        worker = self.worker
        if worker is None:
            return
        latest = worker.latest()
        if latest is not None and latest[1].seq != self._seq:
            frame, meta = latest
            self._seq = meta.seq
            height, width = frame.shape[:2]
            self._frame = frame
            self._image = QImage(frame.data, width, height, frame.strides[0],
                                 QImage.Format.Format_RGB32)
            self.last_frame_wall = meta.captured_wall
            if self.record_ages:
                self.frame_ages_ms.append((time.monotonic() - meta.captured_monotonic) * 1000)
            self.update()
        elif latest is None and self._image is not None:
            self._image = None  # the worker dropped its frame (a donor feed gone dark)
            self.update()
        status = worker.status
        if (status.state, status.reason) != self._shown_state:
            self._shown_state = (status.state, status.reason)
            self.update()

    def state_text(self) -> tuple[str, QColor]:
        if self.dark_reason:
            return "DARK", QColor("#9ca3af")
        if self.worker is None:
            return "", QColor("#9ca3af")
        status = self.worker.status
        label = status.state.value.upper()
        return label, STATE_COLORS.get(status.state, QColor("#9ca3af"))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0b1220"))
        if self._image is not None and not self.dark_reason:
            scaled = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(self.rect().center())
            if scaled == self._image.size():
                painter.drawImage(target.topLeft(), self._image)  # already fitted: a blit
            else:
                painter.drawImage(target, self._image)
        self._paint_overlay(painter)
        painter.end()

    def _paint_overlay(self, painter: QPainter) -> None:
        small = QFont(self.font())
        small.setPointSize(9)
        painter.setFont(small)
        if self.camera is None:
            painter.setPen(QColor("#6b7280"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Drag a camera here")
            return
        bar = QRect(0, 0, self.width(), 22)
        painter.fillRect(bar, QColor(0, 0, 0, 170))
        painter.setPen(QColor("#f9fafb"))
        title = f"{self.camera.code} · {self.camera.name} · {CATEGORY_TITLES[self.camera.category]}"
        painter.drawText(bar.adjusted(6, 0, -90, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
        label, color = self.state_text()
        painter.setPen(color)
        painter.drawText(bar.adjusted(0, 0, -6, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, f"● {label}")
        if self.last_frame_wall is not None and not self.dark_reason:
            stamp = datetime.fromtimestamp(self.last_frame_wall).strftime("%H:%M:%S")
            foot = QRect(0, self.height() - 20, self.width(), 20)
            painter.fillRect(foot, QColor(0, 0, 0, 150))
            painter.setPen(QColor("#e5e7eb"))
            painter.drawText(foot.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter
                             | Qt.AlignmentFlag.AlignRight, f"last frame {stamp}")
        why = self.dark_reason or self._worker_reason()
        if why:
            painter.setPen(QColor("#fca5a5") if self.dark_reason else QColor("#fde68a"))
            painter.drawText(self.rect().adjusted(12, 26, -12, -24),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, why)

    def _worker_reason(self) -> str:
        if self.worker is None:
            return ""
        status = self.worker.status
        if status.state in (StreamState.OFFLINE, StreamState.RECONNECTING, StreamState.STALE):
            return f"{status.state.value.capitalize()}: {status.reason}"
        if status.state is StreamState.CONNECTING and self._image is None:
            return "Connecting…"
        return ""

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._fit.size = (max(1, self.width()), max(1, self.height()))
        if self.worker is not None:
            self.worker.target_size = self._decode_size()
        super().resizeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if self.worker is not None:
            self.worker.resume()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        if self.worker is not None:
            self.worker.pause()  # hidden tiles stop decoding
        super().hideEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.camera is not None:
            self.double_clicked.emit(self.index)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(CAMERA_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        raw = bytes(event.mimeData().data(CAMERA_MIME).data()).decode()
        if raw.isdigit():
            self.camera_dropped.emit(self.index, int(raw))
            event.acceptProposedAction()
