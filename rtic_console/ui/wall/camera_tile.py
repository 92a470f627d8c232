"""One wall tile: paints its camera's newest frame and says plainly when and why it is dark."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QMimeData, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QHideEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from rtic_console.domain.devices import CATEGORY_TITLES, DeviceCategory
from rtic_console.domain.stream_urls import SecretUrl
from rtic_console.feeds.display_fit import DisplayFit
from rtic_console.feeds.video_capture import CaptureWorker, FrameMeta, StreamState, StreamStatus
from rtic_console.ui.wall.tile_painting import (
    CAPTION_MARGIN,
    CachedCaption,
    Draw,
    Placement,
    SharedCaptions,
    draw_bar,
    draw_message,
)

CAMERA_MIME = "application/x-rtic-camera-id"
DECODE_SCALE = 0.8
# The title bar above the picture. Opaque, not laid over it: a new frame then repaints only
# the picture (a blit), where captions over the video had to be blended again at 15 fps.
TITLE_HEIGHT = 22
BACKGROUND, TITLE_BACKGROUND = QColor("#0b1220"), QColor("#111827")
TITLE, STAMP, HINT, DIM = QColor("#f9fafb"), QColor("#e5e7eb"), QColor("#6b7280"), QColor("#9ca3af")
DARK_REASON, STREAM_REASON = QColor("#fca5a5"), QColor("#fde68a")
OUT_OF_SERVICE = QColor("#f87171")
STATE_COLORS = {
    StreamState.LIVE: QColor("#22c55e"), StreamState.STALE: QColor("#f59e0b"),
    StreamState.CONNECTING: QColor("#60a5fa"), StreamState.RECONNECTING: QColor("#60a5fa"),
    StreamState.OFFLINE: QColor("#ef4444"), StreamState.PAUSED: QColor("#9ca3af"),
    StreamState.STOPPED: QColor("#9ca3af"),
}


RGB32 = QImage.Format.Format_RGB32  # the frames' layout (display_fit), looked up once

# The title bars' clocks (the time of the last frame), shared by every tile of the process
# (GUI thread only): tiles of one size show the same second, so each second's caption is drawn
# once, not 16 times.
CLOCKS = SharedCaptions()


def _clock(epoch_s: int) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch_s))


@dataclass(frozen=True)
class TileCamera:
    """What a tile needs to know of its camera; `url` is whole but prints redacted."""

    device_id: int
    code: str
    name: str
    category: DeviceCategory
    url: SecretUrl | None
    out_of_service: str = ""  # "damaged" or "out of service" (B.2); empty when in service


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
        self._meta: FrameMeta | None = None
        self._seq = 0
        self._painted_seq = 0
        self.frames_painted = 0
        self.last_frame_wall: float | None = None
        self.frame_ages_ms: list[float] = []  # age of each frame when painted, if record_ages
        self.record_ages = False
        self._shown_state: tuple[object, str] | None = None
        self._shown_status: StreamStatus | None = None  # the status object last looked at
        self._slot_seen = -1  # the worker's slot_changes when its slot was last looked at
        self._fit = DisplayFit()
        self._place: Placement | None = None  # where the frame goes, for its size and the tile's
        self._caption_font = self._small_font()
        self._caption_font_key = self._caption_font.key()
        self._clock_width = self._clock_width_for(self._caption_font)
        self._header, self._message = CachedCaption(), CachedCaption()
        self._clock = CachedCaption(CLOCKS)  # the same clock on every tile: drawn once
        self._overlay_inputs: tuple[object, ...] = ()
        self._message_shown = False  # a caption over the picture, repainted with each frame
        self._overlay: list[tuple[CachedCaption, int, int, int, int, Hashable,
                                  Callable[[], Draw]]] = []
        # Opaque: Qt need not clear what paintEvent covers anyway, 15 times a second.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
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
        self._follow_size()
        self.worker.display = self._fit  # after the worker's mask, if it has one
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
        self._frame = self._meta = None
        self._seq = self._painted_seq = 0
        self.last_frame_wall = None
        self._shown_state = self._shown_status = None
        self._slot_seen = -1
        self._place = None
        self.update()
        return worker

    def picture_rect(self) -> QRect:
        """Where frames go: the tile below its title bar (all of it while it has no camera)."""
        top = 0 if self.camera is None else TITLE_HEIGHT
        return QRect(0, top, self.width(), max(1, self.height() - top))

    def _follow_size(self) -> None:
        """The frames' fit box and their decode size, both from the picture's size."""
        area = self.picture_rect()
        self._fit.size = (area.width(), area.height())
        if self.worker is not None:
            self.worker.target_size = self._decode_size(area)

    @staticmethod
    def _decode_size(area: QRect) -> tuple[int, int]:
        """Decode at up to 1.25x below the picture's size: a slight upscale looks the same on
        a wall tile and lets a 640x360 stream decode at half size, four times fewer pixels."""
        return (max(1, int(area.width() * DECODE_SCALE)),
                max(1, int(area.height() * DECODE_SCALE)))

    def poll(self) -> None:
        """Take the worker's newest frame if it is new; stale frames are never queued.

        Called 25 times a second for every tile: a tile whose worker has neither a new
        frame nor a new status returns after two attribute reads."""
        worker = self.worker
        if worker is None:
            return
        status, changes = worker.status, worker.slot_changes
        if changes == self._slot_seen and status is self._shown_status:
            return
        self._shown_status, self._slot_seen = status, changes
        latest = worker.latest()
        if latest is not None:
            frame, meta = latest
            if meta.seq != self._seq:
                self._seq = meta.seq
                self._frame, self._meta = frame, meta
                height, width = frame.shape[:2]
                same_second = self._image is not None and self.last_frame_wall is not None \
                    and int(self.last_frame_wall) == int(meta.captured_wall)
                self._image = QImage(frame.data, width, height, frame.strides[0], RGB32)
                place = self._place
                if same_second and place is not None and place.image_size == (width, height):
                    # Only the picture changed: the title bar and the margins stay as
                    # painted (paintEvent paints what the region asks).
                    self.update(place.target)
                else:
                    self.update()
                self.last_frame_wall = meta.captured_wall
        elif self._image is not None:
            self._image = None  # the worker dropped its frame (a donor feed gone dark)
            self.update()
        if (status.state, status.reason) != self._shown_state:
            self._shown_state = (status.state, status.reason)
            self.update()

    def state_text(self) -> tuple[str, QColor]:
        if self.dark_reason:
            return "DARK", DIM
        if self.camera is not None and self.camera.out_of_service:
            return self.camera.out_of_service.upper(), OUT_OF_SERVICE
        if self.worker is None:
            return "", DIM
        state = self.worker.status.state
        return state.value.upper(), STATE_COLORS.get(state, DIM)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Every pixel is painted here (the tile is opaque): the frame as is, with no scaling
        once the capture thread has fitted it, the margins around it, then the captions. A
        new frame's own update is its picture only: a blit, and a message over it if any."""
        painter = QPainter(self)
        region = event.rect()
        image = None if self.dark_reason else self._image
        picture_only = False
        if image is None:
            painter.fillRect(self.picture_rect(), BACKGROUND)
        else:
            place = self._place
            if place is None or place.image_size != (image.width(), image.height()):
                place = self._place = Placement.of(image.width(), image.height(),
                                                   self.picture_rect())
            picture_only = place.target.contains(region)
            if not picture_only:
                for margin in place.margins:
                    painter.fillRect(margin, BACKGROUND)
            if place.fitted:
                painter.drawImage(place.corner, image)  # a blit
            else:
                painter.drawImage(place.target, image)  # until the next frame fits the new size
            if self._painted_seq != self._seq:
                self._painted_seq = self._seq
                self.frames_painted += 1
                if self.record_ages and self._meta is not None:
                    self.frame_ages_ms.append(
                        (time.monotonic() - self._meta.captured_monotonic) * 1000)
        if not picture_only or self._message_shown:
            self._paint_captions(painter, region.top(), region.bottom())
        painter.end()

    def _paint_captions(self, painter: QPainter, top: int, bottom: int) -> None:
        """The captions from `top` to `bottom`. What they say is worked out again only when
        what it depends on has changed (the camera, the worker's status, a dark reason, the
        first frame, the size), so painting them is only blits."""
        status = self.worker.status if self.worker is not None else None
        inputs = (self.camera, self.dark_reason, status, self._image is None, self.width(),
                  self.height(), self.devicePixelRatioF(), self._caption_font_key)
        if inputs != self._overlay_inputs:
            self._overlay_inputs, self._overlay = inputs, self._caption_parts()
            self._message_shown = any(part[0] is self._message for part in self._overlay)
        for caption, x, y, width, height, key, make_draw in self._overlay:
            if y <= bottom and top < y + height:
                caption.paint(painter, x, y, width, height, inputs[6], key, make_draw)
        if self.camera is not None and top < TITLE_HEIGHT:
            self._paint_clock(painter, inputs[4], inputs[6])

    def _paint_clock(self, painter: QPainter, width: int, ratio: float) -> None:
        """The time of the last frame, at the right of the title bar; it changes once a
        second, and every tile of a width draws the same (CLOCKS)."""
        second = None if self.last_frame_wall is None or self.dark_reason \
            else int(self.last_frame_wall)
        font, clock_width = self._caption_font, self._clock_width
        self._clock.paint(
            painter, width - clock_width, 0, clock_width, TITLE_HEIGHT, ratio,
            (second, self._caption_font_key),
            lambda: draw_bar(font, TITLE_BACKGROUND, None,
                             None if second is None else (_clock(second), STAMP)))

    def _caption_parts(self) -> list[tuple[CachedCaption, int, int, int, int, Hashable,
                                           Callable[[], Draw]]]:
        """The title bar (but its clock) and the message: each caption, where it goes, its
        key and drawing."""
        width, height, font = self.width(), self.height(), self._caption_font
        if self.camera is None:
            return [(self._message, 0, 0, width, height, "",
                     lambda: draw_message(font, "Drag a camera here", HINT))]
        camera = self.camera
        label, color = self.state_text()
        parts: list[tuple[CachedCaption, int, int, int, int, Hashable, Callable[[], Draw]]] = [
            (self._header, 0, 0, max(1, width - self._clock_width), TITLE_HEIGHT,
             (camera, label, color.rgba()),
             lambda: draw_bar(font, TITLE_BACKGROUND,
                              (f"{camera.code} · {camera.name} · "
                               f"{CATEGORY_TITLES[camera.category]}", TITLE),
                              (f"● {label}", color)))]
        why = self.dark_reason or self._worker_reason()
        if why:
            tint = DARK_REASON if self.dark_reason else STREAM_REASON
            box = self.picture_rect().adjusted(12, 4, -12, -4)
            parts.append((self._message, box.left(), box.top(), box.width(), box.height(),
                          (why, tint.rgba()), lambda: draw_message(font, why, tint)))
        return parts

    def _worker_reason(self) -> str:
        if self.worker is None:
            return ""
        status = self.worker.status
        if status.state in (StreamState.OFFLINE, StreamState.RECONNECTING, StreamState.STALE):
            return f"{status.state.value.capitalize()}: {status.reason}"
        if status.state is StreamState.CONNECTING and self._image is None:
            return "Connecting…"
        return ""

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSize(9)
        return font

    @staticmethod
    def _clock_width_for(font: QFont) -> int:
        return QFontMetrics(font).horizontalAdvance("00:00:00") + 2 * CAPTION_MARGIN + 2

    def changeEvent(self, event: QEvent) -> None:
        if event.type() is QEvent.Type.FontChange:
            self._caption_font = self._small_font()
            self._caption_font_key = self._caption_font.key()
            self._clock_width = self._clock_width_for(self._caption_font)
            for caption in (self._header, self._clock, self._message):
                caption.clear()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._place = None
        self._follow_size()
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
