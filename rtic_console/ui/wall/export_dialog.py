"""Evidence export (F.4): a clip of recorded video with its SHA-256 and manifest, booked to a
case; never a donor camera (G.1). A preview shows what the recordings hold of the range, and
every gap, before anything is written."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import shiboken6
from PySide6.QtCore import QDateTime, QObject, QStandardPaths, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.recipients import ExportRecipient, RecipientKind
from rtic_console.domain.recording_coverage import Span, coverage, describe_span
from rtic_console.services import cameras, recordings
from rtic_console.services.cameras import CameraView
from rtic_console.services.clip_export import ExportPlan
from rtic_console.services.evidence_export import export_evidence
from rtic_console.services.recordings import ExportResult, describe_plan
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.wall.timeline_widget import TimelineLane, TimelineWidget
from rtic_console.ui.widgets import MessageLine, describe_error, keep_wrapped_text_whole


def default_folder() -> str:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return str(Path(documents or Path.home()) / "RTIC evidence exports")


def _qt_time(moment: datetime) -> QDateTime:
    local = moment.astimezone().replace(tzinfo=None)
    return QDateTime(local.date(), local.time())


class StepRelay(QObject):
    """Carries the workflow's steps from the worker to the dialog, queued by Qt; it lives
    with the runner, so a step reported after the dialog closed goes nowhere."""

    stepped = Signal(str)


class ExportDialog(QDialog):
    """Preview first: the plan (a read) shows the range the recordings cover and each gap,
    and the export is offered only then, as "Export anyway" when there are gaps. Then three
    steps so the SQLite writer is never held while the clip encodes: plan again, write the
    files (off the GUI thread), book them (a write). Changing the request drops the preview."""

    def __init__(self, session: ConsoleSession, camera_id: int | None = None,
                 start: datetime | None = None, end: datetime | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_wrapped_text_whole(self)
        self._session, self._camera_id = session, camera_id
        self.exported: ExportResult | None = None
        self.plan: ExportPlan | None = None
        self.busy = False
        self.setWindowTitle("Export evidence clip (F.4)")
        self.setMinimumWidth(860)
        intro = QLabel("Recorded video with evidentiary value is exported as a clip with its "
                       "SHA-256 and a manifest, for booking into the evidence repository. "
                       "Private donor cameras are never recorded or exported (G.1).")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")
        self.camera = QComboBox()
        end = end or datetime.now().astimezone()
        self.start, self.end = QDateTimeEdit(), QDateTimeEdit()
        for edit, moment in ((self.start, start or end - timedelta(minutes=15)),
                             (self.end, end)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
            edit.setDateTime(_qt_time(moment))
        self.case_number, self.report_number = QLineEdit(), QLineEdit()
        self.case_number.setMaxLength(40)
        self.report_number.setMaxLength(40)
        self.case_number.setPlaceholderText("required, e.g. 26-004512")
        self.report_number.setPlaceholderText("the report the clip is booked under")
        self.purpose = QLineEdit()
        self.purpose.setMaxLength(500)
        self.purpose.setPlaceholderText("why this footage has evidentiary value")
        # C.3: every export names its recipient; another agency only by a granted request.
        self.recipient = QComboBox()
        self.recipient.setObjectName("exportRecipient")
        self.recipient.addItem("SPD internal use for this case", RecipientKind.SPD_CASE)
        self.recipient.addItem("Another agency: granted sharing request #",
                               RecipientKind.SHARING_REQUEST)
        self.request_number = QSpinBox()
        self.request_number.setRange(1, 2_000_000_000)
        self.request_number.setEnabled(False)
        self.recipient.currentIndexChanged.connect(self._on_recipient_changed)
        recipient_row = QHBoxLayout()
        recipient_row.addWidget(self.recipient, 1)
        recipient_row.addWidget(self.request_number)
        self.folder = QLineEdit(default_folder())
        browse = QPushButton("Choose…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._on_browse_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Camera", self.camera)
        form.addRow("From (local time)", self.start)
        form.addRow("To", self.end)
        form.addRow("Case number", self.case_number)
        form.addRow("Report number", self.report_number)
        form.addRow("Purpose", self.purpose)
        form.addRow("Recipient", recipient_row)
        form.addRow("Output folder", folder_row)
        self.preview = QGroupBox("What the export will hold")
        # Read-only text, scrolled: a day with many outages lists every gap.
        self.preview_text = QPlainTextEdit()
        self.preview_text.setObjectName("exportPreview")
        self.preview_text.setReadOnly(True)
        self.preview_text.setFixedHeight(self.fontMetrics().lineSpacing() * 7 + 12)
        self.preview_timeline = TimelineWidget(scrubbable=False)
        self.gap_warning = QLabel()
        self.gap_warning.setObjectName("warningText")
        self.gap_warning.setWordWrap(True)
        preview = QVBoxLayout(self.preview)
        preview.addWidget(self.preview_text)
        preview.addWidget(self.preview_timeline)
        preview.addWidget(self.gap_warning)
        self.preview.hide()
        self.progress = QLabel()
        self.progress.setObjectName("exportProgress")
        self.progress.setWordWrap(True)
        self.clip_path, self.clip_sha256, self.manifest_path = (QLineEdit(), QLineEdit(),
                                                                QLineEdit())
        self.results = QGroupBox("For the evidence repository")
        results = QFormLayout(self.results)
        for label, edit in (("Clip", self.clip_path), ("Clip SHA-256", self.clip_sha256),
                            ("Manifest", self.manifest_path)):
            edit.setReadOnly(True)
            edit.setObjectName("exportResult")
            results.addRow(label, edit)
        self.results.hide()
        self.message = MessageLine()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        # Close never takes Return: a preview or a refusal must not lose the typed fields.
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        self.preview_button = self.buttons.addButton("Preview",
                                                     QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.setEnabled(False)
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self._on_preview_clicked)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.progress)
        layout.addWidget(self.results)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for signal in (self.camera.currentIndexChanged, self.start.dateTimeChanged,
                       self.end.dateTimeChanged, self.case_number.textChanged,
                       self.report_number.textChanged, self.purpose.textChanged,
                       self.recipient.currentIndexChanged, self.request_number.valueChanged):
            signal.connect(self._drop_preview)
        session.query(cameras.list_cameras, owner=self, on_done=self._on_cameras_loaded,
                      on_error=self._on_failed)

    def _on_cameras_loaded(self, views: list[CameraView]) -> None:
        """Donor cameras are absent (G.1); plan_export refuses them anyway."""
        self.camera.clear()
        for camera in views:
            if not camera.is_donor:
                note = "" if camera.recording_enabled else " (not recording now)"
                self.camera.addItem(f"{camera.code} · {camera.name}{note}", camera.id)
        if self._camera_id is not None and (i := self.camera.findData(self._camera_id)) >= 0:
            self.camera.setCurrentIndex(i)
        self.preview_button.setEnabled(self.camera.count() > 0)
        if not self.camera.count():
            self.message.show_error("No agency, city or traffic camera to export from.")

    def chosen_recipient(self) -> ExportRecipient:
        if self.recipient.currentData() is RecipientKind.SHARING_REQUEST:
            return ExportRecipient.shared(self.request_number.value())
        return ExportRecipient.spd(" ".join(self.case_number.text().split()))

    @Slot(int)
    def _on_recipient_changed(self, _index: int) -> None:
        self.request_number.setEnabled(
            self.recipient.currentData() is RecipientKind.SHARING_REQUEST)

    @Slot()
    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Output folder", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _step(self, text: str) -> None:
        self.progress.setText(text)

    def _request(self) -> tuple[object, ...]:
        return (self.camera.currentData(), self.start.dateTime().toPython().astimezone(),
                self.end.dateTime().toPython().astimezone(), self.case_number.text(),
                self.report_number.text(), self.purpose.text())

    @Slot()
    def _drop_preview(self) -> None:
        """The request changed: what was previewed no longer stands."""
        self.plan = None
        self.preview.hide()
        self.export_button.setEnabled(False)
        self.export_button.setText("Export")

    @Slot()
    def _on_preview_clicked(self) -> None:
        self._drop_preview()
        self.message.clear_message()
        self.results.hide()
        self._step("")
        self.preview_button.setEnabled(False)
        self._session.query(recordings.plan_export, *self._request(), self.chosen_recipient(),
                            owner=self, on_done=self._on_planned, on_error=self._on_failed)

    def _on_planned(self, plan: ExportPlan) -> None:
        self.plan = plan
        self.preview_button.setEnabled(True)
        self.preview_text.setPlainText("\n".join(describe_plan(plan)))
        found = coverage((Span(s.started_at, s.ended_at) for s in plan.segments), plan.start,
                         plan.end)
        self.preview_timeline.set_lanes(Span(plan.start, plan.end), [TimelineLane(
            str(plan.camera["id"]), found.recorded, found.gaps)])
        if plan.gaps:
            self.gap_warning.setText(
                f"The recordings cover {describe_span(plan.covered)} of the range asked for. "
                "The clip will hold only that, named after it, with each gap listed in the "
                "manifest. Export anyway, or change the range.")
            self.export_button.setText("Export anyway")
        else:
            self.gap_warning.setText("")
            self.export_button.setText("Export")
        self.gap_warning.setVisible(bool(plan.gaps))
        self.preview.show()
        self.export_button.setEnabled(True)
        self.export_button.setDefault(True)
        self.export_button.setFocus()  # Return exports; the preview button was disabled

    @Slot()
    def _on_export_clicked(self) -> None:
        if self.plan is None:
            return
        if not self.folder.text().strip():
            self.message.show_error("Choose the output folder.")
            return
        self._set_busy(True)
        self.message.clear_message()
        self.results.hide()
        db, ctx = self._session.db, self._session.ctx
        request = (*self._request(), Path(self.folder.text().strip()))
        recipient = self.chosen_recipient()
        # The runner owns the export: files once written are booked, the dialog open or not.
        # The gaps were shown in the preview, and choosing Export went on with them.
        steps = StepRelay(self._session.runner)
        steps.stepped.connect(self._step)
        self._session.runner.background(
            lambda: export_evidence(db, ctx, *request, progress=steps.stepped.emit,
                                    recipient=recipient, allow_gaps=True),
            lambda result: (steps.deleteLater(), self._on_recorded(result)),
            lambda error: (steps.deleteLater(), self._on_failed(error)),
            owner=self._session.runner)

    def _on_recorded(self, result: ExportResult) -> None:
        if not shiboken6.isValid(self):
            return
        self.exported = result
        self._set_busy(False)
        gaps = (f", {len(result.gaps)} gap{'s' if len(result.gaps) != 1 else ''} listed"
                if result.gaps else "")
        self._step(f"Done · {result.frames} frames covering {describe_span(result.covered)}"
                   f"{gaps}; the {len(result.originals)} original segment files beside the "
                   f"clip; source video held for the case (hold #{result.hold_id}).")
        for edit, text in ((self.clip_path, str(result.clip_path)),
                           (self.clip_sha256, result.clip_sha256),
                           (self.manifest_path, str(result.manifest_path))):
            edit.setText(text)
            edit.setToolTip(text)
            edit.setCursorPosition(0)
        self.preview.hide()  # done with: the dialog keeps to the screen with the results
        self.results.show()
        self.adjustSize()
        self.message.show_ok("Exported. Book the clip and its manifest into the evidence "
                             "repository under the report number.")

    def _on_failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.preview_button.setEnabled(self.camera.count() > 0)
        self.preview_button.setFocus()  # Return asks again once the field is corrected
        self._step("")
        self.message.show_error(describe_error(error))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.export_button.setEnabled(not busy and self.plan is not None)
        self.preview_button.setEnabled(not busy and self.camera.count() > 0)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(not busy)

    def reject(self) -> None:
        if not self.busy:  # files being written are booked before the dialog may close
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)
