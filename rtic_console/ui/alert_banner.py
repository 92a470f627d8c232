"""The alert banner across the top of the main window: alerts for the roles the signed-in
person holds (a damage report to the ALPR administrators, B.2), live from any console, until
one of them acknowledges it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QInputDialog, QLabel, QPushButton, QWidget

from rtic_console.services import alerts
from rtic_console.services.alerts import AlertView
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.widgets import describe_error, plain_label

RELOAD_ON = frozenset({Change.ALERT, Change.ROSTER, Change.RESYNC})


class AlertBanner(QFrame):
    """Hidden while nothing waits. Shows the oldest alert and how many more; the person
    acknowledges it here with a note, which takes it off every console."""

    subject_requested = Signal(str, str)  # subject type, subject id: "Show" was pressed

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.alerts: list[AlertView] = []
        self._showable: set[str] = set()
        # One load at a time per banner; a burst of alerts costs one query.
        self._key = f"alerts.open:{id(self)}"
        self.setObjectName("alertBanner")
        self.text = plain_label()
        self.text.setObjectName("alertText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # bodies quote what people typed
        self.text.setWordWrap(True)
        self.count = QLabel()
        self.count.setObjectName("alertCount")
        self.show_button = QPushButton("Show")
        self.show_button.setObjectName("alertShow")
        self.show_button.clicked.connect(self._on_show_clicked)
        self.show_button.hide()  # until an area that shows the subject is linked
        self.ack_button = QPushButton("Acknowledge…")
        self.ack_button.setObjectName("alertAcknowledge")
        self.ack_button.clicked.connect(self._on_ack_clicked)
        self.error = QLabel()
        self.error.setObjectName("alertError")
        self.error.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.count)
        layout.addWidget(self.show_button)
        layout.addWidget(self.ack_button)
        self.hide()
        session.changes.changed.connect(self._on_change)
        self.refresh()

    def refresh(self) -> None:
        self._session.query(alerts.open_alerts, owner=self, on_done=self._on_loaded,
                            on_error=self._on_failed, key=self._key)

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in RELOAD_ON:
            self.refresh()

    def _on_loaded(self, rows: list[AlertView]) -> None:
        self.alerts = rows
        self.error.hide()
        if not rows:
            self.hide()
            return
        first = rows[0]
        self.text.setText(f"⚠ {first.title} — {first.body}  "
                          f"({first.raised_at.astimezone():%H:%M})")
        self.count.setText(f"+{len(rows) - 1} more" if len(rows) > 1 else "")
        self._update_show()
        self.show()

    def _on_failed(self, error: BaseException) -> None:
        self.error.setText(describe_error(error))
        self.error.show()

    def offer_show(self, subject_types: set[str]) -> None:
        """The subjects an area of this console can show (devices for the Devices tab)."""
        self._showable = subject_types
        self._update_show()

    def _update_show(self) -> None:
        first = self.alerts[0] if self.alerts else None
        self.show_button.setVisible(first is not None and first.subject_type in self._showable)

    @Slot()
    def _on_show_clicked(self) -> None:
        if self.alerts and self.alerts[0].subject_id is not None:
            first = self.alerts[0]
            self.subject_requested.emit(first.subject_type or "", first.subject_id or "")

    @Slot()
    def _on_ack_clicked(self) -> None:
        if not self.alerts:
            return
        first = self.alerts[0]
        note, ok = QInputDialog.getText(self, "Acknowledge alert",
                                        f"{first.title}\nWhat are you doing about it?")
        if ok:
            self.acknowledge(first.id, note)

    def acknowledge(self, alert_id: int, note: str) -> None:
        self._session.perform(alerts.acknowledge_alert, alert_id, note, owner=self,
                              on_done=lambda _v: self.refresh(), on_error=self._on_failed)
