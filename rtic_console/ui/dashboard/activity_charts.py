"""Draws the four activity charts from the service's counts; no database work here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rtic_console.services.activity_stats import RECENT, ActivityStats, Buckets, CountSeries
from rtic_console.ui.dashboard.chart_panel import ChartPanel, day_ticks
from rtic_console.ui.dashboard.chart_style import ChartStyle

QUIETEST_SHOWN = 3


def _seconds(edges: Sequence[datetime]) -> np.ndarray:
    return np.array([e.timestamp() for e in edges], dtype=float)


def _midnights(stats: ActivityStats) -> list[tuple[float, str]] | None:
    """Hour charts longer than a day are labelled at local midnights, like the day charts."""
    days = stats.hit_buckets
    return day_ticks(days.edges, centred=False) if days.unit == "day" else None


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _hour_span(start: datetime, end: datetime) -> str:
    return f"{start.astimezone():%a %H:%M}–{end.astimezone():%H:%M}"


def _stacked_bars(item: pg.PlotItem, buckets: Buckets,
                  series: Sequence[tuple[QColor, Sequence[int]]]) -> None:
    """Bars side by side in time, series stacked bottom-up in the order given."""
    edges = _seconds(buckets.edges)
    # A thin gap separates bars while they are wide enough to show one.
    gap = (edges[1:] - edges[:-1]) * (0.08 if len(buckets) <= 200 else 0.0)
    bottom = np.zeros(len(buckets))
    for colour, counts in series:
        top = bottom + np.asarray(counts, dtype=float)
        if np.any(top > bottom):
            item.addItem(pg.BarGraphItem(x0=edges[:-1] + gap / 2, x1=edges[1:] - gap / 2,
                                         y0=bottom, y1=top, pen=pg.mkPen(None), brush=colour))
        bottom = top


def draw_reads(panel: ChartPanel, stats: ActivityStats, style: ChartStyle) -> None:
    counts = stats.reads_per_hour
    total = sum(counts)
    panel.set_legend([])
    if not total:
        panel.show_empty("No reads in this period")
        panel.set_caption("")
        return
    item = panel.begin(stats.hours.edges, max(counts), stats.as_of, _midnights(stats))
    _stacked_bars(item, stats.hours, [(style.series(0), counts)])
    busiest = max(range(len(counts)), key=lambda i: (counts[i], i))
    when = _hour_span(stats.hours.edges[busiest], stats.hours.edges[busiest + 1])
    panel.set_caption(f"{_plural(total, 'read')} · busiest hour {when} "
                      f"({counts[busiest]:,})")


def _draw_series(panel: ChartPanel, stats: ActivityStats, series: Sequence[CountSeries],
                 colours: Sequence[QColor], empty_text: str) -> bool:
    """Stacked bars with a legend naming each series and its total; False when all zero."""
    buckets = stats.hit_buckets
    if not any(s.total for s in series):
        panel.show_empty(empty_text)
        return False
    stack = np.sum([s.counts for s in series], axis=0)
    item = panel.begin(buckets.edges, float(stack.max()), stats.as_of,
                       day_ticks(buckets.edges, centred=True) if buckets.unit == "day" else None)
    _stacked_bars(item, buckets, [(c, s.counts) for c, s in zip(colours, series, strict=True)])
    panel.set_legend([(c, f"{s.title} ({s.total:,})")
                      for c, s in zip(colours, series, strict=True)])
    return True


def draw_hits_by_list(panel: ChartPanel, stats: ActivityStats, style: ChartStyle) -> None:
    series = stats.hits_by_list
    shown = _draw_series(panel, stats, series,
                         [style.series(i) for i in range(len(series))], "No hits in this period")
    total = sum(s.total for s in series)
    panel.set_caption(f"{_plural(total, 'hit')} on {_plural(len(series), 'list')}"
                      if shown else "")


def draw_dispositions(panel: ChartPanel, stats: ActivityStats, style: ChartStyle) -> None:
    series = stats.dispositions
    _draw_series(panel, stats, series, [style.outcome(s.key) for s in series],
                 "No hits were closed in this period")
    closed = sum(s.total for s in series)
    still_open = f"{_plural(stats.open_hits, 'hit')} open now (new or claimed)"
    panel.set_caption(f"{closed:,} closed · {still_open}" if closed else still_open)


def draw_readers(panel: ChartPanel, stats: ActivityStats, style: ChartStyle) -> None:
    readers = stats.readers
    recent = int(RECENT.total_seconds() // 60)
    cameras = (f"{readers.cameras_streaming} of {readers.cameras_in_service} cameras "
               f"live (a heartbeat, stream check or open wall in the last {recent} min)")
    if not readers.readers_in_service:
        panel.show_empty("No ALPR readers in service")
        panel.set_caption(cameras if readers.cameras_in_service else "")
        return
    kinds = [k for k in readers.by_kind if k.in_service]
    top = max(max(max(k.counts, default=0), k.in_service) for k in kinds)
    item = panel.begin(stats.hours.edges, top, stats.as_of, _midnights(stats))
    x = _seconds(stats.hours.edges)
    colours = [style.series(i) for i in range(len(kinds))]
    for colour, kind in zip(colours, kinds, strict=True):
        # The in-service line is drawn first so the count line stays on top where they meet.
        item.addItem(pg.InfiniteLine(
            pos=kind.in_service, angle=0,
            pen=pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine),
            label=f"{kind.in_service} in service",
            labelOpts={"position": 0.03, "color": colour, "anchors": [(0, 1), (0, 1)]}))
        item.addItem(pg.PlotDataItem(x=x, y=np.asarray(kind.counts, dtype=float),
                                     stepMode="center", pen=pg.mkPen(colour, width=2.5)))
    panel.set_legend([(c, f"{k.title}s reporting") for c, k in zip(colours, kinds, strict=True)])
    hours = len(stats.hours)
    quiet = [r for r in readers.by_reader if r.hours < hours][:QUIETEST_SHOWN]
    lines = [f"Now: {readers.heard_recently} of {readers.readers_in_service} readers heard "
             f"from (read or heartbeat) in the last {recent} min · {cameras}"]
    if quiet:
        lines.append("Fewest reporting hours: " + ", ".join(
            f"{r.code} {r.hours}/{hours} h" for r in quiet))
    panel.set_caption("\n".join(lines))
