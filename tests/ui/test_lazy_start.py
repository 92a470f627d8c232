"""A start of the console loads no area's heavy libraries: the map's web engine, the charts,
the video stack, the ONVIF client and the ingest web server load when their area (or
command) is first used (issue 18: launch to a signed-in window ≤ 2 s)."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import import_module

from PySide6.QtWidgets import QWidget

from rtic_console.ui.work_areas import WORK_AREAS

HEAVY = ("PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "pyqtgraph", "folium", "av",
         "cv2", "numpy", "zeep", "aiohttp")


def test_the_console_starts_without_the_areas_libraries() -> None:
    code = ("import sys\n"
            "import rtic_console.app, rtic_console.cli.main, rtic_console.ui.main_window\n"
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.stdout.split() == []


def test_every_area_names_a_screen_that_exists() -> None:
    for area in WORK_AREAS:
        module, name = area.screen.split(":")
        screen = getattr(import_module(f"rtic_console.ui.{module}"), name)
        assert issubclass(screen, QWidget), area.key
