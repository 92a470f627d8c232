"""The sign-in screen: badge and password, each refusal shown in the person's words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rtic_console.config import Settings
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context, Station
from rtic_console.services.station_proof import describe_station, station_of
from rtic_console.store.database import Database
from rtic_console.ui.operations import OperationRunner
from rtic_console.ui.widgets import (
    MessageLine,
    PasswordEdit,
    describe_error,
    keep_wrapped_text_whole,
)


class SignInDialog(QDialog):
    signed_in = Signal(object)

    def __init__(self, db: Database, settings: Settings, runner: OperationRunner,
                 demo_note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._settings, self._runner = db, settings, runner
        self.context: Context | None = None
        self.setWindowTitle("RTIC Console — Sign in")
        self.setObjectName("signInDialog")
        self.setMinimumWidth(460)
        keep_wrapped_text_whole(self)

        title = QLabel("RTIC Console")
        title.setObjectName("dialogTitle")
        subtitle = QLabel("Real-Time Information Center · ALPR and Public Safety Camera "
                          "Network · General Order 525.08")
        subtitle.setWordWrap(True)
        subtitle.setObjectName("dialogSubtitle")
        notice = QLabel("For authorized personnel only: CLETS and ALPR training must be "
                        "current. Every sign-in and every action is audited.")
        notice.setWordWrap(True)
        notice.setObjectName("noticeText")

        self.badge = QLineEdit()
        self.badge.setObjectName("badgeEdit")
        self.badge.setMaxLength(10)
        self.badge.setPlaceholderText("e.g. 4101")
        self.password = PasswordEdit()
        self.password.setObjectName("passwordEdit")
        self.password.setMaxLength(256)
        form = QFormLayout()
        form.addRow("Badge number", self.badge)
        form.addRow("Password", self.password)

        self.message = MessageLine()
        self.buttons = QDialogButtonBox()
        self.sign_in_button = self.buttons.addButton("Sign in",
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_sign_in_clicked)
        self.buttons.rejected.connect(self.reject)

        where = QLabel(f"Database {db.display}"
                       + (f"\n{demo_note}" if demo_note else ""))
        where.setObjectName("footnote")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.station_label = QLabel("Checking this workstation's enrolment…")
        self.station_label.setObjectName("footnote")
        self.station_label.setWordWrap(True)
        self.station_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(8)
        layout.addWidget(notice)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        layout.addWidget(self.station_label)
        layout.addWidget(where)
        runner.read(lambda: station_of(db, settings), self._on_station_proven,
                    lambda e: self.station_label.setText(
                        f"The workstation's enrolment could not be checked: "
                        f"{describe_error(e)}"), owner=self)

    def _on_station_proven(self, station: Station) -> None:
        """A machine that is not enrolled says so before anyone signs in (G.3.f)."""
        self.station_label.setText(describe_station(station))
        self.station_label.setObjectName("footnote" if station.enrolled else "warningText")
        self.station_label.style().unpolish(self.station_label)
        self.station_label.style().polish(self.station_label)

    @Slot()
    def _on_sign_in_clicked(self) -> None:
        badge, password = self.badge.text(), self.password.text()
        if not badge.strip() or not password:
            self.message.show_error("Enter your badge number and password.")
            return
        self._set_busy(True)
        db, settings = self._db, self._settings
        self._runner.write(lambda: sign_in(db, settings, badge, password),
                           self._on_signed_in, self._on_refused, owner=self)

    def _set_busy(self, busy: bool) -> None:
        self.sign_in_button.setEnabled(not busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")

    def _on_signed_in(self, ctx: Context) -> None:
        self._set_busy(False)
        self.context = ctx
        self.password.clear()
        self.signed_in.emit(ctx)
        self.accept()

    def _on_refused(self, error: BaseException) -> None:
        self._set_busy(False)
        self.password.clear()
        self.password.setFocus()
        self.message.show_error(describe_error(error))
