"""Draws a donor agreement's privacy-mask polygons (G.3.c) over a live frame of its camera."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rtic_console.feeds.video_capture import StreamError, VideoSource
from rtic_console.services.cameras import CameraView
from rtic_console.ui.admin.camera_dialog import audited_stream_read
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import MessageLine

Point = tuple[float, float]
Polygon = tuple[Point, ...]
MASK_FILL = QColor(0, 0, 0, 170)
MASK_EDGE = QColor("#facc15")
DRAFT_EDGE = QColor("#22d3ee")
FRAME_PURPOSE = "privacy mask drawing; frame held in memory only, never stored (G.1)"
GRAB_TRIES = 10


def grab_frame(url: str) -> tuple[bool, dict[str, object], QImage | None]:
    """Off the GUI thread: one decoded frame as a QImage that owns its pixels."""
    try:
        source = VideoSource.open(url, open_timeout_s=5, read_timeout_s=5)
    except StreamError as exc:
        return False, {"reason": exc.reason, "purpose": FRAME_PURPOSE}, None
    try:
        for _ in range(GRAB_TRIES):
            read = source.read()
            if read is not None:
                frame, (width, height), _arrived = read
                image = QImage(frame.data, frame.shape[1], frame.shape[0], frame.strides[0],
                               QImage.Format.Format_BGR888).copy()
                return True, {"width": width, "height": height, "purpose": FRAME_PURPOSE}, image
    except StreamError as exc:
        return False, {"reason": exc.reason, "purpose": FRAME_PURPOSE}, None
    finally:
        source.release()
    return False, {"reason": f"no frame decoded in {GRAB_TRIES} tries",
                   "purpose": FRAME_PURPOSE}, None


class MaskCanvas(QWidget):
    """Click to place points, double-click (or Close polygon) to close one. Points are kept
    as fractions of the frame (0..1, top left origin), so masks fit every resolution."""

    polygons_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.polygons: list[Polygon] = []
        self.draft: list[Point] = []
        self.note = "No frame yet: points can still be placed on the blank 16:9 frame."
        self.setMinimumSize(480, 270)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setObjectName("maskCanvas")

    def sizeHint(self) -> QSize:
        return QSize(800, 450)

    def frame_rect(self) -> QRect:
        """Where the frame is drawn: as large as fits, aspect kept, centred."""
        size = self.image.size() if self.image is not None else QSize(16, 9)
        scaled = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        rect = QRect(0, 0, scaled.width(), scaled.height())
        rect.moveCenter(self.rect().center())
        return rect

    def to_frame(self, pos: QPointF) -> Point | None:
        rect = self.frame_rect()
        x = (pos.x() - rect.x()) / max(1, rect.width())
        y = (pos.y() - rect.y()) / max(1, rect.height())
        if not (0 <= x <= 1 and 0 <= y <= 1):
            return None
        return (round(x, 4), round(y, 4))

    def to_widget(self, point: Point) -> QPointF:
        rect = self.frame_rect()
        return QPointF(rect.x() + point[0] * rect.width(), rect.y() + point[1] * rect.height())

    def set_image(self, image: QImage | None, note: str = "") -> None:
        self.image, self.note = image, note
        self.update()

    def set_polygons(self, polygons: tuple[Polygon, ...] | list[Polygon]) -> None:
        self.polygons = [tuple((float(x), float(y)) for x, y in p) for p in polygons]
        self.draft = []
        self._changed()

    def close_polygon(self) -> bool:
        if len(self.draft) < 3:
            return False
        self.polygons.append(tuple(self.draft))
        self.draft = []
        self._changed()
        return True

    def undo(self) -> None:
        """The last point placed; with no polygon in progress, the last closed polygon."""
        if self.draft:
            self.draft.pop()
        elif self.polygons:
            self.polygons.pop()
        self._changed()

    def clear(self) -> None:
        self.polygons, self.draft = [], []
        self._changed()

    def _changed(self) -> None:
        self.update()
        self.polygons_changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            point = self.to_frame(event.position())
            if point is not None:
                self.draft.append(point)
                self._changed()
        elif event.button() == Qt.MouseButton.RightButton:
            self.close_polygon()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # The first click of a double-click already placed its point.
        if event.button() == Qt.MouseButton.LeftButton:
            self.close_polygon()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#0b1220"))
        rect = self.frame_rect()
        if self.image is not None:
            painter.drawImage(rect, self.image)
        else:
            painter.fillRect(rect, QColor("#374151"))
        if self.note:
            painter.setPen(QColor("#e5e7eb"))
            painter.drawText(QRectF(rect.adjusted(12, 8, -12, -8)),
                             Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter
                             | Qt.TextFlag.TextWordWrap, self.note)
        painter.setClipRect(rect)
        for number, polygon in enumerate(self.polygons, 1):
            shape = QPolygonF([self.to_widget(p) for p in polygon])
            painter.setPen(QPen(MASK_EDGE, 2))
            painter.setBrush(MASK_FILL)
            painter.drawPolygon(shape)
            painter.drawText(shape.boundingRect(), Qt.AlignmentFlag.AlignCenter, f"Mask {number}")
        if self.draft:
            painter.setPen(QPen(DRAFT_EDGE, 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            points = [self.to_widget(p) for p in self.draft]
            painter.drawPolyline(QPolygonF(points))
            if len(points) >= 3:  # where closing it would run
                painter.setPen(QPen(DRAFT_EDGE, 1, Qt.PenStyle.DotLine))
                painter.drawLine(points[-1], points[0])
            painter.setBrush(DRAFT_EDGE)
            for index, point in enumerate(points):
                painter.drawEllipse(point, 5 if index == 0 else 3.5, 5 if index == 0 else 3.5)
        painter.end()


class MaskEditorDialog(QDialog):
    """The masks belong to the agreement and apply to every camera it covers; the frame of
    any one of them can be the backdrop."""

    def __init__(self, session: ConsoleSession, cameras: list[CameraView],
                 polygons: tuple[Polygon, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.setWindowTitle("Privacy masks (G.3.c)")
        self.resize(960, 700)
        intro = QLabel("Click to place the corners of an area the donor does not allow to be "
                       "seen; double-click or right-click to close it. Masked areas are black "
                       "on every frame before it reaches a screen.")
        intro.setWordWrap(True)
        self.camera_combo = QComboBox()
        for camera in cameras:
            self.camera_combo.addItem(f"{camera.code} · {camera.name}", camera.id)
        self._cameras = {c.id: c for c in cameras}
        self.grab_button = QPushButton("Grab live frame")
        self.grab_button.setAutoDefault(False)
        self.grab_button.clicked.connect(self._on_grab_clicked)
        top = QHBoxLayout()
        top.addWidget(QLabel("Frame from"))
        top.addWidget(self.camera_combo, 1)
        top.addWidget(self.grab_button)
        self.canvas = MaskCanvas()
        self.canvas.set_polygons(polygons)
        self.canvas.polygons_changed.connect(self._on_canvas_polygons_changed)
        self.close_button = QPushButton("Close polygon")
        self.undo_button = QPushButton("Undo")
        self.clear_button = QPushButton("Clear all")
        self.close_button.clicked.connect(self._on_close_polygon_clicked)
        self.undo_button.clicked.connect(self.canvas.undo)
        self.clear_button.clicked.connect(self.canvas.clear)
        self.count = QLabel()
        tools = QHBoxLayout()
        for button in (self.close_button, self.undo_button, self.clear_button):
            button.setAutoDefault(False)  # Enter accepts the masks, never clears them
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.count)
        self.message = MessageLine()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Use these masks")
        buttons.accepted.connect(self._on_ok_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(tools)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._on_canvas_polygons_changed()
        if cameras:
            self._on_grab_clicked()
        else:
            self.grab_button.setEnabled(False)
            self.canvas.set_image(None, "Choose the agreement's cameras first to draw over a "
                                        "live frame.")

    def polygons(self) -> tuple[Polygon, ...]:
        return tuple(self.canvas.polygons)

    @Slot()
    def _on_grab_clicked(self) -> None:
        camera = self._cameras.get(self.camera_combo.currentData())
        if camera is None:
            return
        if not camera.stream_url:
            self.canvas.set_image(None, f"{camera.code} has no stream URL.")
            return
        self.grab_button.setEnabled(False)
        self.canvas.set_image(self.canvas.image, f"Connecting to {camera.code}…")
        audited_stream_read(self._session, camera.stream_url, grab_frame, self,
                            lambda ok, outcome, image: self._on_frame_grabbed(
                                camera, ok, outcome, image))

    def _on_frame_grabbed(self, camera: CameraView, ok: bool, outcome: dict[str, object],
                          image: QImage | None) -> None:
        self.grab_button.setEnabled(True)
        if ok and image is not None:
            self.canvas.set_image(image)
            self.message.clear_message()
        else:
            self.canvas.set_image(None, f"No frame from {camera.code}: {outcome.get('reason')}")

    @Slot()
    def _on_canvas_polygons_changed(self) -> None:
        masks, drafted = len(self.canvas.polygons), len(self.canvas.draft)
        self.count.setText(f"{masks} mask{'s' if masks != 1 else ''}"
                           + (f" · {drafted} point{'s' if drafted != 1 else ''} placed"
                              if drafted else ""))
        self.close_button.setEnabled(drafted >= 3)

    @Slot()
    def _on_close_polygon_clicked(self) -> None:
        self.canvas.close_polygon()

    @Slot()
    def _on_ok_clicked(self) -> None:
        if self.canvas.draft:
            self.message.show_error("Close or undo the polygon in progress first.")
            return
        self.accept()
