"""A small page layout on QPdfWriter: headings, wrapped text, tables that break across pages.

Painted line by line with QPainter rather than laid out as one rich-text document, so a
quarter of 50,000 searches renders in seconds with a header and page number on every page.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

DPI = 96
BODY_PT, SMALL_PT, HEADING_PT, TITLE_PT = 9, 8, 12, 16


def ensure_gui() -> None:
    """Fonts need a QGuiApplication; a command-line run gets an offscreen one."""
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QGuiApplication([])


def _font(points: int, *, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


class PdfPages:
    """Writes top to bottom; starts a new page whenever the next thing does not fit."""

    def __init__(self, path: Path, title: str, header: str) -> None:
        ensure_gui()
        self._writer = QPdfWriter(str(path))
        self._writer.setResolution(DPI)
        self._writer.setTitle(title)
        self._writer.setCreator("RTIC Console")
        self._writer.setPageLayout(QPageLayout(
            QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
        self._painter = QPainter(self._writer)
        rect = self._writer.pageLayout().paintRectPixels(DPI)
        self.width, self._height = float(rect.width()), float(rect.height())
        self._header = header
        # Cells repeat (divisions, kinds, verdicts, people): each is measured once per width.
        self._wrapped: dict[tuple[str, float, bool], list[str]] = {}
        self._page = 1
        self._y = 0.0
        self._start_page()

    def _start_page(self) -> None:
        self._painter.setFont(_font(SMALL_PT))
        self._painter.setPen(QColor("#555555"))
        line = QFontMetricsF(self._painter.font()).height()
        self._painter.drawText(QRectF(0, 0, self.width, line),
                               Qt.AlignmentFlag.AlignLeft, self._header)
        self._painter.drawText(QRectF(0, 0, self.width, line),
                               Qt.AlignmentFlag.AlignRight, f"page {self._page}")
        self._painter.drawLine(0, int(line + 2), int(self.width), int(line + 2))
        self._painter.setPen(QColor("#000000"))
        self._y = line + 10

    def _room(self, height: float) -> None:
        if self._y + height > self._height:
            self._writer.newPage()
            self._page += 1
            self._start_page()

    def space(self, height: float = 8) -> None:
        self._y += height

    def text(self, text: str, *, points: int = BODY_PT, bold: bool = False,
             color: str = "#000000") -> None:
        """A paragraph wrapped to the page width."""
        font = _font(points, bold=bold)
        metrics = QFontMetricsF(font)
        flags = Qt.TextFlag.TextWordWrap
        height = metrics.boundingRect(QRectF(0, 0, self.width, 10_000), flags, text).height()
        self._room(height)
        self._painter.setFont(font)
        self._painter.setPen(QColor(color))
        self._painter.drawText(QRectF(0, self._y, self.width, height), flags, text)
        self._painter.setPen(QColor("#000000"))
        self._y += height + 2

    def title(self, text: str) -> None:
        self.text(text, points=TITLE_PT, bold=True)
        self.space(4)

    def heading(self, text: str) -> None:
        self._room(60)  # a heading never ends a page
        self.space(6)
        self.text(text, points=HEADING_PT, bold=True)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], *, shade: Sequence[bool] | None = None) -> None:
        """Columns sized by share of the width; a cell too long for its column wraps onto
        more lines of its row, so the printed record keeps every character (case numbers,
        names, reasons); the header row is repeated on every page the table reaches.
        `shade` marks rows to highlight."""
        scale = self.width / sum(widths)
        columns = [w * scale for w in widths]
        head_font, body_font = _font(SMALL_PT, bold=True), _font(SMALL_PT)
        metrics = QFontMetricsF(body_font)
        line = metrics.height() + 3

        def draw_header() -> None:
            self._painter.setFont(head_font)
            head_metrics = QFontMetricsF(head_font)
            height = line * max(len(self._lines(h, w, True, head_metrics))
                                for h, w in zip(headers, columns, strict=True))
            self._painter.fillRect(QRectF(0, self._y, self.width, height), QColor("#e5e7eb"))
            self._draw_row(headers, columns, line, head_metrics)
            self._painter.setFont(body_font)

        self._room(line * 2)
        draw_header()
        for index, row in enumerate(rows):
            height = line * max(len(self._lines(c, w, False, metrics))
                                for c, w in zip(row, columns, strict=True))
            if self._y + height > self._height:
                self._room(line + height)
                draw_header()
            if shade is not None and shade[index]:
                self._painter.fillRect(QRectF(0, self._y, self.width, height),
                                       QColor("#fde8e8"))
            self._draw_row(row, columns, line, metrics)
        self.space(4)

    def _lines(self, cell: str, width: float, bold: bool, metrics: QFontMetricsF) -> list[str]:
        """The cell as the lines it takes in its column: words kept whole where they fit,
        a word longer than the column split. Measured once per text and width."""
        key = (cell, width, bold)
        lines = self._wrapped.get(key)
        if lines is None:
            room, lines, current = width - 6, [], ""
            if metrics.horizontalAdvance(cell) <= room:
                lines = [cell]
            else:
                for word in cell.split(" "):
                    trial = f"{current} {word}" if current else word
                    if metrics.horizontalAdvance(trial) <= room:
                        current = trial
                        continue
                    if current:
                        lines.append(current)
                    current = word
                    while metrics.horizontalAdvance(current) > room and len(current) > 1:
                        cut = len(current) - 1
                        while cut > 1 and metrics.horizontalAdvance(current[:cut]) > room:
                            cut -= 1
                        lines.append(current[:cut])
                        current = current[cut:]
                lines.append(current)
            self._wrapped[key] = lines
        return lines

    def _draw_row(self, cells: Sequence[str], columns: Sequence[float], line: float,
                  metrics: QFontMetricsF) -> None:
        """Each line of each cell drawn at its baseline: no layout per cell, which at
        50,000 rows is most of the report's time."""
        bold, draw = self._painter.font().bold(), self._painter.drawText
        baseline = self._y + 1 + metrics.ascent()
        x, tallest = 3.0, 1
        for cell, width in zip(cells, columns, strict=True):
            lines = self._lines(cell, width, bold, metrics)
            for number, text in enumerate(lines):
                if text:
                    draw(QPointF(x, baseline + number * line), text)
            tallest = max(tallest, len(lines))
            x += width
        self._y += line * tallest

    def signature_lines(self, labels: Sequence[str]) -> None:
        """A line to sign and a line for the date, under each label."""
        font = _font(SMALL_PT)
        line = QFontMetricsF(font).height()
        self._room((40 + line + 4) * len(labels))
        self._painter.setFont(font)
        left, right = (0.0, self.width * 0.45), (self.width * 0.55, self.width * 0.8)
        for label in labels:
            self.space(40)
            for start, end in (left, right):
                self._painter.drawLine(int(start), int(self._y), int(end), int(self._y))
            for (start, end), caption in ((left, label), (right, "Date")):
                self._painter.drawText(QRectF(start, self._y + 2, end - start, line),
                                       Qt.AlignmentFlag.AlignLeft, caption)
            self._y += line + 4

    def finish(self) -> int:
        """Ends the document; returns the number of pages."""
        self._painter.end()
        return self._page
