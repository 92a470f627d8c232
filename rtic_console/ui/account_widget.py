"""'My account': the signed-in person's roles, training validity and password change."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services import roster
from rtic_console.services.roster import PersonView
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.admin.roster_model import roles_text
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.display_preferences import DisplayPreferences
from rtic_console.ui.theme import TEXT_PT_RANGE, THEME_TITLES, Theme
from rtic_console.ui.widgets import MessageLine, PasswordEdit, describe_error, plain_label

WARN_DAYS = 30


def _validity(trained: date | None, valid_days: int, today: date) -> str:
    if trained is None:
        return "not recorded"
    until = trained + timedelta(days=valid_days)
    left = (until - today).days
    note = f" — renew within {left} days" if 0 <= left <= WARN_DAYS else ""
    return f"completed {trained.isoformat()}, counts until {until.isoformat()}{note}"


class AccountWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.name = plain_label()
        self.roles = QLabel()
        self.division = QLabel()
        self.clets = QLabel()
        self.alpr = QLabel()
        details = QGroupBox("Your roster record")
        form = QFormLayout(details)
        form.addRow("Name", self.name)
        form.addRow("Roles", self.roles)
        form.addRow("Division", self.division)
        form.addRow("CLETS training", self.clets)
        form.addRow("ALPR training", self.alpr)

        password_box = QGroupBox("Change your password")
        self.current = PasswordEdit()
        self.new = PasswordEdit()
        self.again = PasswordEdit()
        pform = QFormLayout(password_box)
        for label, edit in (("Current", self.current), ("New", self.new),
                            ("Repeat new", self.again)):
            edit.setMaxLength(256)
            pform.addRow(label, edit)
        self.change_button = QPushButton("Change password")
        self.change_button.clicked.connect(self._on_change_clicked)
        pform.addRow("", self.change_button)
        self.message = MessageLine()

        for box in (details, password_box):
            box.setMaximumWidth(720)
        layout = QVBoxLayout(self)
        layout.addWidget(details)
        layout.addWidget(password_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._layout = layout
        session.changes.changed.connect(self._on_change)
        self.refresh()

    def offer_display(self, display: DisplayPreferences) -> None:
        """Theme and text size, as in the View menu: remembered for this person."""
        box = QGroupBox("Display")
        box.setMaximumWidth(720)
        form = QFormLayout(box)
        self.theme = QComboBox()
        for theme in Theme:
            self.theme.addItem(THEME_TITLES[theme], theme.value)
        self.text_size = QSpinBox()
        self.text_size.setRange(*TEXT_PT_RANGE)
        self.text_size.setSuffix(" pt")
        form.addRow("Theme", self.theme)
        form.addRow("Text size", self.text_size)

        def show_choices() -> None:
            self.theme.setCurrentIndex(self.theme.findData(display.theme.value))
            self.text_size.setValue(display.text_pt)

        show_choices()
        display.changed.connect(show_choices)
        self.theme.activated.connect(
            lambda _i: display.set_theme(Theme(self.theme.currentData())))
        self.text_size.editingFinished.connect(
            lambda: display.set_text_pt(self.text_size.value()))
        self._layout.insertWidget(2, box)

    def refresh(self) -> None:
        self._session.query(roster.own_record, owner=self, on_done=self._on_record_loaded,
                            on_error=lambda e: self.message.show_error(describe_error(e)),
                            key="roster.own")

    def _on_record_loaded(self, me: PersonView) -> None:
        settings = self._session.ctx.settings
        today = self._session.ctx.today()
        self.name.setText(f"{me.badge} · {me.name}")
        self.roles.setText(roles_text(me))
        self.division.setText(me.division or "—")
        self.clets.setText(_validity(me.clets_trained_on, settings.clets_valid_days, today))
        self.alpr.setText(_validity(me.alpr_trained_on, settings.alpr_valid_days, today))

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        mine = not change.ids or self._session.ctx.actor.person_id in change.ids
        if change.kind is Change.RESYNC or (change.kind is Change.ROSTER and mine):
            self.refresh()

    @Slot()
    def _on_change_clicked(self) -> None:
        if self.new.text() != self.again.text():
            self.message.show_error("The two new passwords differ.")
            return
        self._session.perform(roster.change_own_password, self.current.text(), self.new.text(),
                              owner=self, on_done=self._on_changed,
                              on_error=lambda e: self.message.show_error(describe_error(e)))

    def _on_changed(self, _result: None) -> None:
        for edit in (self.current, self.new, self.again):
            edit.clear()
        self.message.show_ok("Password changed.")
