"""The windows a wall is shown in away from the console: the console's own wall detached (or
full screen), and a wall of its own on another monitor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.services.wall_layouts import LayoutView
from rtic_console.ui.wall.large_view import toggle_full_screen_keys
from rtic_console.ui.wall.tile_grid import GRID_SIZES
from rtic_console.ui.wall.wall_tiles import WallTiles

if TYPE_CHECKING:
    from rtic_console.ui.wall.video_wall_widget import VideoWallWidget


def grid_combo(size: int) -> QComboBox:
    """A wall's grid sizes, `size` chosen."""
    combo = QComboBox()
    for n in GRID_SIZES:
        combo.addItem(f"{n}×{n}", n)
    show_grid(combo, size)
    return combo


def show_grid(combo: QComboBox, size: int) -> None:
    """The combo says the grid a layout gave the wall, without resizing it again."""
    with QSignalBlocker(combo):
        combo.setCurrentIndex(GRID_SIZES.index(size))


def fill_layouts(combo: QComboBox, layouts: list[LayoutView]) -> None:
    """A wall's "Saved layouts…" choice, each layout with its grid and how many walls."""
    combo.clear()
    combo.addItem("Saved layouts…", None)
    for layout in layouts:
        walls = f" · {len(layout.walls)} walls" if len(layout.walls) > 1 else ""
        combo.addItem(f"{layout.name} ({layout.grid}×{layout.grid}{walls})", layout)


class DetachedWallWindow(QMainWindow):
    """The console's wall on a second monitor; closing it brings the tiles back to the
    console. F11 turns full screen on and off; Esc leaves it."""

    def __init__(self, wall: VideoWallWidget) -> None:
        super().__init__(wall.window())
        self._wall = wall
        self.setWindowTitle("RTIC video wall")
        toggle_full_screen_keys(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._wall.detached is self:
            self._wall.toggle_detached()
        super().closeEvent(event)


class MonitorWallWindow(QMainWindow):
    """A wall of its own on another monitor: its own grid size and layout, the purpose and
    the camera list shared with the console. Closing it ends its streams."""

    grid_chosen = Signal(int)
    layout_chosen = Signal(object)  # a LayoutView: its first wall put on this one
    closed = Signal()

    def __init__(self, tiles: WallTiles, monitor_name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.tiles = tiles
        self.setWindowTitle(f"RTIC video {tiles.title} · {monitor_name}")
        self.grid_combo = grid_combo(tiles.grid.grid)
        self.grid_combo.currentIndexChanged.connect(
            lambda _i: self.grid_chosen.emit(self.grid_combo.currentData()))
        self.layouts = QComboBox()
        self.layouts.setMinimumContentsLength(14)
        self.layouts.activated.connect(self._on_layouts_activated)
        close_button = QPushButton("Close wall")
        close_button.setToolTip("Ends this wall's streams; the console's wall stays")
        close_button.clicked.connect(self.close)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(f"{tiles.title.capitalize()} · {monitor_name}"), 1)
        bar.addWidget(QLabel("Layout"))
        bar.addWidget(self.grid_combo)
        bar.addWidget(self.layouts)
        bar.addWidget(close_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(tiles.grid, 1)
        self.setCentralWidget(central)
        toggle_full_screen_keys(self)

    @Slot(int)
    def _on_layouts_activated(self, index: int) -> None:
        saved = self.layouts.itemData(index)
        if isinstance(saved, LayoutView):
            self.layout_chosen.emit(saved)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
