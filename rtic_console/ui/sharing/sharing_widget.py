"""The Sharing area (C.2 to C.6, I.2.b): requests from other agencies with their decisions and
clauses, legal review, the agency directory, special hot list shares, and the sharing log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.agencies import MAX_FILE_BYTES
from rtic_console.domain.roles import Permission
from rtic_console.services import agencies, sharing, special_sharing
from rtic_console.services.agencies import AgencyImportReport, AgencyInput, AgencyView
from rtic_console.services.sharing import SharingView
from rtic_console.services.special_sharing import SpecialShareView
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.sharing.sharing_dialogs import (
    AgencyDialog,
    SharingRequestDialog,
    default_folder,
)
from rtic_console.ui.sharing.sharing_models import (
    AgenciesModel,
    LogModel,
    RequestsModel,
    SpecialSharesModel,
    asked,
    local,
)
from rtic_console.ui.table_model import (
    EmptyNote,
    RowTableModel,
    configure_table,
    selected_row,
)
from rtic_console.ui.widgets import MessageLine, describe_error

RELOADS = {Change.SHARING: ("requests", "log"), Change.AGENCY: ("agencies", "log"),
           Change.SPECIAL_SHARE: ("specials", "log"), Change.AUDIT: ("log",),
           Change.RESYNC: ("requests", "agencies", "specials", "log")}


def _table(model: RowTableModel[Any], name: str, newest_first: bool = True
           ) -> tuple[QTableView, QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setObjectName(name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder if newest_first
                      else Qt.SortOrder.AscendingOrder)
    configure_table(view)
    return view, proxy


def _note(text: str, object_name: str = "noticeText") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName(object_name)
    return label


class SharingWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.directory: list[AgencyView] = []
        self._wanted: str | None = None  # a request to select once it is listed
        self.message = MessageLine()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._requests_tab(), "Requests")
        self.tabs.addTab(self._agencies_tab(), "Agency directory")
        self.tabs.addTab(self._specials_tab(), "Special hot list shares")
        self.tabs.addTab(self._log_tab(), "Sharing log")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        session.changes.changed.connect(self._on_change)
        self._update_buttons()
        for what in ("requests", "agencies", "specials", "log"):
            self.reload(what)

    # Building -----------------------------------------------------------------------------

    def _requests_tab(self) -> QWidget:
        self.requests = RequestsModel()
        self.requests_view, self.requests_proxy = _table(self.requests, "sharingRequests")
        self.requests_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.requests_empty = EmptyNote(
            self.requests_view, "No sharing requests yet. One is listed here when an ALPR "
            "administrator takes down another agency's request for ALPR data with New "
            "request… (or rtic-console sharing request); the rule decides it as it is filed.")
        self.detail = _note("Select a request to see its decision.", "footnote")
        self.new_button = QPushButton("New request…")
        self.review_button = QPushButton("Send to legal review…")
        self.permit_button = QPushButton("Permit on review…")
        self.uphold_button = QPushButton("Uphold refusal…")
        self.new_button.clicked.connect(self._on_new_clicked)
        self.review_button.clicked.connect(self._on_review_clicked)
        self.permit_button.clicked.connect(lambda: self._on_decide_clicked(True))
        self.uphold_button.clicked.connect(lambda: self._on_decide_clicked(False))
        return self._tab(
            "Every request another agency makes for ALPR data, decided by the rule and "
            "recorded with its clause. A refused request may go to legal review, which a "
            "division commander decides; the rule itself grants only to an in-state law "
            "enforcement LEARN partner for a purpose not excluded.",
            self.requests_view, [self.new_button, self.review_button, self.permit_button,
                                 self.uphold_button], self.detail)

    def _agencies_tab(self) -> QWidget:
        self.agencies = AgenciesModel()
        self.agencies_view, self.agencies_proxy = _table(self.agencies, "agencyDirectory",
                                                            newest_first=False)
        self.add_agency_button = QPushButton("Add agency…")
        self.import_button = QPushButton("Import CSV…")
        self.add_agency_button.clicked.connect(self._on_add_agency_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        return self._tab(
            "Who may ask: name, ORI, state, type, law enforcement or not, LEARN partner or "
            "not. An agency's state and type are always given, never assumed.",
            self.agencies_view, [self.add_agency_button, self.import_button])

    def _specials_tab(self) -> QWidget:
        self.specials = SpecialSharesModel()
        self.specials_view, self.specials_proxy = _table(self.specials, "specialShares")
        self.specials_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.approve_button = QPushButton("Approve…")
        self.reject_button = QPushButton("Reject…")
        self.approve_button.clicked.connect(lambda: self._on_special_clicked(True))
        self.reject_button.clicked.connect(lambda: self._on_special_clicked(False))
        return self._tab(
            "Sharing a special hot list entry with another law enforcement agency waits for a "
            "division commander's decision, with a reason; nothing leaves before it (I.2.b).",
            self.specials_view, [self.approve_button, self.reject_button])

    def _log_tab(self) -> QWidget:
        self.log = LogModel()
        self.log_view, self.log_proxy = _table(self.log, "sharingLog")
        return self._tab("Requests, decisions, reviews, packages, directory changes and "
                         "refused attempts, newest first: part of the quarterly inspection.",
                         self.log_view, [])

    def _tab(self, intro: str, view: QTableView, buttons: list[QPushButton],
             detail: QLabel | None = None) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(_note(intro))
        layout.addWidget(view, 1)
        if detail is not None:
            layout.addWidget(detail)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    # Loading ------------------------------------------------------------------------------

    def reload(self, what: str) -> None:
        service: Callable[..., Any] = {
            "requests": sharing.list_requests, "agencies": agencies.list_agencies,
            "specials": special_sharing.list_special_shares, "log": sharing.sharing_log}[what]
        done = {"requests": self._on_requests_loaded, "agencies": self._on_agencies_loaded,
                "specials": self._on_specials_loaded, "log": self.log.set_rows}[what]
        self._session.query(service, owner=self, on_done=done, on_error=self._on_failed,
                            key=f"sharing.{what}.{id(self)}")

    def _on_requests_loaded(self, rows: list[SharingView]) -> None:
        chosen = self.selected_request()
        self.requests.set_rows(rows)
        if chosen is not None and self._wanted is None:
            self._wanted = str(chosen.id)  # keep the selection across the reload
        self._select_wanted()
        self._update_buttons()

    def _on_agencies_loaded(self, rows: list[AgencyView]) -> None:
        self.directory = rows
        self.agencies.set_rows(rows)

    def _on_specials_loaded(self, rows: list[SpecialShareView]) -> None:
        self.specials.set_rows(rows)
        self._update_buttons()

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        for what in RELOADS.get(change.kind, ()):
            self.reload(what)

    # Acting -------------------------------------------------------------------------------

    def show_request(self, request_id: str | int) -> None:
        """Select a request (an alert's subject), once the list holds it."""
        self.tabs.setCurrentIndex(0)
        self._wanted = str(request_id)
        self._select_wanted()

    def _select_wanted(self) -> None:
        if self._wanted is None:
            return
        wanted = self._wanted
        at = self.requests.row_of_key(int(wanted)) if wanted.isdigit() else None
        if at is None:
            return
        self._wanted = None
        self.requests_view.selectRow(
            self.requests_proxy.mapFromSource(self.requests.index(at, 0)).row())

    def selected_request(self) -> SharingView | None:
        return selected_row(self.requests_view, self.requests_proxy, self.requests)

    def selected_special(self) -> SpecialShareView | None:
        return selected_row(self.specials_view, self.specials_proxy, self.specials)

    @Slot()
    def _update_buttons(self) -> None:
        may = self._session.may
        chosen = self.selected_request()
        self.new_button.setVisible(may(Permission.SHARE_DATA))
        self.review_button.setVisible(may(Permission.SHARE_DATA))
        self.review_button.setEnabled(chosen is not None and chosen.decision == "refused"
                                      and chosen.review_status is None)
        for button in (self.permit_button, self.uphold_button):
            button.setVisible(may(Permission.DECIDE_SHARING_REVIEW))
            button.setEnabled(chosen is not None and chosen.review_status == "pending")
        for button in (self.add_agency_button, self.import_button):
            button.setVisible(may(Permission.MANAGE_AGENCIES))
        special = self.selected_special()
        for button in (self.approve_button, self.reject_button):
            button.setVisible(may(Permission.APPROVE_SPECIAL_SHARING))
            button.setEnabled(special is not None and special.status == "pending")
        self.detail.setText(self._describe(chosen) if chosen else
                            "Select a request to see its decision.")

    @staticmethod
    def _describe(v: SharingView) -> str:
        lines = [f"#{v.id} · {v.agency_name} ({v.agency_ori}) · asked {asked(v)} · taken by "
                 f"{v.filed_by} {local(v.filed_at)}", f"Decision ({v.clause}): "
                 f"{v.decision_reason}"]
        if v.commander_alerted:
            lines.append("The RTIC division commander was alerted (C.2.a).")
        if v.review_status:
            lines.append(f"Legal review {v.review_status}: {v.review_note}"
                         + (f" — {v.review_decided_by}: {v.review_decision_note}"
                            if v.review_decided_by else ""))
        if v.package_path:
            lines.append(f"Package {v.package_path} · {v.read_count} reads · manifest SHA-256 "
                         f"{v.manifest_sha256}")
        return "\n".join(lines)

    def file_request(self, dialog: SharingRequestDialog) -> None:
        self._session.perform(sharing.file_request, dialog.request(), dialog.out_dir(),
                              owner=self, on_done=self._on_filed, on_error=self._on_failed)

    def _on_filed(self, view: SharingView) -> None:
        if view.released:
            self.message.show_ok(f"Request #{view.id} granted ({view.clause}): "
                                 f"{view.read_count} reads in {view.package_path}.")
        else:
            self.message.show_error(f"Request #{view.id} refused ({', '.join(view.clauses)}); "
                                    "no file was written.")

    @Slot()
    def _on_new_clicked(self) -> None:
        dialog = SharingRequestDialog(self.directory, self)
        if dialog.exec():
            self.file_request(dialog)

    @Slot()
    def _on_review_clicked(self) -> None:
        chosen = self.selected_request()
        if chosen is None:
            return
        note, ok = QInputDialog.getMultiLineText(
            self, "Send to legal review", f"What law may permit request #{chosen.id} "
            f"(refused under {chosen.clause})?")
        if ok:
            self.send_to_review(chosen.id, note)

    def send_to_review(self, request_id: int, note: str) -> None:
        self._session.perform(sharing.send_to_review, request_id, note, owner=self,
                              on_done=lambda v: self.message.show_ok(
                                  f"Request #{v.id} sent to legal review."),
                              on_error=self._on_failed)

    def _on_decide_clicked(self, permit: bool) -> None:
        chosen = self.selected_request()
        if chosen is None:
            return
        verb = "Permit" if permit else "Uphold the refusal of"
        note, ok = QInputDialog.getMultiLineText(self, "Legal review",
                                                 f"{verb} request #{chosen.id}: why?")
        if ok:
            self.decide_review(chosen.id, permit, note, Path(default_folder()))

    def decide_review(self, request_id: int, permit: bool, note: str, out_dir: Path) -> None:
        self._session.perform(sharing.decide_review, request_id, permit, note,
                              out_dir if permit else None, owner=self,
                              on_done=lambda v: self.message.show_ok(
                                  f"Request #{v.id}: {v.status}."), on_error=self._on_failed)

    @Slot()
    def _on_add_agency_clicked(self) -> None:
        dialog = AgencyDialog(self)
        if dialog.exec():
            self.add_agency(dialog.agency())

    def add_agency(self, item: AgencyInput) -> None:
        self._session.perform(agencies.add_agency, item, owner=self,
                              on_done=lambda a: self.message.show_ok(
                                  f"{a.name} ({a.ori}) added."), on_error=self._on_failed)

    @Slot()
    def _on_import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import agencies", "",
                                              "CSV files (*.csv)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        try:
            with path.open("rb") as file:
                data = file.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            self.message.show_error(f"Cannot read {path.name}: {exc.strerror}")
            return
        self._session.perform(agencies.import_agencies, path.name, data, owner=self,
                              on_done=self._on_imported, on_error=self._on_failed)

    def _on_imported(self, report: AgencyImportReport) -> None:
        counts = ", ".join(f"{s} {report.count(s)}" for s in ("added", "updated", "unchanged",
                                                             "refused"))
        refused = "; ".join(f"row {o.row}: {o.detail}" for o in report.rows
                            if o.status == "refused")
        text = f"{report.filename}: {counts}." + (f" Refused: {refused}" if refused else "")
        (self.message.show_ok if report.complete else self.message.show_error)(text)

    def _on_special_clicked(self, approve: bool) -> None:
        chosen = self.selected_special()
        if chosen is None:
            return
        verb = "Approve" if approve else "Reject"
        reason, ok = QInputDialog.getMultiLineText(
            self, "Special hot list share", f"{verb} sharing entry #{chosen.entry_id} with "
            f"{chosen.agency_name}: why?")
        if ok:
            self.decide_special(chosen.id, approve, reason)

    def decide_special(self, share_id: int, approve: bool, reason: str) -> None:
        self._session.perform(special_sharing.decide_special_share, share_id, approve, reason,
                              owner=self, on_done=lambda s: self.message.show_ok(
                                  f"Share #{s.id} {s.status}."), on_error=self._on_failed)

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))
