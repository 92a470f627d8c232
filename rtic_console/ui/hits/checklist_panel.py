"""The dispatcher's four-step checklist, claim, confirm and close (D.5.b, D.6.a)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDateTime, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.checklist import (
    DIRECTIONS,
    MAX_REASON,
    OUTCOME_TITLES,
    STEP_TITLES,
    HitStatus,
    QueryOutcome,
    Step,
    StepInput,
    asks_recovery_call,
)
from rtic_console.domain.roles import Permission
from rtic_console.services import hits as hit_service
from rtic_console.services.hits import HitDetail, HitView
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import MessageLine, describe_error

CLOSINGS = ((HitStatus.MISREAD, "Misread: the photo does not match the read"),
            (HitStatus.NO_LONGER_WANTED, "No longer wanted"),
            (HitStatus.DUPLICATE, "Duplicate of another hit"))


class ChecklistPanel(QWidget):
    """Each step's inputs open only when the step before it is recorded."""

    hit_updated = Signal(object)

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._detail: HitDetail | None = None
        self._attachment: tuple[str, bytes] | None = None
        self.can_work = session.may(Permission.WORK_HITS)

        self.status = QLabel()
        self.status.setObjectName("checklistStatus")
        self.status.setWordWrap(True)
        self.claim_button = QPushButton("Claim this hit")
        self.claim_button.clicked.connect(self._on_claim_clicked)

        self.cad = QLineEdit()
        self.cad.setPlaceholderText("e.g. 26-118812")
        self.cad.setMaxLength(24)
        self.clets = QPlainTextEdit()
        self.clets.setPlaceholderText("Paste the CLETS response")
        self.ncic = QPlainTextEdit()
        self.ncic.setPlaceholderText("Paste the NCIC response")
        for edit in (self.clets, self.ncic):
            edit.setFixedHeight(56)
        self.attach_button = QPushButton("Attach results file…")
        self.attach_button.clicked.connect(self._on_attach_clicked)
        self.outcome = QComboBox()
        self.outcome.addItem("— choose —", None)
        for outcome in QueryOutcome:
            self.outcome.addItem(OUTCOME_TITLES[outcome], outcome.value)
        self.vehicle = QLineEdit()
        self.vehicle.setMaxLength(500)
        self.direction = QComboBox()
        self.direction.addItems(list(DIRECTIONS))
        self.channel = QLineEdit()
        self.channel.setMaxLength(40)
        self.channel.setPlaceholderText("e.g. Central 1")
        self.broadcast_at = QDateTimeEdit()
        self.broadcast_at.setDisplayFormat("yyyy-MM-dd HH:mm:ss")

        self.step_boxes: dict[Step, QGroupBox] = {}
        self.step_buttons: dict[Step, QPushButton] = {}
        self.step_done: dict[Step, QLabel] = {}
        rows = {
            Step.CALL_FOR_SERVICE: [("CAD incident", self.cad)],
            Step.RECORD_CHECKS: [("CLETS", self.clets), ("NCIC", self.ncic),
                                 ("", self.attach_button), ("Outcome", self.outcome)],
            Step.VEHICLE_AND_DIRECTION: [("Vehicle", self.vehicle),
                                         ("Direction", self.direction)],
            Step.BROADCAST: [("Channel", self.channel), ("Broadcast at", self.broadcast_at)],
        }
        steps_layout = QVBoxLayout()
        for step, fields in rows.items():
            box = QGroupBox(f"{int(step)}. {STEP_TITLES[step]}")
            form = QFormLayout(box)
            for label, widget in fields:
                form.addRow(label, widget)
            done = QLabel()
            done.setObjectName("stepDone")
            button = QPushButton("Record step")
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
        for status, title in CLOSINGS:
            self.closing.addItem(title, status)
        self.close_reason = QLineEdit()
        self.close_reason.setPlaceholderText("Reason: what you found, in a few words")
        self.close_reason.setMaxLength(MAX_REASON)
        self.close_button = QPushButton("Close hit")
        self.close_button.clicked.connect(self._on_close_clicked)
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
        layout.addLayout(steps_layout)
        layout.addWidget(self.confirm_button)
        layout.addWidget(self.recovery_box)
        layout.addLayout(closing)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.show_detail(None)

    def show_detail(self, detail: HitDetail | None) -> None:
        same_hit = detail is not None and self._detail is not None \
            and detail.hit.id == self._detail.hit.id
        self._detail = detail
        if not same_hit:
            self._reset_inputs(detail)
            self.message.clear_message()
        self._update_state()

    def _reset_inputs(self, detail: HitDetail | None) -> None:
        self._attachment = None
        self.attach_button.setText("Attach results file…")
        for edit in (self.cad, self.vehicle, self.channel, self.close_reason):
            edit.clear()
        self.clets.clear()
        self.ncic.clear()
        self.outcome.setCurrentIndex(0)
        self.broadcast_at.setDateTime(QDateTime.currentDateTime())
        if detail is not None:
            self.vehicle.setText(", ".join(str(v) for v in detail.vehicle.values() if v))
            self._fill_recorded(detail)

    def _fill_recorded(self, detail: HitDetail) -> None:
        for s in detail.steps:
            d = s.data
            if s.step == Step.CALL_FOR_SERVICE:
                self.cad.setText(str(d.get("cad_number", "")))
            elif s.step == Step.RECORD_CHECKS:
                self.clets.setPlainText(str(d.get("clets_result", "")))
                self.ncic.setPlainText(str(d.get("ncic_result", "")))
                self.outcome.setCurrentIndex(max(0, self.outcome.findData(d.get("outcome"))))
            elif s.step == Step.VEHICLE_AND_DIRECTION:
                self.vehicle.setText(str(d.get("vehicle_description", "")))
                self.direction.setCurrentText(str(d.get("direction", "")))
            else:
                self.channel.setText(str(d.get("channel", "")))

    def _update_state(self) -> None:
        detail = self._detail
        me = self._session.ctx.actor.badge
        if detail is None:
            self.status.setText("No hit selected.")
            self.claim_button.hide()
            self.setEnabled(False)
            return
        self.setEnabled(True)
        h = detail.hit
        mine = h.status is HitStatus.CLAIMED and h.claimed_by == me
        done = {s.step: s for s in detail.steps}
        self.status.setText(self._status_text(h, mine))
        self.claim_button.setVisible(self.can_work and h.status is HitStatus.NEW)
        next_step = next((s for s in Step if s not in done), None)
        for step in Step:
            record = done.get(step)
            self.step_done[step].setText(
                f"✓ {record.done_by} at {record.done_at.astimezone():%H:%M:%S}" if record else "")
            active = mine and step == next_step and not h.informational
            for child in self.step_boxes[step].findChildren(QWidget):
                if child is not self.step_done[step]:
                    child.setEnabled(active)
            self.step_buttons[step].setVisible(record is None and self.can_work)
        self.confirm_button.setVisible(self.can_work and not h.informational)
        self.recovery_box.setVisible(self.can_work and asks_recovery_call(
            h.status, h.reason, h.recovery_cfs))
        self.confirm_button.setEnabled(mine and next_step is None)
        # Only the claimer closes (D.6.a); the service says why anything else is refused.
        for w in (self.closing, self.close_reason, self.close_button):
            w.setEnabled(mine)
            w.setVisible(self.can_work)

    def _status_text(self, h: HitView, mine: bool) -> str:
        if not h.open:
            return f"Closed: {h.status.value.replace('_', ' ')}." + (
                f" Recovery call for service {h.recovery_cfs} (D.3.e)." if h.recovery_cfs
                else "")
        if not self.can_work:
            return "Only dispatchers claim and verify hits (D.5.b)."
        if h.informational:
            return ("Informational hit: it is never confirmed. Claim it, note it and close it "
                    "with a reason." if h.status is HitStatus.NEW else
                    "Informational hit, claimed by you: close it with a reason once noted."
                    if mine else f"Informational hit, claimed by {h.claimed_by}.")
        if h.status is HitStatus.NEW:
            return "New: claim it to work the checklist, or to close it."
        if mine:
            return ("Claimed by you. Work the steps in order; close it as no longer wanted "
                    "only after step 2 shows it.")
        return f"Claimed by {h.claimed_by} {h.claimed_by_name or ''}."

    def _hit_id(self) -> int | None:
        return self._detail.hit.id if self._detail else None

    def _run(self, service, *args) -> None:  # type: ignore[no-untyped-def]
        hit_id = self._hit_id()
        if hit_id is None:
            return
        self.message.clear_message()
        self._session.perform(service, hit_id, *args, owner=self,
                              on_done=self.hit_updated.emit,
                              on_error=lambda e: self.message.show_error(describe_error(e)))

    @Slot()
    def _on_claim_clicked(self) -> None:
        self._run(hit_service.claim_hit)

    @Slot()
    def _on_attach_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Attach CLETS/NCIC results")
        if path:
            self.attach_file(Path(path))

    def attach_file(self, path: Path) -> None:
        data = path.read_bytes()
        self._attachment = (path.name, data)
        self.attach_button.setText(f"Attached: {path.name} ({len(data):,} bytes)")

    def _on_record_clicked(self, step: Step) -> None:
        if step is Step.CALL_FOR_SERVICE:
            item = StepInput(step, {"cad_number": self.cad.text()})
        elif step is Step.RECORD_CHECKS:
            name, data = self._attachment or (None, None)
            item = StepInput(step, {"clets_result": self.clets.toPlainText(),
                                    "ncic_result": self.ncic.toPlainText(),
                                    "outcome": self.outcome.currentData()}, name, data)
        elif step is Step.VEHICLE_AND_DIRECTION:
            item = StepInput(step, {"vehicle_description": self.vehicle.text(),
                                    "direction": self.direction.currentText()})
        else:
            moment = self.broadcast_at.dateTime().toPython().astimezone()
            item = StepInput(step, {"channel": self.channel.text(), "broadcast_at": moment})
        self._run(hit_service.record_step, item)

    @Slot()
    def _on_confirm_clicked(self) -> None:
        self._run(hit_service.confirm_hit)

    @Slot()
    def _on_recovery_clicked(self) -> None:
        self._run(hit_service.record_recovery_call, self.recovery_cfs.text())

    @Slot()
    def _on_close_clicked(self) -> None:
        self._run(hit_service.close_hit, self.closing.currentData(), self.close_reason.text())
