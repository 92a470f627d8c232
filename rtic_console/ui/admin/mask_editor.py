"""Draws a donor agreement's privacy-mask polygons (G.3.c), over one unmasked frame of its
camera when the donors service allows it (an ALPR administrator, a saved agreement, its hours
and workstations, a stated reason; audited), or over a blank frame."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rtic_console.feeds.mask_frame import fetch_mask_frame
from rtic_console.services.cameras import CameraView
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import MessageLine, describe_error

Point = tuple[float, float]
Polygon = tuple[Point, ...]
MASK_FILL = QColor(0, 0, 0, 170)
MASK_EDGE = QColor("#facc15")
DRAFT_EDGE = QColor("#22d3ee")
UNSAVED_NOTE = ("Save the agreement first: an unmasked frame is shown only under a saved "
                "agreement's terms (G.2). Points can still be placed on the blank 16:9 frame.")
FRAME_NOTE = ("An unmasked donor frame is shown only here, to ALPR administrators, within the "
              "agreement's hours and on its workstations, for a stated reason. The view is "
              "audited; the frame is held in memory only and never stored (G.1).")


def frame_image(frame: np.ndarray) -> QImage:
    """A QImage that owns its pixels, so the array may go."""
    return QImage(frame.data, frame.shape[1], frame.shape[0], frame.strides[0],
                  QImage.Format.Format_BGR888).copy()


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
    any one of them can be the backdrop. `agreement_id` is None for an agreement not yet
    saved: then there is no frame, only the blank canvas."""

    def __init__(self, session: ConsoleSession, cameras: list[CameraView],
                 polygons: tuple[Polygon, ...], agreement_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session, self._agreement_id = session, agreement_id
        self.setWindowTitle("Privacy masks (G.3.c)")
        self.resize(960, 720)
        intro = QLabel("Click to place the corners of an area the donor does not allow to be "
                       "seen; double-click or right-click to close it. Masked areas are black "
                       "on every frame before it reaches a screen.")
        intro.setWordWrap(True)
        self.camera_combo = QComboBox()
        for camera in cameras:
            self.camera_combo.addItem(f"{camera.code} · {camera.name}", camera.id)
        self._cameras = {c.id: c for c in cameras}
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why the unmasked frame is needed")
        self.reason.setMaxLength(300)
        self.reason.textChanged.connect(self._update_grab_button)
        self.grab_button = QPushButton("Show unmasked frame")
        self.grab_button.setAutoDefault(False)
        self.grab_button.clicked.connect(self._on_grab_clicked)
        top = QHBoxLayout()
        top.addWidget(QLabel("Frame from"))
        top.addWidget(self.camera_combo, 1)
        top.addWidget(QLabel("Reason"))
        top.addWidget(self.reason, 1)
        top.addWidget(self.grab_button)
        self.frame_note = QLabel(FRAME_NOTE)
        self.frame_note.setObjectName("footnote")
        self.frame_note.setWordWrap(True)
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
        layout.addWidget(self.frame_note)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(tools)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._on_canvas_polygons_changed()
        self._busy = False
        if agreement_id is None:
            self.canvas.set_image(None, UNSAVED_NOTE)
        elif not cameras:
            self.canvas.set_image(None, "Choose the agreement's cameras first to draw over a "
                                        "frame.")
        else:
            self.canvas.set_image(None, "State a reason, then Show unmasked frame, or draw on "
                                        "the blank frame.")
        self._update_grab_button()

    def polygons(self) -> tuple[Polygon, ...]:
        return tuple(self.canvas.polygons)

    @Slot()
    def _update_grab_button(self) -> None:
        self.grab_button.setEnabled(not self._busy and self._agreement_id is not None
                                    and bool(self._cameras) and bool(self.reason.text().strip()))

    @Slot()
    def _on_grab_clicked(self) -> None:
        camera = self._cameras.get(self.camera_combo.currentData())
        agreement_id = self._agreement_id
        if camera is None or agreement_id is None:
            return
        self._busy = True
        self._update_grab_button()
        self.canvas.set_image(self.canvas.image, f"Connecting to {camera.code}…")
        db, ctx, reason = self._session.db, self._session.ctx, self.reason.text()
        self._session.runner.background(
            lambda: frame_image(fetch_mask_frame(db, ctx, agreement_id, camera.id, reason)),
            self._on_frame_grabbed,
            lambda error: self._on_frame_refused(camera, error), owner=self)

    def _on_frame_grabbed(self, image: QImage) -> None:
        self._busy = False
        self._update_grab_button()
        self.canvas.set_image(image)
        self.message.clear_message()

    def _on_frame_refused(self, camera: CameraView, error: BaseException) -> None:
        self._busy = False
        self._update_grab_button()
        self.canvas.set_image(None, f"{camera.code}: {describe_error(error)}")

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
