"""What the console remembers per person at a workstation: their theme and text size, and,
per monitor, the area they were in and the size of the window and its panes.

Everything is keyed by badge (and by screen for the layout), so the next person to sign in
at the same workstation opens where their own role works, never in the previous person's
area (the wall's purpose dialog of someone else's shift).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QScreen

from rtic_console.ui.theme import Theme, clamp_text_pt, parse_theme
from rtic_console.ui.workstation_settings import workstation_settings


def _key_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", text) or "_"


def screen_key(screen: QScreen | None) -> str:
    """A monitor by its name and place on the desktop: the same layout on the same monitor."""
    if screen is None:
        return "none"
    g = screen.geometry()
    return _key_part(f"{screen.name()}-{g.width()}x{g.height()}+{g.x()}+{g.y()}")


@dataclass
class SavedLayout:
    area: str | None = None
    geometry: QByteArray | None = None
    state: QByteArray | None = None
    splitters: dict[str, list[QByteArray]] = field(default_factory=dict)  # by area
    navigation: bool = True  # the list of areas shown (hidden on a narrow monitor)


class PersonSettings:
    """One person's remembered choices at this workstation."""

    def __init__(self, badge: str, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else workstation_settings()
        self._group = f"people/{_key_part(badge)}"

    @property
    def theme(self) -> Theme:
        return parse_theme(self._settings.value(f"{self._group}/theme"))

    @theme.setter
    def theme(self, theme: Theme) -> None:
        self._write(f"{self._group}/theme", theme.value)

    @property
    def text_pt(self) -> int:
        value = self._settings.value(f"{self._group}/textSize")
        return clamp_text_pt(value if value is not None else "")

    @text_pt.setter
    def text_pt(self, size: int) -> None:
        self._write(f"{self._group}/textSize", clamp_text_pt(size))

    def last_screen(self, screens: list[QScreen]) -> QScreen | None:
        """The monitor the person last worked on, if it is still connected."""
        last = self._settings.value(f"{self._group}/lastScreen")
        return next((s for s in screens if screen_key(s) == last), None)

    def load_layout(self, screen: QScreen | None) -> SavedLayout:
        s = self._settings
        s.beginGroup(f"{self._group}/screens/{screen_key(screen)}")
        try:
            area = s.value("area")
            layout = SavedLayout(area if isinstance(area, str) else None,
                                 _bytes(s.value("geometry")), _bytes(s.value("state")),
                                 navigation=s.value("navigation", "true") != "false")
            s.beginGroup("splitters")
            for area_key in s.childGroups():
                s.beginGroup(area_key)
                states = [_bytes(s.value(k)) for k in sorted(s.childKeys(), key=int)]
                layout.splitters[area_key] = [b for b in states if b is not None]
                s.endGroup()
            s.endGroup()
        finally:
            s.endGroup()
        return layout

    def save_layout(self, screen: QScreen | None, layout: SavedLayout) -> None:
        s = self._settings
        s.beginGroup(f"{self._group}/screens/{screen_key(screen)}")
        if layout.area:
            s.setValue("area", layout.area)
        s.setValue("navigation", "true" if layout.navigation else "false")
        for name, value in (("geometry", layout.geometry), ("state", layout.state)):
            if value is not None:
                s.setValue(name, value)
        for area_key, states in layout.splitters.items():
            s.remove(f"splitters/{area_key}")
            for i, state in enumerate(states):
                s.setValue(f"splitters/{area_key}/{i}", state)
        s.endGroup()
        s.setValue(f"{self._group}/lastScreen", screen_key(screen))
        # The layout once kept per workstation: the next person must not open into it.
        s.remove("mainWindow")
        s.sync()

    def _write(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)
        self._settings.sync()


def _bytes(value: object) -> QByteArray | None:
    if isinstance(value, QByteArray):
        return value
    if isinstance(value, bytes | bytearray):
        return QByteArray(bytes(value))
    return None
