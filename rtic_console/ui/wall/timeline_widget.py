"""A timeline of what is recorded: one lane per camera with its segments, its gaps and the
evidence holds on it, under one time cursor that the viewer drags, clicks or moves with the
arrow keys."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from rtic_console.domain.recording_coverage import Span

LABEL_W = 96
RULER_H = 22
LANE_H = 36
HOLD_H = 11
TICK_STEPS_S = (1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)
SMALL_STEP = timedelta(seconds=1)
LARGE_STEP = timedelta(seconds=10)

RECORDED = QColor("#16a34a")
GAP = QColor("#7f1d1d")
HOLD = QColor("#f59e0b")
CURSOR = QColor("#f43f5e")


@dataclass(frozen=True)
class TimelineLane:
    """One camera's row: what is recorded, what is not, and what is held (case numbers)."""

    label: str
    recorded: Sequence[Span]
    gaps: Sequence[Span]
    holds: Sequence[tuple[str, Span]] = ()


class TimelineWidget(QWidget):
    """Painted, not built of widgets: a day of one-minute segments stays one cheap paint.
    Emits `scrubbed` with the moment chosen by a click, a drag or an arrow key (Shift for
    10 s steps); the owner moves the clock and calls `set_cursor` as it runs."""

    scrubbed = Signal(object)  # datetime

    def __init__(self, parent: QWidget | None = None, *, scrubbable: bool = True) -> None:
        """Not `scrubbable`: a picture of the coverage (an export's preview), no cursor."""
        super().__init__(parent)
        self.span: Span | None = None
        self.lanes: list[TimelineLane] = []
        self.cursor: datetime | None = None
        self.scrubbable = scrubbable
        self._dragging = False
        if scrubbable:
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        else:
            self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Recording timeline")
        self._fit_height()

    def set_lanes(self, span: Span, lanes: Sequence[TimelineLane]) -> None:
        self.span, self.lanes = span, list(lanes)
        if self.scrubbable:
            self.cursor = span.start if self.cursor is None else \
                min(max(self.cursor, span.start), span.end)
        self._fit_height()
        self.update()

    def clear(self) -> None:
        self.span, self.lanes, self.cursor = None, [], None
        self._fit_height()
        self.update()

    def set_cursor(self, at: datetime) -> None:
        if at != self.cursor:
            self.cursor = at
            self.update()

    def _fit_height(self) -> None:
        self.setFixedHeight(RULER_H + LANE_H * max(1, len(self.lanes)) + 6)

    # geometry ---------------------------------------------------------------------------
    def _track(self) -> QRect:
        return QRect(LABEL_W, 0, max(1, self.width() - LABEL_W - 8), self.height())

    def x_of(self, at: datetime) -> float:
        assert self.span is not None
        track = self._track()
        share = (at - self.span.start) / self.span.duration
        return track.left() + share * track.width()

    def time_at(self, x: float) -> datetime:
        assert self.span is not None
        track = self._track()
        share = min(max((x - track.left()) / track.width(), 0.0), 1.0)
        return self.span.start + self.span.duration * share

    # input ------------------------------------------------------------------------------
    def _scrub_to(self, at: datetime) -> None:
        if self.span is None:
            return
        at = min(max(at, self.span.start), self.span.end)
        self.set_cursor(at)
        self.scrubbed.emit(at)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.span is not None and event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            self._scrub_to(self.time_at(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self._scrub_to(self.time_at(event.position().x()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = LARGE_STEP if event.modifiers() & Qt.KeyboardModifier.ShiftModifier \
            else SMALL_STEP
        if self.cursor is not None and event.key() == Qt.Key.Key_Left:
            self._scrub_to(self.cursor - step)
        elif self.cursor is not None and event.key() == Qt.Key.Key_Right:
            self._scrub_to(self.cursor + step)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    # painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0f172a"))
        if self.span is None:
            painter.setPen(QColor("#94a3b8"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Load the recordings to see what exists in the range.")
            painter.end()
            return
        self._paint_ruler(painter)
        for row, lane in enumerate(self.lanes):
            self._paint_lane(painter, lane, RULER_H + row * LANE_H)
        self._paint_cursor(painter)
        if self.hasFocus():
            painter.setPen(QPen(QColor("#38bdf8"), 1, Qt.PenStyle.DotLine))
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    def _paint_ruler(self, painter: QPainter) -> None:
        assert self.span is not None
        track = self._track()
        seconds = self.span.duration.total_seconds()
        step = next((s for s in TICK_STEPS_S if track.width() * s / seconds >= 70),
                    TICK_STEPS_S[-1])
        first = datetime.fromtimestamp(math.ceil(self.span.start.timestamp() / step) * step,
                                       self.span.start.tzinfo).astimezone()
        fmt = "%H:%M:%S" if step < 60 else "%H:%M"
        painter.setPen(QColor("#cbd5e1"))
        tick = first
        while tick <= self.span.end:
            x = self.x_of(tick)
            painter.drawLine(QPointF(x, RULER_H - 6), QPointF(x, self.height()))
            painter.drawText(QRectF(x + 3, 0, 80, RULER_H - 4),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"{tick:{fmt}}")
            tick += timedelta(seconds=step)

    def _band(self, span: Span, top: float, height: float) -> QRectF:
        left, right = self.x_of(span.start), self.x_of(span.end)
        return QRectF(left, top, max(1.0, right - left), height)

    def _paint_lane(self, painter: QPainter, lane: TimelineLane, top: int) -> None:
        painter.setPen(QColor("#e2e8f0"))
        painter.drawText(QRect(6, top, LABEL_W - 10, LANE_H),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, lane.label)
        bar_top, bar_h = top + HOLD_H + 3, LANE_H - HOLD_H - 8
        painter.setPen(Qt.PenStyle.NoPen)
        gap_brush = QBrush(GAP, Qt.BrushStyle.BDiagPattern)
        for gap in lane.gaps:
            painter.fillRect(self._band(gap, bar_top, bar_h), QColor("#1e293b"))
            painter.fillRect(self._band(gap, bar_top, bar_h), gap_brush)
        for span in lane.recorded:
            painter.fillRect(self._band(span, bar_top, bar_h), RECORDED)
        for case, span in lane.holds:
            band = self._band(span, top + 2, HOLD_H)
            painter.fillRect(band, HOLD)
            painter.setPen(QColor("#0f172a"))
            painter.setFont(self._small_font())
            painter.drawText(band.adjusted(3, -2, 0, 2), Qt.AlignmentFlag.AlignVCenter,
                             f"held · {case}")
            painter.setFont(self.font())
            painter.setPen(Qt.PenStyle.NoPen)

    def _small_font(self) -> QFont:
        font = self.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.7))
        return font

    def _paint_cursor(self, painter: QPainter) -> None:
        if self.cursor is None:
            return
        x = self.x_of(self.cursor)
        painter.setPen(QPen(CURSOR, 2))
        painter.drawLine(QPointF(x, 2), QPointF(x, self.height() - 2))
        label = f"{self.cursor.astimezone():%H:%M:%S}"
        width = painter.fontMetrics().horizontalAdvance(label) + 8
        box = QRectF(min(x + 2, self.width() - width - 2), 1, width, RULER_H - 4)
        painter.fillRect(box, CURSOR)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
