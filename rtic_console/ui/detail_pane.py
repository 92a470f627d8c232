"""A readable pane of one record's fields, label beside value, long values wrapped: what a
list shows of its selected row in full (an audit event, a quarantined payload), and the
splitter that puts it beside the list."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QSplitter, QTextBrowser, QWidget

from rtic_console.ui.theme import current_colors

DETAIL_WIDTH = 420


class DetailPane(QTextBrowser):
    """Shows (label, value) pairs, `placeholder` while nothing is selected. Values come from
    people and feeds, so they are escaped, never formatted; a hash or a payload with no
    spaces wraps anywhere rather than running off the pane. Selectable and copyable."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setOpenLinks(False)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._placeholder = placeholder
        self._title = ""
        self._pairs: list[tuple[str, str]] = []
        self.show_pairs("", [])

    def show_pairs(self, title: str, pairs: Sequence[tuple[str, str]]) -> None:
        self._title, self._pairs = title, list(pairs)
        muted = current_colors().muted  # the theme's, so labels read on dark themes too
        rows = "".join(
            f"<tr><td style='padding:2px 10px 2px 0; color:{muted}; white-space:nowrap'>"
            f"{escape(label)}</td><td style='padding:2px 0'>"
            f"{escape(value).replace(chr(10), '<br>')}</td></tr>" for label, value in pairs)
        self.setHtml(f"<p style='font-weight:600'>{escape(title or self._placeholder)}</p>"
                     f"<table width='100%' cellspacing='0'>{rows}</table>")

    @property
    def title(self) -> str:
        return self._title

    def values(self) -> dict[str, str]:
        """What is shown, label to value: for tests and for copying."""
        return dict(self._pairs)


def list_beside_detail(rows: QWidget, detail: QWidget) -> QSplitter:
    """`rows` on the left taking the spare width and never collapsed; `detail` (the pane,
    or the pane with its actions) on the right, at least DETAIL_WIDTH wide."""
    detail.setMinimumWidth(DETAIL_WIDTH)
    split = QSplitter(Qt.Orientation.Horizontal)
    split.addWidget(rows)
    split.addWidget(detail)
    split.setStretchFactor(0, 1)
    split.setCollapsible(0, False)
    return split
