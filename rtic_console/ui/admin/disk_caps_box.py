"""The Retention area's disk caps: the recordings store's cap and each camera's, with each
camera's use, its level and why its recording stopped."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.recording_caps import (
    SCOPE_TITLES,
    WARN_SHARE,
    CapLevel,
    CapScope,
    exact_size,
    format_size,
    share,
)
from rtic_console.domain.roles import Permission
from rtic_console.services import recording_caps
from rtic_console.services.recording_caps import CameraUse, CapsOverview
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.table_model import RowTableModel, configure_table, selected_row
from rtic_console.ui.theme import TONE_MARKS, Tone
from rtic_console.ui.widgets import MessageLine, describe_error

LEVEL_WORDS = {CapLevel.OK: "", CapLevel.WARNING: "near its cap",
               CapLevel.FULL: "at its cap: oldest removed", CapLevel.STOPPED: "recording stopped"}
LEVEL_TONES = {CapLevel.WARNING: Tone.WARN, CapLevel.FULL: Tone.WARN,
               CapLevel.STOPPED: Tone.DANGER}


def _size(cap: int | None) -> str:
    return "no cap" if cap is None else format_size(cap)


def _percent(used: int, cap: int | None) -> str:
    part = share(used, cap)
    return "" if part is None else f"{part:.0%}"


class CameraUseModel(RowTableModel[CameraUse]):
    COLUMNS = ("Camera", "Used", "Cap", "Use", "State")

    def key(self, row: CameraUse) -> object:
        return row.device_id

    def cell(self, c: CameraUse, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            tone = LEVEL_TONES.get(c.level)
            state = f"{TONE_MARKS[tone]} {LEVEL_WORDS[c.level]}" if tone else ""
            return (c.code, format_size(c.used),
                    _size(c.cap_bytes) + (" (own)" if c.own_cap else ""),
                    _percent(c.used, c.cap_bytes), state)[col]
        if role == Qt.ItemDataRole.ToolTipRole and c.reason:
            return c.reason
        return None


class DiskCapsBox(QGroupBox):
    """Set by ALPR administrators (the caps shorten how long video is kept, down to the
    order's 90 days); seen by those who see retention."""

    def __init__(self, session: ConsoleSession, message: MessageLine,
                 parent: QWidget | None = None) -> None:
        super().__init__("Disk caps of the recordings", parent)
        self._session = session
        self._message = message
        may = session.may(Permission.MANAGE_RETENTION)
        note = QLabel(f"At {WARN_SHARE:.0%} of a cap the ALPR administrators and public-safety "
                      "IT are alerted. At the cap the oldest video older than 90 days and "
                      "under no evidence hold is removed; when only such kept video is left, "
                      "recording stops instead (F.5). Sizes as 20T, 750G or 500GiB; 'none' "
                      "removes a cap.")
        note.setWordWrap(True)
        note.setObjectName("footnote")
        grid = QGridLayout()
        self.sizes: dict[CapScope, QLineEdit] = {}
        self.set_buttons: dict[CapScope, QPushButton] = {}
        for row, scope in enumerate(CapScope):
            edit = QLineEdit()
            edit.setMaximumWidth(160)
            edit.setEnabled(may)
            button = QPushButton("Set")
            button.setEnabled(may)
            button.clicked.connect(lambda _=False, s=scope: self.set_cap(
                s.value, self.sizes[s].text()))
            self.sizes[scope], self.set_buttons[scope] = edit, button
            grid.addWidget(QLabel(SCOPE_TITLES[scope]), row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(button, row, 2)
        grid.setColumnStretch(3, 1)
        self.store_use = QLabel()
        self.store_use.setWordWrap(True)
        self.model = CameraUseModel()
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("diskCapsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setMaximumHeight(170)
        configure_table(self.table)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.camera_button = QPushButton("Camera's own cap…")
        self.camera_button.clicked.connect(self._on_camera_clicked)
        self._may = may
        buttons = QHBoxLayout()
        buttons.addWidget(self.camera_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(grid)
        layout.addWidget(self.store_use)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        session.changes.changed.connect(self._on_change)
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        self._session.query(recording_caps.show_caps, owner=self, on_done=self._on_loaded,
                            on_error=self._on_failed, key="retention.caps")

    def _on_loaded(self, view: CapsOverview) -> None:
        for cap in view.caps:
            self.sizes[cap.scope].setText("" if cap.cap_bytes is None
                                          else exact_size(cap.cap_bytes))
            self.sizes[cap.scope].setPlaceholderText("no cap")
        store_cap = next(c.cap_bytes for c in view.caps if c.scope is CapScope.STORE)
        text = f"All recordings: {format_size(view.store_used)}"
        if store_cap is not None:
            text += f" of {format_size(store_cap)} ({_percent(view.store_used, store_cap)})"
        if view.store_reason:
            text += f". {TONE_MARKS[Tone.DANGER]} Recording stopped: {view.store_reason}"
        self.store_use.setText(text)
        self.model.set_rows(view.cameras)
        self._update_buttons()

    def _on_failed(self, error: BaseException) -> None:
        self._message.show_error(describe_error(error))

    @Slot()
    def _update_buttons(self) -> None:
        self.camera_button.setEnabled(self._may and self.selected() is not None)

    def selected(self) -> CameraUse | None:
        return selected_row(self.table, self.proxy, self.model)

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in (Change.RETENTION, Change.RECORDING, Change.ALERT, Change.PURGED,
                           Change.RESYNC):
            self.refresh()

    def set_cap(self, scope: str, size: str, camera: str | None = None) -> None:
        self._session.perform(
            recording_caps.set_cap, scope, size, camera, owner=self,
            on_done=lambda v: self._message.show_ok(" ".join((
                "Cap saved; the recording service applies it at once.", *v.notes))),
            on_error=self._on_failed)

    @Slot()
    def _on_camera_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        size, ok = QInputDialog.getText(
            self, "Camera's own cap",
            f"Cap of {chosen.code} (as 500G; 'default' for the default per camera):",
            text=exact_size(chosen.cap_bytes) if chosen.own_cap and chosen.cap_bytes else "")
        if ok:
            self.set_cap("camera", size, chosen.code)
