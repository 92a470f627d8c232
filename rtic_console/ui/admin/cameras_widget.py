"""The Cameras tab (ALPR administrators, IT staff): every PSCN camera, its F.1 category and
stream status, with add, edit and a stream test."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.devices import CATEGORY_TITLES
from rtic_console.services import cameras
from rtic_console.services.cameras import CameraView
from rtic_console.store.change_bus import Change
from rtic_console.ui.admin.camera_dialog import CameraDialog, run_stream_check
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.live_rows import LiveRows
from rtic_console.ui.table_model import (
    RowTableModel,
    configure_table,
    select_where,
    selected_row,
)
from rtic_console.ui.widgets import MessageLine, describe_error

COLUMNS = ("Camera", "Name", "Category", "Area", "Address", "Stream", "Status", "Recording")
STATUS_COLORS = {"live": "#15803d", "offline": "#b91c1c", "out of service": "#b45309",
                 "damaged": "#b91c1c", "unknown": "#6b7280"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1



def recording_text(c: CameraView) -> str:
    if c.is_donor:
        return "never (donor, G.1)"
    if not c.recording_enabled:
        return "off"
    return f"on, {c.retention_days} days" if c.retention_days else "on"


class CameraTableModel(RowTableModel[CameraView]):
    COLUMNS = COLUMNS

    def cell(self, c: CameraView, col: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            # The stream column shows display_url: credentials never reach the screen.
            return (c.code, c.name, c.category_title, c.area, c.address, c.display_url,
                    c.status, recording_text(c))[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 6:
            return QColor(STATUS_COLORS.get(c.status, "#111827"))
        if role == Qt.ItemDataRole.ToolTipRole and col == 6 and c.last_seen_at:
            return f"Last frame {c.last_seen_at.astimezone():%Y-%m-%d %H:%M:%S}"
        return None


class CameraFilterProxy(QSortFilterProxyModel):
    """Text over every column, plus one F.1 category (None for all)."""

    def __init__(self) -> None:
        super().__init__()
        self.category: str | None = None
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setSortRole(SORT_ROLE)

    def filterAcceptsRow(self, row: int, parent) -> bool:  # type: ignore[no-untyped-def]
        model = self.sourceModel()
        assert isinstance(model, CameraTableModel)
        if self.category and model.row_at(row).category.value != self.category:
            return False
        return super().filterAcceptsRow(row, parent)


class CamerasWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = CameraTableModel()
        self.proxy = CameraFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by camera, name, area, address or status")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.category_filter = QComboBox()
        self.category_filter.addItem("All categories", None)
        for category, title in CATEGORY_TITLES.items():
            self.category_filter.addItem(title, category.value)
        self.category_filter.currentIndexChanged.connect(self._on_category_filter_changed)

        self.table = QTableView()
        self.table.setObjectName("camerasTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        configure_table(self.table)
        self.table.doubleClicked.connect(self._on_edit_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton("Add camera…")
        self.edit_button = QPushButton("Edit…")
        self.test_button = QPushButton("Test stream")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.message = MessageLine()
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.category_filter)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.test_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.live = LiveRows(session, self.model, kinds=(Change.CAMERA, Change.DEVICE_HEALTH),
                             list_rows=cameras.list_cameras, rows_by_id=cameras.cameras_by_id,
                             view=self.table, parent=self)
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self.live.selected_changed.connect(lambda _key, _camera: self._update_buttons())
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        self.live.reload()

    def select_camera(self, camera_id: int) -> None:
        select_where(self.table, self.proxy, self.model, lambda r: r.id == camera_id)

    def selected(self) -> CameraView | None:
        return selected_row(self.table, self.proxy, self.model)

    @Slot()
    def _update_buttons(self) -> None:
        camera = self.selected()
        self.edit_button.setEnabled(camera is not None)
        self.test_button.setEnabled(camera is not None and camera.has_stream)

    @Slot()
    def _on_category_filter_changed(self) -> None:
        self.proxy.category = self.category_filter.currentData()
        self.proxy.invalidate()


    @Slot()
    def _on_add_clicked(self) -> None:
        dialog = CameraDialog(self._session, None, self)
        if dialog.exec() and dialog.saved:
            self.message.show_ok(f"Camera {dialog.saved.code} added.")
            self.select_camera(dialog.saved.id)

    @Slot()
    def _on_edit_clicked(self) -> None:
        camera = self.selected()
        if camera is None:
            return
        dialog = CameraDialog(self._session, camera, self)
        if dialog.exec() and dialog.saved:
            self.message.show_ok(f"Camera {dialog.saved.code} saved.")

    @Slot()
    def _on_test_clicked(self) -> None:
        camera = self.selected()
        if camera is None or not camera.has_stream:
            return
        self.test_button.setEnabled(False)
        self.message.show_ok(f"Testing {camera.code} ({camera.display_url})…")
        run_stream_check(self._session, self,
                         lambda ok, text: self._on_probe_finished(camera.code, ok, text),
                         camera=camera.id)

    def _on_probe_finished(self, code: str, ok: bool, text: str) -> None:
        self._update_buttons()
        (self.message.show_ok if ok else self.message.show_error)(f"{code}: {text}")
