"""The audit trail viewer: filter by time, person, action and object; export; verify."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, QModelIndex, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.audit_chain import AuditRecord
from rtic_console.services import audit_anchor, audit_review
from rtic_console.services.audit_anchor import TrailReport
from rtic_console.store.audit_log import AuditFilter
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.audit_model import AuditTableModel, audit_pairs
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.detail_pane import DetailPane, list_beside_detail
from rtic_console.ui.table_model import configure_table
from rtic_console.ui.widgets import MessageLine, describe_error

ROW_LIMIT = 5000
LONG_COLUMN_WIDTH = 260


def _utc(edit: QDateTimeEdit) -> datetime:
    return edit.dateTime().toPython().astimezone(UTC)


class AuditViewerWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = AuditTableModel()

        now = QDateTime.currentDateTime()
        self.use_since = QCheckBox("From")
        self.since = QDateTimeEdit(now.addDays(-7))
        self.use_until = QCheckBox("To")
        self.until = QDateTimeEdit(now.addSecs(3600))
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.person = QLineEdit()
        self.person.setPlaceholderText("badge")
        self.person.setMaxLength(10)
        self.person.setMaximumWidth(140)
        self.action = QComboBox()
        self.action.setEditable(True)
        self.action.setMinimumContentsLength(18)
        self.object_type = QLineEdit()
        self.object_type.setPlaceholderText("e.g. person")
        self.object_id = QLineEdit()
        self.object_id.setPlaceholderText("id")
        self.object_id.setMaximumWidth(140)
        self.object_type.setMaximumWidth(220)
        self.plate = QLineEdit()
        self.plate.setPlaceholderText("plate, e.g. 7ABC123")
        self.plate.setMaxLength(12)
        self.plate.setMaximumWidth(140)
        self.plate.setToolTip("Events naming this plate, found by its digest even after "
                              "retention removed the plain plate (C.1)")
        self.apply_button = QPushButton("Apply filters")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.refresh)
        for edit in (self.person, self.object_type, self.object_id, self.plate):
            edit.returnPressed.connect(self.refresh)

        filters = QGridLayout()
        filters.addWidget(self.use_since, 0, 0)
        filters.addWidget(self.since, 0, 1)
        filters.addWidget(self.use_until, 0, 2)
        filters.addWidget(self.until, 0, 3)
        filters.addWidget(QLabel("Person"), 0, 4)
        filters.addWidget(self.person, 0, 5)
        filters.addWidget(QLabel("Plate"), 0, 6)
        filters.addWidget(self.plate, 0, 7)
        filters.addWidget(QLabel("Action"), 1, 0)
        filters.addWidget(self.action, 1, 1)
        filters.addWidget(QLabel("Object"), 1, 2)
        filters.addWidget(self.object_type, 1, 3)
        filters.addWidget(QLabel("Id"), 1, 4)
        filters.addWidget(self.object_id, 1, 5)
        filters.addWidget(self.apply_button, 1, 6)
        filters.setColumnStretch(8, 1)

        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        configure_table(self.table)
        header = self.table.horizontalHeader()
        for column in (6, 7):  # reason and details: read whole in the pane, not by scrolling
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, LONG_COLUMN_WIDTH)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.detail = DetailPane("Select an event to read it in full.")
        split = list_beside_detail(self.table, self.detail)

        self.count_label = QLabel()
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.verify_button = QPushButton("Verify chain")
        self.verify_button.clicked.connect(self._on_verify_clicked)
        self.message = MessageLine()
        # The head hash that the guide says to record, whole and copyable, after a check.
        self.head_hash = QLineEdit()
        self.head_hash.setObjectName("headHash")
        self.head_hash.setReadOnly(True)
        self.copy_hash_button = QPushButton("Copy hash")
        self.copy_hash_button.clicked.connect(self._on_copy_hash_clicked)
        self.hash_row = QWidget()
        hash_layout = QHBoxLayout(self.hash_row)
        hash_layout.setContentsMargins(0, 0, 0, 0)
        self.head_label = QLabel("Head hash")
        hash_layout.addWidget(self.head_label)
        hash_layout.addWidget(self.head_hash, 1)
        hash_layout.addWidget(self.copy_hash_button)
        self.hash_row.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.hash_row)
        layout.addLayout(bottom)
        # Every write appends to the trail: reload what the filter shows, at most twice a second.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(500)
        self._refresh_timer.timeout.connect(self.refresh)
        session.changes.changed.connect(self._on_change)
        self._load_actions()
        self.refresh()

    def current_filter(self, limit: int | None = ROW_LIMIT) -> AuditFilter:
        return AuditFilter(
            since=_utc(self.since) if self.use_since.isChecked() else None,
            until=_utc(self.until) if self.use_until.isChecked() else None,
            actor_badge=self.person.text().strip().upper() or None,
            action=self.action.currentText().strip() or None,
            object_type=self.object_type.text().strip() or None,
            object_id=self.object_id.text().strip() or None,
            plate=self.plate.text().strip() or None,
            limit=limit,
        )

    @Slot()
    def refresh(self) -> None:
        self._session.query(audit_review.list_events, self.current_filter(),
                            owner=self, on_done=self._on_events_loaded, on_error=self._on_failed,
                            key="audit.list")

    def _load_actions(self) -> None:
        def fill(actions: list[str]) -> None:
            current = self.action.currentText()
            self.action.clear()
            self.action.addItems(["", *actions])
            self.action.setCurrentText(current)

        self._session.query(audit_review.known_actions, owner=self, on_done=fill,
                            on_error=self._on_failed, key="audit.actions")

    def _on_events_loaded(self, events: list[AuditRecord]) -> None:
        shown = self.detail.title
        self.model.set_rows(events)
        for row, event in enumerate(events):  # keep the event being read selected
            if shown == _title(event):
                self.table.selectRow(row)
                break
        else:
            self.detail.show_pairs("", [])
        more = " (newest shown; narrow the filters to see older)" if len(events) >= ROW_LIMIT \
            else ""
        self.count_label.setText(f"{len(events)} events{more}")

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in (Change.AUDIT, Change.RESYNC) and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @Slot()
    def _on_export_clicked(self) -> None:
        name = f"audit-{datetime.now().strftime('%Y%m%d-%H%M')}.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export audit events", name, "CSV (*.csv)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        self._session.perform(
            audit_review.export_csv, self.current_filter(limit=None), path,
            owner=self, on_done=lambda n: self.message.show_ok(f"Exported {n} events to {path}."),
            on_error=self._on_failed)

    @Slot()
    def _on_verify_clicked(self) -> None:
        db, settings = self._session.db, self._session.ctx.settings

        def body() -> TrailReport:
            with db.read() as session:
                return audit_anchor.verify_trail(session, settings)

        self._session.runner.read(body, self._on_verified, self._on_failed, key="audit.verify",
                                  owner=self)

    def _on_verified(self, report: TrailReport) -> None:
        text = audit_anchor.report_text(report)
        if report.ok:
            self.message.show_ok(text)
        else:
            self.message.show_error(text)
        self.hash_row.setVisible(report.head_hash is not None)
        self.head_label.setText(f"Head hash, event #{report.head_seq}")
        self.head_hash.setText(report.head_hash or "")
        self.head_hash.setCursorPosition(0)

    @Slot()
    def _on_copy_hash_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.head_hash.text())
        self.message.show_ok("Copied the head hash to the clipboard.")

    def _on_table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row()
        if 0 <= row < self.model.rowCount():
            event = self.model.row_at(row)
            self.detail.show_pairs(_title(event), audit_pairs(event))


def _title(event: AuditRecord) -> str:
    return f"Event #{event.seq} · {event.action}"
