"""The person's saved wall layouts on the wall: saved with every wall open and its monitor,
and chosen again, each wall on its monitor (or on the console's when that one is gone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from rtic_console.services import wall_layouts
from rtic_console.services.wall_layouts import LayoutView, WallSpec
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.wall.monitors import monitor_of, screen_for
from rtic_console.ui.wall.wall_tiles import WallTiles
from rtic_console.ui.wall.wall_windows import fill_layouts
from rtic_console.ui.widgets import describe_error

if TYPE_CHECKING:
    from rtic_console.ui.wall.video_wall_widget import VideoWallWidget


class WallLayoutKeeper(QObject):
    def __init__(self, wall: VideoWallWidget, session: ConsoleSession) -> None:
        super().__init__(wall)
        self._wall, self._session = wall, session
        self.saved: list[LayoutView] = []

    def load(self) -> None:
        self._session.query(wall_layouts.list_layouts, owner=self, on_done=self._fill,
                            on_error=lambda e: self._wall.message.show_error(describe_error(e)),
                            key="wall.layouts")

    def _fill(self, layouts: list[LayoutView]) -> None:
        self.saved = layouts
        for combo in (self._wall.layouts, *(w.layouts for w in self._wall.monitor_walls)):
            fill_layouts(combo, layouts)

    def save(self, name: str) -> None:
        """Every wall open now, each with its grid, cameras and the monitor it is on."""
        host = self._wall
        first, *more = [WallSpec(w.grid.grid, tuple(w.codes()), self._monitor(w))
                        for w in host.walls]
        host_message = host.message
        self._session.perform(
            wall_layouts.save_layout, name, first.grid, first.tiles, first.monitor, more,
            owner=self,
            on_done=lambda v: (host_message.show_ok(f"Saved {v.name}: {_walls(v)}."),
                               self.load()),
            on_error=lambda e: host_message.show_error(describe_error(e)))

    @staticmethod
    def _monitor(wall: WallTiles) -> wall_layouts.Monitor | None:
        screen = wall.grid.window().screen()
        return monitor_of(screen) if screen is not None else None

    def choose(self, layout: LayoutView) -> None:
        """The walls of the layout, each camera once: the console's wall where it was (in
        the console, or full screen on its monitor), the others opened anew on theirs."""
        host = self._wall
        host.close_monitor_walls()
        first, *more = layout.walls
        console = host.console_screen()
        gone: list[str] = []
        screen = screen_for(first.monitor) if first.monitor else console
        if screen is None and first.monitor is not None:
            gone.append(f"{first.monitor.name} ({host.console_wall.title} stays in the console)")
        elif screen is not None and screen is not console:
            host.detach_to(screen)
        placed: set[str] = set()
        self._put(host.console_wall, first, placed)
        for spec in more:
            screen = screen_for(spec.monitor) if spec.monitor else None
            window = host.open_wall_on(None if screen is console else screen, spec.grid)
            if screen is None and spec.monitor is not None:
                gone.append(f"{spec.monitor.name} ({window.tiles.title} opened in a window "
                            "on this monitor)")
            self._put(window.tiles, spec, placed)
        if gone:
            host.message.show_error("Not connected now: " + "; ".join(gone) + ".")

    def put_on(self, wall: WallTiles, layout: LayoutView) -> None:
        """A layout's first wall on one wall alone; cameras on other walls stay there."""
        host = self._wall
        placed = {host.code(d) for w in host.walls if w is not wall
                  for i in range(len(w.grid.tiles)) if (d := w.shown(i)) is not None}
        kept = [c for c in layout.tiles if c in placed]
        self._put(wall, layout.walls[0], placed)
        if kept:
            host.message.show_ok(f"Already on another wall, so left there: {', '.join(kept)}.")

    def _put(self, wall: WallTiles, spec: WallSpec, placed: set[str]) -> None:
        """The spec's cameras on the wall's tiles, skipping those in `placed` (then added)."""
        by_code = {c.code: c.id for c in self._wall.camera_list.cameras.values()}
        devices: list[int | None] = []
        for code in spec.tiles[:spec.grid * spec.grid]:
            fresh = code is not None and code in by_code and code not in placed
            devices.append(by_code[code] if fresh and code else None)
            if fresh and code:
                placed.add(code)
        wall.apply(spec.grid, devices)
        self._wall.show_grid_size(wall)


def _walls(layout: LayoutView) -> str:
    """What a sergeant reads back: each wall and the monitor it will open on."""
    return "; ".join(f"{w.grid}×{w.grid} on {w.monitor.name if w.monitor else 'the console'}"
                     for w in layout.walls)
