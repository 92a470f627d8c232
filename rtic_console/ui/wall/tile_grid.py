"""The grid of tiles (1×1 to 4×4) and the streams running in them."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from rtic_console.feeds.video_capture import CaptureWorker
from rtic_console.ui.wall.camera_tile import CameraTile

GRID_SIZES = (1, 2, 3, 4)


class TileGrid(QWidget):
    camera_dropped = Signal(int, int)
    tile_double_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tileGrid")
        self._layout = QGridLayout(self)
        self._layout.setSpacing(3)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.tiles: list[CameraTile] = []
        self.retired: list[CaptureWorker] = []
        self.grid = 0

    def set_grid(self, n: int) -> list[int]:
        """Resize to n×n; returns the indexes of tiles that were dropped with their cameras."""
        if n not in GRID_SIZES:
            raise ValueError(f"grid must be one of {GRID_SIZES}")
        dropped = []
        while len(self.tiles) > n * n:
            tile = self.tiles.pop()
            dropped.append(tile.index)
            self.retire(tile.clear())
            tile.setParent(None)
            tile.deleteLater()
        while len(self.tiles) < n * n:
            tile = CameraTile(len(self.tiles))
            tile.camera_dropped.connect(self.camera_dropped)
            tile.double_clicked.connect(self.tile_double_clicked)
            self.tiles.append(tile)
        for i, tile in enumerate(self.tiles):
            self._layout.addWidget(tile, i // n, i % n)
        for i in range(4):
            self._layout.setRowStretch(i, 1 if i < n else 0)
            self._layout.setColumnStretch(i, 1 if i < n else 0)
        self.grid = n
        return dropped

    def retire(self, worker: CaptureWorker | None) -> None:
        """Workers asked to stop are kept until they have, then forgotten."""
        self.retired = [w for w in self.retired if w.is_alive()]
        if worker is not None:
            self.retired.append(worker)

    def poll(self) -> None:
        for tile in self.tiles:
            tile.poll()

    def release(self) -> list[CaptureWorker]:
        """Every tile cleared; their streams and those still ending, for the caller to stop
        (the walls on other monitors are stopped with the console's, in one wait)."""
        workers = [t.worker for t in self.tiles if t.worker is not None] + self.retired
        for tile in self.tiles:
            tile.clear()
        self.retired = []
        return workers

    def shutdown(self, wait_s: float = 0.5, also: Sequence[CaptureWorker] = ()
                 ) -> list[CaptureWorker]:
        """Ask every stream (and `also`'s) to stop at once and give them `wait_s` in all; a
        stalled one ends by itself within its read timeout, and the GUI does not wait for
        it: those still ending are returned."""
        workers = self.release() + list(also)
        for worker in workers:
            worker.request_stop()
        deadline = time.monotonic() + wait_s
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        self.retired = [w for w in workers if w.is_alive()]
        return list(self.retired)
