"""The hot lists area: every entry, with hand entry, special proposals and file import."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.roles import Permission
from rtic_console.services import hotlists
from rtic_console.store.change_bus import Change
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.hotlists.entry_model import EntryTableModel
from rtic_console.ui.hotlists.hot_plate_dialog import HotPlateDialog
from rtic_console.ui.hotlists.import_dialog import ImportDialog
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import configure_table
from rtic_console.ui.widgets import MessageLine, describe_error

STATUS_FILTERS = (("Active and pending", ("active", "pending")), ("Active", ("active",)),
                  ("Awaiting supervisor", ("pending",)), ("Rejected", ("rejected",)))


class HotListsWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = EntryTableModel(newest_first=True)
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by plate, case, list, reason…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.status_filter = QComboBox()
        for title, value in STATUS_FILTERS:
            self.status_filter.addItem(title, value)
        self.add_button = QPushButton("Enter hot plate…")
        self.add_button.clicked.connect(lambda: self._open(special=False))
        self.add_button.setVisible(session.may(Permission.ENTER_HOT_PLATE))
        self.special_button = QPushButton("Propose special entry…")
        self.special_button.clicked.connect(lambda: self._open(special=True))
        self.special_button.setVisible(session.may(Permission.PROPOSE_SPECIAL))
        self.import_button = QPushButton("Import file…")
        self.import_button.clicked.connect(self._on_import_clicked)
        self.import_button.setVisible(session.may(Permission.IMPORT_HOT_LIST))
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.status_filter)
        for b in (self.add_button, self.special_button, self.import_button):
            bar.addWidget(b)

        self.table = QTableView()
        self.table.setObjectName("hotListTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # newest first, as loaded
        configure_table(self.table)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        # An import replaces a whole list: that change names the list, so every row again.
        self.live = LiveRows(session, self.model, kinds=(Change.HOTLIST_ENTRY,),
                             reload_kinds=(Change.HOTLIST_LIST,),
                             list_rows=hotlists.list_entries, rows_by_id=hotlists.entries_by_id,
                             view=self.table, limit=hotlists.LIST_LIMIT, parent=self,
                             filters=lambda: {"statuses": self.status_filter.currentData()})
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.live.reload()

    def _open(self, *, special: bool) -> None:
        dialog = HotPlateDialog(self._session, special=special, parent=self)
        if dialog.exec() and dialog.saved:
            what = "submitted for supervisor approval" if special else "is now active"
            self.message.show_ok(f"{dialog.saved.plate} {what}.")

    @Slot()
    def _on_import_clicked(self) -> None:
        ImportDialog(self._session, self).exec()

