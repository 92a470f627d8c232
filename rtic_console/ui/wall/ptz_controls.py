"""Pan, tilt and zoom on the large view: keys, mouse and buttons, one command at a time.

`PtzController` belongs to the wall, one per PTZ camera, so the idle return home outlives
the large view that moved the camera. It sends commands in order through the runner's
background pool (a stop never overtakes the move it stops; a command typed while one is in
flight replaces any other waiting, except that a stop keeps the move it stops, so a tap is a
move). `PtzPanel` is the large view's strip of buttons and presets and reads the keyboard
and mouse on the view: arrows pan and tilt while held, + and - zoom, 1 to 9 go to the
camera's presets, Home goes home; a click centres that point, a drag steers at a speed that
grows with the drag, the wheel zooms. A tap steers for TAP_MS at least, so it moves the
camera a visible step rather than the few milliseconds between press and release.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QWidget,
)

from rtic_console.domain.ptz import PtzCommand, PtzMove, view_span
from rtic_console.feeds.onvif_client import PtzPreset
from rtic_console.feeds.onvif_workflows import PtzOutcome, camera_presets, steer_camera
from rtic_console.services import ptz
from rtic_console.services.ptz import PtzTarget
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.wall.large_view import LargeViewDialog
from rtic_console.ui.widgets import describe_error, plain_label

KEY_SPEED = 0.5
WHEEL_STEP = 0.1
CLICK_SLOP_PX = 8
TAP_MS = 250
PurposeOf = Callable[[], tuple[str | None, str]]

_KEY_VELOCITY = {
    Qt.Key.Key_Left: (-KEY_SPEED, 0.0, 0.0), Qt.Key.Key_Right: (KEY_SPEED, 0.0, 0.0),
    Qt.Key.Key_Up: (0.0, KEY_SPEED, 0.0), Qt.Key.Key_Down: (0.0, -KEY_SPEED, 0.0),
    Qt.Key.Key_Plus: (0.0, 0.0, KEY_SPEED), Qt.Key.Key_Equal: (0.0, 0.0, KEY_SPEED),
    Qt.Key.Key_Minus: (0.0, 0.0, -KEY_SPEED),
}
_PRESET_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


class PtzController(QObject):
    """Steers one camera for the wall, with its purpose; returns it home when idle."""

    moved = Signal(str)  # the position (and any clamping note), in words
    failed = Signal(str)
    presets_loaded = Signal(list)

    def __init__(self, session: ConsoleSession, target: PtzTarget, purpose_of: PurposeOf,
                 parent: QObject | None = None, minute_ms: int = 60_000) -> None:
        super().__init__(parent)
        self._session, self.target, self._purpose_of = session, target, purpose_of
        self._minute_ms = minute_ms  # a test's minute is shorter
        self._in_flight = False
        self._waiting: list[tuple[PtzCommand, int | None]] = []
        self.zoom = 0.0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._on_idle_timeout)

    def send(self, command: PtzCommand, idle_minutes: int | None = None) -> None:
        if self.target.refusal:
            self.failed.emit(self.target.refusal)
            return
        if self._in_flight:
            keeps_move = command.move is PtzMove.STOP and bool(self._waiting) and \
                self._waiting[-1][0].move is PtzMove.CONTINUOUS
            self._waiting = [*self._waiting[-1:], (command, idle_minutes)] if keeps_move \
                else [(command, idle_minutes)]
            return
        self._in_flight = True
        db, ctx = self._session.db, self._session.ctx
        purpose, reference = self._purpose_of()
        camera_id = self.target.camera_id
        self._session.runner.background(
            lambda: steer_camera(db, ctx, camera_id, command, purpose, reference,
                                 idle_minutes=idle_minutes),
            lambda outcome: self._on_done(command, outcome),
            self._on_failed, owner=self)
        self._idle.stop()  # not idle while someone steers; counted again once it is done

    def load_presets(self) -> None:
        db, ctx = self._session.db, self._session.ctx
        purpose, reference = self._purpose_of()
        camera_id = self.target.camera_id
        self._session.runner.background(
            lambda: camera_presets(db, ctx, camera_id, purpose, reference),
            self.presets_loaded.emit, lambda e: self.failed.emit(describe_error(e)), owner=self)

    def _restart_idle(self) -> None:
        minutes = self.target.home_after_minutes
        if minutes:
            self._idle.start(minutes * self._minute_ms)

    @property
    def home_pending(self) -> bool:
        return self._idle.isActive()

    @Slot()
    def _on_idle_timeout(self) -> None:
        self.send(PtzCommand(PtzMove.HOME), idle_minutes=self.target.home_after_minutes)

    def _on_done(self, command: PtzCommand, outcome: PtzOutcome) -> None:
        if command.move is not PtzMove.HOME:
            self._restart_idle()
        p = outcome.position
        self.zoom = p.zoom
        note = f" ({outcome.note})" if outcome.note else ""
        where = "home" if command.move is PtzMove.HOME else command.move.value.replace("_", " ")
        self.moved.emit(f"{where}: pan {p.pan:+.2f}, tilt {p.tilt:+.2f}, zoom {p.zoom:.2f}"
                        f"{note}")
        self._next()

    def _on_failed(self, error: BaseException) -> None:
        self.failed.emit(describe_error(error))
        self._next()

    def _next(self) -> None:
        self._in_flight = False
        if self._waiting:
            (command, idle_minutes), *self._waiting = self._waiting
            self.send(command, idle_minutes)

    def stop(self) -> None:
        """The wall is closing: no return home from a console that is gone."""
        self._idle.stop()


def offer_ptz(session: ConsoleSession, view: LargeViewDialog, camera_id: int,
              controllers: dict[int, PtzController], purpose_of: PurposeOf,
              parent: QObject) -> None:
    """Asks whether the camera has PTZ (off the GUI thread); if so, the large view gets the
    panel, driven by the wall's controller of that camera (made on first use)."""

    def attach(target: PtzTarget | None) -> None:
        if target is None:
            return
        controller = controllers.get(camera_id)
        if controller is None:
            controller = controllers[camera_id] = PtzController(session, target, purpose_of,
                                                                parent)
        controller.target = target
        panel = PtzPanel(controller)
        view.add_controls(panel)
        panel.watch(view.tile, view)

    def failed(error: BaseException) -> None:
        note = plain_label(f"PTZ unavailable: {describe_error(error)}")
        note.setObjectName("footnote")
        view.add_controls(note)

    session.query(ptz.ptz_target, camera_id, owner=view, on_done=attach, on_error=failed)


class PtzPanel(QWidget):
    """The large view's PTZ strip; `watch(widget)` reads keys and mouse on the picture."""

    def __init__(self, controller: PtzController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._presets: list[PtzPreset] = []
        self._press: QPointF | None = None
        self._dragging = False
        self._held: set[int] = set()
        self._steering_since: float | None = None  # monotonic, since the camera was sent moving
        self._tap_stop = QTimer(self)
        self._tap_stop.setSingleShot(True)
        self._tap_stop.timeout.connect(self._send_stop)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        self.buttons: dict[str, QPushButton] = {}
        for name, text, tip, velocity in (
                ("left", "◀", "Pan left (←)", (-KEY_SPEED, 0.0, 0.0)),
                ("up", "▲", "Tilt up (↑)", (0.0, KEY_SPEED, 0.0)),
                ("down", "▼", "Tilt down (↓)", (0.0, -KEY_SPEED, 0.0)),
                ("right", "▶", "Pan right (→)", (KEY_SPEED, 0.0, 0.0)),
                ("zoom_in", "+", "Zoom in (+, wheel)", (0.0, 0.0, KEY_SPEED)),
                ("zoom_out", "−", "Zoom out (−, wheel)", (0.0, 0.0, -KEY_SPEED))):
            button = self._button(text, tip)
            button.pressed.connect(lambda v=velocity: self._continuous(v))
            button.released.connect(self._stop)
            self.buttons[name] = button
            layout.addWidget(button)
        self.home_button = self._button("Home", "Return to the home position (Home)")
        self.home_button.clicked.connect(self.go_home)
        layout.addWidget(self.home_button)
        self.preset_combo = QComboBox()
        self.preset_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preset_combo.setMinimumContentsLength(14)
        self.preset_combo.activated.connect(self._on_preset_chosen)
        layout.addWidget(self.preset_combo)
        self.save_preset_button = self._button("Save preset…", "Store this position on the "
                                               "camera as a preset (camera managers)")
        self.save_preset_button.clicked.connect(self._on_save_preset_clicked)
        self.save_preset_button.setVisible(controller.target.may_set_presets)
        layout.addWidget(self.save_preset_button)
        self.status = plain_label()
        self.status.setObjectName("footnote")
        layout.addWidget(self.status, 1)
        controller.moved.connect(self._on_moved)
        controller.failed.connect(self._on_failed)
        controller.presets_loaded.connect(self._on_presets_loaded)
        if controller.target.refusal:
            for widget in (*self.buttons.values(), self.home_button, self.preset_combo,
                           self.save_preset_button):
                widget.setEnabled(False)
            self.status.setText(f"PTZ: {controller.target.refusal}")
        else:
            minutes = controller.target.home_after_minutes
            self.status.setText("PTZ: arrows, + and −, 1–9 presets, Home; click to centre, "
                                "drag to steer, wheel to zoom"
                                + (f". Returns home after {minutes} min idle." if minutes
                                   else "."))
            limits = controller.target.limits
            self.status.setToolTip(f"Range: pan {limits.pan[0]:g} to {limits.pan[1]:g}, tilt "
                                   f"{limits.tilt[0]:g} to {limits.tilt[1]:g}, zoom "
                                   f"{limits.zoom[0]:g} to {limits.zoom[1]:g}")
            controller.load_presets()

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the view
        button.setAutoDefault(False)
        return button

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.installEventFilter(self)
        widgets[0].setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widgets[0].setFocus()

    # -- commands -----------------------------------------------------------------------
    def _continuous(self, velocity: tuple[float, float, float]) -> None:
        pan, tilt, zoom = velocity
        if self._steering_since is None:  # a change of keys (or a tap's second) goes on timing
            self._steering_since = time.monotonic()
        self._tap_stop.stop()
        self.controller.send(PtzCommand(PtzMove.CONTINUOUS, pan, tilt, zoom))

    def _stop(self) -> None:
        """Stops now, or once the move has lasted TAP_MS."""
        since = self._steering_since
        left_ms = 0.0 if since is None else TAP_MS - (time.monotonic() - since) * 1000
        if left_ms > 0:
            self._tap_stop.start(int(left_ms))
        else:
            self._send_stop()

    def _send_stop(self) -> None:
        self._tap_stop.stop()
        self._steering_since = None
        self.controller.send(PtzCommand(PtzMove.STOP))

    def hideEvent(self, event: QHideEvent) -> None:
        """A view closed while steering would leave the camera turning: no release comes."""
        if self._held or self._dragging or self._tap_stop.isActive():
            self._held.clear()
            self._press, self._dragging = None, False
            self._send_stop()
        super().hideEvent(event)

    def _move_as_held(self) -> None:
        """The keys held together steer together (← with ↑ is up and left); releasing one
        leaves the others moving, releasing the last stops."""
        if not self._held:
            self._stop()
            return
        pan, tilt, zoom = (max(-1.0, min(1.0, sum(axis))) for axis in
                           zip(*(_KEY_VELOCITY[Qt.Key(k)] for k in self._held), strict=True))
        self._continuous((pan, tilt, zoom))

    def go_home(self) -> None:
        self.controller.send(PtzCommand(PtzMove.HOME))

    def go_to_preset(self, number: int) -> None:
        if not 1 <= number <= len(self._presets):
            self.status.setText(f"PTZ: the camera has no preset {number}.")
            return
        self.controller.send(PtzCommand(PtzMove.PRESET, preset=self._presets[number - 1].token))

    def centre_on(self, x: float, y: float) -> None:
        """(x, y) in 0..1 of the picture becomes a relative step, smaller when zoomed in."""
        span = view_span(self.controller.zoom, self.controller.target.limits)
        self.controller.send(PtzCommand(PtzMove.RELATIVE, pan=(x - 0.5) * span,
                                        tilt=(0.5 - y) * span))

    def zoom_step(self, steps: float) -> None:
        self.controller.send(PtzCommand(PtzMove.RELATIVE, zoom=steps * WHEEL_STEP))

    # -- events on the picture ------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.controller.target.refusal or not isinstance(watched, QWidget):
            return False
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            assert isinstance(event, QKeyEvent)
            return self._on_key(event, kind is QEvent.Type.KeyPress)
        if isinstance(event, QWheelEvent):
            self.zoom_step(event.angleDelta().y() / 120)
            return True
        if isinstance(event, QMouseEvent) and event.button() in (Qt.MouseButton.LeftButton,
                                                                 Qt.MouseButton.NoButton):
            return self._on_mouse(watched, event, kind)
        return False

    def _on_key(self, event: QKeyEvent, pressed: bool) -> bool:
        # "+" is Shift+"=": released after Shift it comes back as "=", so both are one key.
        key = Qt.Key.Key_Equal if event.key() == Qt.Key.Key_Plus else event.key()
        if key in _KEY_VELOCITY:
            if event.isAutoRepeat():
                return True
            if pressed:
                self._held.add(key)
            elif key in self._held:
                self._held.discard(key)
            else:
                return True
            self._move_as_held()
            return True
        if pressed and key == Qt.Key.Key_Home:
            self.go_home()
            return True
        if pressed and key in _PRESET_KEYS:
            self.go_to_preset(_PRESET_KEYS[Qt.Key(key)])
            return True
        return False

    def _on_mouse(self, widget: QWidget, event: QMouseEvent, kind: QEvent.Type) -> bool:
        pos = event.position()
        if kind is QEvent.Type.MouseButtonPress:
            self._press, self._dragging = pos, False
            return True
        if self._press is None:
            return False
        delta = pos - self._press
        if kind is QEvent.Type.MouseMove:
            if not self._dragging and delta.manhattanLength() > CLICK_SLOP_PX:
                self._dragging = True
                w, h = max(1, widget.width()), max(1, widget.height())
                self._continuous((max(-1.0, min(1.0, 4 * delta.x() / w)),
                                  max(-1.0, min(1.0, -4 * delta.y() / h)), 0.0))
            return True
        if kind is QEvent.Type.MouseButtonRelease:
            if self._dragging:
                self._stop()
            else:
                self.centre_on(pos.x() / max(1, widget.width()),
                               pos.y() / max(1, widget.height()))
            self._press, self._dragging = None, False
            return True
        return False

    # -- answers --------------------------------------------------------------------------
    def _on_moved(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(f"PTZ {text}")

    def _on_failed(self, text: str) -> None:
        self.status.setStyleSheet("color: #c62828;")
        self.status.setText(f"PTZ: {text}")

    def _on_presets_loaded(self, presets: list[PtzPreset]) -> None:
        self._presets = presets
        self.preset_combo.clear()
        self.preset_combo.addItem("Presets…" if presets else "No presets", None)
        for number, preset in enumerate(presets, start=1):
            label = f"{number} · {preset.name}" if number <= 9 else preset.name
            self.preset_combo.addItem(label, preset.token)

    @Slot(int)
    def _on_preset_chosen(self, index: int) -> None:
        token = self.preset_combo.itemData(index)
        if token is not None:
            self.controller.send(PtzCommand(PtzMove.PRESET, preset=token))

    @Slot()
    def _on_save_preset_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "Save preset", "Name of this position")
        if ok and name.strip():
            self.controller.send(PtzCommand(PtzMove.SET_PRESET, preset=name))
            self.controller.moved.connect(self._reload_presets_once,
                                          Qt.ConnectionType.SingleShotConnection)

    @Slot()
    def _reload_presets_once(self) -> None:
        self.controller.load_presets()
