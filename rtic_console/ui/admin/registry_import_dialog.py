"""The report of a registry CSV import: every row imported, a duplicate, or refused and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.registry_rules import MAX_FILE_BYTES
from rtic_console.services.registry import ImportReport, RowOutcome
from rtic_console.ui.table_model import RowTableModel, configure_table

STATUS_COLORS = {"imported": QColor("#15803d"), "duplicate": QColor("#b45309"),
                 "refused": QColor("#b91c1c")}


def read_registry_file(path: Path) -> bytes:
    """Off the GUI thread; one byte past the cap is enough for the rules to refuse by size."""
    with path.open("rb") as file:
        return file.read(MAX_FILE_BYTES + 1)


def summary_text(report: ImportReport) -> str:
    blank = report.blank_rows
    lines = [f"{report.filename}, {len(report.rows)} rows: {report.imported} imported, "
             f"{report.duplicates} already registered, {report.refused} refused"
             + (f"; {blank} blank row{'s' if blank != 1 else ''} skipped" if blank else "")]
    if report.unknown_columns:
        lines.append(f"Columns ignored: {', '.join(report.unknown_columns)}")
    lines.append(f"SHA-256 {report.sha256}")
    return "\n".join(lines)


class RowOutcomeModel(RowTableModel[RowOutcome]):
    COLUMNS = ("Row", "Result", "Detail")

    def cell(self, o: RowOutcome, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (o.row, o.status.capitalize(), o.detail)[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return STATUS_COLORS.get(o.status)
        return None


class ImportReportDialog(QDialog):
    """Rows not imported sort first, so what needs fixing in the file is on top."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Registry import: {report.filename}")
        self.setMinimumSize(760, 460)
        self.summary = QLabel(summary_text(report))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = RowOutcomeModel()
        order = {"refused": 0, "duplicate": 1, "imported": 2}
        self.model.set_rows(sorted(report.rows, key=lambda o: (order[o.status], o.row)))
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by result or reason")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        configure_table(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
