"""Add or edit one PSCN camera (F.1), by hand or from its ONVIF address, and check a stream
without freezing the console: the check shows a picture (never a donor camera's)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.devices import CATEGORY_TITLES, DeviceCategory
from rtic_console.domain.donor_terms import recording_allowed
from rtic_console.domain.stream_urls import redact_url
from rtic_console.feeds.onvif_client import OnvifCameraInfo
from rtic_console.feeds.stream_check import StreamCheckReport, check_stream
from rtic_console.services import onvif_cameras
from rtic_console.services.cameras import CameraInput, CameraView
from rtic_console.services.onvif_cameras import OnvifView
from rtic_console.ui.admin.onvif_section import OnvifSection, with_credentials
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.saving_dialog import SavingDialog
from rtic_console.ui.widgets import MessageLine, describe_error

PROBE_FRAMES = 15
PROBE_TIMEOUT_S = 8.0
PICTURE_WIDTH = 320

ProbeDone = Callable[[bool, str], None]


def run_stream_check(session: ConsoleSession, owner: QObject, done: ProbeDone, *,
                     camera: int | None = None, url: str | None = None,
                     picture: Callable[[np.ndarray], None] | None = None) -> None:
    """The stream check workflow (plan, measure, record and audit) on the runner's
    background pool; `done(ok, text)` runs on the GUI thread while `owner` lives, and
    `picture(frame)` first when a frame was decoded. The workflow finishes and audits even
    if the owner closes meanwhile."""
    db, ctx = session.db, session.ctx
    session.runner.background(
        lambda: check_stream(db, ctx, camera=camera, url=url, frames=PROBE_FRAMES,
                             timeout_s=PROBE_TIMEOUT_S),
        lambda report: _report(report, done, picture),
        lambda e: done(False, describe_error(e)), owner=owner)


def _report(report: StreamCheckReport, done: ProbeDone,
            picture: Callable[[np.ndarray], None] | None) -> None:
    if picture is not None and report.picture is not None:
        picture(report.picture)
    done(report.ok, report.text())


def frame_pixmap(frame: np.ndarray, width: int = PICTURE_WIDTH) -> QPixmap:
    """A BGR frame as a pixmap `width` wide (the pixmap owns its pixels)."""
    frame = np.ascontiguousarray(frame)
    height, w = frame.shape[:2]
    image = QImage(frame.data, w, height, frame.strides[0], QImage.Format.Format_BGR888)
    return QPixmap.fromImage(image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation))


def _number(text: str, label: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{label} must be a number such as 38.5816") from None


class CameraDialog(SavingDialog):
    """Add when camera is None; edit otherwise. The service validates and refuses."""

    def __init__(self, session: ConsoleSession, camera: CameraView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._camera = camera
        self.setWindowTitle(f"Edit camera {camera.code}" if camera else "Add a camera")
        self.setMinimumWidth(760)
        self.onvif = OnvifSection(session)
        self._read_urls: dict[str, str] = {}  # shown (credentials as ***) -> whole
        self.onvif.camera_read.connect(self._on_onvif_read)
        self.code = QLineEdit()
        self.code.setMaxLength(40)
        self.code.setPlaceholderText("e.g. CAM-AG-03")
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.category = QComboBox()
        for category, title in CATEGORY_TITLES.items():
            self.category.addItem(title, category.value)
        self.category.currentIndexChanged.connect(self._on_category_changed)
        self.area, self.address = QLineEdit(), QLineEdit()
        self.area.setMaxLength(80)
        self.address.setMaxLength(200)
        self.latitude, self.longitude = QLineEdit(), QLineEdit()
        for edit in (self.latitude, self.longitude):
            edit.setPlaceholderText("optional")
        self.stream_url, self.substream_url = QLineEdit(), QLineEdit()
        self.stream_url.setPlaceholderText("rtsp://user:password@host/path or http://…/mjpg")
        self.stream_url.setToolTip("Credentials are stored apart, sealed, and never shown: "
                                   "they appear as ***. Leave the URL as shown to keep them.")
        self.substream_url.setPlaceholderText("optional low-resolution stream for the wall")
        self.transport = QComboBox()
        self.transport.addItem("TCP (works through firewalls)", "tcp")
        self.transport.addItem("UDP (lower delay on a clean network)", "udp")
        self.transport.setToolTip("How an RTSP camera sends its video; other streams ignore it.")
        self.test_button = QPushButton("Test stream")
        self.test_button.setAutoDefault(False)  # Enter saves; it never starts a stream test
        self.test_button.clicked.connect(self._on_test_clicked)
        url_row = QHBoxLayout()
        url_row.addWidget(self.stream_url, 1)
        url_row.addWidget(self.test_button)
        self.in_service = QCheckBox("In service")
        self.in_service.setChecked(True)
        self.recording = QCheckBox("Record this camera (rolling segments, F.5)")
        self.retention = QSpinBox()
        self.retention.setRange(0, 3650)
        self.retention.setSpecialValueText("System default")
        self.retention.setSuffix(" days")
        self.recording_note = QLabel()
        self.recording_note.setObjectName("footnote")
        self.recording_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Camera ID", self.code)
        form.addRow("Name", self.name)
        form.addRow("Category (F.1)", self.category)
        form.addRow("Area", self.area)
        form.addRow("Address", self.address)
        form.addRow("Latitude", self.latitude)
        form.addRow("Longitude", self.longitude)
        form.addRow("Main stream URL", url_row)
        form.addRow("Sub-stream URL", self.substream_url)
        form.addRow("RTSP transport", self.transport)
        form.addRow("", self.in_service)
        form.addRow("Recording", self.recording)
        form.addRow("Retention", self.retention)
        form.addRow("", self.recording_note)
        self.probe_result = MessageLine()
        self.picture = QLabel()
        self.picture.setObjectName("streamPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.onvif)
        layout.addLayout(form)
        layout.addWidget(self.picture)
        layout.addWidget(self.probe_result)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if camera is not None:
            self._load(camera)
            session.query(onvif_cameras.camera_onvif, camera.id, owner=self,
                          on_done=self._on_onvif_loaded,
                          on_error=lambda e: self.message.show_error(describe_error(e)))
        self._on_category_changed()

    def _on_onvif_loaded(self, view: OnvifView | None) -> None:
        if view is not None:
            self.onvif.load(view)

    def _on_onvif_read(self, info: OnvifCameraInfo) -> None:
        """The camera's own name and its main and smallest profiles' streams."""
        user, password = self.onvif.user.text().strip(), self.onvif.password.text()
        if not self.name.text().strip():
            self.name.setText(f"{info.manufacturer} {info.model}".strip())
        for edit, profile in ((self.stream_url, info.main), (self.substream_url, info.sub)):
            whole = "" if profile is None else with_credentials(profile.stream_uri, user,
                                                                password)
            self._read_urls[redact_url(whole)] = whole
            edit.setText(redact_url(whole))
            edit.setCursorPosition(0)

    def _whole(self, edit: QLineEdit) -> str:
        """A URL filled in from the ONVIF camera is shown redacted: this is the whole one."""
        text = edit.text().strip()
        return self._read_urls.get(text, text)

    def _load(self, camera: CameraView) -> None:
        self.code.setText(camera.code)
        self.name.setText(camera.name)
        self.category.setCurrentIndex(self.category.findData(camera.category.value))
        self.area.setText(camera.area)
        self.address.setText(camera.address)
        self.latitude.setText("" if camera.latitude is None else f"{camera.latitude:g}")
        self.longitude.setText("" if camera.longitude is None else f"{camera.longitude:g}")
        self.stream_url.setText(camera.display_url)
        self.substream_url.setText(camera.substream_display_url)
        for edit in (self.stream_url, self.substream_url):
            edit.setCursorPosition(0)
        self.transport.setCurrentIndex(self.transport.findData(camera.stream_transport))
        self.in_service.setChecked(camera.in_service)
        self.recording.setChecked(camera.recording_enabled)
        self.retention.setValue(camera.retention_days or 0)

    def value(self) -> CameraInput:
        """URLs as typed; left as shown (credentials as ***), the service keeps the stored."""
        return CameraInput(
            code=self.code.text(), name=self.name.text(), category=self.category.currentData(),
            stream_url=self._whole(self.stream_url),
            substream_url=self._whole(self.substream_url) or None,
            area=self.area.text(), address=self.address.text(),
            latitude=_number(self.latitude.text(), "latitude"),
            longitude=_number(self.longitude.text(), "longitude"),
            in_service=self.in_service.isChecked(),
            recording_enabled=self.recording.isChecked(),
            retention_days=self.retention.value() or None,
            stream_transport=self.transport.currentData())

    @Slot()
    def _on_category_changed(self) -> None:
        """Donor video is never recorded (G.1): the control is absent, the service refuses."""
        decision = recording_allowed(DeviceCategory(self.category.currentData()))
        if not decision.allowed:
            self.recording.setChecked(False)
        self.recording.setEnabled(decision.allowed)
        self.retention.setEnabled(decision.allowed)
        self.recording_note.setText("" if decision.allowed else
                                    f"Not recorded: {decision.reason} ({decision.clause}).")
        self.recording_note.setVisible(not decision.allowed)

    @Slot()
    def _on_test_clicked(self) -> None:
        """The stored camera when its URL is left as shown, else the URL as typed."""
        old, typed = self._camera, self._whole(self.stream_url)
        self.test_button.setEnabled(False)
        self.picture.hide()
        self.probe_result.show_ok("Testing the stream…")
        if old is not None and typed == old.display_url:
            run_stream_check(self._session, self, self._on_probe_finished, camera=old.id,
                             picture=self._on_picture)
        else:
            run_stream_check(self._session, self, self._on_probe_finished, url=typed,
                             picture=self._on_picture)

    def _on_picture(self, frame: np.ndarray) -> None:
        self.picture.setPixmap(frame_pixmap(frame))
        self.picture.show()

    def _on_probe_finished(self, ok: bool, text: str) -> None:
        self.test_button.setEnabled(True)
        (self.probe_result.show_ok if ok else self.probe_result.show_error)(text)

    @Slot()
    def _on_save_clicked(self) -> None:
        self.message.clear_message()
        try:
            data, onvif = self.value(), self.onvif.settings()
        except ValueError as exc:
            self.message.show_error(str(exc))
            return
        self.submit(self.save_button, onvif_cameras.save_onvif_camera,
                    None if self._camera is None else self._camera.id, data, onvif)
