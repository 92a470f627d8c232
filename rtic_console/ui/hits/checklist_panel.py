"""The dispatcher's four-step checklist, claim, confirm and close (D.5.b, D.6.a)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.checklist import (
    DIRECTIONS,
    MAX_REASON,
    MAX_TYPE_CODE,
    OUTCOME_TITLES,
    STEP_TITLES,
    HitStatus,
    QueryOutcome,
    Step,
    StepInput,
    asks_recovery_call,
    compass_point,
)
from rtic_console.domain.roles import Permission
from rtic_console.services import hits as hit_service
from rtic_console.services.hits import HitDetail, HitView
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.hits.broadcast_time_input import BroadcastTimeInput
from rtic_console.ui.hits.checklist_explanations import claim_refusal, key_refusal, status_text
from rtic_console.ui.widgets import MessageLine, describe_error

CHOOSE = "— choose —"  # the empty first choice: nothing is chosen for the dispatcher
CLOSINGS = ((HitStatus.MISREAD, "Misread: the photo does not match the read"),
            (HitStatus.NO_LONGER_WANTED, "No longer wanted"),
            (HitStatus.DUPLICATE, "Duplicate of another hit"))


class ChecklistPanel(QWidget):
    """Each step's inputs open only when the step before it is recorded.

    Worked from the keyboard: Return in a step's fields records that step, Tab moves
    between fields (the text boxes too), and once an action of the dispatcher's is
    answered, focus moves to the next thing to do and is scrolled into view.
    """

    hit_updated = Signal(object)
    write_failed = Signal(int)  # the hit whose write was refused or failed
    # Nothing is left to do here (the hit closed, or another's): the queue takes focus.
    focus_released = Signal()

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._detail: HitDetail | None = None
        self._attachment: tuple[str, bytes] | None = None
        self.can_work = session.may(Permission.WORK_HITS)
        self.may_free_claims = session.may(Permission.FREE_HIT_CLAIMS)

        self.status = QLabel()
        self.status.setObjectName("checklistStatus")
        self.status.setWordWrap(True)
        self.claim_button = QPushButton("Claim this hit")
        self.claim_button.clicked.connect(self._on_claim_clicked)
        self._pending: HitView | None = None  # an answer to move focus on from
        # The hit a write of this panel is on, until it is answered: a change seen first
        # (another console's, or this write's own event) waits for the answer.
        self.writing: int | None = None
        self._writes = 0  # writes sent: only the newest one's answer ends `writing`
        self._sent_from: QWidget | None = None  # where the focus was when it was sent

        self.cad = QLineEdit()
        self.cad.setPlaceholderText("e.g. 26-118812")
        self.cad.setMaxLength(24)
        self.incident_type = QLineEdit()
        self.incident_type.setPlaceholderText("e.g. 10851 (General Order 500.02)")
        self.incident_type.setMaxLength(MAX_TYPE_CODE)
        self.clets = QPlainTextEdit()
        self.clets.setPlaceholderText("Paste the CLETS response")
        self.ncic = QPlainTextEdit()
        self.ncic.setPlaceholderText("Paste the NCIC response")
        for edit in (self.clets, self.ncic):
            edit.setFixedHeight(56)
            edit.setTabChangesFocus(True)  # Tab leaves the box; Shift+Return is a new line
        self.attach_button = QPushButton("Attach results file…")
        self.attach_button.clicked.connect(self._on_attach_clicked)
        self.outcome = QComboBox()
        self.outcome.addItem("— choose —", None)
        for outcome in QueryOutcome:
            self.outcome.addItem(OUTCOME_TITLES[outcome], outcome.value)
        self.vehicle = QLineEdit()
        self.vehicle.setMaxLength(500)
        self.direction = QComboBox()
        self.direction.addItem(CHOOSE, None)
        for direction in DIRECTIONS:
            self.direction.addItem(direction, direction)
        self.direction_note = QLabel()
        self.direction_note.setObjectName("fieldNote")
        direction_row = QWidget()
        line = QHBoxLayout(direction_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.direction)
        line.addWidget(self.direction_note, 1)
        self.channel = QLineEdit()
        self.channel.setMaxLength(40)
        self.channel.setPlaceholderText("e.g. Central 1")
        self.broadcast = BroadcastTimeInput()

        self.step_boxes: dict[Step, QGroupBox] = {}
        self.step_buttons: dict[Step, QPushButton] = {}
        self.step_done: dict[Step, QLabel] = {}
        rows = {
            Step.CALL_FOR_SERVICE: [("CAD incident", self.cad),
                                    ("Type code", self.incident_type)],
            Step.RECORD_CHECKS: [("CLETS", self.clets), ("NCIC", self.ncic),
                                 ("", self.attach_button), ("Outcome", self.outcome)],
            Step.VEHICLE_AND_DIRECTION: [("Vehicle", self.vehicle),
                                         ("Direction", direction_row)],
            Step.BROADCAST: [("Channel", self.channel), ("Broadcast at", self.broadcast)],
        }
        self._first_input = {step: fields[0][1] for step, fields in rows.items()}
        steps_layout = QVBoxLayout()
        for step, fields in rows.items():
            box = QGroupBox(f"{int(step)}. {STEP_TITLES[step]}")
            form = QFormLayout(box)
            for label, widget in fields:
                form.addRow(label, widget)
            done = QLabel()
            done.setObjectName("stepDone")
            button = QPushButton("Record step")
            if not self.can_work:
                button.hide()  # only dispatchers record steps (D.6.a), a hit chosen or not
            button.clicked.connect(lambda _=False, s=step: self._on_record_clicked(s))
            line = QHBoxLayout()
            line.addWidget(done, 1)
            line.addWidget(button)
            form.addRow(line)
            self.step_boxes[step], self.step_buttons[step], self.step_done[step] = (
                box, button, done)
            steps_layout.addWidget(box)

        self.confirm_button = QPushButton("Confirm hit")
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        self.closing = QComboBox()
        self.closing.addItem(CHOOSE, None)
        for status, title in CLOSINGS:
            self.closing.addItem(title, status)
        self.close_reason = QLineEdit()
        self.close_reason.setPlaceholderText("Reason: what you found, in a few words")
        self.close_reason.setMaxLength(MAX_REASON)
        self.close_button = QPushButton("Close hit")
        self.close_button.clicked.connect(self._on_close_clicked)
        # D.5.a: the claimer hands the hit back, the sergeant frees a claim left unfinished.
        self.release_reason = QLineEdit()
        self.release_reason.setPlaceholderText("Why the hit goes back to the queue")
        self.release_reason.setMaxLength(MAX_REASON)
        self.release_button = QPushButton("Release claim")
        self.release_button.clicked.connect(self._on_release_clicked)
        self.release_row = QWidget()
        release = QHBoxLayout(self.release_row)
        release.setContentsMargins(0, 0, 0, 0)
        release.addWidget(self.release_reason, 1)
        release.addWidget(self.release_button)
        closing = QHBoxLayout()
        closing.addWidget(self.closing)
        closing.addWidget(self.close_reason, 1)
        closing.addWidget(self.close_button)
        # D.3.e: asked once a stolen vehicle hit is confirmed.
        self.recovery_box = QGroupBox("Stolen vehicle recovery call for service (D.3.e)")
        self.recovery_box.setObjectName("recoveryBox")
        self.recovery_cfs = QLineEdit()
        self.recovery_cfs.setMaxLength(24)
        self.recovery_cfs.setPlaceholderText("CFS number, if the unoccupied vehicle could not "
                                             "be recovered")
        self.recovery_button = QPushButton("Record recovery call")
        self.recovery_button.clicked.connect(self._on_recovery_clicked)
        recovery = QHBoxLayout(self.recovery_box)
        recovery.addWidget(self.recovery_cfs, 1)
        recovery.addWidget(self.recovery_button)
        self.message = MessageLine()

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.claim_button)
        layout.addLayout(top)
        layout.addWidget(self.release_row)  # in sight of the sergeant, who has no steps to do
        layout.addLayout(steps_layout)
        layout.addWidget(self.confirm_button)
        layout.addWidget(self.recovery_box)
        layout.addLayout(closing)
        layout.addWidget(self.message)
        layout.addStretch(1)
        for button in (self.claim_button, self.attach_button, *self.step_buttons.values(),
                       self.confirm_button, self.close_button, self.recovery_button,
                       self.release_button):
            button.setAutoDefault(True)  # Return presses the focused button
        self._set_tab_order()
        # Return in a field does what its part of the panel is for.
        record = {step: (lambda s=step: self._press(self.step_buttons[s])) for step in Step}
        self._return_actions = {
            self.cad: lambda: self._focus(self.incident_type),
            self.incident_type: record[Step.CALL_FOR_SERVICE],
            self.clets: record[Step.RECORD_CHECKS],
            self.ncic: record[Step.RECORD_CHECKS], self.outcome: record[Step.RECORD_CHECKS],
            self.vehicle: record[Step.VEHICLE_AND_DIRECTION],
            self.direction: record[Step.VEHICLE_AND_DIRECTION],
            self.channel: record[Step.BROADCAST], self.broadcast.now: record[Step.BROADCAST],
            self.broadcast.at: record[Step.BROADCAST],
            self.closing: lambda: self._focus(self.close_reason),
            self.close_reason: lambda: self._press(self.close_button),
            self.recovery_cfs: lambda: self._press(self.recovery_button),
            self.release_reason: lambda: self._press(self.release_button),
        }
        for widget in self._return_actions:
            widget.installEventFilter(self)
        self.show_detail(None)

    def _set_tab_order(self) -> None:
        """Down the panel as it reads: each step's fields, then its Record button."""
        chain: list[QWidget] = [self.claim_button, self.release_reason, self.release_button,
                                self.cad, self.incident_type,
                                self.step_buttons[Step.CALL_FOR_SERVICE], self.clets, self.ncic,
                                self.attach_button, self.outcome,
                                self.step_buttons[Step.RECORD_CHECKS], self.vehicle,
                                self.direction, self.step_buttons[Step.VEHICLE_AND_DIRECTION],
                                self.channel, self.broadcast.now, self.broadcast.at,
                                self.step_buttons[Step.BROADCAST], self.confirm_button,
                                self.recovery_cfs, self.recovery_button, self.closing,
                                self.close_reason, self.close_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and watched in self._return_actions
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if shift and isinstance(watched, QPlainTextEdit):
                return False  # a new line in a pasted response
            self._return_actions[watched]()
            return True
        return super().eventFilter(watched, event)

    # What the hit queue's shortcuts do (ui/hits/hit_keys.py); each acts only when its
    # button could be pressed, so a key never does what the screen does not offer.
    def claim(self) -> None:
        """F2: the claim, or why there is none to make (never nothing at all)."""
        if self._press(self.claim_button):
            return
        detail = self._detail
        if detail is None or not self.can_work:
            return
        self.message.show_error(claim_refusal(detail.hit, self._session.ctx.actor.badge))

    def record_current_step(self) -> None:
        for button in self.step_buttons.values():
            if self._press(button):
                return

    def attach(self) -> None:
        self._press(self.attach_button)

    def confirm(self) -> None:
        if not self._press(self.confirm_button):
            self._explain_key(closing=False)

    def start_closing(self) -> None:
        if self.closing.isEnabled() and self.closing.isVisibleTo(self):
            self._focus(self.closing)
        else:
            self._explain_key(closing=True)

    def _explain_key(self, closing: bool) -> None:
        """F8 or F9 when its button is not open to the dispatcher: say why on the message
        line instead of doing nothing (the keys are pressed without looking at the panel)."""
        detail = self._detail
        if detail is None or not self.can_work:
            return
        text = key_refusal(detail, self._session.ctx.actor.badge, closing)
        if text is not None:
            self.message.show_error(text)

    def _press(self, button: QPushButton) -> bool:
        if button.isEnabled() and button.isVisibleTo(self):
            button.click()
            return True
        return False

    def _focus(self, widget: QWidget) -> None:
        """Focus where the dispatcher works next, and scroll it into view."""
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self._reveal(widget)

    def _reveal(self, widget: QWidget) -> None:
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is None:
            return
        box = next((b for b in self.step_boxes.values() if b.isAncestorOf(widget)), None)
        if box is not None:  # the whole step, its Record button too, where it fits
            area.ensureWidgetVisible(box, 0, 0)
        area.ensureWidgetVisible(widget, 20, 20)

    def show_detail(self, detail: HitDetail | None) -> None:
        same_hit = detail is not None and self._detail is not None \
            and detail.hit.id == self._detail.hit.id
        self._detail = detail
        if not same_hit:
            if detail is not None:
                self._pending = None  # another hit was chosen: focus stays with the chooser
            self._reset_inputs(detail)
            self.message.clear_message()
        self._update_state()

    def _reset_inputs(self, detail: HitDetail | None) -> None:
        """Every input as a new hit finds it: empty, or what the read itself says (its
        vehicle and heading), or what was recorded; nothing from the hit before."""
        self._attachment = None
        self.attach_button.setText("Attach results file…")
        for edit in (self.cad, self.incident_type, self.vehicle, self.channel, self.close_reason,
                     self.recovery_cfs, self.release_reason):
            edit.clear()
        self.clets.clear()
        self.ncic.clear()
        for combo in (self.outcome, self.direction, self.closing):
            combo.setCurrentIndex(0)
        self.direction_note.clear()
        self.broadcast.reset()
        for done in self.step_done.values():
            done.clear()
        if detail is not None:
            self.vehicle.setText(", ".join(str(v) for v in detail.vehicle.values() if v))
            heading = compass_point(detail.hit.direction_deg)
            if heading is not None:
                self.direction.setCurrentIndex(self.direction.findData(heading))
                self.direction_note.setText("as the reader saw it")
            self._fill_recorded(detail)

    def _fill_recorded(self, detail: HitDetail) -> None:
        for s in detail.steps:
            d = s.data
            if s.step == Step.CALL_FOR_SERVICE:
                self.cad.setText(str(d.get("cad_number", "")))
                self.incident_type.setText(str(d.get("incident_type", "")))
            elif s.step == Step.RECORD_CHECKS:
                self.clets.setPlainText(str(d.get("clets_result", "")))
                self.ncic.setPlainText(str(d.get("ncic_result", "")))
                self.outcome.setCurrentIndex(max(0, self.outcome.findData(d.get("outcome"))))
            elif s.step == Step.VEHICLE_AND_DIRECTION:
                self.vehicle.setText(str(d.get("vehicle_description", "")))
                self.direction.setCurrentIndex(max(0, self.direction.findData(d.get("direction"))))
                self.direction_note.clear()
            else:
                self.channel.setText(str(d.get("channel", "")))

    def _update_state(self) -> None:
        detail = self._detail
        me = self._session.ctx.actor.badge
        focused = QApplication.focusWidget()
        had_focus = focused is not None and self.isAncestorOf(focused)
        if detail is None:
            self.status.setText("No hit selected.")
            self.claim_button.hide()
            self.release_row.hide()
            if self.isVisible() and (had_focus or self._pending is not None):
                self.focus_released.emit()
            self._pending = None
            self.setEnabled(False)
            return
        self.setEnabled(True)
        h = detail.hit
        mine = h.status is HitStatus.CLAIMED and h.claimed_by == me
        done = {s.step: s for s in detail.steps}
        self.status.setText(status_text(h, mine, self.can_work, self.may_free_claims))
        self.claim_button.setVisible(self.can_work and h.status is HitStatus.NEW)
        next_step = next((s for s in Step if s not in done), None)
        for step in Step:
            record = done.get(step)
            self.step_done[step].setText(
                f"✓ {record.done_by} at {record.done_at.astimezone():%H:%M:%S}" if record else "")
            active = mine and step == next_step and not h.informational
            for child in self.step_boxes[step].findChildren(
                    QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
                if child is not self.step_done[step]:
                    child.setEnabled(active)
            self.step_buttons[step].setVisible(record is None and self.can_work)
        step_3 = done.get(Step.VEHICLE_AND_DIRECTION)
        self.broadcast.set_earliest(step_3.done_at if step_3 else None)
        self.confirm_button.setVisible(self.can_work and not h.informational)
        self.recovery_box.setVisible(self.can_work and asks_recovery_call(
            h.status, h.reason, h.recovery_cfs))
        self.confirm_button.setEnabled(mine and next_step is None)
        # Only the claimer closes (D.6.a); the service says why anything else is refused.
        for w in (self.closing, self.close_reason, self.close_button):
            w.setEnabled(mine)
            w.setVisible(self.can_work)
        releasable = h.status is HitStatus.CLAIMED and (
            mine or (self.may_free_claims and h.claimed_by != me))
        self.release_row.setVisible(releasable)
        if not releasable:
            self.release_reason.clear()  # a reason given for one claim is not the next one's
        self._move_focus(detail, had_focus, focused)

    def _move_focus(self, detail: HitDetail, had_focus: bool, focused: QWidget | None) -> None:
        """After the dispatcher's own action is answered, focus goes to what comes next;
        otherwise it stays where it was while that is still open to them. (Qt has moved it
        on from an input that closed; it is set again here.)"""
        pending = self._pending
        answered = pending is not None and _answers(pending, detail)
        if answered:
            self._pending = None
        if not self.isVisible() or not (answered or had_focus):
            return  # the dispatcher is elsewhere: focus is not taken from them
        if not answered and focused is not None and focused.isEnabled() \
                and focused.isVisibleTo(self):
            focused.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        target = self._next_focus(detail)
        if target is None:
            self.focus_released.emit()
        else:
            self._focus(target)

    def _next_focus(self, detail: HitDetail) -> QWidget | None:
        """The next thing to do on this hit, None when nothing is left here."""
        h = detail.hit
        if asks_recovery_call(h.status, h.reason, h.recovery_cfs):
            return self.recovery_cfs if self.can_work else None
        if not self.can_work or not h.open:
            return None
        if h.status is HitStatus.NEW:
            return self.claim_button
        if h.claimed_by != self._session.ctx.actor.badge:
            return None
        done = {s.step: s for s in detail.steps}
        step = next((s for s in Step if s not in done), None)
        if h.informational:
            return self.closing
        if step is not None:
            return self._first_input[step]
        checks = done[Step.RECORD_CHECKS].data.get("outcome")
        return self.confirm_button if checks == QueryOutcome.STILL_WANTED.value \
            else self.closing

    def _hit_id(self) -> int | None:
        return self._detail.hit.id if self._detail else None

    def _run(self, service, *args) -> None:  # type: ignore[no-untyped-def]
        hit_id = self._hit_id()
        if hit_id is None:
            return
        self.message.clear_message()
        self.writing = hit_id
        self._writes += 1
        serial = self._writes
        self._sent_from = QApplication.focusWidget()
        self._session.perform(service, hit_id, *args, owner=self,
                              on_done=lambda view: self._on_action_done(view, serial),
                              on_error=lambda error: self._on_action_failed(error, serial))

    def _on_action_failed(self, error: BaseException, serial: int) -> None:
        """Why, in view; the focus stays where it is, to correct the field."""
        hit_id = None
        if serial == self._writes:  # else a newer write is on its way and says what follows
            hit_id, self.writing = self.writing, None
        self.message.show_error(describe_error(error))
        self._reveal(self.message)
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            self._reveal(focused)
        if hit_id is not None:
            self.write_failed.emit(hit_id)

    def _on_action_done(self, view: HitView, serial: int) -> None:
        newest = serial == self._writes
        if not newest and view.id == self.writing:
            # The dispatcher went on (its change event showed this answer first) and wrote
            # to the hit again: writes run one at a time, so that newer answer follows. This
            # older one would show the hit as it was (a confirmed hit back in the queue).
            return
        if newest:
            self.writing = None
            if view.id == self._hit_id():
                self._pending = view  # focus moves on once the panel shows this answer
        self.hit_updated.emit(view)
        detail = self._detail
        if not newest:
            return  # another hit's answer: the focus is on the hit written to since
        if self._pending is not None and detail is not None \
                and _answers(self._pending, detail):
            # The write's change event was heard and shown before its answer arrived (the
            # writer thread was slow to hand it back), so the answer changes nothing on
            # screen: the focus moves on from here, unless the dispatcher has moved it since.
            if QApplication.focusWidget() is self._sent_from:
                self._move_focus(detail, False, None)
            self._pending = None

    @Slot()
    def _on_claim_clicked(self) -> None:
        self._run(hit_service.claim_hit)

    @Slot()
    def _on_attach_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Attach CLETS/NCIC results")
        # Back to this window and button whatever the window manager does, so the keyboard
        # carries on from here.
        self.activateWindow()
        self.attach_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if path:
            self.attach_file(Path(path))

    def attach_file(self, path: Path) -> None:
        data = path.read_bytes()
        self._attachment = (path.name, data)
        self.attach_button.setText(f"Attached: {path.name} ({len(data):,} bytes)")

    def _on_record_clicked(self, step: Step) -> None:
        if step is Step.CALL_FOR_SERVICE:
            item = StepInput(step, {"cad_number": self.cad.text(),
                                    "incident_type": self.incident_type.text()})
        elif step is Step.RECORD_CHECKS:
            name, data = self._attachment or (None, None)
            item = StepInput(step, {"clets_result": self.clets.toPlainText(),
                                    "ncic_result": self.ncic.toPlainText(),
                                    "outcome": self.outcome.currentData()}, name, data)
        elif step is Step.VEHICLE_AND_DIRECTION:
            item = StepInput(step, {"vehicle_description": self.vehicle.text(),
                                    "direction": self.direction.currentData()})
        else:
            item = StepInput(step, {"channel": self.channel.text(),
                                    "broadcast_at": self.broadcast.value()})
        self._run(hit_service.record_step, item)

    @Slot()
    def _on_confirm_clicked(self) -> None:
        self._run(hit_service.confirm_hit)

    @Slot()
    def _on_recovery_clicked(self) -> None:
        self._run(hit_service.record_recovery_call, self.recovery_cfs.text())

    @Slot()
    def _on_release_clicked(self) -> None:
        self._run(hit_service.release_hit, self.release_reason.text())

    @Slot()
    def _on_close_clicked(self) -> None:
        self._run(hit_service.close_hit, self.closing.currentData(), self.close_reason.text())


def _answers(pending: HitView, detail: HitDetail) -> bool:
    """Whether the panel shows what the dispatcher's own write answered."""
    return pending.id == detail.hit.id and pending.status is detail.hit.status \
        and pending.steps_done == tuple(sorted(s.step for s in detail.steps))
