"""The triage pane: live queue of open hits beside the selected hit's evidence and checklist."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.checklist import STATUS_TITLES, HitStatus, asks_recovery_call
from rtic_console.services import hits as hit_service
from rtic_console.services.hits import HitDetail, HitView
from rtic_console.services.runner import query
from rtic_console.store.change_bus import Change
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.hits.checklist_panel import ChecklistPanel
from rtic_console.ui.hits.hit_alarm import HitAlarm
from rtic_console.ui.hits.hit_detail_panel import HitDetailPanel
from rtic_console.ui.hits.hit_keys import HitQueueKeys
from rtic_console.ui.hits.hit_queue_model import HitQueueModel
from rtic_console.ui.hits.hit_sound import sound_toggle
from rtic_console.ui.live_rows import LiveRows, RowsApplied
from rtic_console.ui.table_model import configure_table
from rtic_console.ui.widgets import MessageLine, describe_error
from rtic_console.ui.workstation_settings import workstation_settings


def _load_detail(session: ConsoleSession, hit_id: int,
                 with_images: bool) -> tuple[HitDetail, dict[str, QImage] | None]:
    """Runs on a reader thread: JPEG decoding stays off the GUI thread too."""
    detail = query(session.db, session.ctx, hit_service.hit_detail, hit_id, images=with_images)
    if not with_images:
        return detail, None
    return detail, {kind: QImage.fromData(data) for kind, data in detail.images.items()}


class HitQueueWidget(QWidget):
    waiting_changed = Signal(int)  # unclaimed hits: the area's count and the window title

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        settings = session.ctx.settings
        self.model = HitQueueModel((timedelta(seconds=settings.hit_warn_seconds),
                                    timedelta(seconds=settings.hit_overdue_seconds)))
        self.selected_id: int | None = None
        self._detail: HitDetail | None = None  # the selected hit as shown, with its steps
        self._images: dict[str, QImage] = {}
        self._awaiting_recovery: int | None = None  # a confirmed stolen vehicle (D.3.e)

        self.summary = QLabel()
        self.summary.setObjectName("queueSummary")
        self.alarm = HitAlarm.for_person(self, self.model, settings.hit_sound,
                                         session.ctx.actor.badge, workstation_settings())
        self.alarm.waiting_changed.connect(self.waiting_changed)
        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(sound_toggle(self.alarm.sound))
        self.table = QTableView()
        self.table.setObjectName("hitQueue")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.message = MessageLine()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(header)
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
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the queue to the panel
        scroll.setWidget(right)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setSizes([300, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.keys = HitQueueKeys(self, self.table, self.checklist)
        self.setFocusProxy(self.table)  # opening the area puts the dispatcher in the queue

        # The open queue: each hit a change names is fetched by id, a closed one drops out.
        self.live = LiveRows(session, self.model, kinds=(Change.HIT_CREATED, Change.HIT_CHANGED),
                             list_rows=hit_service.list_hits, rows_by_id=hit_service.hits_by_id,
                             view=self.table, parent=self)
        self.live.applied.connect(self._on_live_applied)
        self.live.selected_changed.connect(self._on_live_selected_changed)
        self.live.failed.connect(lambda e: self.message.show_error(describe_error(e)))
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(1000)
        self._age_timer.timeout.connect(self._on_age_timer_timeout)
        self._age_timer.start()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """The whole open queue: at start (a resync reloads it too)."""
        self.live.reload()

    @Slot(object)
    def _on_live_applied(self, applied: RowsApplied) -> None:
        self.alarm.on_applied(applied)
        self._update_summary()

    @Slot(object, object)
    def _on_live_selected_changed(self, hit_id: int, view: HitView | None) -> None:
        if hit_id == self.selected_id:
            self._show_view(hit_id, view)

    def _show_view(self, hit_id: int, view: HitView | None) -> None:
        """Keep the selected hit's panels current; reload its detail only if its steps or
        sightings changed (images never do)."""
        if view is None or not view.open:
            if hit_id == self._awaiting_recovery:
                return  # D.3.e: it stays shown until its recovery call is recorded
            self._select_none()
            return
        row = self.model.row_of(hit_id)
        if row is not None and self.table.currentIndex().row() != row:
            blocker = self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(blocker)
        detail = self._detail
        if detail is None or detail.hit.id != hit_id:
            return  # its detail is on its way
        if (view.steps_done, view.sightings) != (detail.hit.steps_done, detail.hit.sightings):
            self.load_detail(hit_id)
        elif view != detail.hit:
            self._show_detail(replace(detail, hit=view), self._images)

    def _select_none(self) -> None:
        self.selected_id = self._awaiting_recovery = None
        blocker = self.table.selectionModel().blockSignals(True)
        self.table.selectionModel().clear()  # Down then starts at the top, the most urgent
        self.table.selectionModel().blockSignals(blocker)
        self._show_detail(None, {})

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

    def _on_table_current_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        if not current.isValid():
            return
        hit_id = self.model.row_at(current.row()).id
        if hit_id != self.selected_id:
            self.selected_id, self._awaiting_recovery = hit_id, None
            self.checklist.show_detail(None)  # no key acts on the hit before until it shows
            self.load_detail(hit_id)

    def select_hit(self, hit_id: int) -> None:
        row = self.model.row_of(hit_id)
        if row is not None:
            self.table.selectRow(row)

    def load_detail(self, hit_id: int) -> None:
        session = self._session
        with_images = self._detail is None or self._detail.hit.id != hit_id
        session.runner.read(lambda: _load_detail(session, hit_id, with_images),
                            self._on_detail_loaded,
                            lambda e: self.message.show_error(describe_error(e)),
                            key="hits.detail", owner=self)

    def _on_detail_loaded(self, payload: tuple[HitDetail, dict[str, QImage] | None]) -> None:
        detail, images = payload
        if detail.hit.id != self.selected_id:
            return
        if images is None:  # the same hit again: its images are those already shown
            if self._detail is None or self._detail.hit.id != detail.hit.id:
                self.load_detail(detail.hit.id)
                return
            images = self._images
        self._show_detail(detail, images)

    def _show_detail(self, detail: HitDetail | None, images: dict[str, QImage]) -> None:
        self._detail, self._images = detail, images
        self.detail_panel.show_detail(detail, images)
        self.checklist.show_detail(detail)

    @Slot(object)
    def _on_checklist_hit_updated(self, view: HitView) -> None:
        """The write's own answer: shown at once; its change event then costs one query."""
        if not view.open:
            self.message.show_ok(f"Hit #{view.id} ({view.best_plate}): "
                                 f"{STATUS_TITLES[view.status].lower()}.")
        elif view.status is HitStatus.NEW:  # only a released claim comes back new
            self.message.show_ok(f"Hit #{view.id} ({view.best_plate}): claim released; it is "
                                 "back in the queue for any dispatcher.")
        detail = self._detail
        if (asks_recovery_call(view.status, view.reason, view.recovery_cfs)
                and detail is not None and detail.hit.id == view.id):
            # D.3.e: the confirmed stolen vehicle leaves the queue but stays shown while its
            # panel asks for the recovery call for service; selecting another hit moves on.
            self._awaiting_recovery = view.id
            self._show_detail(replace(detail, hit=view), self._images)
        elif view.id == self._awaiting_recovery:
            self._awaiting_recovery = None
            self._select_none()
        self.live.show_rows((view.id,), [view] if view.open else [])
