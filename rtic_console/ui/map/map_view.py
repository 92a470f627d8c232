"""The web view holding the map page: scripts queued until the page is ready, clicks back."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QEvent, QObject, QUrl, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication, QWidget

logger = logging.getLogger(__name__)

LOCAL_SCHEMES = frozenset({"file", "qrc", "data", "blob"})
TILE_USER_AGENT = b"RTIC-Console/1 (live map of a police Real-Time Information Center)"
# Half the Earth's circumference: anything larger is not a circle on a map. How large an
# area a search may use is the search's rule, with its own message.
MAX_DRAWN_RADIUS_M = 20_037_508.0


def _number(value: object, low: float, high: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value) \
            or not low <= value <= high:
        raise ValueError(f"{value!r} is not a number from {low} to {high}")
    return float(value)


def parse_area(raw: str) -> dict[str, Any]:
    """The page is not trusted: an area is rebuilt from checked numbers or refused."""
    data = json.loads(raw)
    if data.get("kind") == "circle":
        return {"kind": "circle", "lat": _number(data.get("lat"), -90, 90),
                "lon": _number(data.get("lon"), -180, 180),
                "radius_m": _number(data.get("radius_m"), 0.01, MAX_DRAWN_RADIUS_M)}
    if data.get("kind") == "rectangle":
        area = {"kind": "rectangle", "south": _number(data.get("south"), -90, 90),
                "west": _number(data.get("west"), -180, 180),
                "north": _number(data.get("north"), -90, 90),
                "east": _number(data.get("east"), -180, 180)}
        if area["south"] >= area["north"] or area["west"] >= area["east"]:
            raise ValueError("the rectangle has no area")
        return area
    raise ValueError(f"unknown area kind {data.get('kind')!r}")


def parse_view(raw: str) -> tuple[int, tuple[float, float, float, float] | None]:
    """The page's zoom and visible bounds, checked; bounds past the poles or the antimeridian
    are clipped, and a view wrapping the whole world has none (everywhere)."""
    data = json.loads(raw)
    zoom = round(_number(data.get("zoom"), 0, 19))
    south = max(-90.0, _number(data.get("south"), -1e4, 1e4))
    north = min(90.0, _number(data.get("north"), -1e4, 1e4))
    west = max(-180.0, _number(data.get("west"), -1e4, 1e4))
    east = min(180.0, _number(data.get("east"), -1e4, 1e4))
    if south >= north or west >= east:
        return zoom, None
    return zoom, (south, west, north, east)


def _whole_id(value: float) -> int | None:
    return int(value) if math.isfinite(value) and value.is_integer() and value > 0 else None


class MapBridge(QObject):
    """The page's only way into Qt (registered on the QWebChannel as `bridge`)."""

    page_ready = Signal()
    detection_clicked = Signal(int)
    camera_clicked = Signal(int)
    area_drawn = Signal(object)
    points_drawn = Signal(int)
    view_moved = Signal(int, object)
    tiles_failed = Signal()

    @Slot()
    def ready(self) -> None:
        self.page_ready.emit()

    # float: a JavaScript number; a Qt int would wrap ids past 2**31.
    @Slot(float)
    def open_detection(self, detection_id: float) -> None:
        checked = _whole_id(detection_id)
        if checked is not None:
            self.detection_clicked.emit(checked)

    @Slot(float)
    def open_camera(self, device_id: float) -> None:
        checked = _whole_id(device_id)
        if checked is not None:
            self.camera_clicked.emit(checked)

    @Slot(str)
    def report_area(self, raw: str) -> None:
        try:
            self.area_drawn.emit(parse_area(raw))
        except (ValueError, TypeError, AttributeError) as exc:
            logger.warning("map page sent an unusable area: %s", exc)

    @Slot(str)
    def report_view(self, raw: str) -> None:
        try:
            self.view_moved.emit(*parse_view(raw))
        except (ValueError, TypeError, AttributeError) as exc:
            logger.warning("map page sent an unusable view: %s", exc)

    @Slot(float)
    def report_drawn(self, count: float) -> None:
        self.points_drawn.emit(int(count))

    @Slot()
    def report_tiles_unavailable(self) -> None:
        self.tiles_failed.emit()


def tile_origin_pattern(tile_url: str) -> re.Pattern[str] | None:
    """scheme://host[:port] of the tile server, its {s} sub-domain placeholder a wildcard."""
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    origin = re.escape(f"{parts.scheme}://{parts.netloc}").replace(re.escape("{s}"), "[a-z0-9-]+")
    return re.compile(origin + "(/.*)?", re.IGNORECASE)


class LocalOnlyGuard(QWebEngineUrlRequestInterceptor):
    """Lets the page load local files and the configured tile server, and nothing else."""

    def __init__(self, tile_url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tiles = tile_origin_pattern(tile_url)
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme() in LOCAL_SCHEMES:
            return
        if self._tiles is not None and self._tiles.fullmatch(url.toString()):
            # Public tile servers (OpenStreetMap's policy among them) ask clients to say
            # which application they are.
            info.setHttpHeader(b"User-Agent", TILE_USER_AGENT)
            return
        info.block(True)
        if len(self.blocked) < 100:
            self.blocked.append(url.toString())
            logger.warning("map page tried to load %s; blocked", url.host() or url.scheme())


class MapPage(QWebEnginePage):
    """Sends the page's console messages to our log, where a broken script shows."""

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel,
                                 message: str, line: int, source: str) -> None:
        logger.log(logging.WARNING if level.value >= 1 else logging.DEBUG,
                   "map page: %s (%s:%s)", message, Path(source).name, line)


class MapView(QWebEngineView):
    """Anki's pattern: scripts wait in a queue until the page says it is ready."""

    def __init__(self, page_file: Path, tile_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPage(MapPage(self))
        self.bridge = MapBridge(self)
        self._channel = QWebChannel(self)
        self._channel.registerObject("bridge", self.bridge)
        self.page().setWebChannel(self._channel)
        self.guard = LocalOnlyGuard(tile_url, self)
        self.page().setUrlRequestInterceptor(self.guard)
        # A page from a file may reach no http(s) URL at all unless allowed; the guard then
        # narrows that to the tile server. Setting the remote attribute alone stops the
        # page's own file:// scripts loading (Qt 6.12), so both are set.
        attributes = self.page().settings()
        attributes.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
                                True)
        attributes.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
                                tile_origin_pattern(tile_url) is not None)
        self._ready = False
        self._queue: list[str] = []
        self.bridge.page_ready.connect(self._on_bridge_page_ready)
        self.loadStarted.connect(self._on_load_started)
        self.load(QUrl.fromLocalFile(str(page_file)))
        self._follow_theme()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._follow_theme()
        super().changeEvent(event)

    def _follow_theme(self) -> None:
        """The page goes dark with the console's dark themes (resources/map/rtic_map.css)."""
        dark = QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
        self.run_script("document.documentElement.classList.toggle('rtic-dark', "
                        f"{'true' if dark else 'false'});")

    @property
    def ready(self) -> bool:
        return self._ready

    def run_script(self, script: str) -> None:
        if self._ready:
            self.page().runJavaScript(script)
        else:
            self._queue.append(script)

    def evaluate(self, script: str, callback: Callable[[Any], None]) -> None:
        """Runs now (not queued) and hands the script's value to callback: for checks."""
        self.page().runJavaScript(script, 0, callback)

    def _on_load_started(self) -> None:
        self._ready = False

    def _on_bridge_page_ready(self) -> None:
        self._ready = True
        queued, self._queue = self._queue, []
        for script in queued:
            self.page().runJavaScript(script)
