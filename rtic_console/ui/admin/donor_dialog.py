"""Add or edit a private donor camera agreement with every term the order names (G.3)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QDateTime, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.donor_terms import DEFAULT_TIME_ZONE
from rtic_console.services import cameras, donors
from rtic_console.services.cameras import CameraView
from rtic_console.services.donors import AgreementInput, AgreementView
from rtic_console.ui.admin.hours_editor import HoursEditor
from rtic_console.ui.admin.mask_editor import MaskEditorDialog, Polygon
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.saving_dialog import SavingDialog
from rtic_console.ui.widgets import describe_error

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _when(edit: QDateTimeEdit, zone: ZoneInfo) -> datetime:
    return edit.dateTime().toPython().replace(tzinfo=zone)


def _set_when(edit: QDateTimeEdit, moment: datetime, zone: ZoneInfo) -> None:
    local = moment.astimezone(zone).replace(tzinfo=None)
    edit.setDateTime(QDateTime(local.date(), local.time()))


class DonorDialog(SavingDialog):
    """Add when agreement is None; edit otherwise. The service checks every term together
    and names every problem in one refusal, shown under the form."""

    def __init__(self, session: ConsoleSession, agreement: AgreementView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self._agreement = agreement
        self.masks: tuple[Polygon, ...] = agreement.terms.mask_polygons if agreement else ()
        self.donor_cameras: list[CameraView] = []
        self.setWindowTitle(f"Edit agreement {agreement.reference}" if agreement
                            else "Add a donor agreement")
        self.setMinimumSize(1100, 620)
        self.reference, self.donor_name, self.contact = QLineEdit(), QLineEdit(), QLineEdit()
        self.reference.setMaxLength(40)
        self.donor_name.setMaxLength(120)
        self.contact.setMaxLength(200)
        self.reference.setPlaceholderText("e.g. DA-2026-004")
        self.contact.setPlaceholderText("name, phone, e-mail")
        self.camera_list = QListWidget()
        self.camera_list.setMaximumHeight(110)
        self.effective, self.expires = QDateTimeEdit(), QDateTimeEdit()
        for edit in (self.effective, self.expires):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time_zone = QLineEdit(DEFAULT_TIME_ZONE)
        self.workstations = QLineEdit()
        self.workstations.setPlaceholderText("workstation names, comma separated; empty: none")
        station = session.ctx.enrolled_station
        this_ws = QPushButton(f"Add {station.name}" if station else "This workstation is not "
                              "enrolled")
        this_ws.setObjectName("compactButton")
        this_ws.setEnabled(station is not None)
        this_ws.clicked.connect(self._on_add_workstation_clicked)
        ws_row = QHBoxLayout()
        ws_row.addWidget(self.workstations, 1)
        ws_row.addWidget(this_ws)
        self.real_time_only = QCheckBox("Real-time viewing only (G.3.d)")
        self.real_time_only.setChecked(True)
        self.purpose = QPlainTextEdit()
        self.purpose.setPlaceholderText("Purpose and manner of use the donor agreed to (G.3.a)")
        self.retrieval = QPlainTextEdit()
        self.retrieval.setPlaceholderText("How recorded footage is obtained from the donor "
                                          "(G.3.e)")
        for edit in (self.purpose, self.retrieval):
            edit.setMaximumHeight(58)
        left_box = QWidget()
        left = QFormLayout(left_box)
        left.setContentsMargins(0, 0, 0, 0)
        left.addRow("Agreement ID", self.reference)
        left.addRow("Donor", self.donor_name)
        left.addRow("Donor contact", self.contact)
        left.addRow("Cameras covered", self.camera_list)
        left.addRow("Purpose and manner", self.purpose)
        left.addRow("Footage retrieval", self.retrieval)
        left.addRow("Effective", self.effective)
        left.addRow("Expires (G.3.g)", self.expires)
        left.addRow("Time zone", self.time_zone)
        left.addRow("Workstations (G.3.f)", ws_row)
        left.addRow("", self.real_time_only)

        self.hours = HoursEditor()
        hint = QLabel("Windows such as 08:00-18:00, separated by commas; 22:00-02:00 runs past "
                      "midnight. Times are in the agreement's time zone.")
        hint.setObjectName("footnote")
        hint.setWordWrap(True)
        hours_box = QGroupBox("Allowed viewing hours (G.3.c)")
        hours_layout = QVBoxLayout(hours_box)
        hours_layout.addWidget(hint)
        hours_layout.addWidget(self.hours)
        self.mask_label = QLabel()
        self.mask_button = QPushButton("Draw privacy masks…")
        self.mask_button.clicked.connect(self._on_mask_clicked)
        masks_box = QGroupBox("Privacy masks (G.3.c)")
        mask_row = QHBoxLayout(masks_box)
        mask_row.addWidget(self.mask_label, 1)
        mask_row.addWidget(self.mask_button)
        right_box = QWidget()
        right = QVBoxLayout(right_box)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(hours_box)
        right.addWidget(masks_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(left_box, 1)
        columns.addSpacing(12)
        columns.addWidget(right_box, 1)
        for button in (this_ws, self.mask_button):
            button.setAutoDefault(False)  # Enter saves the agreement
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._load(agreement)
        session.query(cameras.list_cameras, owner=self, on_done=self._on_cameras_loaded,
                      on_error=lambda e: self.message.show_error(describe_error(e)))

    def _load(self, agreement: AgreementView | None) -> None:
        zone = ZoneInfo(agreement.terms.time_zone if agreement else DEFAULT_TIME_ZONE)
        if agreement is None:
            today = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
            _set_when(self.effective, today, zone)
            _set_when(self.expires, today + timedelta(days=365), zone)
            self.hours.set_hours({})
            self._show_masks()
            return
        terms = agreement.terms
        self.reference.setText(agreement.reference)
        self.donor_name.setText(agreement.donor_name)
        self.contact.setText(agreement.donor_contact)
        _set_when(self.effective, terms.effective_at, zone)
        _set_when(self.expires, terms.expires_at, zone)
        self.time_zone.setText(terms.time_zone)
        self.workstations.setText(", ".join(sorted(terms.allowed_workstations)))
        self.real_time_only.setChecked(terms.real_time_only)
        self.purpose.setPlainText(terms.purpose_and_manner)
        self.retrieval.setPlainText(terms.retrieval_process)
        self.hours.set_hours(dict(terms.allowed_hours))
        self._show_masks()

    def _on_cameras_loaded(self, views: list[CameraView]) -> None:
        """Agreements cover donor cameras only (F.1); the service refuses any other."""
        covered = set(self._agreement.camera_codes if self._agreement else ())
        self.donor_cameras = [c for c in views if c.is_donor]
        self.camera_list.clear()
        for camera in self.donor_cameras:
            item = QListWidgetItem(f"{camera.code} · {camera.name}")
            item.setData(ID_ROLE, camera.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if camera.code in covered
                               else Qt.CheckState.Unchecked)
            self.camera_list.addItem(item)

    def checked_codes(self) -> tuple[str, ...]:
        items = (self.camera_list.item(i) for i in range(self.camera_list.count()))
        return tuple(i.data(ID_ROLE) for i in items if i.checkState() == Qt.CheckState.Checked)

    def set_checked(self, codes: set[str]) -> None:
        for i in range(self.camera_list.count()):
            item = self.camera_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(ID_ROLE) in codes
                               else Qt.CheckState.Unchecked)

    def _show_masks(self) -> None:
        n = len(self.masks)
        self.mask_label.setText("None: the whole picture may be viewed" if n == 0 else
                                f"{n} polygon{'s' if n != 1 else ''} blacked out")

    def value(self) -> AgreementInput:
        """Raises ValueError for what cannot even be read (a time, the time zone)."""
        try:
            zone = ZoneInfo(self.time_zone.text().strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.time_zone.text().strip()!r}; use a name "
                             "such as America/Los_Angeles") from None
        return AgreementInput(
            reference=self.reference.text(), donor_name=self.donor_name.text(),
            donor_contact=self.contact.text(), camera_codes=self.checked_codes(),
            purpose_and_manner=self.purpose.toPlainText(), allowed_hours=self.hours.hours(),
            effective_at=_when(self.effective, zone), expires_at=_when(self.expires, zone),
            retrieval_process=self.retrieval.toPlainText(), mask_polygons=self.masks,
            real_time_only=self.real_time_only.isChecked(),
            allowed_workstations=tuple(w.strip() for w in self.workstations.text().split(",")
                                       if w.strip()),
            time_zone=zone.key)

    @Slot()
    def _on_add_workstation_clicked(self) -> None:
        station = self._session.ctx.enrolled_station
        names = [w.strip() for w in self.workstations.text().split(",") if w.strip()]
        if station is not None and station.name not in names:
            self.workstations.setText(", ".join([*names, station.name]))

    @Slot()
    def _on_mask_clicked(self) -> None:
        codes = set(self.checked_codes())
        chosen = [c for c in self.donor_cameras if c.code in codes] or self.donor_cameras
        editor = MaskEditorDialog(self._session, chosen, self.masks,
                                  self._agreement.id if self._agreement else None, self)
        if editor.exec():
            self.masks = editor.polygons()
            self._show_masks()

    @Slot()
    def _on_save_clicked(self) -> None:
        self.message.clear_message()
        try:
            data = self.value()
        except ValueError as exc:
            self.message.show_error(str(exc))
            return
        if self._agreement is None:
            self.submit(self.save_button, donors.create_agreement, data)
        else:
            self.submit(self.save_button, donors.update_agreement, self._agreement.id, data)
