"""The Search screen: plate, canvass and vehicle-description searches for a stated purpose
and case (D.1, F.3), the results as a table and on the map, and an audited CSV export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QSignalBlocker,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.recipients import ExportRecipient, RecipientKind
from rtic_console.domain.search_rules import SearchKind
from rtic_console.services import search_requests
from rtic_console.services.search import MAX_RESULTS, SearchInput, SearchResult, search_reads
from rtic_console.services.search_export import ExportReceipt, export_search_csv
from rtic_console.services.search_requests import LIST_LIMIT
from rtic_console.store.change_bus import Change
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows, RowsApplied
from rtic_console.ui.search.other_use_requests_widget import MyRequestsModel
from rtic_console.ui.search.purpose_box import PurposeBox
from rtic_console.ui.search.result_detail import SearchResultDetail
from rtic_console.ui.search.search_criteria_form import SearchCriteriaForm
from rtic_console.ui.search.search_results_model import (
    SORT_ROLE,
    SearchResultsModel,
    map_points,
)
from rtic_console.ui.table_model import configure_table
from rtic_console.ui.widgets import MessageLine, describe_error

CRITERIA_WIDTH = 420


class SearchWidget(QWidget):
    results_ready = Signal(object)
    area_requested = Signal(str)
    map_requested = Signal(float, float)  # a selected result's place, for the live map

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.result: SearchResult | None = None
        self.case_of_result = ""
        self.purpose_of_result: str | None = None
        self._focus_at_run: QWidget | None = None
        intro = QLabel("Every search states an approved purpose and its case, or runs under "
                       "your approved other-use request (GO 525.08 D.1). Who searched, when, "
                       "for what and how many reads came back is logged for the quarterly "
                       "review.")
        intro.setObjectName("noticeText")
        intro.setWordWrap(True)

        self.form = SearchCriteriaForm()
        self.form.area_requested.connect(self.area_requested)
        self.purpose = PurposeBox()
        self.form.mode_changed.connect(self._on_form_mode_changed)
        self.run_button = QPushButton("Run search")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run_search)
        self.message = MessageLine()
        criteria = QWidget()
        fields = QVBoxLayout(criteria)
        fields.addWidget(self.purpose)  # stated before anything else (D.1)
        fields.addWidget(self.form)
        fields.addStretch(1)
        self.message.clear_on_edit(criteria)  # a refusal was about what is being changed
        scroll = QScrollArea()
        scroll.setWidget(criteria)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Run and its answer stay in view however far the criteria scroll.
        left = QWidget()
        left.setFixedWidth(CRITERIA_WIDTH)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(scroll, 1)
        column.addWidget(self.run_button)
        column.addWidget(self.message)

        self.status = QLabel("No search yet.")
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)  # wraps rather than widening the area past the screen
        self.truncated = QLabel(f"⚠ Truncated: only the newest {MAX_RESULTS} reads are shown. "
                                "Narrow the time, the place or the plate.")
        self.truncated.setObjectName("truncatedWarning")
        self.truncated.setWordWrap(True)
        self.truncated.hide()
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._on_export_clicked)
        # C.3: every export names its recipient; another agency only by a granted request.
        self.recipient = QComboBox()
        self.recipient.setObjectName("exportRecipient")
        self.recipient.addItem("For SPD internal use (this case)", RecipientKind.SPD_CASE)
        self.recipient.addItem("For another agency: granted request #",
                               RecipientKind.SHARING_REQUEST)
        self.request_number = QSpinBox()
        self.request_number.setRange(1, 2_000_000_000)
        self.request_number.setEnabled(False)
        self.request_number.setToolTip("The number of the granted sharing request (Sharing "
                                       "area); the export may hold only the reads it granted")
        self.recipient.currentIndexChanged.connect(self._on_recipient_changed)
        self.model = SearchResultsModel()
        self.model.setParent(self)  # owned by the screen: Qt deletes it with its view
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("searchResults")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        configure_table(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.detail = SearchResultDetail(session)
        self.detail.map_requested.connect(self.map_requested)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.recipient)
        top.addWidget(self.request_number)
        top.addWidget(self.export_button)
        results = QVBoxLayout()
        results.addLayout(top)
        results.addWidget(self.truncated)
        listing = QHBoxLayout()
        listing.addWidget(self.table, 1)
        listing.addWidget(self.detail)
        results.addLayout(listing, 1)

        body = QHBoxLayout()
        body.addWidget(left)
        body.addLayout(results, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        # Requests change on the Other use screen, here or elsewhere: the committed change
        # reaches every screen once through the change bus, and only that request is read.
        requests = MyRequestsModel()
        requests.setParent(self)
        self.requests = LiveRows(session, requests, kinds=(Change.SEARCH_REQUEST,),
                                 list_rows=search_requests.my_requests,
                                 rows_by_id=search_requests.my_requests_by_id,
                                 limit=LIST_LIMIT, parent=self)
        self.requests.applied.connect(self._on_requests_applied)
        self.requests.failed.connect(self._on_failed)
        self.requests.reload()

    def _key(self, what: str) -> str:
        """Per screen: a second Search screen's work must not cancel this one's."""
        return f"search.{id(self)}.{what}"

    @Slot(object)
    def set_area(self, area: dict[str, Any]) -> None:
        """A circle {lat, lon, radius_m} or rectangle {south, west, north, east} from the map."""
        try:
            self.form.set_area(area)
        except ValueError as exc:
            self.message.show_error(str(exc))
            return
        self.message.clear_message()

    @Slot()
    def run_search(self) -> None:
        missing = self.form.missing()
        if missing:
            self.message.show_error(missing)
            return
        purpose, case, request_id = self.purpose.values()
        item = SearchInput(purpose=purpose, case_number=case, request_id=request_id,
                           **self.form.values())
        self.message.clear_message()
        focused = QApplication.focusWidget()
        self._focus_at_run = focused if focused and self.isAncestorOf(focused) else None
        self.run_button.setEnabled(False)  # Qt hands its focus to whatever comes next
        self.status.setText("Searching…")
        self._session.perform(search_reads, item, owner=self, on_done=self._on_search_done,
                              on_error=self._on_search_failed,
                              key=self._key("run"))
        self.case_of_result = " ".join(case.split())
        self.purpose_of_result = purpose

    def export_recipient(self) -> ExportRecipient:
        if self.recipient.currentData() is RecipientKind.SHARING_REQUEST:
            return ExportRecipient.shared(self.request_number.value())
        return ExportRecipient.spd(self.case_of_result)

    def export_to(self, path: Path) -> None:
        """Export the reads on screen for the chosen recipient: the service re-checks them
        against the logged search, and against the request when another agency receives
        them."""
        if self.result is None or not self.result.reads:
            return
        self.export_button.setEnabled(False)
        self._session.perform(
            export_search_csv, self.result.search_id,
            [r.detection_id for r in self.result.reads], path, self.export_recipient(),
            owner=self,
            on_done=self._on_export_done, on_error=self._on_export_failed, key=self._key("export"))

    def _on_search_done(self, result: SearchResult) -> None:
        self.run_button.setEnabled(True)
        self.result = result
        self.detail.hide()
        self.model.set_rows(result.reads)
        count = len(result.reads)
        self.status.setText(f"{count} read{'' if count == 1 else 's'} · {result.kind} search "
                            f"#{result.search_id} · case {self.case_of_result} · logged for "
                            "review")
        self.truncated.setVisible(result.truncated)
        self.export_button.setEnabled(count > 0)
        self._place_focus(count > 0)
        self.results_ready.emit(map_points(result.reads))

    def _on_search_failed(self, error: BaseException) -> None:
        self.run_button.setEnabled(True)
        self.result = None
        self.detail.hide()
        self.model.set_rows([])
        self.truncated.hide()
        self.export_button.setEnabled(False)
        self.status.setText("No search ran.")
        self.message.show_error(describe_error(error))
        self._place_focus(False)
        self.results_ready.emit([])  # the map must not go on showing the previous results

    def _place_focus(self, results: bool) -> None:
        """Results: the table, so the arrow keys go through them at once. None, or a
        refusal: back where Run was pressed, to change the criteria. A person who has gone
        on to another screen meanwhile keeps their focus."""
        before, self._focus_at_run = self._focus_at_run, None
        focused = QApplication.focusWidget()
        if focused is not None and not self.isAncestorOf(focused):
            return
        if results:
            # The table makes its first row current as it takes focus, and a current row
            # opens its read, logged as viewed: no read is opened until the person picks
            # one, and Down then takes the first.
            # An invalid current index set on the view (not cleared on the model) also stops
            # the view making row 0 current at its next focus-in (Alt-Tab back, Tab).
            with QSignalBlocker(self.table.selectionModel()):
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                self.table.setCurrentIndex(QModelIndex())
            return
        target = before if before is not None and before.isEnabled() else self.run_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_export_done(self, receipt: ExportReceipt) -> None:
        self.export_button.setEnabled(True)
        self.message.show_ok(f"Exported {receipt.rows} rows to {receipt.path.name} "
                             f"(SHA-256 {receipt.sha256[:16]}…) for "
                             f"{receipt.recipient}; the export is audited.")

    def _on_export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(self.result is not None)
        self.message.show_error(describe_error(error))

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))

    def _on_table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        read = self.model.row_at(self.proxy.mapToSource(current).row())
        self.detail.open_read(read.detection_id, self.purpose_of_result, self.case_of_result)

    @Slot(object)
    def _on_requests_applied(self, _applied: RowsApplied) -> None:
        self.purpose.set_requests(self.requests.model.rows)

    @Slot(object)
    def _on_form_mode_changed(self, kind: SearchKind) -> None:
        self.purpose.suggest_for(kind)

    @Slot(int)
    def _on_recipient_changed(self, _index: int) -> None:
        self.request_number.setEnabled(
            self.recipient.currentData() is RecipientKind.SHARING_REQUEST)

    @Slot()
    def _on_export_clicked(self) -> None:
        if self.result is None:
            return
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        name = f"search-{self.result.search_id}.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export search results",
                                              str(Path(folder) / name), "CSV files (*.csv)")
        if path:
            self.export_to(Path(path))
