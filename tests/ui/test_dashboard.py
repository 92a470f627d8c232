"""The activity dashboard on a real database: empty states, live and debounced refresh,
nothing fetched while hidden, the window selector, refusals and a dark palette."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from rtic_console.domain.checklist import HitStatus
from rtic_console.domain.reads import PlateRead
from rtic_console.services import hits as hit_service
from rtic_console.services import hotlists
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.ui.dashboard.dashboard_widget import DashboardWidget

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
GAP_MS = 300  # the production gap is seconds; the behaviour is the same
_serial = count()


def _ingest(db: Database, *plates: str, engine: MatchingEngine | None = None) -> tuple[int, ...]:
    now = datetime.now(UTC)
    reads = [PlateRead(source="csv", source_id=f"ui-{next(_serial)}", plate=p, plate_raw=p,
                       state="CA", confidence=0.9, captured_at=now - timedelta(seconds=2),
                       device_ref="ALPR-FX-01") for p in plates]
    with db.write() as session:
        return ingest_reads(session, reads, engine or MatchingEngine(), now, "test").hit_ids


@pytest.fixture
def dashboard(qtbot, console_session, admin):  # type: ignore[no-untyped-def]
    def make(ctx=admin) -> DashboardWidget:  # type: ignore[no-untyped-def]
        widget = DashboardWidget(console_session(ctx), refresh_gap_ms=GAP_MS)
        qtbot.addWidget(widget)
        widget.resize(1200, 800)
        return widget
    return make


def _loaded(qtbot, widget: DashboardWidget, fetches: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: widget.fetches == fetches and widget.stats is not None
                    and widget.updated.text().startswith("Updated"), timeout=5000)


def test_empty_database_shows_empty_states_not_blank_axes(qtbot, dashboard) -> None:  # type: ignore[no-untyped-def]
    widget = dashboard()
    assert widget.fetches == 0, "nothing is fetched before the dashboard is on screen"
    widget.show()
    _loaded(qtbot, widget, 1)
    assert [(p.showing_plot, p.empty.text()) for p in widget.panels] == [
        (False, "No reads in this period"), (False, "No hits in this period"),
        (False, "No hits were closed in this period"), (False, "No ALPR readers in service")]
    assert all(p.title.text() for p in widget.panels)


def test_new_reads_refresh_the_charts_once_per_burst(qtbot, db: Database, dashboard) -> None:  # type: ignore[no-untyped-def]
    widget = dashboard()
    widget.show()
    _loaded(qtbot, widget, 1)
    for _ in range(5):  # five commits, five change events, in one burst
        _ingest(db, "7ABC123")
    qtbot.waitUntil(lambda: widget.reads.showing_plot, timeout=5000)
    assert widget.fetches == 2, "the burst is coalesced into one fetch"
    assert sum(widget.stats.reads_per_hour) == 5
    assert widget.reads.caption.text().startswith("5 reads · busiest hour")
    bars = [i for i in widget.reads.plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 1
    assert isinstance(widget.reads.plot.getPlotItem().getAxis("bottom"), pg.DateAxisItem)


def test_hidden_dashboard_waits_and_refreshes_when_shown(qtbot, db: Database,
                                                         console_session, dashboard) -> None:  # type: ignore[no-untyped-def]
    widget = dashboard()
    widget.show()
    _loaded(qtbot, widget, 1)
    widget.hide()
    bridge = widget._session.changes
    with qtbot.waitSignal(bridge.changed, timeout=3000):
        _ingest(db, "7ABC123", "8DEF456")
    assert widget.fetches == 1 and not widget.reads.showing_plot
    widget.show()
    qtbot.waitUntil(lambda: widget.reads.showing_plot, timeout=5000)
    assert widget.fetches == 2 and sum(widget.stats.reads_per_hour) == 2


def test_hits_and_a_closing_appear_live(qtbot, db: Database, dashboard, enrol) -> None:  # type: ignore[no-untyped-def]
    officer = enrol("6301", "officer")
    perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
        plate="7KQM482", state="CA", reason="stolen_vehicle", case_number="26-011842",
        xref=None, ncic_system="SVS", ncic_record="V264118820"))
    engine = MatchingEngine()
    with db.read() as session:
        engine.load(session)
    widget = dashboard()
    widget.show()
    _loaded(qtbot, widget, 1)
    first, second = _ingest(db, "7KQM482", "7KQM482", engine=engine)
    qtbot.waitUntil(lambda: widget.hits.showing_plot, timeout=5000)
    assert widget.hits.legend.text().endswith("SPD hot plates (2)")
    assert widget.outcomes.caption.text() == "2 hits open now (new or claimed)"
    dispatcher = enrol("5201", "dispatcher")
    perform(db, dispatcher, hit_service.claim_hit, first)
    perform(db, dispatcher, hit_service.close_hit, first, HitStatus.MISREAD,
            "photo shows a different plate")
    qtbot.waitUntil(lambda: widget.outcomes.showing_plot, timeout=5000)
    assert "Closed: misread (1)" in widget.outcomes.legend.text()
    assert "Confirmed (0)" in widget.outcomes.legend.text()
    assert widget.outcomes.caption.text() == "1 closed · 1 hit open now (new or claimed)"
    assert second


def test_window_selector_switches_to_local_days(qtbot, dashboard) -> None:  # type: ignore[no-untyped-def]
    widget = dashboard()
    widget.show()
    _loaded(qtbot, widget, 1)
    assert widget.stats.hit_buckets.unit == "hour"
    widget.findChild(type(widget.window_buttons.buttons()[0]), "window_7d").click()
    qtbot.waitUntil(lambda: widget.stats.window.key == "7d", timeout=5000)
    assert widget.window_key == "7d" and widget.fetches == 2
    assert widget.stats.hit_buckets.unit == "day" and len(widget.stats.hit_buckets) == 7
    assert widget.hits.subtitle.text().startswith("Hits per day")


def test_a_role_without_the_dashboard_sees_the_refusal(qtbot, dashboard, enrol) -> None:  # type: ignore[no-untyped-def]
    widget = dashboard(enrol("5201", "dispatcher"))
    widget.show()
    qtbot.waitUntil(lambda: widget.message.isVisible(), timeout=5000)
    assert widget.message.text().startswith("Only ALPR administrator")
    assert widget.stats is None and widget.updated.text() == "Not updated"


def test_charts_follow_the_theme(qtbot, dashboard) -> None:  # type: ignore[no-untyped-def]
    from rtic_console.ui.theme import COLORS, Theme, apply_theme

    app = QApplication.instance()
    apply_theme(app, Theme.LIGHT)
    try:
        widget = dashboard()
        assert not widget.chart_style.dark
        apply_theme(app, Theme.DARK)
        qtbot.waitUntil(lambda: widget.chart_style.dark, timeout=3000)
        background = widget.reads.plot.backgroundBrush().color()
        assert background == QColor(COLORS[Theme.DARK].base)
        assert widget.chart_style.series(0) != QColor("#0072B2"), "lighter hues on dark"
    finally:
        apply_theme(app, Theme.DARK)


def test_the_charts_start_under_the_bar_when_there_is_no_message(qtbot, dashboard) -> None:  # type: ignore[no-untyped-def]
    """The empty message line kept its room (about 50 px) above the charts: they start
    right under the window bar, move down for a message and back up once it goes."""
    widget = dashboard()
    widget.show()
    _loaded(qtbot, widget, 1)
    bar_bottom = max(w.geometry().bottom() for w in (widget.updated,
                                                     *widget.window_buttons.buttons()))
    spacing = widget.layout().spacing()

    def charts_top() -> int:
        return widget.reads.mapTo(widget, widget.reads.rect().topLeft()).y()

    qtbot.waitUntil(lambda: charts_top() - bar_bottom <= 2 * spacing, timeout=5000)
    under_bar = charts_top()
    widget.message.show_error("The database is unreachable.")
    qtbot.waitUntil(lambda: charts_top() > under_bar + widget.message.minimumHeight(),
                    timeout=5000)
    widget.message.clear_message()
    qtbot.waitUntil(lambda: charts_top() == under_bar, timeout=5000)
