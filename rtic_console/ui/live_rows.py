"""Keeps a list screen's rows current from change events: the rows a change names, by id;
every row at start, after a resync and when the screen's filter changes."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractProxyModel, QModelIndex, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QTableView

from rtic_console.store.change_bus import MAX_IDS, Change, ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.table_model import RowTableModel

# Events that arrive together are fetched together: one query per burst.
BURST_MS = 20


@dataclass(frozen=True)
class RowsApplied:
    """What one answer did to the model."""

    ids: frozenset[int] | None  # the ids asked for; None after a reload of every row
    added: tuple[object, ...]  # keys the model did not hold before
    first: bool = False  # the list's first answer: nothing was shown before it


class LiveRows(QObject):
    """One list's rows, kept current by id.

    `list_rows(session, ctx, **filters)` is the service's list query and
    `rows_by_id(session, ctx, ids, **filters)` its by-id read, which shares the list's
    filter: an id it does not return is gone from the list (deleted, or no longer
    qualifying) and its row is removed. One query is in flight at a time, so an older
    answer never lands after a newer one. The view keeps its selection and scroll
    position; `selected_changed` fires only when the selected row's own object was in an
    answer, so a detail pane reloads only for its own object.
    """

    applied = Signal(object)  # RowsApplied
    # The selected row's key, and the row as it is now (None if it left the list).
    selected_changed = Signal(object, object)
    failed = Signal(object)  # the BaseException of a query

    def __init__(self, session: ConsoleSession, model: RowTableModel[Any], *,
                 kinds: Collection[Change], list_rows: Callable[..., list[Any]],
                 rows_by_id: Callable[..., list[Any]], view: QTableView | None = None,
                 filters: Callable[[], Mapping[str, Any]] | None = None,
                 reload_kinds: Collection[Change] = (), limit: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = model
        self._view = view
        self._kinds = frozenset(kinds)
        self._reload_kinds = frozenset(reload_kinds) | {Change.RESYNC}
        self._list_rows, self._rows_by_id = list_rows, rows_by_id
        self._filters = filters or dict
        self._limit = limit
        self._ids: set[int] = set()  # named by changes, not yet asked for
        self._reload_wanted = False
        self._busy = False
        self._answered = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(BURST_MS)
        self._timer.timeout.connect(self._next)
        session.changes.changed.connect(self._on_changes_changed)

    def reload(self) -> None:
        """Every row again: at start, and when the screen's own filter changed."""
        self._reload_wanted = True
        self._next()

    def show_rows(self, ids: Collection[int], rows: list[Any]) -> None:
        """A write's own answer, shown at once: `rows` are those of `ids` still listed."""
        self._apply(frozenset(ids), rows)

    @Slot(object)
    def _on_changes_changed(self, change: ChangeEvent) -> None:
        if change.kind in self._reload_kinds or (
                change.kind in self._kinds and (not change.ids or len(change.ids) >= MAX_IDS)):
            self._reload_wanted = True  # no ids, or they were cut off: every row
        elif change.kind in self._kinds:
            self._ids.update(change.ids)
        else:
            return
        if not self._timer.isActive():
            self._timer.start()

    def _next(self) -> None:
        if self._busy:
            return  # the answer in flight asks for what is waiting
        filters = dict(self._filters())
        if self._reload_wanted:
            self._reload_wanted, self._busy = False, True
            self._ids.clear()
            self._session.query(self._list_rows, owner=self, on_done=self._on_all_loaded,
                                on_error=self._on_failed, **filters)
        elif self._ids:
            ids, self._ids = frozenset(self._ids), set()
            self._busy = True
            self._session.query(self._rows_by_id, ids, owner=self,
                                on_done=lambda rows: self._on_rows_loaded(ids, rows),
                                on_error=lambda e: self._on_failed(e, ids), **filters)

    def _on_all_loaded(self, rows: list[Any]) -> None:
        self._busy = False
        key, scroll = self._selection()
        before = {self.model.key(r) for r in self.model.rows}
        self.model.set_rows(rows)
        self._trim()
        self._restore(key, scroll, reset=True)
        first, self._answered = not self._answered, True
        self.applied.emit(RowsApplied(None, tuple(
            k for k in (self.model.key(r) for r in self.model.rows) if k not in before), first))
        if key is not None:
            at = self.model.row_of_key(key)
            self.selected_changed.emit(key, None if at is None else self.model.row_at(at))
        self._next()

    def _on_rows_loaded(self, ids: frozenset[int], rows: list[Any]) -> None:
        self._busy = False
        self._apply(ids, rows)
        self._next()

    def _on_failed(self, error: BaseException, ids: frozenset[int] | None = None) -> None:
        self._busy = False
        self.failed.emit(error)
        if ids is not None:  # those rows are unknown now: every row, once
            self._reload_wanted = True
        self._next()

    def _apply(self, ids: frozenset[int], rows: list[Any]) -> None:
        key, scroll = self._selection()
        found = {self.model.key(r): r for r in rows}
        added = []
        for row_id in sorted(ids):
            row = found.get(row_id)
            if row is None:
                self.model.remove_key(row_id)
            elif self.model.upsert(row):
                added.append(row_id)
        self._trim()
        self._restore(key, scroll, reset=False)
        self.applied.emit(RowsApplied(ids, tuple(added)))
        if key in ids:
            self.selected_changed.emit(
                key, found.get(key) if self.model.row_of_key(key) is not None else None)

    def _trim(self) -> None:
        if self._limit is not None:
            self.model.truncate(self._limit)

    def _selection(self) -> tuple[object | None, tuple[int, int]]:
        """The selected row's key and where the view is scrolled to."""
        view = self._view
        if view is None:
            return None, (0, 0)
        scroll = (view.horizontalScrollBar().value(), view.verticalScrollBar().value())
        rows = view.selectionModel().selectedRows()
        if not rows:
            return None, scroll
        index, model = rows[0], view.model()
        while isinstance(model, QAbstractProxyModel):
            index, model = model.mapToSource(index), model.sourceModel()
        return self.model.key(self.model.row_at(index.row())), scroll

    def _restore(self, key: object | None, scroll: tuple[int, int], reset: bool) -> None:
        """The same row selected, wherever sorting put it, and the view where it was."""
        view = self._view
        if view is None:
            return
        at = None if key is None else self.model.row_of_key(key)
        if at is not None and self._selection()[0] != key:
            view.selectRow(_view_index(view, self.model.index(at, 0)).row())
        elif not reset:
            return  # rows upserted in place: the view kept its place by itself
        view.updateGeometries()  # the scroll ranges of the rows as they are now
        view.horizontalScrollBar().setValue(scroll[0])
        view.verticalScrollBar().setValue(scroll[1])


def _view_index(view: QTableView, index: QModelIndex) -> QModelIndex:
    """A source model's index as the view sees it, through its proxies."""
    proxies = []
    model = view.model()
    while isinstance(model, QAbstractProxyModel):
        proxies.append(model)
        model = model.sourceModel()
    for proxy in reversed(proxies):
        index = proxy.mapFromSource(index)
    return index
