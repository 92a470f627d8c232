"""The form for one roster record, shared by the first-run and roster dialogs."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from rtic_console.domain.roles import ROLE_TITLES, Role
from rtic_console.services.roster import PersonInput, PersonView
from rtic_console.ui.widgets import PasswordEdit


class TrainingDateEdit(QWidget):
    """A date that may be 'not recorded': a checkbox beside a calendar field."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recorded = QCheckBox("Completed on")
        self.recorded.setAccessibleName(f"{label} recorded")
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate.currentDate())
        self.date.setDate(QDate.currentDate())
        self.date.setEnabled(False)
        self.recorded.toggled.connect(self.date.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.recorded)
        row.addWidget(self.date, 1)

    def value(self) -> date | None:
        return self.date.date().toPython() if self.recorded.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.recorded.setChecked(value is not None)
        if value is not None:
            self.date.setDate(QDate(value.year, value.month, value.day))


class PersonForm(QWidget):
    def __init__(self, *, fixed_roles: frozenset[Role] = frozenset(), with_password: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.badge = QLineEdit()
        self.badge.setMaxLength(10)
        self.badge.setObjectName("personBadge")
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.name.setObjectName("personName")
        self.division = QLineEdit()
        self.division.setMaxLength(80)
        self.clets = TrainingDateEdit("CLETS training")
        self.alpr = TrainingDateEdit("ALPR training")
        self.active = QCheckBox("Active on the roster")
        self.active.setChecked(True)
        self.role_boxes: dict[Role, QCheckBox] = {}
        roles = QGridLayout()
        for i, role in enumerate(Role):
            box = QCheckBox(ROLE_TITLES[role])
            box.setObjectName(f"role_{role.value}")
            if role in fixed_roles:
                box.setChecked(True)
                box.setEnabled(False)
            self.role_boxes[role] = box
            roles.addWidget(box, i // 2, i % 2)
        form = QFormLayout(self)
        form.addRow("Badge number", self.badge)
        form.addRow("Name", self.name)
        form.addRow("Division", self.division)
        form.addRow("Roles", roles)
        form.addRow("CLETS training", self.clets)
        form.addRow("ALPR training", self.alpr)
        form.addRow("", self.active)
        self.password = PasswordEdit()
        self.password_again = PasswordEdit()
        if with_password:
            for edit in (self.password, self.password_again):
                edit.setMaxLength(256)
            self.password.setObjectName("personPassword")
            self.password_again.setObjectName("personPasswordAgain")
            form.addRow("Password", self.password)
            form.addRow("Repeat password", self.password_again)

    def load(self, person: PersonView) -> None:
        self.badge.setText(person.badge)
        self.badge.setReadOnly(True)
        self.name.setText(person.name)
        self.division.setText(person.division)
        for role, box in self.role_boxes.items():
            box.setChecked(role in person.roles or role in person.pending_roles)
        self.clets.set_value(person.clets_trained_on)
        self.alpr.set_value(person.alpr_trained_on)
        self.active.setChecked(person.active)

    def value(self) -> PersonInput:
        return PersonInput(
            badge=self.badge.text(), name=self.name.text(),
            roles=tuple(r.value for r, box in self.role_boxes.items() if box.isChecked()),
            division=self.division.text(), clets_trained_on=self.clets.value(),
            alpr_trained_on=self.alpr.value(), active=self.active.isChecked())

    def password_problem(self) -> str | None:
        if self.password.text() != self.password_again.text():
            return "The two passwords differ."
        return None
