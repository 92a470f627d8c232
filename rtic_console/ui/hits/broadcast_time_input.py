"""Step 4's broadcast time: the moment of recording, or a time the dispatcher gives."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, Slot
from PySide6.QtWidgets import QCheckBox, QDateTimeEdit, QHBoxLayout, QWidget


class BroadcastTimeInput(QWidget):
    """No time is filled in ahead: "when I record this step" (the service then stores the
    moment it records the step), or the time the dispatcher enters, which cannot be set
    before step 3 was recorded (D.6.a; the service refuses it too)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = QCheckBox("When I record this step")
        self.now.setToolTip("Uncheck to enter the time the broadcast went out")
        self.at = QDateTimeEdit()
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.now)
        layout.addWidget(self.at, 1)
        self.now.toggled.connect(self._on_now_toggled)
        self.reset()

    def reset(self) -> None:
        """Back to "when I record this step"."""
        self.now.setChecked(True)
        self._on_now_toggled(True)

    def set_earliest(self, earliest: datetime | None) -> None:
        """An entered time starts no earlier than `earliest`, when step 3 was recorded (to
        the second, as it is entered)."""
        if earliest is None:
            self.at.clearMinimumDateTime()
        else:
            self.at.setMinimumDateTime(QDateTime.fromSecsSinceEpoch(int(earliest.timestamp())))

    def value(self) -> datetime | None:
        """None means the moment of recording."""
        if self.now.isChecked():
            return None
        return self.at.dateTime().toPython().astimezone()

    @Slot(bool)
    def _on_now_toggled(self, now: bool) -> None:
        if not now:  # the time it is as they start to enter one, never an old one
            self.at.setDateTime(QDateTime.currentDateTime())
        self.at.setVisible(not now)  # no time is shown that nobody entered
        if not now and self.now.hasFocus():
            self.at.setFocus(Qt.FocusReason.TabFocusReason)
