"""The map page: local files only, no network, the tile notice, drawing areas, the bridge."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from rtic_console.config import Settings, SettingsError
from rtic_console.services.map_data import DetectionColumns, LiveCursor, MapSnapshot
from rtic_console.ui.map.map_page import render_page
from rtic_console.ui.map.map_view import (
    TILE_USER_AGENT,
    MapView,
    parse_area,
    parse_view,
    tile_origin_pattern,
)
from rtic_console.ui.map.page_data import JSON_SLICE, snapshot_script

NOW = datetime.now(UTC)


class RequestLog(QWebEngineUrlRequestInterceptor):
    """Every URL the page asks for, seen at the profile before the view's own guard."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        self.urls.append(info.requestUrl().toString())


@pytest.fixture
def requests() -> Iterator[RequestLog]:
    log = RequestLog()
    profile = QWebEngineProfile.defaultProfile()
    profile.setUrlRequestInterceptor(log)
    yield log
    profile.setUrlRequestInterceptor(None)


@pytest.fixture
def open_view(qtbot, tmp_path: Path, requests: RequestLog):
    def make(tile_url: str) -> MapView:
        folder = tmp_path / f"page{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        view = MapView(render_page(folder, tile_url, "Test tiles"), tile_url)
        qtbot.addWidget(view)
        view.resize(900, 600)
        view.show()
        qtbot.waitUntil(lambda: view.ready, timeout=15000)
        return view

    return make


def evaluate(qtbot, view: MapView, script: str) -> Any:
    out: list[Any] = []
    view.evaluate(script, out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=5000)
    return out[0]


def stats(qtbot, view: MapView) -> dict[str, Any]:
    return json.loads(evaluate(qtbot, view, "JSON.stringify(RticMap.stats())"))


def grid_snapshot(count: int) -> MapSnapshot:
    rows = [(i + 1, f"7ABC{i:03d}", 38.55 + (i % 10) * 0.004, -121.50 + (i // 10) * 0.004,
             NOW - timedelta(seconds=i), None) for i in range(count)]
    return MapSnapshot(DetectionColumns.of(rows), count, (), LiveCursor(count))


@pytest.fixture
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A tile server on loopback answering every tile with one grey PNG; it notes who asked."""
    agents: list[str] = []
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor("#d4d4d8"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    png = bytes(data.data())

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            agents.append(self.headers.get("User-Agent", ""))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, name="tile-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", agents
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_page_names_only_local_files(tmp_path: Path) -> None:
    html = render_page(tmp_path, "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                       "© OpenStreetMap contributors").read_text(encoding="utf-8")
    links = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert len(links) == 8, links
    for link in links:
        assert link.startswith("file://"), f"{link} is not a local file"
        assert Path(link.removeprefix("file://").replace("%40", "@")).is_file(), link
    assert not re.search(r'(?:src|href)="https?:', html)
    for cdn in ("jsdelivr", "jquery", "bootstrap", "cloudflare"):
        assert cdn not in html


def test_page_loads_from_local_files_and_draws_points(qtbot, open_view,
                                                      requests: RequestLog, tmp_path) -> None:
    view = open_view((tmp_path / "no-tiles").as_uri() + "/{z}/{x}/{y}.png")
    with qtbot.waitSignal(view.bridge.points_drawn, timeout=10000) as drawn:
        view.run_script(snapshot_script(grid_snapshot(120), None, fit=True))
    assert drawn.args == [120]
    shown = stats(qtbot, view)
    assert shown["points"] == 120 and shown["drawn"] == 120, "every point is drawn or grouped"
    assert 0 < shown["markers"] <= 120
    schemes = {url.split(":", 1)[0] for url in requests.urls}
    assert requests.urls and schemes <= {"file", "qrc", "data"}, requests.urls
    assert any(url.endswith("leaflet.js") for url in requests.urls)
    assert not view.guard.blocked


def test_tiles_that_cannot_load_give_a_plain_background_with_a_notice(qtbot,
                                                                      open_view) -> None:
    view = open_view(f"http://127.0.0.1:{closed_loopback_port()}/{{z}}/{{x}}/{{y}}.png")
    view.run_script(snapshot_script(grid_snapshot(30), None, fit=True))
    qtbot.waitUntil(lambda: stats(qtbot, view)["noticeShown"], timeout=15000)
    shown = stats(qtbot, view)
    assert shown["noticeText"] == ("Map tiles unavailable — showing points on a plain "
                                   "background")
    assert shown["tilesFailed"] and shown["drawn"] == 30, "the points still show"
    assert evaluate(qtbot, view, "document.querySelector('.rtic-plain') !== null")
    assert not view.guard.blocked, "the tile server was tried, and only it"


def test_tiles_come_from_the_configured_server(qtbot, open_view,
                                               tile_server: tuple[str, list[str]],
                                               requests: RequestLog) -> None:
    address, agents = tile_server
    view = open_view(address + "/{z}/{x}/{y}.png")
    qtbot.waitUntil(lambda: evaluate(qtbot, view, "document.querySelectorAll("
                                                  "'img.leaflet-tile-loaded').length") > 0,
                    timeout=10000)
    assert not stats(qtbot, view)["noticeShown"]
    assert any(url.startswith(address) for url in requests.urls)
    assert agents and all(agent == TILE_USER_AGENT.decode() for agent in agents)


def test_only_the_tile_server_is_reachable_a_cdn_is_not(qtbot, open_view,
                                                         requests: RequestLog) -> None:
    tiles = f"http://127.0.0.1:{closed_loopback_port()}"
    view = open_view(tiles + "/{z}/{x}/{y}.png")
    cdn = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
    view.run_script(f"const s = document.createElement('script'); s.src = {json.dumps(cdn)};"
                    "document.head.appendChild(s);")
    qtbot.waitUntil(lambda: cdn in view.guard.blocked, timeout=5000)
    assert not [url for url in view.guard.blocked if url.startswith(tiles)]


def click(qtbot, view: MapView, x: int, y: int) -> None:
    target = view.focusProxy()
    QTest.mouseMove(target, QPoint(x, y))
    qtbot.wait(150)
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(x, y))
    qtbot.wait(150)


def test_drawing_a_circle_and_a_rectangle_reports_the_area(qtbot, open_view) -> None:
    view = open_view("")
    evaluate(qtbot, view, "(() => { const k = Object.keys(window).find("
                          "n => n.startsWith('map_')); window[k].setView([38.58, -121.49], 14,"
                          " {animate: false}); return k; })()")
    view.run_script("RticMap.startAreaDrawing('circle');")
    with qtbot.waitSignal(view.bridge.area_drawn, timeout=5000) as circle:
        click(qtbot, view, 450, 300)
        click(qtbot, view, 550, 300)
    area = circle.args[0]
    assert area["kind"] == "circle"
    assert area["lat"] == pytest.approx(38.58, abs=0.001)
    assert area["lon"] == pytest.approx(-121.49, abs=0.001)
    assert 500 < area["radius_m"] < 3000, "100 px at zoom 14 is about 1.2 km"
    view.run_script("RticMap.startAreaDrawing('rectangle');")
    with qtbot.waitSignal(view.bridge.area_drawn, timeout=5000) as rectangle:
        click(qtbot, view, 350, 200)
        click(qtbot, view, 550, 400)
    box = rectangle.args[0]
    assert box["kind"] == "rectangle" and box["south"] < 38.58 < box["north"]
    assert box["west"] < -121.49 < box["east"]
    assert stats(qtbot, view)["areas"] == 1, "the newest area replaces the previous one"


@pytest.mark.parametrize("raw", [
    '{"kind": "polygon"}', '{"kind": "circle", "lat": 91, "lon": 0, "radius_m": 5}',
    '{"kind": "circle", "lat": 1, "lon": 0, "radius_m": -5}',
    '{"kind": "circle", "lat": "1", "lon": 0, "radius_m": 5}',
    '{"kind": "circle", "lat": NaN, "lon": 0, "radius_m": 5}',
    '{"kind": "rectangle", "south": 2, "west": 0, "north": 1, "east": 1}',
])
def test_an_area_from_the_page_is_checked(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_area(raw)


def test_a_view_from_the_page_is_checked_and_clipped_to_the_world() -> None:
    assert parse_view('{"zoom":12.2,"south":38.5,"west":-121.6,"north":38.7,"east":-121.3}') \
        == (12, (38.5, -121.6, 38.7, -121.3))
    # Zoomed out past the antimeridian and the poles: clipped; wrapping the world: everywhere.
    assert parse_view('{"zoom":1,"south":-95,"west":-300,"north":95,"east":300}') \
        == (1, (-90.0, -180.0, 90.0, 180.0))
    assert parse_view('{"zoom":3,"south":10,"west":200,"north":20,"east":300}') == (3, None)
    for raw in ('{"zoom":25,"south":0,"west":0,"north":1,"east":1}',
                '{"zoom":"1; alert(1)","south":0,"west":0,"north":1,"east":1}',
                '{"zoom":5,"south":null,"west":0,"north":1,"east":1}'):
        with pytest.raises(ValueError):
            parse_view(raw)


def test_the_guard_allows_the_tile_server_and_its_subdomains_only() -> None:
    pattern = tile_origin_pattern("https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png")
    assert pattern is not None
    assert pattern.fullmatch("https://b.tiles.example.org:8443/3/1/2.png")
    assert not pattern.fullmatch("https://tiles.example.org.evil.net/3/1/2.png")
    assert not pattern.fullmatch("http://b.tiles.example.org:8443/3/1/2.png")
    assert tile_origin_pattern("file:///srv/tiles/{z}/{x}/{y}.png") is None


def test_reads_are_encoded_in_slices_that_join_into_valid_columns() -> None:
    count = JSON_SLICE * 2 + 7
    snapshot = grid_snapshot(count)
    script = snapshot_script(snapshot, timedelta(hours=8), fit=False)
    payload = json.loads(script.removeprefix("RticMap.loadSnapshot(").removesuffix(");"))
    columns = payload["detections"]
    assert columns["id"] == list(range(1, count + 1))
    assert columns["plate"][-1] == f"7ABC{count - 1:03d}"
    assert columns["t"][0] == int(NOW.timestamp())
    assert columns["lat"][11] == round(38.55 + 0.004, 6) and columns["dev"][0] is None
    assert payload["span_s"] == 8 * 3600 and payload["fit"] is False
    empty = snapshot_script(MapSnapshot(DetectionColumns(), 0, (), LiveCursor()), None,
                            fit=True)
    assert json.loads(empty.removeprefix("RticMap.loadSnapshot(").removesuffix(");"))[
        "detections"]["id"] == []


@pytest.mark.parametrize(("values", "field"), [
    ({"map_tile_url": "javascript:alert(1)//{z}{x}{y}"}, "map_tile_url"),
    ({"map_tile_url": "https://tiles.example.org/map.png"}, "map_tile_url"),
    ({"map_tile_url": "https://t.example.org/{z}/{x}/{y}.png?a b"}, "map_tile_url"),
    ({"map_tile_attribution": "<img src=x onerror=alert(1)>"}, "map_tile_attribution"),
    ({"map_tile_attribution": " "}, "map_tile_attribution"),
    ({"map_max_points": 10}, "map_max_points"),
    ({"map_max_points": True}, "map_max_points"),
])
def test_map_settings_are_checked(values: dict[str, object], field: str) -> None:
    with pytest.raises(SettingsError, match=field):
        Settings(**values)  # type: ignore[arg-type]
    assert Settings(map_tile_url="", map_tile_attribution="").map_tile_url == ""
    assert Settings().map_tile_url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
