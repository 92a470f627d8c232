"""The triage pane: live queue of open hits beside the selected hit's evidence and checklist."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.checklist import STATUS_TITLES
from rtic_console.services import hits as hit_service
from rtic_console.services.hits import HitDetail, HitView
from rtic_console.services.runner import query
from rtic_console.store.change_bus import ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.hits.checklist_panel import ChecklistPanel
from rtic_console.ui.hits.hit_detail_panel import HitDetailPanel
from rtic_console.ui.hits.hit_queue_model import HitQueueModel
from rtic_console.ui.table_model import configure_table
from rtic_console.ui.widgets import MessageLine, describe_error

LIVE_KINDS = frozenset({"hit.created", "hit.changed", "resync"})


def _load_detail(session: ConsoleSession, hit_id: int) -> tuple[HitDetail, dict[str, QImage]]:
    """Runs on a reader thread: JPEG decoding stays off the GUI thread too."""
    detail = query(session.db, session.ctx, hit_service.hit_detail, hit_id)
    return detail, {kind: QImage.fromData(data) for kind, data in detail.images.items()}


class HitQueueWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        settings = session.ctx.settings
        self.model = HitQueueModel((timedelta(seconds=settings.hit_warn_seconds),
                                    timedelta(seconds=settings.hit_overdue_seconds)))
        self.selected_id: int | None = None

        self.summary = QLabel()
        self.summary.setObjectName("queueSummary")
        self.table = QTableView()
        self.table.setObjectName("hitQueue")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.message = MessageLine()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.message)

        self.detail_panel = HitDetailPanel()
        self.checklist = ChecklistPanel(session)
        self.checklist.hit_updated.connect(self._on_checklist_hit_updated)
        right = QWidget()
        right_layout = QHBoxLayout(right)
        right_layout.addWidget(self.detail_panel, 1)
        right_layout.addWidget(self.checklist, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(right)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setSizes([300, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(120)
        self._refresh_timer.timeout.connect(self.refresh)
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(1000)
        self._age_timer.timeout.connect(self._on_age_timer_timeout)
        self._age_timer.start()
        session.changes.changed.connect(self._on_change)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self._session.query(hit_service.list_hits, owner=self, on_done=self._on_hits_loaded,
                            on_error=lambda e: self.message.show_error(describe_error(e)),
                            key="hits.list")

    def _on_hits_loaded(self, hits: list[HitView]) -> None:
        known = {self.model.row_at(r).id for r in range(self.model.rowCount())}
        self.model.set_rows(hits)
        if any(h.id not in known for h in hits) and known:
            QApplication.alert(self.window())
        self._update_summary()
        row = self.model.row_of(self.selected_id) if self.selected_id is not None else None
        if row is not None:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)
            self.load_detail(self.selected_id)
        elif self.selected_id is not None:
            self.selected_id = None
            self.detail_panel.show_detail(None, {})
            self.checklist.show_detail(None)

    def _update_summary(self) -> None:
        total = self.model.rowCount()
        overdue = self.model.overdue_count()
        text = f"{total} open hit{'s' if total != 1 else ''}"
        if overdue:
            text += f" · {overdue} OVERDUE"
        self.summary.setText(text)
        self.summary.setProperty("alert", bool(overdue))
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)

    @Slot()
    def _on_age_timer_timeout(self) -> None:
        self.model.tick()
        self._update_summary()

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in LIVE_KINDS:
            self._refresh_timer.start()

    def _on_table_current_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        if not current.isValid():
            return
        self.selected_id = self.model.row_at(current.row()).id
        self.load_detail(self.selected_id)

    def select_hit(self, hit_id: int) -> None:
        row = self.model.row_of(hit_id)
        if row is not None:
            self.table.selectRow(row)

    def load_detail(self, hit_id: int) -> None:
        session = self._session
        session.runner.read(lambda: _load_detail(session, hit_id), self._on_detail_loaded,
                            lambda e: self.message.show_error(describe_error(e)),
                            key="hits.detail", owner=self)

    def _on_detail_loaded(self, payload: tuple[HitDetail, dict[str, QImage]]) -> None:
        detail, images = payload
        if detail.hit.id != self.selected_id:
            return
        self.detail_panel.show_detail(detail, images)
        self.checklist.show_detail(detail)

    @Slot(object)
    def _on_checklist_hit_updated(self, view: HitView) -> None:
        if not view.open:
            self.message.show_ok(f"Hit #{view.id} ({view.best_plate}): "
                                 f"{STATUS_TITLES[view.status].lower()}.")
        self.selected_id = view.id
        self.refresh()
