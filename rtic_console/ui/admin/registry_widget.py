"""The Camera registry area: ALPR administrators keep the voluntary registry (H.1); those who
may look it up find registered cameras near a place, for a case (H.2, H.3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.registry_rules import MAX_LOOKUP_RADIUS_M
from rtic_console.domain.roles import Permission
from rtic_console.services import registry
from rtic_console.services.registry import (
    EntryView,
    ImportReport,
    NearbyCamera,
    NearInput,
    NearResult,
)
from rtic_console.store.change_bus import Change
from rtic_console.ui.admin.registry_entry_dialog import (
    RegistryEntryDialog,
    degrees,
)
from rtic_console.ui.admin.registry_import_dialog import ImportReportDialog, read_registry_file
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import RowTableModel, configure_table, selected_row
from rtic_console.ui.widgets import MessageLine, describe_error

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
INACTIVE_TEXT = QColor("#6b7280")


class EntryTableModel(RowTableModel[EntryView]):
    COLUMNS = ("ID", "Owner or contact name", "Contact", "Address", "Location", "Equipment",
               "Status", "Updated")

    def cell(self, e: EntryView, col: int, role: int) -> Any:
        if role == SORT_ROLE and col in (0, 4):
            return e.id if col == 0 else e.latitude
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return (e.id, e.owner_name, e.contact, e.address,
                    f"{e.latitude:.5f}, {e.longitude:.5f}", e.equipment_type,
                    "Active" if e.active else "Deactivated",
                    f"{e.updated_at.astimezone():%Y-%m-%d %H:%M}")[col]
        if role == Qt.ItemDataRole.ForegroundRole and not e.active:
            return INACTIVE_TEXT
        if role == Qt.ItemDataRole.ToolTipRole:
            who = f"Added by {e.created_by}, last changed by {e.updated_by}"
            return f"{e.notes}\n\n{who}" if e.notes else who
        return None


class NearbyTableModel(RowTableModel[NearbyCamera]):
    COLUMNS = ("Distance (m)", "Owner or contact name", "Contact", "Address", "Equipment",
               "Notes")

    def cell(self, c: NearbyCamera, col: int, role: int) -> Any:
        e = c.entry
        if role == SORT_ROLE and col == 0:
            return c.distance_m
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return (f"{c.distance_m:,.0f}", e.owner_name, e.contact, e.address,
                    e.equipment_type, " ".join(e.notes.split()))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole and col == 5 and e.notes:
            return e.notes
        return None


def _sorted_view(model: RowTableModel[Any], name: str) -> tuple[QTableView,
                                                                QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    table = QTableView()
    table.setObjectName(name)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    configure_table(table)
    return table, proxy


class RegistryWidget(QWidget):
    # A look-up's result (NearResult), so the map can show the cameras it found.
    cameras_found = Signal(object)

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = EntryTableModel()
        self.table, self.proxy = _sorted_view(self.model, "registryTable")
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._on_edit_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by owner, contact, address or equipment")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.show_inactive = QCheckBox("Show deactivated")
        self.add_button = QPushButton("Add…")
        self.edit_button = QPushButton("Edit…")
        self.deactivate_button = QPushButton("Deactivate…")
        self.import_button = QPushButton("Import CSV…")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.deactivate_button.clicked.connect(self._on_deactivate_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.message = MessageLine()
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.show_inactive)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.deactivate_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        self.entries_box = QGroupBox("Registered cameras (H.1)")
        entries = QVBoxLayout(self.entries_box)
        entries.addLayout(top)
        entries.addWidget(self.table, 1)
        entries.addWidget(self.message)
        entries.addLayout(buttons)
        self.near_panel = NearPanel(session)
        self.near_panel.cameras_found.connect(self.cameras_found)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.entries_box)
        splitter.addWidget(self.near_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.report_dialog: ImportReportDialog | None = None
        self.manages = session.may(Permission.MANAGE_REGISTRY)
        self.entries_box.setVisible(self.manages)
        self.near_panel.setVisible(session.may(Permission.QUERY_REGISTRY))
        self.live: LiveRows | None = None
        if self.manages:  # the whole list is for those who keep it (H.2: look-ups are per case)
            self.live = LiveRows(
                session, self.model, kinds=(Change.REGISTRY,), list_rows=registry.list_entries,
                rows_by_id=registry.entries_by_id, view=self.table, parent=self,
                filters=lambda: {"include_inactive": self.show_inactive.isChecked()})
            self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
            self.live.selected_changed.connect(lambda _key, _entry: self._update_buttons())
            self.show_inactive.toggled.connect(self.refresh)
        self._update_buttons()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        if self.live is not None:
            self.live.reload()

    def selected(self) -> EntryView | None:
        return selected_row(self.table, self.proxy, self.model)

    @Slot()
    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.edit_button.setEnabled(chosen is not None and chosen.active)
        self.deactivate_button.setEnabled(chosen is not None and chosen.active)


    @Slot()
    def _on_add_clicked(self) -> None:
        dialog = RegistryEntryDialog(self._session, None, self)
        if dialog.exec() and dialog.saved:
            self.message.show_ok(f"Entry #{dialog.saved.id} ({dialog.saved.owner_name}) added.")

    @Slot()
    def _on_edit_clicked(self) -> None:
        entry = self.selected()
        if entry is None or not entry.active:
            return
        dialog = RegistryEntryDialog(self._session, entry, self)
        if dialog.exec() and dialog.saved:
            self.message.show_ok(f"Entry #{entry.id} saved.")

    @Slot()
    def _on_deactivate_clicked(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Deactivate registry entry",
            f"Why is {entry.owner_name} at {entry.address} leaving the registry? The entry is "
            "kept, but look-ups no longer find it.")
        if not ok:
            return
        self._session.perform(
            registry.deactivate_entry, entry.id, reason, owner=self,
            on_done=lambda v: self.message.show_ok(f"Entry #{v.id} deactivated."),
            on_error=lambda e: self.message.show_error(describe_error(e)))

    @Slot()
    def _on_import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Registry CSV file", "",
                                              "CSV files (*.csv);;All files (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Read off the GUI thread, import as one transaction, then show the per-row report."""
        self.import_button.setEnabled(False)
        self.message.show_ok(f"Importing {path.name}…")
        self._session.runner.read(
            lambda: read_registry_file(path),
            lambda data: self._session.perform(
                registry.import_file, path.name, data, owner=self,
                on_done=self._on_imported, on_error=self._on_import_failed),
            self._on_import_failed, owner=self)

    def _on_imported(self, report: ImportReport) -> None:
        self.import_button.setEnabled(True)
        text = f"{report.filename}: {report.imported} of {len(report.rows)} rows imported."
        if report.complete:
            self.message.show_ok(text)
        else:
            self.message.show_error(f"{text} See the report for the rows not imported.")
        self.report_dialog = ImportReportDialog(report, self)
        self.report_dialog.open()

    def _on_import_failed(self, error: BaseException) -> None:
        self.import_button.setEnabled(True)
        self.message.show_error(f"Could not read the file: {error.strerror}"
                                if isinstance(error, OSError) else describe_error(error))


class NearPanel(QGroupBox):
    """Each search is a look-up on the record: it runs only when asked, never on refresh."""

    # Emitted only after the look-up and its audit event committed (H.2, H.3).
    cameras_found = Signal(object)

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__("Cameras near a place, for a case (H.2, H.3)", parent)
        self._session = session
        self.latitude, self.longitude, self.case_number = QLineEdit(), QLineEdit(), QLineEdit()
        self.latitude.setPlaceholderText("38.5770")
        self.longitude.setPlaceholderText("-121.4850")
        self.case_number.setPlaceholderText("required")
        self.case_number.setMaxLength(40)
        self.radius = QSpinBox()
        self.radius.setRange(1, MAX_LOOKUP_RADIUS_M)
        self.radius.setValue(300)
        self.radius.setSingleStep(50)
        self.radius.setSuffix(" m")
        self.find_button = QPushButton("Find cameras")
        self.find_button.setDefault(True)
        self.find_button.clicked.connect(self._on_find_clicked)
        self.case_number.returnPressed.connect(self._on_find_clicked)
        form = QHBoxLayout()
        for label, field in (("Latitude", self.latitude), ("Longitude", self.longitude),
                             ("Within", self.radius), ("Case number", self.case_number)):
            form.addWidget(QLabel(label))
            form.addWidget(field, 1 if isinstance(field, QLineEdit) else 0)
            form.addSpacing(6)
        form.addWidget(self.find_button)
        hint = QLabel("Look-ups are for evidence collection on a case and are audited with the "
                      "case, place, radius and result count. The cameras found also show on "
                      "the Live map.")
        hint.setObjectName("footnote")
        self.model = NearbyTableModel()
        self.table, self.proxy = _sorted_view(self.model, "nearbyTable")
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.result_line = MessageLine()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result_line)

    @Slot()
    def _on_find_clicked(self) -> None:
        item = NearInput(self.latitude.text(), self.longitude.text(), float(self.radius.value()),
                         self.case_number.text())
        self.find_button.setEnabled(False)
        self.result_line.clear_message()
        # A write: the look-up's audit event commits with it.
        self._session.perform(registry.cameras_near, item, owner=self, on_done=self._on_found,
                              on_error=self._on_failed, key="registry.near")

    def _on_found(self, result: NearResult) -> None:
        self.find_button.setEnabled(True)
        self.model.set_rows(result.cameras)
        count = len(result.cameras)
        self.result_line.show_ok(
            f"{count} registered camera{'s' if count != 1 else ''} within "
            f"{result.radius_m:,.0f} m of {degrees(result.latitude)}, "
            f"{degrees(result.longitude)} · case {result.case_number} · look-up audited")
        self.cameras_found.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        self.find_button.setEnabled(True)
        self.model.set_rows([])
        self.result_line.show_error(describe_error(error))
