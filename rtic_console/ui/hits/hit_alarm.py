"""What a new hit does besides joining the queue: the count of unclaimed hits (for the
area's label and the window title), a desktop notice when the console is not in front, and
the tone."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtWidgets import QWidget

from rtic_console.domain.checklist import HitStatus
from rtic_console.services.hits import HitView
from rtic_console.ui.desktop_notice import DesktopNotifier
from rtic_console.ui.hits.hit_queue_model import HitQueueModel
from rtic_console.ui.hits.hit_sound import HitSound
from rtic_console.ui.live_rows import RowsApplied

MAX_LINES = 3


def notice_text(hits: list[HitView]) -> tuple[str, str]:
    """Title and body of the notice: the plate, its list and the camera, no more."""
    lines = [f"{h.best_plate} · {h.reason.replace('_', ' ')} · {h.list_name} · "
             f"{h.device_code or h.device_name}" for h in hits[:MAX_LINES]]
    if len(hits) > MAX_LINES:
        lines.append(f"and {len(hits) - MAX_LINES} more")
    title = f"New hit: {hits[0].best_plate}" if len(hits) == 1 else f"{len(hits)} new hits"
    return title, "\n".join(lines)


class HitAlarm(QObject):
    """Fed by the queue's live rows; `window_active` says whether the console is in front
    (by default, whether the queue's window is the active one)."""

    waiting_changed = Signal(int)  # unclaimed hits in the queue
    notice_due = Signal(str, str)  # title, body: new hits while the console is not in front

    def __init__(self, widget: QWidget, model: HitQueueModel, sound: HitSound) -> None:
        super().__init__(widget)
        self._widget = widget
        self._model = model
        self.sound = sound
        self.waiting = 0
        self._notifier: DesktopNotifier | None = None
        self.last_channel: str | None = None  # how the last notice was shown
        self.notice_due.connect(self._on_notice_due)

    @classmethod
    def for_person(cls, widget: QWidget, model: HitQueueModel, sound_on: bool,
                   badge: str, settings: QSettings) -> HitAlarm:
        return cls(widget, model, HitSound(sound_on, badge, settings, widget))

    def window_active(self) -> bool:
        return self._widget.window().isActiveWindow()

    @Slot(object)
    def on_applied(self, applied: RowsApplied) -> None:
        waiting = sum(1 for h in self._model.rows if h.status is HitStatus.NEW)
        if waiting != self.waiting:
            self.waiting = waiting
            self.waiting_changed.emit(waiting)
        if applied.first or not applied.added:
            return
        rows = [self._model.row_of(key) for key in applied.added]  # type: ignore[arg-type]
        new = [self._model.row_at(r) for r in rows if r is not None]
        new = [h for h in new if h.status is HitStatus.NEW]
        if not new:
            return
        self.sound.play()
        if not self.window_active():
            self.notice_due.emit(*notice_text(new))

    @Slot(str, str)
    def _on_notice_due(self, title: str, text: str) -> None:
        if self._notifier is None:
            self._notifier = DesktopNotifier(self._widget.window())
        self.last_channel = self._notifier.notify(title, text)
