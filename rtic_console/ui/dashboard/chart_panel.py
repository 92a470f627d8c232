"""One dashboard chart: its title, what it measures, the plot or an empty state, legend, note."""

from __future__ import annotations

import html
import math
import time
from collections.abc import Sequence
from datetime import datetime

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QLabel, QStackedWidget, QVBoxLayout, QWidget

from rtic_console.ui.dashboard.chart_style import ChartStyle

HEADROOM = 1.18  # space above the tallest bar so it never touches the frame
FOOT = 0.035
LABEL_OVERRUN_PX = 30


def integer_step(top: float, ticks: int = 5) -> int:
    """A 1-2-5 tick step of at least one: counts have no half reads."""
    raw = max(top / ticks, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def day_ticks(days: Sequence[datetime], *, centred: bool) -> list[tuple[float, str]]:
    """Local-day labels ("Tue 14") at midnight or under each day's bar, about ten of them,
    counted back from today so the newest day is always named."""
    every = max(1, math.ceil((len(days) - 1) / 10))
    ticks = []
    for i in range(len(days) - 2, -1, -every):
        first = days[i].astimezone()
        at = (days[i].timestamp() + days[i + 1].timestamp()) / 2 if centred \
            else days[i].timestamp()
        ticks.append((at, f"{first:%a} {first.day}"))
    return ticks[::-1]


class ChartPanel(QFrame):
    def __init__(self, title: str, subtitle: str, y_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title)
        self.title.setObjectName("chartTitle")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setObjectName("chartSubtitle")
        self.subtitle.setWordWrap(True)

        self.axis = pg.DateAxisItem(orientation="bottom")  # local time, DST-aware per tick
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis})
        self.plot.setObjectName("chartPlot")
        self.plot.setAntialiasing(True)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setContentsMargins(0, 0, 18, 0)  # room for the newest day's label
        item.setMouseEnabled(x=False, y=False)
        self._y_label = y_label
        self._muted = QColor(Qt.GlobalColor.gray)
        self.empty = QLabel()
        self.empty.setObjectName("chartEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.empty)
        self.stack.setMinimumHeight(170)

        self.legend = QLabel()
        self.legend.setObjectName("chartLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.caption = QLabel()
        self.caption.setObjectName("chartCaption")
        self.caption.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.caption)

    @property
    def showing_plot(self) -> bool:
        return self.stack.currentWidget() is self.plot

    def apply_style(self, style: ChartStyle) -> None:
        self._muted = style.muted
        self.plot.setBackground(style.background)
        item = self.plot.getPlotItem()
        item.showGrid(x=False, y=True, alpha=style.grid_alpha)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(style.muted))
            axis.setTextPen(pg.mkPen(style.foreground))
        # Let the newest day's label run a little past the right end instead of vanishing.
        item.getAxis("bottom").setStyle(hideOverlappingLabels=LABEL_OVERRUN_PX)
        colour = style.foreground.name()
        item.setLabel("left", self._y_label, color=colour)
        # The zone's current abbreviation; the axis itself follows DST tick by tick.
        item.setLabel("bottom", f"Local time ({time.strftime('%Z')})", color=colour)

    def show_empty(self, text: str) -> None:
        self.plot.getPlotItem().clear()
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)
        self.legend.hide()

    def begin(self, edges: Sequence[datetime], top: float, now: datetime,
              ticks: list[tuple[float, str]] | None = None) -> pg.PlotItem:
        """A cleared plot spanning the buckets, with whole-number ticks up to `top` and a
        "now" mark, since the last bucket is still filling.

        Without ticks the date axis picks its own local-time ticks (a day's hours).
        """
        item = self.plot.getPlotItem()
        item.clear()
        item.addItem(pg.InfiniteLine(
            pos=now.timestamp(), angle=90, pen=pg.mkPen(self._muted, style=Qt.PenStyle.DotLine),
            label="now", labelOpts={"position": 0.97, "color": self._muted,
                                    "anchors": [(1, 0), (1, 0)]}))
        item.getAxis("left").setTickSpacing(levels=[(integer_step(top), 0)])
        self.axis.setTicks([ticks, []] if ticks else None)
        item.setXRange(edges[0].timestamp(), edges[-1].timestamp(), padding=0)
        upper = max(top, 1) * HEADROOM
        # A little room under zero, or the axis hides the "0" label as overflowing.
        item.setYRange(-upper * FOOT, upper, padding=0)
        self.stack.setCurrentWidget(self.plot)
        return item

    def set_legend(self, entries: list[tuple[QColor, str]]) -> None:
        swatches = "&nbsp;&nbsp;&nbsp; ".join(
            f'<span style="color:{colour.name()}; font-size:13pt">■</span>&nbsp;'
            f"{html.escape(text)}" for colour, text in entries)
        self.legend.setText(swatches)
        self.legend.setVisible(bool(entries))

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)
        self.caption.setVisible(bool(text))
