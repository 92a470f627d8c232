"""Plays a camera's recordings on a timeline, after the viewer states why (F.2): the
segments, gaps and holds of the range drawn under one time cursor, scrubbed by mouse or
arrow keys, at 0.5× to 8×; and the canvass of a scene, 2 to 4 cameras side by side at the
same recorded moment."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from PySide6.QtCore import QDateTime, QRect, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.donor_terms import recording_allowed
from rtic_console.feeds.playback import SPEEDS, PlaybackClock, PlaybackWorker
from rtic_console.services import cameras, recordings
from rtic_console.services.cameras import CameraView
from rtic_console.services.recordings import PlaybackTimeline
from rtic_console.services.viewing import PURPOSE_TITLES
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.wall.timeline_widget import TimelineLane, TimelineWidget
from rtic_console.ui.widgets import MessageLine, describe_error

PAINT_INTERVAL_MS = 40
MAX_CANVASS = 4
JUMP = timedelta(seconds=10)


CAPTION_HEIGHT = 24


class PlaybackView(QWidget):
    """Paints the newest frame, aspect kept, with the camera and the recorded time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self._frame: np.ndarray | None = None  # keeps the QImage's buffer alive
        self.caption = ""
        self.note = "State the purpose and load the recordings."
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_frame(self, frame: np.ndarray, caption: str) -> None:
        height, width = frame.shape[:2]
        self._frame = frame
        self.image = QImage(frame.data, width, height, frame.strides[0],
                            QImage.Format.Format_BGR888)
        self.caption, self.note = caption, ""
        self.update()

    def show_note(self, caption: str, note: str) -> None:
        """No picture at this moment (a gap, nothing recorded): say so instead."""
        if (caption, note) != (self.caption, self.note) or self.image is not None:
            self.image, self._frame, self.caption, self.note = None, None, caption, note
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The caption on a bar of its own above the picture, as on the wall's tiles: laid
        over the picture it hid the camera's own timestamp, which a clip's viewer reads."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0b1220"))
        area = self.rect().adjusted(0, CAPTION_HEIGHT if self.caption else 0, 0, 0)
        if self.image is not None:
            size = self.image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(area.center())
            painter.drawImage(target, self.image)
        if self.caption:
            bar = QRect(0, 0, self.width(), CAPTION_HEIGHT)
            painter.fillRect(bar, QColor("#111827"))
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


def _speed_text(speed: float) -> str:
    return f"{speed:g}×"


class PlaybackDialog(QDialog):
    """Replaying is viewing: the purpose is stated once and each camera's load is audited
    (playback_timeline). One clock drives every camera shown; when all of them are in a
    gap the clock jumps to where the first resumes. Never for a donor camera, which has no
    recordings (G.1), nor offered one for the canvass."""

    def __init__(self, session: ConsoleSession, camera: CameraView,
                 start: datetime | None = None, end: datetime | None = None,
                 purpose: str | None = None, reference: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session, self._camera = session, camera
        self.canvass: list[CameraView] = [camera]
        self.workers: dict[int, PlaybackWorker] = {}
        self.timelines: dict[int, PlaybackTimeline] = {}
        self.clock: PlaybackClock | None = None
        self._loading: dict[int, PlaybackTimeline | None] = {}
        self._resume_at: datetime | None = None
        self._generation = 0
        self._seqs: dict[int, int] = {}
        self._note = ""
        self.setWindowTitle(f"Recorded video · {camera.code} · {camera.name}")
        self.resize(1180, 800)
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
        # The canvass of a scene: other cameras at the same moment.
        self.add_camera = QComboBox()
        self.add_camera.setMinimumWidth(260)
        self.add_camera.setToolTip("Another camera of the scene, shown beside this one at the "
                                   "same recorded moment (up to 4)")
        self.add_button = QPushButton("Add to canvass")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.single_button = QPushButton("This camera only")
        self.single_button.clicked.connect(self._on_single_clicked)
        self.canvass_label = QLabel()
        canvass_row = QHBoxLayout()
        for widget in (QLabel("Canvass:"), self.add_camera, self.add_button,
                       self.single_button, self.canvass_label):
            canvass_row.addWidget(widget)
        canvass_row.addStretch(1)
        self.views: dict[int, PlaybackView] = {}
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        self.timeline = TimelineWidget()
        self.timeline.scrubbed.connect(self._on_timeline_scrubbed)
        self.previous_button = QPushButton("◀ Previous segment")
        self.back_button = QPushButton("◀ 10 s")
        self.play_button = QPushButton("Play")
        self.forward_button = QPushButton("10 s ▶")
        self.next_button = QPushButton("Next segment ▶")
        self.previous_button.clicked.connect(lambda: self._on_segment_step(-1))
        self.next_button.clicked.connect(lambda: self._on_segment_step(1))
        self.back_button.clicked.connect(lambda: self._on_jump(-JUMP))
        self.forward_button.clicked.connect(lambda: self._on_jump(JUMP))
        self.play_button.clicked.connect(self._on_play_clicked)
        self.speed = QComboBox()
        self.speed.setToolTip("Playback speed")
        for speed in SPEEDS:
            self.speed.addItem(_speed_text(speed), speed)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(self._on_speed_changed)
        self.position = QLabel()
        controls = QHBoxLayout()
        for button in (self.previous_button, self.back_button, self.play_button,
                       self.forward_button, self.next_button):
            button.setAutoDefault(False)  # Enter loads; it never steps playback
            controls.addWidget(button)
        controls.addWidget(QLabel("Speed"))
        controls.addWidget(self.speed)
        controls.addStretch(1)
        controls.addWidget(self.position)
        legend = QLabel("Timeline: green recorded · red hatching no recording · amber held "
                        "for a case. Click or drag to move; ← → step 1 s (Shift: 10 s).")
        legend.setObjectName("noticeText")
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(canvass_row)
        layout.addLayout(self.grid, 1)
        layout.addWidget(self.timeline)
        layout.addWidget(legend)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        self._timer = QTimer(self)
        self._timer.setInterval(PAINT_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._place_views()
        self._set_controls(False)
        decision = recording_allowed(camera.category)
        if not decision.allowed:
            for widget in (self.start, self.end, self.purpose, self.reference,
                           self.load_button, self.add_camera, self.add_button,
                           self.single_button):
                widget.setEnabled(False)
            self.view.note = f"Nothing to play: {decision.reason} ({decision.clause})."
            return
        session.query(cameras.list_cameras, owner=self, on_done=self._on_cameras_listed,
                      on_error=lambda error: self.message.show_error(describe_error(error)))
        if purpose is not None:
            self._on_load_clicked()

    @property
    def view(self) -> PlaybackView:
        """The view of the camera the dialog was opened for."""
        return self.views[self._camera.id]

    @property
    def worker(self) -> PlaybackWorker | None:
        return self.workers.get(self._camera.id)

    # -- canvass ----------------------------------------------------------------------------
    def _on_cameras_listed(self, views: list[CameraView]) -> None:
        """Only cameras that can have recordings: never a donor camera (G.1)."""
        self.add_camera.clear()
        for camera in views:
            if camera.id != self._camera.id and recording_allowed(camera.category).allowed:
                self.add_camera.addItem(f"{camera.code} · {camera.name}", camera)
        self._update_canvass_controls()

    def _update_canvass_controls(self) -> None:
        full = len(self.canvass) >= MAX_CANVASS
        self.add_button.setEnabled(self.add_camera.count() > 0 and not full)
        self.single_button.setEnabled(len(self.canvass) > 1)
        self.canvass_label.setText(" · ".join(c.code for c in self.canvass)
                                   + (" (full)" if full else ""))

    @Slot()
    def _on_add_clicked(self) -> None:
        camera = self.add_camera.currentData()
        if camera is None or any(c.id == camera.id for c in self.canvass):
            return
        self.add_camera.removeItem(self.add_camera.currentIndex())
        self.canvass.append(camera)
        self._canvass_changed()

    @Slot()
    def _on_single_clicked(self) -> None:
        for camera in self.canvass[1:]:
            self.add_camera.addItem(f"{camera.code} · {camera.name}", camera)
        self.canvass = [self._camera]
        self._canvass_changed()

    def _canvass_changed(self) -> None:
        self._update_canvass_controls()
        self.setWindowTitle("Recorded video · " + (
            f"{self._camera.code} · {self._camera.name}" if len(self.canvass) == 1
            else "canvass of " + ", ".join(c.code for c in self.canvass)))
        at = self.clock.now() if self.clock is not None else None
        self._stop_workers()
        self._place_views()
        if self.purpose.currentData() is not None:
            self._load(at)

    def _place_views(self) -> None:
        """One view per camera: side by side for two, two by two for three or four."""
        for camera_id, view in list(self.views.items()):
            self.grid.removeWidget(view)
            if all(c.id != camera_id for c in self.canvass):
                view.deleteLater()
                del self.views[camera_id]
        columns = 1 if len(self.canvass) == 1 else 2
        for n, camera in enumerate(self.canvass):
            view = self.views.get(camera.id) or PlaybackView()
            self.views[camera.id] = view
            self.grid.addWidget(view, n // columns, n % columns)

    # -- loading ----------------------------------------------------------------------------
    def _set_controls(self, enabled: bool) -> None:
        for button in (self.previous_button, self.back_button, self.play_button,
                       self.forward_button, self.next_button, self.speed):
            button.setEnabled(enabled)

    @Slot()
    def _on_load_clicked(self) -> None:
        self._load(None)

    def _load(self, at: datetime | None) -> None:
        """Each camera's timeline, audited as a view with the purpose; playback starts at
        `at` (the moment shown before the canvass changed) or at the first recording."""
        self.message.clear_message()
        self.load_button.setEnabled(False)
        start = self.start.dateTime().toPython().astimezone()
        end = self.end.dateTime().toPython().astimezone()
        self._range = (start, end)
        self._generation += 1
        generation, self._loading = self._generation, {}
        self._resume_at = at
        for camera in self.canvass:
            self._session.perform(
                recordings.playback_timeline, camera.id, start, end,
                self.purpose.currentData(), self.reference.text().strip() or None, owner=self,
                on_done=lambda t, g=generation, c=camera.id: self._on_timeline_loaded(g, c, t),
                on_error=lambda e, g=generation, c=camera.id: self._on_load_failed(g, c, e))

    def _on_load_failed(self, generation: int, camera_id: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.message.show_error(describe_error(error))
        self._on_timeline_loaded(generation, camera_id, None)

    def _on_timeline_loaded(self, generation: int, camera_id: int,
                            timeline: PlaybackTimeline | None) -> None:
        if generation != self._generation:
            return  # an earlier load, overtaken by a newer one
        self._loading[camera_id] = timeline
        if len(self._loading) == len(self.canvass):
            self._start_playback({c: t for c, t in self._loading.items() if t is not None})

    def _start_playback(self, timelines: dict[int, PlaybackTimeline]) -> None:
        self.load_button.setEnabled(True)
        self._stop_workers()
        self.timelines = timelines
        if not timelines:
            self.timeline.clear()
            return
        span = next(iter(timelines.values())).requested
        lanes = []
        for camera in self.canvass:
            timeline = timelines.get(camera.id)
            if timeline is None:
                continue
            lanes.append(TimelineLane(camera.code, timeline.recorded, timeline.gaps,
                                      [(h.case_number, h.span) for h in timeline.holds]))
            if not timeline.segments:
                self.views[camera.id].show_note(
                    camera.code, f"No recording of {camera.code} in this time range.")
        self.timeline.cursor = None
        self.timeline.set_lanes(span, lanes)
        firsts = [t.segments[0].started_at for t in timelines.values() if t.segments]
        if not firsts:
            self._set_controls(False)
            return
        at = self._resume_at if self._resume_at is not None else max(span.start, min(firsts))
        self.clock = PlaybackClock(at, self.speed.currentData())
        for camera_id, timeline in timelines.items():
            if timeline.segments:
                worker = PlaybackWorker(timeline.segments, self.clock, timeline.camera_code)
                self.workers[camera_id] = worker
                worker.start()
        self.clock.play()
        self._set_controls(True)
        self.timeline.setFocus()
        self._timer.start()

    # -- controls ---------------------------------------------------------------------------
    @Slot()
    def _on_play_clicked(self) -> None:
        clock = self.clock
        if clock is None:
            return
        if clock.playing:
            clock.pause()
        else:
            if clock.now() >= self.timeline.span.end:  # at the end: from the start again
                clock.seek(self.timeline.span.start)
            clock.play()

    @Slot(int)
    def _on_speed_changed(self, _index: int) -> None:
        if self.clock is not None:
            self.clock.set_speed(self.speed.currentData())

    @Slot(object)
    def _on_timeline_scrubbed(self, at: datetime) -> None:
        if self.clock is not None:
            self.clock.seek(at)

    def _on_jump(self, by: timedelta) -> None:
        if self.clock is not None and self.timeline.span is not None:
            span = self.timeline.span
            self.clock.seek(min(max(self.clock.now() + by, span.start), span.end))

    def _on_segment_step(self, step: int) -> None:
        """To the start of the next (or this, or the previous) segment of any camera shown."""
        if self.clock is None:
            return
        now = self.clock.now()
        starts = sorted({s.started_at for t in self.timelines.values() for s in t.segments})
        if step > 0:
            target = next((s for s in starts if s > now), None)
        else:
            earlier = [s for s in starts if s < now - timedelta(seconds=1)]
            target = earlier[-1] if earlier else (starts[0] if starts else None)
        if target is not None:
            self.clock.seek(max(target, self.timeline.span.start))

    @Slot()
    def _on_timer_timeout(self) -> None:
        clock = self.clock
        if clock is None:
            return
        now = clock.now()
        end = self.timeline.span.end
        resume = [r for w in self.workers.values() if (r := w.next_start_after(now))]
        shared_gap = bool(self.workers) and all(w.segment_at(now) is None
                                                for w in self.workers.values())
        if clock.playing and shared_gap and resume and min(resume) < end:
            clock.seek(min(resume))  # a gap every camera shares: skip it
        elif clock.playing and (now >= end or shared_gap):
            clock.pause()  # past the last recording: the end of the range
            clock.seek(end)
            now = end
        stamp = f"{now.astimezone():%Y-%m-%d %H:%M:%S}"
        for camera in self.canvass:
            worker = self.workers.get(camera.id)
            if worker is None:
                continue
            latest = worker.latest()
            view = self.views[camera.id]
            if worker.segment_at(now) is None:
                view.show_note(f"{camera.code} · no recording at {stamp}",
                               "No recording at this moment: see the gap on the timeline.")
            elif latest is not None and latest[1].seq != self._seqs.get(camera.id):
                frame, position = latest
                self._seqs[camera.id] = position.seq
                view.show_frame(frame, f"{camera.code} · recorded "
                                       f"{position.at.astimezone():%Y-%m-%d %H:%M:%S}")
        self.timeline.set_cursor(now)
        self.play_button.setText("Pause" if clock.playing else "Play")
        self.position.setText(f"{stamp} · {_speed_text(clock.speed)}"
                              + ("" if clock.playing else " · paused"))
        problems = [w.problem for w in self.workers.values() if w.problem]
        note = problems[0] if problems else (
            "End of the recordings in this range." if not clock.playing and now >= end else "")
        if note != self._note:
            self._note = note
            if problems:
                self.message.show_error(note)
            elif note:
                self.message.show_ok(note)
            else:
                self.message.clear_message()

    def _stop_workers(self) -> None:
        self._timer.stop()
        workers, self.workers = list(self.workers.values()), {}
        for worker in workers:
            worker.stop()  # reading local files: each ends within one frame
        self.clock, self._seqs, self._note = None, {}, ""

    def done(self, result: int) -> None:
        self._stop_workers()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_workers()
        super().closeEvent(event)
