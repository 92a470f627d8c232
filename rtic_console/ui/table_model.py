"""The table model every list screen shares: fixed columns over a list of plain rows."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    SIGNAL,
    SLOT,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from rtic_console.ui.theme import readable

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """Subclasses name their COLUMNS and answer `cell(row, column, role)`."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def key(self, row: Row) -> object:
        """What identifies a row across reloads (its id, for the lists here)."""
        return row.id  # type: ignore[attr-defined]

    def order(self, row: Row) -> Any:
        """Where a row belongs among the others; rows without an order go to the end."""
        return None

    def row_of_key(self, key: object) -> int | None:
        return next((i for i, r in enumerate(self._rows) if self.key(r) == key), None)

    def upsert(self, row: Row) -> bool:
        """Replace the row with the same key in place, or insert it in order; True if new.

        Views keep their selection and scroll position, unlike after `set_rows`.
        """
        at = self.row_of_key(self.key(row))
        if at is not None:
            if self.order(row) == self.order(self._rows[at]):
                self._rows[at] = row
                self.dataChanged.emit(self.index(at, 0),
                                      self.index(at, max(0, len(self.COLUMNS) - 1)))
                return False
            self._remove_at(at)
        orders = [self.order(r) for r in self._rows]
        new = self.order(row)
        at = len(self._rows) if new is None or None in orders else bisect.bisect_right(
            orders, new)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, row)
        self.endInsertRows()
        return True

    def remove_key(self, key: object) -> bool:
        at = self.row_of_key(key)
        if at is None:
            return False
        self._remove_at(at)
        return True

    def truncate(self, count: int) -> None:
        """Keep the first `count` rows: a capped list stays capped as rows arrive."""
        if len(self._rows) > count:
            self.beginRemoveRows(QModelIndex(), count, len(self._rows) - 1)
            del self._rows[count:]
            self.endRemoveRows()

    def _remove_at(self, at: int) -> None:
        self.beginRemoveRows(QModelIndex(), at, at)
        del self._rows[at]
        self.endRemoveRows()

    @property
    def rows(self) -> list[Row]:
        return self._rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.cell(self._rows[index.row()], index.column(), role)
        if role == Qt.ItemDataRole.ForegroundRole and isinstance(value, QColor):
            return readable(value)  # the models' colours were chosen for a light page
        return value

    def cell(self, row: Row, column: int, role: int) -> Any:
        raise NotImplementedError


def configure_table(view: QTableView) -> None:
    """Whole-row selection, read-only cells, fitted columns: how every list here behaves."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    model = view.model()
    if model is not None:
        # ResizeToContents refits on a reset and on changed cells, not on inserted rows: a
        # list that starts empty and takes its rows live (LiveRows' upsert) kept the empty
        # list's widths. The header's own slot keeps the last column stretched, and the
        # connection ends with the view. Call this after setModel.
        QObject.connect(model, SIGNAL("rowsInserted(QModelIndex,int,int)"),
                        header, SLOT("resizeSections()"))


class EmptyNote(QLabel):
    """Words over a list's body while it has no rows: why it is empty and what adds a row
    (a blank table says nothing). The headers stay, showing what a row will hold. Hidden
    until the model first changes: before its first answer the list is not known empty."""

    def __init__(self, view: QAbstractItemView, text: str) -> None:
        super().__init__(text, view)  # the view's, not its viewport's: scrolling moves those
        self.setObjectName("emptyNote")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMargin(24)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._model = view.model()
        for signal in (self._model.rowsInserted, self._model.rowsRemoved,
                       self._model.modelReset, self._model.layoutChanged):
            signal.connect(self._follow_rows)
        view.viewport().installEventFilter(self)  # the only object it filters
        self.setGeometry(view.viewport().geometry())
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.geometry())
        return False

    def _follow_rows(self) -> None:
        self.setVisible(self._model.rowCount() == 0)


def share_width(view: QTableView, *columns: int) -> None:
    """These columns share the width the others leave, their long text elided, so a list
    of many columns fits its pane without scrolling sideways; the model gives their text
    whole as the tooltip. The other columns stay fitted to what they hold."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    for column in columns:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)


def selected_row(view: QTableView, proxy: QSortFilterProxyModel,
                 model: RowTableModel[Row]) -> Row | None:
    """The row selected in a sorted or filtered view, as the model holds it."""
    rows = view.selectionModel().selectedRows()
    return model.row_at(proxy.mapToSource(rows[0]).row()) if rows else None


def select_where(view: QTableView, proxy: QSortFilterProxyModel, model: RowTableModel[Row],
                 matches: Callable[[Row], bool]) -> None:
    """Reselect a row after a reload, wherever sorting and filtering put it."""
    for row in range(proxy.rowCount()):
        if matches(model.row_at(proxy.mapToSource(proxy.index(row, 0)).row())):
            view.selectRow(row)
            return
