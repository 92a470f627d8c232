"""The triage pane: live queue of open hits beside the selected hit's evidence and checklist."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal, Slot
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


def _state(hit: HitView) -> tuple[object, ...]:
    """What a write changes on a hit: two views that differ here are not the same moment."""
    return (hit.status, hit.claimed_by, hit.steps_done, hit.sightings, hit.recovery_cfs)


def _older(view: HitView, known: HitView) -> bool:
    """A view that cannot come after the one shown: a closed or confirmed hit never opens
    again and recorded steps stay. (A by-id read in flight when the write's own answer was
    shown lands after it; the write's change event brings the newer view anyway.)"""
    return (view.open and not known.open) or len(view.steps_done) < len(known.steps_done)


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
        # The shown hit left the queue while the panel's write was unanswered: an open answer
        # to that write is then older than the close (a closed hit never opens again).
        self._left_while_writing: int | None = None
        self._shown = 0  # counts what the panel was shown: a detail read before is suspect
        self._prompted = False  # F2 asked for a hit to be selected first
        self._removing = False  # rows leaving the model: Qt moves the selection by itself

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
        # Before the view and its selection model hear of it (connections run in order):
        # Qt moves the selection off rows leaving the model, and reports it after they are
        # gone, so the flag is lowered only once this turn of the event loop is over.
        self.model.rowsAboutToBeRemoved.connect(lambda *_: self._on_model_removing(True))
        self.model.rowsRemoved.connect(lambda *_: QTimer.singleShot(
            0, self, lambda: self._on_model_removing(False)))
        self.table.setModel(self.model)
        configure_table(self.table)
        # The panel shows the selected hit, never a row Qt made current without selecting it
        # (focus arriving by Tab or with the window): F2 claims only what the queue shows.
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._on_table_selection_changed)
        selection.currentRowChanged.connect(self._on_table_current_changed)
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
        self.checklist.write_failed.connect(self._on_checklist_write_failed)
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
        self.keys = HitQueueKeys(self, self.table, self.checklist, claim=self.claim_selected)
        self.setFocusProxy(self.table)  # opening the area puts the dispatcher in the queue

        # The open queue: each hit a change names is fetched by id, a closed one drops out.
        self.live = LiveRows(session, self.model, kinds=(Change.HIT_CREATED, Change.HIT_CHANGED),
                             list_rows=hit_service.list_hits, rows_by_id=hit_service.hits_by_id,
                             view=self.table, parent=self)
        self.live.applied.connect(self._on_live_applied)
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
        # The shown hit follows every answer that names it (this console's write or another
        # console's), whatever the table's selection is at that moment.
        hit_id = self.selected_id
        if hit_id is not None and (applied.ids is None or hit_id in applied.ids):
            row = self.model.row_of(hit_id)
            self._show_view(hit_id, None if row is None else self.model.row_at(row))

    def _show_view(self, hit_id: int, view: HitView | None) -> None:
        """Keep the selected hit's panels current; reload its detail only if its steps or
        sightings changed (images never do)."""
        known = self._detail.hit if self._detail is not None else None
        if view is not None and known is not None and known.id == hit_id \
                and _older(view, known):
            return  # a read begun before this panel's own write was answered (it follows)
        if view is None or not view.open:
            if not self._kept_shown(hit_id):
                self._leave_shown_hit()
            elif hit_id == self.checklist.writing:
                self._left_while_writing = hit_id
            return
        row = self.model.row_of(hit_id)
        if row is not None and self._selected_row() != row:
            self.table.selectRow(row)  # the queue shows selected the hit the panel shows
        detail = self._detail
        if detail is None or detail.hit.id != hit_id:
            return  # its detail is on its way
        if (view.steps_done, view.sightings) != (detail.hit.steps_done, detail.hit.sightings):
            self.load_detail(hit_id)
        elif view != detail.hit:
            self._show_detail(replace(detail, hit=view), self._images)

    def _kept_shown(self, hit_id: int | None) -> bool:
        """D.3.e: a confirmed stolen vehicle stays shown until its recovery call is recorded;
        a hit this panel is writing to stays until the write's answer says what follows."""
        return hit_id is not None and hit_id in (self._awaiting_recovery,
                                                 self.checklist.writing)

    def _leave_shown_hit(self) -> None:
        """The shown hit left the queue: the hit Qt selected in its place, else none."""
        self._awaiting_recovery = None
        row = self._selected_row()
        if row is not None and self.model.row_at(row).id != self.selected_id:
            self._follow_table()
        else:
            self._select_none()

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

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _on_table_selection_changed(self, _selected, _deselected) -> None:  # type: ignore[no-untyped-def]
        if self._removing and self._kept_shown(self.selected_id):
            return  # Qt's pick in place of a hit leaving the queue waits (_leave_shown_hit)
        self._follow_table()

    def _on_model_removing(self, removing: bool) -> None:
        self._removing = removing

    def _follow_table(self) -> None:
        """The panel shows the row the dispatcher selected (nothing for no row)."""
        row = self._selected_row()
        if row is None:
            if (self.selected_id is not None and not self._removing
                    and self.model.row_of(self.selected_id) is not None):
                self._select_none()  # unselected (Ctrl+click): the panel empties with it
            return  # a hit leaving the queue: the answer that removed it says what follows
        hit_id = self.model.row_at(row).id
        if hit_id != self.selected_id:
            self.selected_id, self._awaiting_recovery = hit_id, None
            if self._prompted:  # "select a hit first" is answered
                self._prompted = False
                self.message.clear_message()
            self.checklist.show_detail(None)  # no key acts on the hit before until it shows
            self.load_detail(hit_id)

    def _on_table_current_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        """Qt makes the first row current, unselected, when the focus arrives by Tab or
        with the window; a click sets the current row just before selecting it. A current
        row still unselected once the event is over is dropped, so the panel stays empty and
        Down starts at the top, the most urgent."""
        if current.isValid() and self._selected_row() != current.row():
            QTimer.singleShot(0, self, self._drop_unselected_current)

    def _drop_unselected_current(self) -> None:
        current = self.table.currentIndex()
        if current.isValid() and self._selected_row() != current.row():
            self.table.selectionModel().setCurrentIndex(
                QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)

    @Slot()
    def claim_selected(self) -> None:
        """F2: the hit the panel shows, or a word on what to do: a claim is seen on every
        console and locks the hit to this dispatcher, so F2 never claims a hit unseen."""
        detail = self._detail
        if not self.checklist.can_work:
            self.message.show_error("Only dispatchers claim and verify hits (D.5.b).")
            return
        if self.selected_id is None:
            self._prompted = True
            self.message.show_error(
                "Select a hit first: click it, or press Ctrl+Down for the most urgent; "
                "F2 claims the hit whose evidence is shown.")
            return
        if detail is None or detail.hit.id != self.selected_id:
            self.message.show_error(f"Hit #{self.selected_id} is still loading: press F2 "
                                    "again once its evidence shows.")
            return
        self.checklist.claim()

    def select_hit(self, hit_id: int) -> None:
        row = self.model.row_of(hit_id)
        if row is not None:
            self.table.selectRow(row)

    def load_detail(self, hit_id: int) -> None:
        session = self._session
        with_images = self._detail is None or self._detail.hit.id != hit_id
        shown = self._shown
        session.runner.read(lambda: _load_detail(session, hit_id, with_images),
                            lambda payload: self._on_detail_loaded(payload, shown),
                            lambda e: self.message.show_error(describe_error(e)),
                            key="hits.detail", owner=self)

    def _on_detail_loaded(self, payload: tuple[HitDetail, dict[str, QImage] | None],
                          shown: int = 0) -> None:
        detail, images = payload
        if detail.hit.id != self.selected_id:
            return
        known = self._detail.hit if self._detail is not None else None
        if (shown != self._shown and known is not None and known.id == detail.hit.id
                and _state(known) != _state(detail.hit)):
            # A write's answer or a change was shown after this read began: the read may
            # be the older of the two (a confirmed hit shown as still claimed), so read again.
            self.load_detail(detail.hit.id)
            return
        if images is None:  # the same hit again: its images are those already shown
            if self._detail is None or self._detail.hit.id != detail.hit.id:
                self.load_detail(detail.hit.id)
                return
            images = self._images
        self._show_detail(detail, images)

    def _show_detail(self, detail: HitDetail | None, images: dict[str, QImage]) -> None:
        self._detail, self._images = detail, images
        self._shown += 1
        self.detail_panel.show_detail(detail, images)
        self.checklist.show_detail(detail)

    @Slot(int)
    def _on_checklist_write_failed(self, hit_id: int) -> None:
        """A refused write leaves the hit as the queue knows it now (it may have left)."""
        if (hit_id == self.selected_id and not self._kept_shown(hit_id)
                and self.model.row_of(hit_id) is None):
            self._leave_shown_hit()

    @Slot(object)
    def _on_checklist_hit_updated(self, view: HitView) -> None:
        """The write's own answer: shown at once; its change event then costs one query."""
        left, self._left_while_writing = self._left_while_writing, None
        if view.open and view.id == left:
            # Closed elsewhere after this write committed (its answer came back late): the
            # answer would put the closed hit back in the queue.
            if view.id == self.selected_id and view.id != self._awaiting_recovery:
                self._leave_shown_hit()
            return
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
            self._leave_shown_hit()
        self.live.show_rows((view.id,), [view] if view.open else [])
