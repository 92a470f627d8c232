"""A readable pane of one record's fields, label beside value, long values wrapped: what a
list shows of its selected row in full (an audit event, a quarantined payload)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from rtic_console.ui.widgets import value_label


class DetailPane(QScrollArea):
    """Shows (label, value) pairs as plain, selectable, wrapped text; `placeholder` while
    nothing is selected. The values come from people and feeds: they never format."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._placeholder = placeholder
        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        body = QWidget()
        self._form = QFormLayout()
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column = QVBoxLayout(body)
        column.addWidget(self.title)
        column.addLayout(self._form)
        column.addStretch(1)
        self.setWidget(body)
        self.show_pairs("", [])

    def show_pairs(self, title: str, pairs: Sequence[tuple[str, str]]) -> None:
        self.title.setText(title or self._placeholder)
        while self._form.rowCount():
            self._form.removeRow(0)
        for label, value in pairs:
            shown = value_label()
            shown.setText(value)
            self._form.addRow(label, shown)

    def values(self) -> dict[str, str]:
        """What is shown, label to value: for tests and for copying."""
        shown: dict[str, str] = {}
        for row in range(self._form.rowCount()):
            label = self._form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = self._form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is not None and field is not None:
                shown[label.widget().text()] = field.widget().text()
        return shown
