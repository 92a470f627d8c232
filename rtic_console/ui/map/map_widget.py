"""The live map work area: reads, hits and devices, updated as they arrive; the cameras of the
person's latest registry look-up; search results; and, for those who search reads, a look
back before the live day, which is a search with its purpose, case and area (D.1)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.devices import CATEGORY_TITLES, DeviceCategory
from rtic_console.domain.roles import Permission
from rtic_console.services import search_requests
from rtic_console.services.map_data import (
    DetectionDetail,
    LiveCursor,
    MapLookBack,
    RecordedMapView,
    record_map_view,
)
from rtic_console.services.registry import NearResult
from rtic_console.services.search_requests import RequestView
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.map import page_data
from rtic_console.ui.map.detection_panel import DetectionPanel, load_detection
from rtic_console.ui.map.look_back_box import LookBackBox
from rtic_console.ui.map.map_page import MapLibrariesMissing, page_for
from rtic_console.ui.map.map_view import MapView
from rtic_console.ui.map.page_data import (
    PreparedClusters,
    PreparedDelta,
    PreparedLookBack,
    PreparedSnapshot,
)
from rtic_console.ui.map.time_filter import TimeFilterBar, TimeWindow
from rtic_console.ui.widgets import MessageLine, describe_error

logger = logging.getLogger(__name__)

# Live reads are gathered for this long and sent to the page as one small diff.
BATCH_MS = 250
# A window of more reads than the point limit is drawn as grid cells counted by the database,
# everywhere at COUNT_ZOOM (about 1 km), which the page merges for any coarser view: panning
# and zooming out ask for nothing. A view zoomed in further is counted for itself (after
# this pause). Live reads join their cells on the page; the database counts again every
# LIVE_RECLUSTER_MS, so that reads which left the window leave the counts, as the page's own
# clusters prune theirs.
CLUSTER_DEBOUNCE_MS = 200
LIVE_RECLUSTER_MS = 30_000
COUNT_ZOOM = 13

Bounds = tuple[float, float, float, float]
DEVICE_REFRESH_MS = 1000
NEWS_KINDS = frozenset({Change.READS_ADDED, Change.HIT_CREATED, Change.RESYNC})
DEVICE_KINDS = frozenset({Change.DEVICE_HEALTH, Change.DEVICE, Change.CAMERA, Change.RESYNC})
LAYERS = (("readers", "Readers"), ("cameras", "Cameras"), ("detections", "Reads"),
          ("hits", "Hits"), ("registry", "Registry cameras"), ("search", "Search results"))
AREA_KINDS = ("circle", "rectangle")


def _covers(counted: tuple[int, Bounds | None] | None, view: tuple[int, Bounds | None]) -> bool:
    """Whether the cells on the page serve a view: counted at its zoom or finer (the page
    merges them), over all of its area."""
    if counted is None:
        return False
    (zoom, bounds), (view_zoom, view_bounds) = counted, view
    if view_zoom > zoom:
        return False
    if bounds is None:
        return True
    if view_bounds is None:
        return False
    south, west, north, east = bounds
    view_south, view_west, view_north, view_east = view_bounds
    return south <= view_south and west <= view_west and view_north <= north \
        and view_east <= east


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class MapWidget(QWidget):
    """Layers toggle here; the page only draws. Clicks come back through the view's bridge."""

    camera_open_requested = Signal(int)
    area_drawn = Signal(object)

    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._generation = 0
        self._window: TimeWindow | None = None
        self._cursor: LiveCursor | None = None
        self._news = False
        self._changed_hits: set[int] = set()
        self._delta_busy = False
        self._fitted = False
        self._clustered = False
        self._page_view: tuple[int, Bounds | None] | None = None
        # The zoom and bounds (None: everywhere) of the cells on the page.
        self._counted: tuple[int, Bounds | None] | None = None
        self._counts = {"total": 0, "shown": 0, "hits": 0}
        self._look_back: PreparedLookBack | None = None
        # Who asked for the area being drawn: the Search screen, or this map's look back.
        self._area_for_look_back = False
        self.view: MapView | None = None

        searcher = session.may(Permission.SEARCH_READS)
        self.time_filter = TimeFilterBar(custom_range=searcher)
        self.time_filter.window_changed.connect(self._on_time_filter_window_changed)
        self.time_filter.look_back_changed.connect(self._on_time_filter_look_back_changed)
        self.time_filter.invalid.connect(self._on_time_filter_invalid)
        self.look_back_box = LookBackBox()
        self.look_back_box.area_requested.connect(self._on_look_back_box_area_requested)
        self.look_back_box.hide()
        self.layer_boxes: dict[str, QCheckBox] = {}
        self.category_actions: dict[DeviceCategory, QAction] = {}
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.time_filter)
        toolbar.addStretch(1)
        # The layers on a row of their own: beside a custom range's two times they made the
        # area wider than a 1440-pixel screen.
        layers = QHBoxLayout()
        for name, title in LAYERS:
            box = QCheckBox(title)
            box.setChecked(True)
            box.toggled.connect(lambda on, name=name: self._on_layer_box_toggled(name, on))
            self.layer_boxes[name] = box
            layers.addWidget(box)
        # These layers hold the answers of audited look-ups made elsewhere; none until then.
        self.layer_boxes["registry"].setVisible(False)
        self.layer_boxes["search"].setVisible(False)
        self.categories = self._category_button()
        layers.addWidget(self.categories)
        layers.addStretch(1)
        self.summary = QLabel("Loading the map…")
        self.summary.setObjectName("queueSummary")
        self.message = MessageLine()
        self.panel = DetectionPanel()
        self.panel.hide()

        body = QHBoxLayout()
        try:
            settings = session.ctx.settings
            page = page_for(settings.map_tile_url, settings.map_tile_attribution)
        except MapLibrariesMissing as exc:
            self.message.show_error(str(exc))
            self.summary.setText("The map cannot be shown on this workstation.")
        else:
            self.view = MapView(page, settings.map_tile_url)
            bridge = self.view.bridge
            bridge.detection_clicked.connect(self._on_bridge_detection_clicked)
            bridge.camera_clicked.connect(self.camera_open_requested)
            bridge.area_drawn.connect(self._on_bridge_area_drawn)
            bridge.points_drawn.connect(self._on_bridge_points_drawn)
            bridge.view_moved.connect(self._on_bridge_view_moved)
            bridge.tiles_failed.connect(self._on_bridge_tiles_failed)
            body.addWidget(self.view, 1)
        body.addWidget(self.panel)
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addLayout(layers)
        layout.addWidget(self.look_back_box)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)

        self._delta_timer = QTimer(self, singleShot=True, interval=BATCH_MS)
        self._delta_timer.timeout.connect(self._on_delta_timer_timeout)
        self._cluster_timer = QTimer(self, singleShot=True, interval=CLUSTER_DEBOUNCE_MS)
        self._cluster_timer.timeout.connect(self._on_cluster_timer_timeout)
        self._live_cluster_timer = QTimer(self, singleShot=True, interval=LIVE_RECLUSTER_MS)
        self._live_cluster_timer.timeout.connect(self._recluster)
        self._devices_timer = QTimer(self, singleShot=True, interval=DEVICE_REFRESH_MS)
        self._devices_timer.timeout.connect(self._load_devices)
        session.changes.changed.connect(self._on_change)
        if self.view is not None:
            self._load_devices()
            self.reload(self.time_filter.window())

    # Slots for other screens ----------------------------------------------------------

    @Slot(list)
    def show_search_results(self, rows: list[Mapping[str, Any]]) -> None:
        """Rows {id, plate, lat, lon, captured_at, device} as a highlighted layer, in view."""
        box = self.layer_boxes["search"]
        box.setVisible(True)
        box.setChecked(True)
        self._run(page_data.search_script(rows))

    @Slot(float, float)
    def centre_on(self, latitude: float, longitude: float) -> None:
        """One place in view at street level: a search result the person selected."""
        self._run(page_data.centre_script(latitude, longitude))

    @Slot(object)
    def show_registry_results(self, result: NearResult) -> None:
        """The cameras of a registry look-up already made and audited for its case (H.2,
        H.3): the map never looks the registry up itself."""
        box = self.layer_boxes["registry"]
        box.setText(f"Registry cameras · case {result.case_number}")
        box.setVisible(True)
        box.setChecked(True)
        self._run(page_data.registry_script(result))

    @Slot(str)
    def start_area_drawing(self, kind: str) -> None:
        """The person draws a circle or rectangle; `area_drawn` carries it when done."""
        self._start_drawing(kind, for_look_back=False)

    def _start_drawing(self, kind: str, *, for_look_back: bool) -> None:
        if kind not in AREA_KINDS:
            raise ValueError(f"area kind must be one of {', '.join(AREA_KINDS)}, not {kind!r}")
        self._area_for_look_back = for_look_back
        self._run(page_data.area_drawing_script(kind))

    def reload(self, window: TimeWindow) -> None:
        """A new snapshot for the window, its view audited first; answers to older requests
        are dropped."""
        self._generation += 1
        generation = self._generation
        self._window = window
        self._cursor = None
        self._clustered = False
        self._counted = None
        self._look_back = None
        self._changed_hits.clear()
        start, end = window.bounds()
        self.summary.setText("Loading reads…")
        if window.look_back and end is not None:
            self._run_look_back(generation, MapLookBack(start, end,
                                                        **self.look_back_box.values()))
            return
        # The view is recorded on the writer and the reads fetched only once it committed, so
        # that nothing is on screen that the audit trail does not show (B.1, Audit).
        self._session.perform(
            record_map_view, start, end, owner=self, key=self._key("view"),
            on_done=lambda view: self._on_view_recorded(generation, view),
            on_error=lambda error: self._on_view_failed(generation, error))

    # Loading ----------------------------------------------------------------------------

    def _key(self, what: str) -> str:
        return f"map.{id(self)}.{what}"

    def _run(self, script: str) -> None:
        if self.view is not None:
            self.view.run_script(script)

    def _run_look_back(self, generation: int, item: MapLookBack) -> None:
        """A search, so on the writer: logged in the same transaction as its reads are taken,
        and drawn like any fixed window."""
        db, ctx, fit = self._session.db, self._session.ctx, not self._fitted
        self._session.runner.write(
            lambda: page_data.prepare_look_back(db, ctx, item, fit),
            lambda found: self._on_look_back_done(generation, found),
            lambda error: self._on_view_failed(generation, error),
            key=self._key("view"), owner=self)

    def _on_look_back_done(self, generation: int, found: PreparedLookBack) -> None:
        if generation != self._generation:
            return
        self._look_back = found
        self._on_snapshot_loaded(generation, found.snapshot)

    def _on_view_recorded(self, generation: int, view: RecordedMapView) -> None:
        if generation != self._generation or self._window is None:
            return
        if view.capped:
            self._clustered = True
            self._load_clusters(generation, fit=not self._fitted)
            return
        span, fit = self._window.span, not self._fitted
        db, ctx = self._session.db, self._session.ctx
        self._session.runner.read(
            lambda: page_data.prepare_snapshot(db, ctx, view.start, view.end, span, fit),
            lambda prepared: self._on_snapshot_loaded(generation, prepared),
            self._on_load_failed, key=self._key("snapshot"), owner=self)

    def _load_clusters(self, generation: int, *, fit: bool) -> None:
        """The window as grid cells: everywhere at COUNT_ZOOM, or for the page's view when
        it is zoomed in further (not before the map has been fitted)."""
        if self._window is None:
            return
        zoom, bounds = (COUNT_ZOOM, None)
        if self._page_view is not None and not fit and self._page_view[0] > COUNT_ZOOM:
            zoom, bounds = self._page_view
        start, end = self._window.bounds()
        span, db, ctx = self._window.span, self._session.db, self._session.ctx
        self._session.runner.read(
            lambda: page_data.prepare_clusters(db, ctx, start, end, zoom, bounds, span, fit),
            lambda prepared: self._on_clusters_loaded(generation, prepared),
            self._on_load_failed, key=self._key("clusters"), owner=self)

    def _recluster(self) -> None:
        if self._clustered and self._cursor is not None:
            self._load_clusters(self._generation, fit=False)

    def _on_cluster_timer_timeout(self) -> None:
        if self._page_view is not None and not _covers(self._counted, self._page_view):
            self._recluster()

    def _on_clusters_loaded(self, generation: int, prepared: PreparedClusters) -> None:
        if generation != self._generation:
            return
        self._fitted = True
        # Live reads go on from the first count; later ones only regroup what is there.
        if self._cursor is None:
            self._cursor = prepared.cursor
        # Counted everywhere, the window's total; in view, only what is in view.
        total = prepared.total if prepared.bounds is None else self._counts["total"]
        self._counts = {"total": total, "shown": prepared.total, "hits": prepared.hits}
        self._counted = (prepared.zoom, prepared.bounds)
        self._run(prepared.script)
        self._update_summary()
        if self._news:
            self._schedule_delta()

    @Slot(int, object)
    def _on_bridge_view_moved(self, zoom: int,
                              bounds: Bounds | None) -> None:
        self._page_view = (zoom, bounds)
        if self._clustered and not _covers(self._counted, self._page_view):
            self._cluster_timer.start()

    def _on_view_failed(self, generation: int, error: BaseException) -> None:
        """Not recorded, so not shown: the reads of an earlier window leave the page too."""
        if generation != self._generation:
            return
        self._window = None  # no live updates either: they belong to a recorded view
        self._counts = {"total": 0, "shown": 0, "hits": 0}
        self._run(page_data.empty_snapshot_script(None))
        self.summary.setText("No reads shown: the view was refused or could not be recorded "
                             "in the audit trail.")
        self._on_load_failed(error)

    def _on_snapshot_loaded(self, generation: int, prepared: PreparedSnapshot) -> None:
        if generation != self._generation:
            return
        self._fitted = True
        self._cursor = prepared.cursor
        self._counts = {"total": prepared.total, "shown": prepared.shown, "hits": prepared.hits}
        self._run(prepared.script)
        self._update_summary()
        if self._news:
            self._schedule_delta()

    def _on_load_failed(self, error: BaseException) -> None:
        self.message.show_error(describe_error(error))

    def _on_delta_failed(self, error: BaseException) -> None:
        """What was not fetched is fetched with the next change (the ids did not move)."""
        self._delta_busy = False
        self._news = True
        self._on_load_failed(error)

    def _load_devices(self) -> None:
        db, ctx = self._session.db, self._session.ctx
        self._session.runner.read(lambda: page_data.prepare_devices(db, ctx), self._run,
                                  self._on_load_failed, key=self._key("devices"), owner=self)

    def _update_summary(self) -> None:
        shown, total, hits = (self._counts[k] for k in ("shown", "total", "hits"))
        reads = (f"{total:,} reads, grouped by area, {shown:,} in view" if self._clustered
                 else f"Showing the newest {shown:,} of {total:,} reads in this window"
                 if total > shown else _count(shown, "read"))
        live = " · live" if self._window is not None and self._window.live else ""
        found = self._look_back
        search = (f"Look back: search #{found.search_id} · case {found.case_number} · "
                  if found is not None else "")
        self.summary.setText(f"{search}{reads} · {_count(hits, 'hit')}{live}")

    # Live updates -----------------------------------------------------------------------

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        if change.kind is Change.SEARCH_REQUEST and self.look_back_box.isVisible():
            self._load_requests()
        if change.kind in DEVICE_KINDS and not self._devices_timer.isActive():
            self._devices_timer.start()
        if change.kind in NEWS_KINDS or change.kind == Change.HIT_CHANGED:
            if change.kind == Change.HIT_CHANGED:
                self._changed_hits.update(change.ids)
            self._news = True
            self._schedule_delta()

    def _schedule_delta(self) -> None:
        if (self._window is not None and self._window.live and not self._delta_busy
                and not self._delta_timer.isActive()):
            self._delta_timer.start()

    def _on_delta_timer_timeout(self) -> None:
        if self._cursor is None or self._window is None or self.view is None:
            return  # the snapshot is still loading; it schedules the delta when it lands
        self._news = False
        changed = tuple(sorted(self._changed_hits))[:1000]
        self._changed_hits.difference_update(changed)
        self._delta_busy = True
        generation = self._generation
        cursor = self._cursor
        start, _ = self._window.bounds()
        db, ctx = self._session.db, self._session.ctx
        self._session.runner.read(
            lambda: page_data.prepare_delta(db, ctx, cursor, start, changed),
            lambda prepared: self._on_delta_loaded(generation, prepared),
            self._on_delta_failed, key=self._key("delta"), owner=self)

    def _on_delta_loaded(self, generation: int, prepared: PreparedDelta) -> None:
        self._delta_busy = False
        if generation == self._generation:
            self._cursor = prepared.cursor
            if prepared.detections or prepared.hit_markers:
                self._run(prepared.script)
            self._counts["total"] += prepared.detections
            self._counts["hits"] += prepared.new_hits
            self._news = self._news or prepared.more
            if self._clustered and prepared.detections and \
                    not self._live_cluster_timer.isActive():
                self._live_cluster_timer.start()
        if self._news or self._changed_hits:
            self._schedule_delta()

    @Slot()
    def _on_bridge_tiles_failed(self) -> None:
        url = self._session.ctx.settings.map_tile_url
        if not url:
            return  # no tile server is configured: the plain background is what was asked for
        logger.warning("map tiles from %s could not be loaded; plain background shown",
                       urlsplit(url).netloc or url.split("/{z}")[0])

    @Slot(int)
    def _on_bridge_points_drawn(self, count: int) -> None:
        if self._window is None:
            return  # the page was emptied after a view that could not be recorded
        self._counts["shown"] = count
        self._counts["total"] = max(self._counts["total"], count)
        self._update_summary()

    # Controls and clicks ----------------------------------------------------------------

    def _category_button(self) -> QToolButton:
        """F.1 categories as a menu of ticks: readers and cameras of unticked ones hide."""
        button = QToolButton()
        button.setText("Device categories")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for category, title in CATEGORY_TITLES.items():
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(self._on_category_action_toggled)
            self.category_actions[category] = action
        button.setMenu(menu)
        return button

    def _on_category_action_toggled(self, _on: bool) -> None:
        chosen = [c for c, a in self.category_actions.items() if a.isChecked()]
        self._run(page_data.categories_script(
            None if len(chosen) == len(self.category_actions) else chosen))

    def _on_layer_box_toggled(self, name: str, on: bool) -> None:
        self._run(page_data.layer_script(name, on))

    def _on_time_filter_window_changed(self, window: TimeWindow) -> None:
        self.message.clear_message()
        self.reload(window)

    def _on_time_filter_invalid(self, text: str) -> None:
        self.message.show_error(text)

    @Slot(bool)
    def _on_time_filter_look_back_changed(self, look_back: bool) -> None:
        if look_back and not self.look_back_box.isVisible():
            self._load_requests()
        self.look_back_box.setVisible(look_back)

    def _load_requests(self) -> None:
        """The person's approved other uses, for a look back that runs under one (D.1.c)."""
        self._session.query(search_requests.my_requests, owner=self,
                            on_done=self._on_requests_loaded, on_error=self._on_load_failed,
                            key=self._key("requests"))

    def _on_requests_loaded(self, requests: list[RequestView]) -> None:
        self.look_back_box.set_requests(requests)

    @Slot(str)
    def _on_look_back_box_area_requested(self, kind: str) -> None:
        self._start_drawing(kind, for_look_back=True)

    @Slot(object)
    def _on_bridge_area_drawn(self, area: dict[str, Any]) -> None:
        """To the look back that asked for it, or on to the Search screen."""
        if self._area_for_look_back:
            self._area_for_look_back = False
            self.look_back_box.set_area(area)
        else:
            self.area_drawn.emit(area)

    @Slot(int)
    def _on_bridge_detection_clicked(self, detection_id: int) -> None:
        session = self._session
        session.runner.write(lambda: load_detection(session, detection_id),
                             self._on_detail_loaded, self._on_load_failed,
                             key=self._key("detail"), owner=self)

    def _on_detail_loaded(self, payload: tuple[DetectionDetail, dict[str, QImage]]) -> None:
        detail, images = payload
        self.panel.show_detail(detail, images)
