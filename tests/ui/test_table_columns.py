"""Every list fits its columns to what it holds, also when rows arrive one by one."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from rtic_console.ui.table_model import RowTableModel, configure_table


@dataclass(frozen=True)
class Request:
    id: int
    use: str


class RequestsModel(RowTableModel[Request]):
    COLUMNS = ("#", "Use", "Decision")

    def cell(self, row: Request, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(row.id), row.use, "")[column]
        return None


def test_a_row_that_arrives_live_widens_its_columns(qtbot) -> None:
    """An officer's first other-use request arrived by LiveRows' upsert into an empty list
    and showed as "Loc…": the columns had been fitted to the empty list only."""
    model = RequestsModel()
    table = QTableView()
    table.setModel(model)
    configure_table(table)
    qtbot.addWidget(table)
    table.resize(900, 300)
    table.show()
    empty = table.columnWidth(1)
    model.upsert(Request(1, "Locate plate 7ABC123 seen near a burglary; partial plate"))
    qtbot.waitUntil(lambda: table.columnWidth(1) > 2 * empty, timeout=2000)
    fitted = sum(table.columnWidth(c) for c in range(3))
    assert fitted >= table.viewport().width() - 2  # the last column still fills the row
