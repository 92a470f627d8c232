"""The camera dialog's "Add by ONVIF address": read the camera off the GUI thread, choose a
profile, and keep PTZ with its idle return home."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from rtic_console.domain.ptz import MAX_HOME_AFTER_MINUTES, PtzRange
from rtic_console.domain.stream_urls import has_credentials
from rtic_console.feeds.onvif_client import OnvifAddress, OnvifCameraInfo, OnvifError
from rtic_console.feeds.onvif_workflows import READ_TIMEOUT_S, read_onvif_camera
from rtic_console.services.onvif_cameras import OnvifSettings, OnvifView
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import MessageLine, PasswordEdit, describe_error, plain_label


def with_credentials(uri: str, user: str, password: str) -> str:
    """A camera's stream URI with the ONVIF user's credentials, unless it carries its own."""
    if not user or has_credentials(uri):
        return uri
    parts = urlsplit(uri)
    auth = f"{quote(user, safe='')}:{quote(password, safe='')}@"
    return urlunsplit(parts._replace(netloc=auth + parts.netloc))


class OnvifSection(QGroupBox):
    """`camera_read` carries what the camera said; `settings()` what is saved with it."""

    camera_read = Signal(object)  # OnvifCameraInfo

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__("Add by ONVIF address (optional)", parent)
        self._session = session
        self.timeout_s = READ_TIMEOUT_S
        self._shown: OnvifView | None = None
        self._info: OnvifCameraInfo | None = None
        self._range: PtzRange | None = None
        self.address = QLineEdit()
        self.address.setPlaceholderText("host:port or http://host:port/onvif/device_service")
        self.user, self.password = QLineEdit(), PasswordEdit("password")
        self.user.setPlaceholderText("user")
        self.read_button = QPushButton("Read camera")
        self.read_button.setAutoDefault(False)
        self.read_button.clicked.connect(self._on_read_clicked)
        self.device = plain_label()
        self.device.setWordWrap(True)
        self.profile = QComboBox()
        self.profile.setEnabled(False)
        self.ptz = QCheckBox("Pan, tilt and zoom from the large view")
        self.ptz.setEnabled(False)
        self.home_after = QSpinBox()
        self.home_after.setRange(0, MAX_HOME_AFTER_MINUTES)
        self.home_after.setSpecialValueText("Never")
        self.home_after.setSuffix(" min idle")
        self.home_after.setValue(10)
        self.ptz.toggled.connect(self.home_after.setEnabled)
        self.home_after.setEnabled(False)
        self.result = MessageLine()
        row = QHBoxLayout()
        row.addWidget(self.address, 3)
        row.addWidget(self.user, 1)
        row.addWidget(self.password, 1)
        row.addWidget(self.read_button)
        ptz_row = QHBoxLayout()
        ptz_row.addWidget(self.ptz)
        ptz_row.addWidget(QLabel("Return home after"))
        ptz_row.addWidget(self.home_after)
        ptz_row.addStretch(1)
        form = QFormLayout(self)
        form.addRow("ONVIF address", row)
        form.addRow("Device", self.device)
        form.addRow("Profile", self.profile)
        form.addRow("PTZ", ptz_row)
        form.addRow("", self.result)

    def load(self, view: OnvifView) -> None:
        """An edited camera's ONVIF side: the address as shown (credentials as ***)."""
        self._shown, self._range = view, view.ptz_range
        self.address.setText(view.address)
        self.profile.clear()
        self.profile.addItem(view.profile_token, view.profile_token)
        self.ptz.setEnabled(view.ptz)
        self.ptz.setChecked(view.ptz)
        self.home_after.setValue(view.home_after_minutes or 0)
        self.device.setText("Saved. Type the user and password to read the camera again.")

    def typed_address(self) -> OnvifAddress:
        return OnvifAddress.parse(self.address.text(), self.user.text().strip(),
                                  self.password.text())

    @Slot()
    def _on_read_clicked(self) -> None:
        self.result.clear_message()
        try:
            address = self.typed_address()
        except OnvifError as exc:
            self.result.show_error(exc.reason)
            return
        self.read_button.setEnabled(False)
        self.result.show_ok(f"Reading {address.label}…")
        db, ctx, timeout_s = self._session.db, self._session.ctx, self.timeout_s
        self._session.runner.background(lambda: read_onvif_camera(db, ctx, address, timeout_s),
                                        self._on_read, self._on_read_failed, owner=self)

    def _on_read(self, info: OnvifCameraInfo) -> None:
        self.read_button.setEnabled(True)
        self._info, self._range = info, info.ptz_range
        self.device.setText(f"{info.manufacturer} {info.model}, firmware {info.firmware}, "
                            f"serial {info.serial}")
        self.profile.clear()
        for p in info.profiles:
            self.profile.addItem(f"{p.name} · {p.width}×{p.height} {p.encoding}", p.token)
        if info.main is not None:
            self.profile.setCurrentIndex(self.profile.findData(info.main.token))
        self.profile.setEnabled(bool(info.profiles))
        self.ptz.setEnabled(info.ptz_range is not None)
        self.ptz.setChecked(info.ptz_range is not None)
        self.result.show_ok(f"Read {len(info.profiles)} profile(s)"
                            + (", PTZ" if info.ptz_range else ", no PTZ")
                            + ": the stream URLs below were filled in.")
        self.camera_read.emit(info)

    def _on_read_failed(self, error: BaseException) -> None:
        self.read_button.setEnabled(True)
        self.result.show_error(f"Not read: {describe_error(error)}")

    def settings(self) -> OnvifSettings | None:
        """None when no address is given (a camera without ONVIF)."""
        text = self.address.text().strip()
        token = self.profile.currentData()
        if not text:
            return None
        if self._shown is not None and text == self._shown.address and not self.user.text():
            address = text  # as shown: the sealed credentials are kept
        else:
            try:
                address = self.typed_address().url()
            except OnvifError as exc:
                raise ValueError(exc.reason) from None
        if token is None:
            raise ValueError("read the camera first to choose its ONVIF profile")
        ptz = self.ptz.isChecked()
        return OnvifSettings(address, str(token), ptz, self._range if ptz else None,
                             self.home_after.value() or None)
