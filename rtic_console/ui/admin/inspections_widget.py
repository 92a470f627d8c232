"""The Inspections tab (D.2.b): open a quarter, review its searches flagged first, see the
referrals to division commanders, close it and print its report."""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.inspections import Quarter, Verdict
from rtic_console.domain.roles import Permission
from rtic_console.reports.inspection_pdf import produce_inspection_pdf
from rtic_console.services import inspection_devices, inspections, referrals
from rtic_console.services.inspection_devices import DeviceItem
from rtic_console.services.inspection_searches import SearchItem, SearchPage
from rtic_console.services.inspections import InspectionView
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.admin.inspection_models import (
    DeviceCheckModel,
    ReferralModel,
    SearchReviewModel,
    when,
)
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.table_model import configure_table
from rtic_console.ui.widgets import MessageLine, clear_if_unchanged, describe_error, sentence

PAGE = 1000
RELOAD_ON = (Change.INSPECTION, Change.REFERRAL, Change.SEARCH, Change.ROSTER, Change.RESYNC)


class InspectionsWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        intro = QLabel("Each quarter every device is checked as functioning and up to date "
                       "(GO 525.08 D.2.b(1)) and every search is reviewed by someone other "
                       "than its searcher; an out-of-compliance search is referred to the "
                       "searcher's division commander (D.2.b(2)). Closing records the audit "
                       "trail's head.")
        intro.setWordWrap(True)
        intro.setObjectName("noticeText")
        self.quarter_box = QComboBox()
        self.quarter_box.setEditable(True)
        self.quarter_box.setObjectName("quarterBox")
        self.quarter_box.setMinimumWidth(110)
        self.quarter_box.activated.connect(lambda _i: self.first_page())
        self.open_button = QPushButton("Open inspection")
        self.open_button.clicked.connect(self._on_open_clicked)
        self.close_button = QPushButton("Close inspection")
        self.close_button.clicked.connect(self._on_close_clicked)
        self.pdf_button = QPushButton("PDF report…")
        self.pdf_button.clicked.connect(self._on_pdf_clicked)
        manage = session.may(Permission.MANAGE_INSPECTION)
        self.open_button.setVisible(manage)
        self.close_button.setVisible(manage)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("inspectionSummary")

        self.flagged_first = QCheckBox("Flagged first")
        self.flagged_first.setChecked(True)
        self.only_flagged = QCheckBox("Only flagged")
        self.only_unreviewed = QCheckBox("Only unreviewed")
        for box in (self.flagged_first, self.only_flagged, self.only_unreviewed):
            box.toggled.connect(lambda _c: self.first_page())
        self.counts = QLabel()
        self._offset = 0
        self.previous_button = QPushButton("‹ Previous")
        self.next_button = QPushButton("Next ›")
        self.previous_button.clicked.connect(lambda: self._turn_page(-PAGE))
        self.next_button.clicked.connect(lambda: self._turn_page(PAGE))
        self.model = SearchReviewModel()
        self.table = QTableView()
        self.table.setObjectName("searchReviewTable")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reason = QLineEdit()
        self.reason.setMaxLength(2000)
        self.reason.setPlaceholderText("Reason (required when out of compliance: the division "
                                       "commander acts on it)")
        self.compliant_button = QPushButton("Compliant")
        self.noncompliant_button = QPushButton("Out of compliance")
        self.compliant_button.clicked.connect(lambda: self._review(Verdict.COMPLIANT))
        self.noncompliant_button.clicked.connect(
            lambda: self._review(Verdict.OUT_OF_COMPLIANCE))
        self._reviews = session.may(Permission.REVIEW_SEARCHES)
        # Only ALPR administrators have the Roster area, where a division's commander is set.
        self._names_commanders = session.may(Permission.MANAGE_ROSTER)
        for w in (self.reason, self.compliant_button, self.noncompliant_button,
                  self.pdf_button):
            w.setVisible(self._reviews)

        self.device_model = DeviceCheckModel()
        self.device_table = QTableView()
        self.device_table.setObjectName("deviceCheckTable")
        self.device_table.setModel(self.device_model)
        configure_table(self.device_table)
        self.device_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.functioning_box = QCheckBox("Functioning")
        self.up_to_date_box = QCheckBox("Up to date")
        for box in (self.functioning_box, self.up_to_date_box):
            box.setChecked(True)
        self.device_note = QLineEdit()
        self.device_note.setMaxLength(2000)
        self.device_note.setPlaceholderText("Note (required when not functioning or not up to "
                                            "date: what is wrong)")
        self.check_button = QPushButton("Record check")
        self.check_button.clicked.connect(self._on_check_clicked)
        for w in (self.functioning_box, self.up_to_date_box, self.device_note,
                  self.check_button):
            w.setVisible(manage)

        self.referral_model = ReferralModel()
        referral_table = QTableView()
        referral_table.setObjectName("referralTable")
        referral_table.setModel(self.referral_model)
        configure_table(referral_table)
        referral_box = QGroupBox("Referrals to division commanders (D.2.b(2)(a))")
        QVBoxLayout(referral_box).addWidget(referral_table)
        referral_box.setMaximumHeight(170)
        self.message = MessageLine()

        top = QHBoxLayout()
        top.addWidget(QLabel("Quarter"))
        top.addWidget(self.quarter_box)
        for w in (self.open_button, self.close_button, self.pdf_button):
            top.addWidget(w)
        top.addStretch(1)
        filters = QHBoxLayout()
        for w in (self.flagged_first, self.only_flagged, self.only_unreviewed):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.counts)
        filters.addWidget(self.previous_button)
        filters.addWidget(self.next_button)
        decide = QHBoxLayout()
        decide.addWidget(self.reason, 1)
        decide.addWidget(self.compliant_button)
        decide.addWidget(self.noncompliant_button)
        searches = QWidget()
        searches_layout = QVBoxLayout(searches)
        searches_layout.addLayout(filters)
        searches_layout.addWidget(self.table, 1)
        searches_layout.addLayout(decide)
        searches_layout.addWidget(referral_box)
        check = QHBoxLayout()
        for w in (self.functioning_box, self.up_to_date_box):
            check.addWidget(w)
        check.addWidget(self.device_note, 1)
        check.addWidget(self.check_button)
        devices = QWidget()
        devices_layout = QVBoxLayout(devices)
        devices_layout.addWidget(self.device_table, 1)
        devices_layout.addLayout(check)
        self.parts = QTabWidget()
        self.parts.setObjectName("inspectionParts")
        self.parts.addTab(searches, "Searches (D.2.b(2))")
        self.parts.addTab(devices, "Devices (D.2.b(1))")
        # The searches, with plates and cases, are for those who review them (D.2.b(2)).
        self.parts.setTabVisible(0, self._reviews)
        if not self._reviews:
            self.parts.setCurrentIndex(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.parts, 1)
        layout.addWidget(self.message)
        self._view: InspectionView | None = None
        session.changes.changed.connect(self._on_change)
        self._update_buttons()
        self._load_quarters()

    # -- loading ---------------------------------------------------------------------

    def quarter(self) -> str:
        return self.quarter_box.currentText().strip().upper()

    def _load_quarters(self) -> None:
        self._session.query(inspections.list_inspections, owner=self,
                            on_done=self._on_inspections_loaded, on_error=self._on_error,
                            key=f"inspections.list.{id(self)}")

    def _on_inspections_loaded(self, views: list[InspectionView]) -> None:
        typed, existing = self.quarter(), [v.quarter for v in views]
        self.quarter_box.clear()
        self.quarter_box.addItems(existing)
        # Stay on an inspection shown; a quarter typed but not opened gives way to the newest.
        chosen = typed if typed in existing else (existing[0] if existing
                                                  else typed or _previous_quarter())
        self.quarter_box.setCurrentText(chosen)
        self.reload()

    @Slot()
    def reload(self) -> None:
        quarter = self.quarter()
        if not quarter:
            return
        self._session.query(inspections.show_inspection, quarter, owner=self,
                            on_done=self._on_view_loaded, on_error=self._on_missing,
                            key=f"inspections.show.{id(self)}")
        self._session.query(inspection_devices.inspection_devices, quarter, owner=self,
                            on_done=self._on_devices_loaded, on_error=lambda _e: None,
                            key=f"inspections.devices.{id(self)}")
        if not self._reviews:
            return
        self._session.query(inspections.inspection_searches, quarter, owner=self,
                            flagged_first=self.flagged_first.isChecked(),
                            only_flagged=self.only_flagged.isChecked(),
                            only_unreviewed=self.only_unreviewed.isChecked(),
                            offset=self._offset, limit=PAGE,
                            on_done=self._on_page_loaded, on_error=lambda _e: None,
                            key=f"inspections.searches.{id(self)}")
        self._session.query(referrals.inspection_referrals, quarter, owner=self,
                            on_done=self.referral_model.set_rows, on_error=lambda _e: None,
                            key=f"inspections.referrals.{id(self)}")

    def _on_view_loaded(self, view: InspectionView) -> None:
        self._view = view
        state = (f"closed {when(view.closed_at)} by {view.closed_by}; audit head "
                 f"#{view.audit_head_seq}" + (f", signed checkpoint #{view.checkpoint_id}"
                                              if view.checkpoint_id else "")
                 if view.closed else f"open since {when(view.opened_at)} ({view.opened_by})")
        who = ("name one" if self._names_commanders
               else "an ALPR administrator names one")
        orphans = (f" {view.referrals_without_commander} referral(s) have NO division "
                   f"commander: {who} in the Roster area." if view.referrals_without_commander
                   else "")
        self.summary.setText(  # rich text: every value from people or the database escaped
            f"<b>{escape(view.quarter)}</b>: {escape(state)}. {view.devices_checked} of "
            f"{view.devices} devices "
            f"checked; {view.searches} searches, {view.reviewed} "
            f"reviewed, <b>{view.unreviewed} unreviewed</b>, {view.out_of_compliance} out of "
            f"compliance; {view.referrals} referrals ({view.referrals_open} awaiting an "
            f"outcome).{orphans}")
        self._update_buttons()

    def _on_missing(self, error: BaseException) -> None:
        self._view = None
        self.summary.setText(sentence(describe_error(error)))
        self.model.set_rows([])
        self.device_model.set_rows([])
        self.referral_model.set_rows([])
        self.counts.clear()
        self._update_buttons()

    def _on_page_loaded(self, page: SearchPage) -> None:
        chosen = self.selected()
        self.model.set_rows(page.items)
        first = self._offset + 1 if page.items else 0
        self.counts.setText(f"{page.flagged} flagged · {page.unreviewed} unreviewed · showing "
                            f"{first}–{self._offset + len(page.items)} of {page.total}")
        self.previous_button.setEnabled(self._offset > 0)
        self.next_button.setEnabled(self._offset + len(page.items) < page.total)
        if chosen is not None:
            at = self.model.row_of_key(chosen.search_id)
            if at is not None:
                self.table.selectRow(at)
        self._update_buttons()

    def _on_devices_loaded(self, items: list[DeviceItem]) -> None:
        chosen = self.selected_device()
        self.device_model.set_rows(items)
        if chosen is not None and (at := self.device_model.row_of_key(chosen.device_id)) \
                is not None:
            self.device_table.selectRow(at)
        self._update_buttons()

    def selected_device(self) -> DeviceItem | None:
        rows = self.device_table.selectionModel().selectedRows()
        return self.device_model.row_at(rows[0].row()) if rows else None

    def selected(self) -> SearchItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    @Slot()
    def _update_buttons(self) -> None:
        item, view = self.selected(), self._view
        is_open = view is not None and not view.closed
        reviewable = is_open and item is not None and not item.reviewed \
            and item.person_id != self._session.ctx.actor.person_id
        self.compliant_button.setEnabled(reviewable)
        self.noncompliant_button.setEnabled(reviewable)
        device = self.selected_device()
        self.check_button.setEnabled(is_open and device is not None and not device.checked)
        self.open_button.setEnabled(view is None)
        self.close_button.setEnabled(is_open)
        self.pdf_button.setEnabled(view is not None)

    def first_page(self) -> None:
        self._offset = 0
        self.reload()

    def _turn_page(self, step: int) -> None:
        self._offset = max(0, self._offset + step)
        self.reload()

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind not in RELOAD_ON:
            return
        if change.kind is Change.SEARCH and self._view is not None \
                and self._view.ends_at <= datetime.now().astimezone():
            return  # a new search belongs to a later quarter than the one shown
        self._load_quarters() if change.kind is Change.INSPECTION else self.reload()

    def _on_error(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))

    # -- actions -----------------------------------------------------------------------

    def _review(self, verdict: Verdict) -> None:
        item = self.selected()
        if item is None:
            return
        reason = self.reason.text()
        self._session.perform(
            inspections.review_search, self.quarter(), item.search_id, verdict.value,
            reason or None, owner=self,
            on_done=lambda i: (clear_if_unchanged(self.reason, reason), self.message.show_ok(
                f"Search #{i.search_id}: {i.verdict.value.replace('_', ' ')}"
                + (f"; referred (#{i.referral_id})." if i.referral_id else "."))),
            on_error=self._on_error)

    @Slot()
    def _on_check_clicked(self) -> None:
        device = self.selected_device()
        if device is None:
            return
        note = self.device_note.text()
        self._session.perform(
            inspection_devices.check_device, self.quarter(), device.code,
            self.functioning_box.isChecked(), self.up_to_date_box.isChecked(),
            note or None, owner=self,
            on_done=lambda d: (clear_if_unchanged(self.device_note, note), self.message.show_ok(
                f"Device {d.code} checked.")),
            on_error=self._on_error)

    @Slot()
    def _on_open_clicked(self) -> None:
        self._session.perform(inspections.open_inspection, self.quarter(), owner=self,
                              on_done=lambda v: self.message.show_ok(
                                  f"Inspection {v.quarter} opened: {v.searches} searches."),
                              on_error=self._on_error)

    @Slot()
    def _on_close_clicked(self) -> None:
        self._session.perform(inspections.close_inspection, self.quarter(), owner=self,
                              on_done=lambda v: self.message.show_ok(
                                  f"Inspection {v.quarter} closed at audit event "
                                  f"#{v.audit_head_seq}."),
                              on_error=self._on_error)

    @Slot()
    def _on_pdf_clicked(self) -> None:
        quarter = self.quarter()
        name, _ = QFileDialog.getSaveFileName(self, "Inspection report",
                                              f"inspection-{quarter}.pdf", "PDF (*.pdf)")
        if name:
            self.write_pdf(Path(name))

    def write_pdf(self, path: Path) -> None:
        """Gathers (audited) and draws the report on the slow pool; the tab stays live."""
        db, ctx, quarter = self._session.db, self._session.ctx, self.quarter()
        self.message.show_ok(f"Writing {path.name}…")
        self._session.runner.background(
            lambda: produce_inspection_pdf(db, ctx, quarter, path),
            lambda result: self.message.show_ok(f"Wrote {path} ({result[1]} pages)."),
            self._on_error, f"inspections.pdf.{id(self)}", self)


def _previous_quarter() -> str:
    """What an inspector usually opens: the quarter that ended last."""
    return Quarter.containing(datetime.now().astimezone()).previous().label
