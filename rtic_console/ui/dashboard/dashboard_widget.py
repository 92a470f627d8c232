"""The activity dashboard: four live charts over a chosen window, refreshed only when seen."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QElapsedTimer, QEvent, QTimer, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services.activity_stats import WINDOWS, ActivityStats, activity_stats
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.dashboard import activity_charts
from rtic_console.ui.dashboard.chart_panel import ChartPanel
from rtic_console.ui.dashboard.chart_style import ChartStyle, style_for
from rtic_console.ui.widgets import MessageLine, describe_error

LIVE_KINDS = frozenset({Change.READS_ADDED, Change.HIT_CREATED, Change.HIT_CHANGED,
                        Change.DEVICE_HEALTH, Change.DEVICE, Change.CAMERA, Change.RESYNC})
# Reads arrive many times a second; the charts are counts, so one fetch every few
# seconds at most is plenty and keeps a 10-million-row database unbothered.
REFRESH_GAP_MS = 5000
# A month of hourly counts takes PostgreSQL ~0.5 s over 10 million reads and barely moves
# in a minute: longer windows refresh less often.
GAP_FACTOR = {"24h": 1, "7d": 2, "30d": 6}
COALESCE_MS = 250  # a burst of changes after a quiet spell still makes one fetch
ROLLOVER_SLACK_MS = 1000


def _hits_subtitle(unit: str) -> str:
    return f"Hits per {unit}, stacked by the hot list that matched."


class DashboardWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None, *,
                 refresh_gap_ms: int = REFRESH_GAP_MS) -> None:
        super().__init__(parent)
        self._session = session
        self._gap_ms = refresh_gap_ms
        self._window = "24h"
        self._stats: ActivityStats | None = None
        self._style = style_for(QApplication.palette())
        self._stale = True  # something changed (or nothing loaded) while not on screen
        self._since_fetch = QElapsedTimer()
        self.fetches = 0  # fetches started: what the debounce is judged by

        self.window_buttons = QButtonGroup(self)
        bar = QHBoxLayout()
        heading = QLabel("Activity")
        heading.setObjectName("dashboardHeading")
        bar.addWidget(heading)
        bar.addSpacing(16)
        for key, window in WINDOWS.items():
            button = QToolButton()
            button.setText(window.title)
            button.setCheckable(True)
            button.setChecked(key == self._window)
            button.setObjectName(f"window_{key}")
            button.setProperty("window", key)
            self.window_buttons.addButton(button)
            bar.addWidget(button)
        self.window_buttons.buttonClicked.connect(self._on_window_button_clicked)
        bar.addStretch(1)
        self.updated = QLabel("Loading…")
        self.updated.setObjectName("dashboardUpdated")
        bar.addWidget(self.updated)

        self.reads = ChartPanel("Reads per hour", "Plate reads stored, by hour captured.",
                                "Reads")
        self.hits = ChartPanel("Hits by hot list", _hits_subtitle("hour"), "Hits")
        self.outcomes = ChartPanel(
            "Hit dispositions", "Hits closed in each period, by how the dispatcher closed "
            "them.", "Hits closed")
        self.readers = ChartPanel(
            "Reader uptime (readers reporting)",
            "Readers in service that stored a read in the hour or whose agent said it was "
            "streaming.",
            "Readers")
        self.readers.subtitle.setToolTip(
            "A reader whose vendor sends no heartbeats is judged by its reads alone, so on a "
            "street without traffic it looks silent. Mobile readers report only while their "
            "unit is on patrol. The dashed line is the number of readers in service now.")
        grid = QGridLayout()
        grid.setSpacing(10)
        for index, panel in enumerate(self.panels):
            grid.addWidget(panel, index // 2, index % 2)
        # No room kept: an empty line held the charts ~50 px down with nothing above them.
        self.message = MessageLine(keep_room=False)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addLayout(grid, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        self._rollover_timer = QTimer(self)
        self._rollover_timer.setSingleShot(True)
        self._rollover_timer.timeout.connect(self.request_refresh)
        session.changes.changed.connect(self._on_change)
        self._apply_style()

    @property
    def panels(self) -> tuple[ChartPanel, ...]:
        return (self.reads, self.hits, self.outcomes, self.readers)

    @property
    def window_key(self) -> str:
        return self._window

    @property
    def stats(self) -> ActivityStats | None:
        """What the charts show now (None until the first fetch returns)."""
        return self._stats

    @property
    def chart_style(self) -> ChartStyle:
        return self._style

    def set_window(self, key: str) -> None:
        for button in self.window_buttons.buttons():
            button.setChecked(button.property("window") == key)
        self._window = key
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Fetch now, off the GUI thread; a newer fetch makes an older one's result stale."""
        self._refresh_timer.stop()
        self._stale = False
        self._since_fetch.start()
        self.fetches += 1
        self._session.query(activity_stats, self._window, owner=self,
                            on_done=self._on_stats_loaded, on_error=self._on_stats_failed,
                            key="dashboard.stats")

    @Slot()
    def request_refresh(self) -> None:
        """Debounced: at most one fetch per gap, and none while the dashboard is hidden."""
        if not self.isVisible():
            self._stale = True
            return
        if self._refresh_timer.isActive():
            return
        gap = self._gap_ms * GAP_FACTOR[self._window]
        waited = self._since_fetch.elapsed() if self._since_fetch.isValid() else gap
        self._refresh_timer.start(max(COALESCE_MS, gap - waited))

    @Slot()
    def _on_refresh_timer_timeout(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _on_stats_loaded(self, stats: ActivityStats) -> None:
        self._stats = stats
        self.message.clear_message()
        self._draw()
        self.updated.setText(f"Updated {stats.as_of.astimezone():%H:%M:%S} · live")
        # The window slides at the top of the hour even when nothing else happens.
        until_rollover = (stats.hours.edges[-1] - datetime.now(UTC)).total_seconds() * 1000
        self._rollover_timer.start(max(0, int(until_rollover)) + ROLLOVER_SLACK_MS)

    def _on_stats_failed(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))
        self.updated.setText("Not updated")

    def _draw(self) -> None:
        stats, style = self._stats, self._style
        if stats is None:
            return
        self.hits.subtitle.setText(_hits_subtitle(stats.hit_buckets.unit))
        activity_charts.draw_reads(self.reads, stats, style)
        activity_charts.draw_hits_by_list(self.hits, stats, style)
        activity_charts.draw_dispositions(self.outcomes, stats, style)
        activity_charts.draw_readers(self.readers, stats, style)

    def _apply_style(self) -> None:
        """Colours from the application's palette (not this widget's, which our own style
        sheet alters), so the dashboard follows a light or a dark theme."""
        self._style = style_for(QApplication.palette())
        s = self._style
        muted = (f"rgba({s.muted.red()}, {s.muted.green()}, {s.muted.blue()}, "
                 f"{s.muted.alpha()})")
        self.setStyleSheet(
            f"QFrame#chartPanel {{ background: {s.background.name()}; border-radius: 4px; }}"
            "QLabel#dashboardHeading { font-size: 14pt; font-weight: bold; }"
            "QLabel#chartTitle { font-size: 11pt; font-weight: bold; }"
            f"QLabel#chartSubtitle, QLabel#chartCaption, QLabel#dashboardUpdated "
            f"{{ color: {muted}; }}"
            f"QLabel#chartEmpty {{ color: {muted}; font-size: 12pt; }}"
            "QToolButton { padding: 4px 12px; }"
            f"QToolButton:checked {{ background: {s.accent.name()}; color: "
            f"{s.on_accent.name()}; border: 1px solid {s.accent.name()}; border-radius: 3px; }}")
        for panel in self.panels:
            panel.apply_style(s)
        self._draw()

    def changeEvent(self, event: QEvent) -> None:
        # A new application palette reaches a widget with a style sheet as a style change.
        if (event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange)
                and style_for(QApplication.palette()) != self._style):
            self._apply_style()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        if self._refresh_timer.isActive():
            self._refresh_timer.stop()
            self._stale = True
        super().hideEvent(event)

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind in LIVE_KINDS:
            self.request_refresh()


    @Slot()
    def _on_window_button_clicked(self) -> None:
        button = self.window_buttons.checkedButton()
        if button is not None and button.property("window") != self._window:
            self.set_window(str(button.property("window")))
