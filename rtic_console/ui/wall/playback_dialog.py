"""Plays a camera's recorded segments in a large view, after the viewer states why (F.2)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from PySide6.QtCore import QDateTime, QRect, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.donor_terms import recording_allowed
from rtic_console.feeds.playback import PlaybackWorker
from rtic_console.services import recordings
from rtic_console.services.cameras import CameraView
from rtic_console.services.recordings import SegmentView
from rtic_console.services.viewing import PURPOSE_TITLES
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import MessageLine, describe_error

PAINT_INTERVAL_MS = 40


class PlaybackView(QWidget):
    """Paints the newest frame, aspect kept, with the camera and the recorded time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self._frame: np.ndarray | None = None  # keeps the QImage's buffer alive
        self.caption = ""
        self.note = "State the purpose and load the recordings."
        self.setMinimumSize(640, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_frame(self, frame: np.ndarray, caption: str) -> None:
        height, width = frame.shape[:2]
        self._frame = frame
        self.image = QImage(frame.data, width, height, frame.strides[0],
                            QImage.Format.Format_BGR888)
        self.caption, self.note = caption, ""
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0b1220"))
        if self.image is not None:
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(self.rect().center())
            painter.drawImage(target, self.image)
        if self.caption:
            bar = QRect(0, 0, self.width(), 24)
            painter.fillRect(bar, QColor(0, 0, 0, 170))
            painter.setPen(QColor("#f9fafb"))
            painter.drawText(bar.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter,
                             self.caption)
        if self.note:
            painter.setPen(QColor("#e5e7eb"))
            painter.drawText(self.rect().adjusted(20, 30, -20, -20), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, self.note)
        painter.end()


def _qt_time(moment: datetime) -> QDateTime:
    local = moment.astimezone().replace(tzinfo=None)
    return QDateTime(local.date(), local.time())


class PlaybackDialog(QDialog):
    """Replaying is viewing: the purpose is stated and audited with the segments loaded
    (segments_for_playback). Never for a donor camera, which has no recordings (G.1)."""

    def __init__(self, session: ConsoleSession, camera: CameraView,
                 start: datetime | None = None, end: datetime | None = None,
                 purpose: str | None = None, reference: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session, self._camera = session, camera
        self.worker: PlaybackWorker | None = None
        self._seq = 0
        self._note = ""
        self.setWindowTitle(f"Recorded video · {camera.code} · {camera.name}")
        self.resize(1180, 760)
        end = end or datetime.now().astimezone()
        self._range = (start or end - timedelta(hours=1), end)
        self.start = QDateTimeEdit(_qt_time(self._range[0]))
        self.end = QDateTimeEdit(_qt_time(end))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.purpose = QComboBox()
        self.purpose.addItem("Why are you viewing? (F.2)", None)
        for value, title in PURPOSE_TITLES.items():
            self.purpose.addItem(title, value.value)
        if purpose is not None:
            self.purpose.setCurrentIndex(max(0, self.purpose.findData(purpose)))
        self.reference = QLineEdit(reference)
        self.reference.setMaxLength(200)
        self.reference.setPlaceholderText("approved request reference")
        self.load_button = QPushButton("Load recordings")
        self.load_button.clicked.connect(self._on_load_clicked)
        self.load_button.setDefault(True)
        top = QHBoxLayout()
        for widget in (QLabel("From"), self.start, QLabel("to"), self.end, self.purpose,
                       self.reference, self.load_button):
            top.addWidget(widget)
        self.view = PlaybackView()
        self.segment_list = QListWidget()
        self.segment_list.setMaximumWidth(260)
        self.segment_list.currentRowChanged.connect(self._on_segment_list_row_changed)
        middle = QHBoxLayout()
        middle.addWidget(self.view, 1)
        middle.addWidget(self.segment_list)
        self.previous_button = QPushButton("◀ Previous segment")
        self.play_button = QPushButton("Play")
        self.next_button = QPushButton("Next segment ▶")
        self.previous_button.clicked.connect(lambda: self._on_step_clicked(-1))
        self.next_button.clicked.connect(lambda: self._on_step_clicked(1))
        self.play_button.clicked.connect(self._on_play_clicked)
        self.position = QLabel()
        controls = QHBoxLayout()
        for button in (self.previous_button, self.play_button, self.next_button):
            button.setAutoDefault(False)  # Enter loads; it never steps playback
            controls.addWidget(button)
        controls.addStretch(1)
        controls.addWidget(self.position)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        self._timer = QTimer(self)
        self._timer.setInterval(PAINT_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._set_controls(False)
        decision = recording_allowed(camera.category)
        if not decision.allowed:
            for widget in (self.start, self.end, self.purpose, self.reference,
                           self.load_button):
                widget.setEnabled(False)
            self.view.note = f"Nothing to play: {decision.reason} ({decision.clause})."
        elif purpose is not None:
            self._on_load_clicked()

    def _set_controls(self, enabled: bool) -> None:
        for button in (self.previous_button, self.play_button, self.next_button):
            button.setEnabled(enabled)

    @Slot()
    def _on_load_clicked(self) -> None:
        self.message.clear_message()
        self.load_button.setEnabled(False)
        start = self.start.dateTime().toPython().astimezone()
        end = self.end.dateTime().toPython().astimezone()
        self._range = (start, end)
        self._session.perform(recordings.segments_for_playback, self._camera.id, start, end,
                              self.purpose.currentData(), self.reference.text().strip() or None,
                              owner=self, on_done=self._on_segments_loaded,
                              on_error=self._on_load_failed)

    def _on_load_failed(self, error: BaseException) -> None:
        self.load_button.setEnabled(True)
        self.message.show_error(describe_error(error))

    def _on_segments_loaded(self, segments: list[SegmentView]) -> None:
        self.load_button.setEnabled(True)
        self._stop_worker()
        self.segment_list.blockSignals(True)
        self.segment_list.clear()
        for s in segments:
            self.segment_list.addItem(f"{s.started_at.astimezone():%H:%M:%S} – "
                                      f"{s.ended_at.astimezone():%H:%M:%S} · {s.frames} frames")
        self.segment_list.blockSignals(False)
        if not segments:
            self.view.note = "No recording of this camera in that time range."
            self.view.update()
            self._set_controls(False)
            return
        self.worker = PlaybackWorker(segments, *self._range, self._camera.code)
        self.worker.start()
        self.worker.play()
        self._set_controls(True)
        self._timer.start()

    @Slot()
    def _on_play_clicked(self) -> None:
        if self.worker is not None:
            (self.worker.pause if self.worker.playing else self.worker.play)()

    def _on_step_clicked(self, step: int) -> None:
        if self.worker is not None:
            current = max(0, self.segment_list.currentRow())
            self.worker.seek(current + step)

    @Slot(int)
    def _on_segment_list_row_changed(self, row: int) -> None:
        """Clicking a segment seeks to it; the timer moves the selection as playback runs,
        with signals blocked so that is not taken for a click."""
        if self.worker is not None and row >= 0:
            self.worker.seek(row)

    @Slot()
    def _on_timer_timeout(self) -> None:
        worker = self.worker
        if worker is None:
            return
        latest = worker.latest()
        if latest is not None and latest[1].seq != self._seq:
            frame, at = latest
            self._seq = at.seq
            stamp = f"{at.at.astimezone():%Y-%m-%d %H:%M:%S}"
            self.view.show_frame(frame, f"{self._camera.code} · recorded {stamp}")
            if self.segment_list.currentRow() != at.segment:
                self.segment_list.blockSignals(True)
                self.segment_list.setCurrentRow(at.segment)
                self.segment_list.blockSignals(False)
            self.position.setText(f"Segment {at.segment + 1} of {len(worker.segments)} · "
                                  f"frame {at.frame + 1} · {stamp}")
        self.play_button.setText("Pause" if worker.playing else "Play")
        note = worker.problem or ("End of the recordings in this range." if worker.ended
                                  else "")
        if note != self._note:
            self._note = note
            if worker.problem:
                self.message.show_error(note)
            elif note:
                self.message.show_ok(note)
            else:
                self.message.clear_message()

    def _stop_worker(self) -> None:
        self._timer.stop()
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()  # reading local files: it ends within one frame
        self._seq, self._note = 0, ""

    def done(self, result: int) -> None:
        self._stop_worker()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_worker()
        super().closeEvent(event)
