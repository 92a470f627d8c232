"""Dialogs of the Sharing area: a request as another agency made it, and an agency for the
directory. They only gather what was typed; the services judge it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDateTime, QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.agencies import AgencyType
from rtic_console.services.agencies import AgencyInput, AgencyView
from rtic_console.services.sharing import SharingInput
from rtic_console.ui.widgets import keep_wrapped_text_whole


def _qt_time(moment: datetime) -> QDateTime:
    local = moment.astimezone().replace(tzinfo=None)
    return QDateTime(local.date(), local.time())


def default_folder() -> str:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return str(Path(documents) / "RTIC sharing")


class SharingRequestDialog(QDialog):
    """A request from another agency, as its requester put it (C.2 to C.6)."""

    def __init__(self, agencies: list[AgencyView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_wrapped_text_whole(self)
        self.setWindowTitle("Sharing request from another agency")
        self.setMinimumWidth(640)
        intro = QLabel("The rule decides: data goes only to an in-state law enforcement "
                       "agency that is a LEARN partner (C.2), never for immigration "
                       "enforcement (C.5) or about lawful gender-affirming care (C.6). A "
                       "refusal writes no file; a non-partner's request alerts the RTIC "
                       "division commander (C.2.a).")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")
        self.agency = QComboBox()
        for a in agencies:
            partner = "LEARN partner" if a.learn_partner else "not a LEARN partner"
            self.agency.addItem(f"{a.ori} · {a.name} ({a.state}, {a.agency_type}, {partner})",
                                a.ori)
        self.requester, self.contact, self.their_case = QLineEdit(), QLineEdit(), QLineEdit()
        self.contact.setPlaceholderText("the directory's contact when empty")
        self.purpose = QPlainTextEdit()
        self.purpose.setPlaceholderText("the purpose in the requester's own words")
        self.purpose.setFixedHeight(70)
        self.by_plates, self.by_case = QRadioButton("Exact plates"), QRadioButton(
            "Reads of an SPD case")
        self.by_plates.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_plates)
        group.addButton(self.by_case)
        self.plates = QLineEdit()
        self.plates.setPlaceholderText("7ABC123, 8XYZ456 (no wildcards)")
        now = datetime.now().astimezone()
        self.start, self.end = QDateTimeEdit(), QDateTimeEdit()
        for edit, moment in ((self.start, now - timedelta(days=7)), (self.end, now)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setDateTime(_qt_time(moment))
        self.spd_case = QLineEdit()
        self.folder = QLineEdit(default_folder())
        form = QFormLayout()
        form.addRow("Agency", self.agency)
        form.addRow("Requester", self.requester)
        form.addRow("Their contact", self.contact)
        form.addRow("Their case number", self.their_case)
        form.addRow("Purpose", self.purpose)
        form.addRow("Data asked", self.by_plates)
        form.addRow("Plates", self.plates)
        form.addRow("From (local time)", self.start)
        form.addRow("To", self.end)
        form.addRow("", self.by_case)
        form.addRow("SPD case number", self.spd_case)
        form.addRow("Package folder", self.folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("File and decide")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.by_plates.toggled.connect(self._on_by_plates_toggled)
        self._on_by_plates_toggled(True)

    def _on_by_plates_toggled(self, plates: bool) -> None:
        for edit in (self.plates, self.start, self.end):
            edit.setEnabled(plates)
        self.spd_case.setEnabled(not plates)

    def request(self) -> SharingInput:
        plates = self.by_plates.isChecked()
        return SharingInput(
            agency_ori=self.agency.currentData(), requester_name=self.requester.text(),
            requester_contact=self.contact.text(), purpose=self.purpose.toPlainText(),
            their_case_number=self.their_case.text(),
            plates=self.plates.text() if plates else None,
            time_from=self.start.dateTime().toPython().astimezone() if plates else None,
            time_to=self.end.dateTime().toPython().astimezone() if plates else None,
            spd_case_number=None if plates else self.spd_case.text())

    def out_dir(self) -> Path:
        return Path(self.folder.text().strip() or default_folder())


class AgencyDialog(QDialog):
    """An agency for the directory; its state and type are always given, never assumed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_wrapped_text_whole(self)
        self.setWindowTitle("Add an agency")
        self.setMinimumWidth(460)
        self.ori, self.name, self.state, self.contact = (QLineEdit(), QLineEdit(), QLineEdit(),
                                                         QLineEdit())
        self.ori.setPlaceholderText("nine characters, e.g. CA0340100")
        self.state.setMaxLength(2)
        self.state.setPlaceholderText("two letters, e.g. CA")
        self.agency_type = QComboBox()
        self.agency_type.addItem("choose…", None)
        for kind in AgencyType:
            self.agency_type.addItem(kind.value, kind.value)
        self.law_enforcement = QCheckBox("Law enforcement agency")
        self.law_enforcement.setChecked(True)
        self.learn_partner = QCheckBox("LEARN partner (C.2)")
        self.agency_type.currentIndexChanged.connect(self._on_type_changed)
        form = QFormLayout()
        form.addRow("ORI", self.ori)
        form.addRow("Name", self.name)
        form.addRow("State", self.state)
        form.addRow("Type", self.agency_type)
        form.addRow("", self.law_enforcement)
        form.addRow("", self.learn_partner)
        form.addRow("Contact", self.contact)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _on_type_changed(self, _index: int) -> None:
        """What the directory assumes of a type, shown; the person may still say otherwise
        (except that a private entity is never law enforcement)."""
        kind = self.agency_type.currentData()
        self.law_enforcement.setChecked(kind not in (AgencyType.PRIVATE.value,
                                                     AgencyType.OTHER.value))
        self.law_enforcement.setEnabled(kind != AgencyType.PRIVATE.value)

    def agency(self) -> AgencyInput:
        return AgencyInput(self.ori.text(), self.name.text(), self.state.text(),
                           self.agency_type.currentData(), self.law_enforcement.isChecked(),
                           self.learn_partner.isChecked(), self.contact.text())
