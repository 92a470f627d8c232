"""The map page: rendered once by folium into a file, Leaflet and its plugins from local files."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import folium
from folium.elements import JSCSSMixin
from folium.template import Template
from PySide6 import QtWebChannel  # noqa: F401  registers the qrc file copied below
from PySide6.QtCore import QFile, QIODevice

from rtic_console.paths import RESOURCES_DIR

MAP_DIR = RESOURCES_DIR / "map"
NODE_MODULES = MAP_DIR / "node_modules"
# Installed by the set-up step (`npm ci --prefix resources/map`); never fetched at run time.
LIBRARY_JS = (
    ("leaflet", "leaflet/dist/leaflet.js"),
    ("supercluster", "supercluster/dist/supercluster.min.js"),
    ("geoman", "@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js"),
)
LIBRARY_CSS = (
    ("leaflet_css", "leaflet/dist/leaflet.css"),
    ("geoman_css", "@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css"),
)
QWEBCHANNEL_QRC = ":/qtwebchannel/qwebchannel.js"
PAGE_NAME = "map.html"


class MapLibrariesMissing(RuntimeError):
    """The set-up step has not installed the map's JavaScript libraries."""


class ConsoleLayers(JSCSSMixin):
    """Hands folium's map to our script (resources/map/rtic_map.js) once it exists."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "RticMap.start({{ this._parent.get_name() }});"
        "{% endmacro %}")

    def __init__(self, js: list[tuple[str, str]], css: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "ConsoleLayers"
        # Instance lists: folium's add_js_link would change the class's shared list.
        self.default_js = js
        self.default_css = css


def _uri(relative: str, base: Path = NODE_MODULES) -> str:
    path = base / relative
    if not path.is_file():
        raise MapLibrariesMissing(
            f"The map's libraries are not installed ({relative} is missing). Run the set-up "
            "step again (make, or: npm ci --prefix resources/map).")
    return path.as_uri()


def _copy_qwebchannel(folder: Path) -> Path:
    """Qt ships qwebchannel.js as a resource; a file beside the page keeps it all file://."""
    source = QFile(QWEBCHANNEL_QRC)
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        raise MapLibrariesMissing("Qt's qwebchannel.js is missing from this PySide6 install")
    try:
        target = folder / "qwebchannel.js"
        target.write_bytes(bytes(source.readAll().data()))
    finally:
        source.close()
    return target


def render_page(folder: Path, tile_url: str, attribution: str) -> Path:
    """Writes the page into folder and returns its path; nothing in it is fetched from a CDN."""
    leaflet_js, *plugin_js = [(name, _uri(path)) for name, path in LIBRARY_JS]
    leaflet_css, *plugin_css = [(name, _uri(path)) for name, path in LIBRARY_CSS]
    channel = _copy_qwebchannel(folder).as_uri()
    figure = folium.Map(location=(20.0, 0.0), zoom_start=2, tiles=None, prefer_canvas=True,
                        control_scale=True)
    # Replaces folium's default CDN links (jQuery, Bootstrap, awesome-markers) entirely.
    figure.default_js = [leaflet_js]
    figure.default_css = [leaflet_css]
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=attribution, name="base", max_zoom=19,
                         max_native_zoom=19).add_to(figure)
    ConsoleLayers(
        [*plugin_js, ("qwebchannel", channel), ("rtic_map", _uri("rtic_map.js", MAP_DIR))],
        [*plugin_css, ("rtic_map_css", _uri("rtic_map.css", MAP_DIR))]).add_to(figure)
    path = folder / PAGE_NAME
    figure.save(str(path))
    return path


@functools.cache
def _run_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="rtic-map-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@functools.cache
def page_for(tile_url: str, attribution: str) -> Path:
    """Rendered once per run and tile setting, in a folder removed when the console exits."""
    return render_page(Path(tempfile.mkdtemp(prefix="page-", dir=_run_folder())), tile_url,
                       attribution)
