"""The PSCN video wall: purpose first (F.2), donor terms applied per tile (G), live streams,
on the console and on other monitors."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication, QScreen, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.roles import Permission
from rtic_console.feeds.video_capture import StreamState
from rtic_console.services import cameras as camera_service
from rtic_console.services import viewing, viewing_requests
from rtic_console.services.cameras import CameraView
from rtic_console.services.viewing import PURPOSE_TITLES, TileGrant, ViewingPurpose
from rtic_console.services.wall_layouts import MAX_LAYOUT_NAME
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.wall.camera_list import CameraListWidget
from rtic_console.ui.wall.export_dialog import ExportDialog
from rtic_console.ui.wall.large_view import LargeViewDialog
from rtic_console.ui.wall.monitors import show_on
from rtic_console.ui.wall.playback_dialog import PlaybackDialog
from rtic_console.ui.wall.ptz_controls import PtzController, offer_ptz
from rtic_console.ui.wall.purpose_dialog import PurposeDialog
from rtic_console.ui.wall.stream_state_reporter import StreamStateReporter
from rtic_console.ui.wall.tile_grid import TileGrid
from rtic_console.ui.wall.wall_layout_keeper import WallLayoutKeeper
from rtic_console.ui.wall.wall_tiles import WallTiles, make_worker, tile_camera
from rtic_console.ui.wall.wall_windows import (
    DetachedWallWindow,
    MonitorWallWindow,
    fill_layouts,
    grid_combo,
    show_grid,
)
from rtic_console.ui.widgets import MessageLine, describe_error, plain_label

PAINT_INTERVAL_MS = 40  # 25 Hz: above the streams' 15 fps, so no frame waits long
REPORT_INTERVAL_MS = 1000  # how often the workers' states are looked at (reports are rarer)
CONSOLE_WALL = "the console's wall"


class VideoWallWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.purpose: str | None = None
        self.reference = ""
        self.large_views: list[LargeViewDialog] = []
        self.ptz_controllers: dict[int, PtzController] = {}  # kept for the idle return home
        self.detached: DetachedWallWindow | None = None
        self.message = MessageLine()
        self.console_wall = WallTiles(self, session, CONSOLE_WALL, parent=self)
        self.monitor_walls: list[MonitorWallWindow] = []  # walls on other monitors

        self.camera_list = CameraListWidget()
        self.camera_list.camera_activated.connect(self.open_camera)
        self.purpose_label = plain_label("No purpose stated: cameras stay closed (F.2).")
        self.purpose_label.setObjectName("wallPurpose")
        self.purpose_label.setWordWrap(True)  # wraps rather than widen the bar past the screen
        self.purpose_button = QPushButton("State purpose…")
        self.purpose_button.clicked.connect(self.ask_purpose)
        self.commander_button = QPushButton("Ask a commander…")
        self.commander_button.setToolTip(
            "Viewing for a purpose outside those of F.2 needs a division commander's approval "
            "(F.2.e): ask here, then state the purpose with the reference you get (VR-…).")
        self.commander_button.clicked.connect(self._on_commander_clicked)
        self.grid_combo = grid_combo(3)
        self.grid_combo.currentIndexChanged.connect(
            lambda _i: self.resize_wall(self.console_wall, self.grid_combo.currentData()))
        self.layouts = QComboBox()
        self.layouts.setMinimumContentsLength(14)
        self.layouts.activated.connect(self._on_layout_chosen)
        self.save_button = QPushButton("Save layout…")
        self.save_button.setToolTip("Saves every wall open now, each with its monitor")
        self.save_button.clicked.connect(self._on_save_layout_clicked)
        self.new_wall_button = QToolButton()
        self.new_wall_button.setText("New wall on…")
        self.new_wall_button.setToolTip("A wall of its own, full screen on another monitor")
        self.new_wall_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_wall_menu = QMenu(self.new_wall_button)
        self.new_wall_menu.aboutToShow.connect(self._fill_new_wall_menu)
        self.new_wall_button.setMenu(self.new_wall_menu)
        self.detach_button = QPushButton("Detach wall")
        self.detach_button.clicked.connect(self.toggle_detached)
        self.full_screen_button = QPushButton("Full screen")
        self.full_screen_button.setToolTip("The wall alone on this screen (F11 or Esc to leave)")
        self.full_screen_button.clicked.connect(self.show_full_screen)
        self.export_button = QPushButton("Export evidence…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.export_button.setVisible(session.may(Permission.EXPORT_EVIDENCE))

        self._connect_tiles(self.console_wall)
        self.grid_holder = QWidget()
        self._holder_layout = QVBoxLayout(self.grid_holder)
        self._holder_layout.setContentsMargins(0, 0, 0, 0)
        self._holder_layout.addWidget(self.grid)

        # Two rows: the purpose with its buttons, then the walls' controls. One row was
        # wider than the room a 1440-pixel window leaves beside the navigation.
        purpose_bar = QHBoxLayout()
        purpose_bar.addWidget(self.purpose_label, 1)
        purpose_bar.addWidget(self.purpose_button)
        purpose_bar.addWidget(self.commander_button)
        bar = QHBoxLayout()
        for widget in (QLabel("Layout"), self.grid_combo, self.layouts, self.save_button,
                       self.export_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.new_wall_button, self.detach_button, self.full_screen_button):
            bar.addWidget(widget)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(purpose_bar)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.grid_holder, 1)
        right_layout.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.camera_list)
        splitter.addWidget(right)
        splitter.setSizes([260, 1100])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._paint_timer = QTimer(self)
        self._paint_timer.setInterval(PAINT_INTERVAL_MS)
        self._paint_timer.timeout.connect(self._on_paint_timer_timeout)
        self._paint_timer.start()
        # What the workers see becomes the cameras' one state on every screen (throttled).
        self.stream_reporter = StreamStateReporter(session, self)
        self._report_timer = QTimer(self)
        self._report_timer.setInterval(REPORT_INTERVAL_MS)
        self._report_timer.timeout.connect(self._on_report_timer_timeout)
        self._report_timer.start()
        self._asked = False
        self.keeper = WallLayoutKeeper(self, session)
        session.changes.changed.connect(self._on_change)
        self.refresh_cameras()
        self.keeper.load()

    # -- the console's wall, as one wall alone was known before -------------------------------
    @property
    def grid(self) -> TileGrid:
        return self.console_wall.grid

    @property
    def grants(self) -> dict[int, TileGrant]:
        return self.console_wall.grants

    @property
    def set_aside(self) -> dict[int, int]:
        return self.console_wall.set_aside

    @property
    def walls(self) -> list[WallTiles]:
        """The console's wall first, then the walls on other monitors in the order opened."""
        return [self.console_wall, *(w.tiles for w in self.monitor_walls)]

    def _connect_tiles(self, wall: WallTiles) -> None:
        wall.grid.camera_dropped.connect(lambda i, d: self.place_camera(i, d, wall))
        wall.grid.tile_double_clicked.connect(lambda i: self.open_large_view(wall, i))

    @Slot()
    def _on_paint_timer_timeout(self) -> None:
        for wall in self.walls:
            wall.grid.poll()

    @Slot()
    def _on_report_timer_timeout(self) -> None:
        """A camera shown twice (a tile and its large view) is live if either stream is."""
        states: dict[int, StreamState] = {}
        tiles = [t for wall in self.walls for t in wall.grid.tiles]
        for tile in (*tiles, *(view.tile for view in self.large_views)):
            if tile.camera is not None and tile.worker is not None:
                state = tile.worker.status.state
                if states.get(tile.camera.device_id) is not StreamState.LIVE:
                    states[tile.camera.device_id] = state
        self.stream_reporter.observe(states.items())

    # -- purpose (F.2) ---------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._asked and self.purpose is None:
            self._asked = True
            QTimer.singleShot(0, self.ask_purpose)

    @Slot()
    def ask_purpose(self) -> None:
        dialog = PurposeDialog(self)
        if self.purpose:
            dialog.choose(ViewingPurpose(self.purpose), self.reference)
        if dialog.exec():
            self.set_purpose(dialog.purpose(), dialog.reference.text())

    @Slot()
    def _on_commander_clicked(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self, "Ask a division commander (F.2.e)",
            "Which cameras, when, and why none of the F.2 purposes fits:")
        if ok:
            self.ask_commander(text)

    def ask_commander(self, description: str) -> None:
        """F.2.e: the request goes to every division commander's inbox."""
        self._session.perform(
            viewing_requests.request_viewing, description, owner=self,
            on_done=lambda v: self.message.show_ok(
                f"Asked as {v.reference}. Once a division commander approves it, state the "
                f"purpose 'request approved by a division commander' with {v.reference}."),
            on_error=lambda e: self.message.show_error(describe_error(e)))

    def set_purpose(self, purpose: str | None, reference: str = "") -> None:
        """Taken once it holds: a commander-approved request is asked of the service first
        (F.2.e), and one refused leaves the purpose as it was, saying why."""
        try:
            chosen = viewing.purpose_of(purpose, reference)
        except Exception as exc:
            self.message.show_error(describe_error(exc))
            return
        if chosen is ViewingPurpose.COMMANDER_APPROVED_REQUEST:
            self._session.query(viewing.check_purpose, chosen.value, reference, owner=self,
                                on_done=lambda _p: self._take_purpose(chosen, reference),
                                on_error=lambda e: self.message.show_error(describe_error(e)))
            return
        self._take_purpose(chosen, reference)

    def _take_purpose(self, chosen: ViewingPurpose, reference: str) -> None:
        self.purpose, self.reference = chosen.value, reference.strip()
        ref = f" · ref {self.reference}" if self.reference else ""
        self.purpose_label.setText(f"Purpose: {PURPOSE_TITLES[chosen]}{ref}")
        self.message.clear_message()
        if self.keeper.saved and all(t.camera is None for w in self.walls for t in w.grid.tiles):
            self.keeper.choose(self.keeper.saved[0])  # the person's saved walls

    # -- cameras on tiles ----------------------------------------------------------------
    def refresh_cameras(self) -> None:
        self._session.query(camera_service.list_cameras, owner=self,
                            on_done=self._on_cameras_loaded,
                            on_error=lambda e: self.message.show_error(describe_error(e)),
                            key="wall.cameras")

    def _on_cameras_loaded(self, views: list[CameraView]) -> None:
        """A camera on a tile whose category or stream changed is asked for again: an
        agency camera made a donor camera must not stay live."""
        self.camera_list.set_cameras(views)
        by_id = {v.id: v for v in views}

        def changed(g: TileGrant) -> bool:
            v = by_id.get(g.camera.id)
            return v is None or (v.category, v.display_url, v.substream_display_url,
                                 v.in_service, v.stream_transport) \
                != (g.camera.category, g.camera.display_url, g.camera.substream_display_url,
                    g.camera.in_service, g.camera.stream_transport)

        for wall in self.walls:
            wall.recheck_where(changed, "The camera was changed: checking it again…")

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        """Donor terms take effect at once on every open tile of every wall in every console
        (G.2, G.3): the tiles of the cameras named go dark now, then are asked for again."""
        if change.kind in (Change.CAMERA, Change.RESYNC):
            self.refresh_cameras()  # new cameras and their status, from any workstation
        if change.kind is Change.DONOR_TERMS:
            def affected(g: TileGrant) -> bool:
                return g.camera.id in change.ids
        elif change.kind in (Change.WORKSTATION, Change.RESYNC):
            def affected(g: TileGrant) -> bool:
                return g.camera.is_donor
        else:
            return
        for wall in self.walls:
            wall.recheck_where(affected, "Donor terms changed: checking the agreement again…")

    def close_large_views(self, camera_id: int) -> None:
        for dialog in [d for d in self.large_views if d.camera_id == camera_id]:
            dialog.close()

    def where(self, device_id: int) -> tuple[WallTiles, int] | None:
        """The wall and tile that show (or have asked for) the camera, if any."""
        return next(((wall, index) for wall in self.walls
                     if (index := wall.tile_of(device_id)) is not None), None)

    def is_shown(self, device_id: int) -> bool:
        return self.where(device_id) is not None

    def code(self, device_id: int) -> str:
        camera = self.camera_list.cameras.get(device_id)
        return camera.code if camera is not None else f"Camera #{device_id}"

    @Slot(int)
    def open_camera(self, device_id: int) -> None:
        """Put a camera on the first empty tile (the console's wall's, then the other walls'
        in turn), purpose first; a camera already on a wall is not added twice."""
        if self.purpose is None:
            self._asked = True
            self.ask_purpose()
        shown = self.where(device_id)
        if shown is not None:
            wall, index = shown
            self.message.show_ok(f"{self.code(device_id)} is already on {wall.title} "
                                 f"(tile {index + 1}).")
            return
        empty = next(((w, i) for w in self.walls if (i := w.first_empty()) is not None),
                     (self.console_wall, 0))
        empty[0].assign(empty[1], device_id)

    def place_camera(self, index: int, device_id: int, wall: WallTiles | None = None) -> None:
        """A camera dropped on a tile (of the console's wall unless `wall` says): one already
        on another tile, of this wall or another, moves there (never on two tiles)."""
        wall = wall or self.console_wall
        shown = self.where(device_id)
        if shown == (wall, index):
            return
        if shown is not None:
            shown[0].clear_tile(shown[1])
        wall.assign(index, device_id)

    def assign(self, index: int, device_id: int) -> None:
        """The console's wall's tile asks the service for the camera (audited, F.2)."""
        self.console_wall.assign(index, device_id)

    def _on_tile_double_clicked(self, index: int) -> None:
        self.open_large_view(self.console_wall, index)

    def open_large_view(self, wall: WallTiles, index: int) -> None:
        grant = wall.grants.get(index)
        if grant is None or not grant.allowed or grant.streams is None:
            return
        dialog = LargeViewDialog(tile_camera(grant, main_stream=True), grant,
                                 make_worker, self)
        self.large_views.append(dialog)
        dialog.destroyed.connect(lambda: self._forget_large_view(dialog))
        if not grant.camera.is_donor:  # donor video is never recorded, so never replayed (G.1)
            dialog.playback_requested.connect(lambda: self._open_playback(grant.camera))
        else:
            dialog.playback_button.hide()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        if wall is not self.console_wall:  # on the wall's monitor, not the console's
            frame = dialog.frameGeometry()
            frame.moveCenter(wall.grid.window().geometry().center())
            dialog.move(frame.topLeft())
        offer_ptz(self._session, dialog, grant.camera.id, self.ptz_controllers,
                  lambda: (self.purpose, self.reference), self)

    def _forget_large_view(self, dialog: LargeViewDialog) -> None:
        if dialog in self.large_views:
            self.large_views.remove(dialog)

    def _open_playback(self, camera: CameraView) -> None:
        dialog = PlaybackDialog(self._session, camera, purpose=self.purpose,
                                reference=self.reference, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    @Slot()
    def _on_export_clicked(self) -> None:
        dialog = ExportDialog(self._session, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # -- grid sizes and layouts ----------------------------------------------------------------
    def resize_wall(self, wall: WallTiles, n: int) -> None:
        """A smaller grid sets the cameras it leaves out aside; a larger one brings them back."""
        left_out = wall.set_grid(n)
        if left_out:
            codes = ", ".join(self.code(d) for d in left_out.values())
            self.message.show_ok(f"Set aside from {wall.title}: {codes}. They come back when "
                                 "it is large enough again.")

    def show_grid_size(self, wall: WallTiles) -> None:
        """The wall's grid combo says the size a layout gave it."""
        window = next((w for w in self.monitor_walls if w.tiles is wall), None)
        show_grid(self.grid_combo if window is None else window.grid_combo, wall.grid.grid)

    @Slot(int)
    def _on_layout_chosen(self, index: int) -> None:
        layout = self.layouts.itemData(index)
        if layout is not None:
            self.keeper.choose(layout)

    @Slot()
    def _on_save_layout_clicked(self) -> None:
        """The name is asked again, as typed, until it fits or the person cancels: a name
        refused must not lose what was typed, nor an empty one do nothing silently."""
        name, why = "", ""
        while True:
            name, ok = QInputDialog.getText(
                self, "Save layout", f"{why}Layout name (1 to {MAX_LAYOUT_NAME} characters)",
                text=name)
            if not ok:
                return
            cleaned = " ".join(name.split())
            if 0 < len(cleaned) <= MAX_LAYOUT_NAME:
                self.keeper.save(cleaned)
                return
            why = (f"That name has {len(cleaned)} characters. " if cleaned
                   else "A layout needs a name. ")

    # -- walls on other monitors -----------------------------------------------------------------
    def console_screen(self) -> QScreen | None:
        return self.window().screen()

    @Slot()
    def _fill_new_wall_menu(self) -> None:
        """The monitors other than the console's, each with the wall it has, if any."""
        self.new_wall_menu.clear()
        taken = {w.screen().name() for w in self.monitor_walls}
        others = [s for s in QGuiApplication.screens() if s is not self.console_screen()]
        for screen in others:
            g = screen.geometry()
            action = self.new_wall_menu.addAction(
                f"{screen.name()} ({g.width()}×{g.height()})"
                + (" · has a wall" if screen.name() in taken else ""))
            action.triggered.connect(lambda _c=False, s=screen: self.open_wall_on(s))
        if not others:
            self.new_wall_menu.addAction("No other monitor is connected").setEnabled(False)
        self.new_wall_menu.addSeparator()
        self.new_wall_menu.addAction("A window on this monitor").triggered.connect(
            lambda: self.open_wall_on(None))

    def open_wall_on(self, screen: QScreen | None, grid: int = 3) -> MonitorWallWindow:
        """A wall of its own, full screen on `screen`; with none, a window on the console's
        monitor (as a wall whose monitor is not connected opens)."""
        used = {w.tiles.title for w in self.monitor_walls}
        title = next(t for n in range(2, 99) if (t := f"wall {n}") not in used)
        tiles = WallTiles(self, self._session, title, grid, parent=self)
        self._connect_tiles(tiles)
        name = screen.name() if screen is not None else "the console's monitor"
        window = MonitorWallWindow(tiles, name, self.window())
        fill_layouts(window.layouts, self.keeper.saved)
        window.grid_chosen.connect(lambda n: self.resize_wall(tiles, n))
        window.layout_chosen.connect(lambda saved: self.keeper.put_on(tiles, saved))
        window.closed.connect(lambda: self._on_monitor_wall_closed(window))
        self.monitor_walls.append(window)
        show_on(window, screen)
        return window

    def _on_monitor_wall_closed(self, window: MonitorWallWindow) -> None:
        """Its streams end (the large views of its cameras close with them); stalled ones
        are joined with the console's at sign-out."""
        if window not in self.monitor_walls:
            return
        self.monitor_walls.remove(window)
        for grant in window.tiles.grants.values():
            self.close_large_views(grant.camera.id)
        for worker in window.tiles.stop():
            worker.request_stop()
            self.grid.retire(worker)
        window.tiles.deleteLater()
        window.deleteLater()

    def close_monitor_walls(self) -> None:
        for window in list(self.monitor_walls):
            window.close()

    # -- the console's wall detached -------------------------------------------------------------
    @Slot()
    def show_full_screen(self) -> None:
        """The wall alone, full screen, in its own window (F11 or Esc returns it)."""
        self.detach_to(self.console_screen())

    def detach_to(self, screen: QScreen | None) -> None:
        """The console's wall full screen on `screen`, in its own window."""
        if self.detached is None:
            self.toggle_detached()
        assert self.detached is not None
        show_on(self.detached, screen)

    @Slot()
    def toggle_detached(self) -> None:
        if self.detached is None:
            window = DetachedWallWindow(self)
            window.setCentralWidget(self.grid)
            window.resize(1280, 760)
            window.show()
            self.detached = window
            self.detach_button.setText("Bring wall back")
        else:
            window, self.detached = self.detached, None
            self._holder_layout.addWidget(self.grid)
            self.grid.show()
            window.hide()
            window.deleteLater()
            self.detach_button.setText("Detach wall")

    def shutdown(self) -> list[threading.Thread]:
        """Every wall's streams asked to stop, every wall's window closed; those still
        ending (a stalled read) are returned."""
        self._paint_timer.stop()
        self._report_timer.stop()
        for controller in self.ptz_controllers.values():
            controller.stop()
        views = list(self.large_views)
        also = [worker for view in views if (worker := view.release()) is not None]
        for view in views:
            view.close()
        for window in list(self.monitor_walls):
            self.monitor_walls.remove(window)
            also += window.tiles.stop()
            window.close()
            window.deleteLater()
        if self.detached is not None:
            self.toggle_detached()
        also += self.console_wall.stop()
        return list(self.grid.shutdown(also=also))
