"""The PSCN video wall: purpose first (F.2), donor terms applied per tile (G), live streams."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rtic_console.domain.devices import DeviceCategory
from rtic_console.domain.roles import Permission
from rtic_console.feeds.privacy_mask import PrivacyMask
from rtic_console.feeds.video_capture import CaptureWorker, StreamState
from rtic_console.services import cameras as camera_service
from rtic_console.services import viewing, viewing_requests
from rtic_console.services.cameras import CameraView
from rtic_console.services.viewing import PURPOSE_TITLES, LayoutView, TileGrant, ViewingPurpose
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.wall.camera_list import CameraListWidget
from rtic_console.ui.wall.camera_tile import TileCamera
from rtic_console.ui.wall.export_dialog import ExportDialog
from rtic_console.ui.wall.large_view import LargeViewDialog, toggle_full_screen_keys
from rtic_console.ui.wall.playback_dialog import PlaybackDialog
from rtic_console.ui.wall.ptz_controls import PtzController, offer_ptz
from rtic_console.ui.wall.purpose_dialog import PurposeDialog
from rtic_console.ui.wall.stream_state_reporter import StreamStateReporter
from rtic_console.ui.wall.tile_grid import GRID_SIZES, TileGrid
from rtic_console.ui.widgets import MessageLine, describe_error

PAINT_INTERVAL_MS = 40  # 25 Hz: above the streams' 15 fps, so no frame waits long
REPORT_INTERVAL_MS = 1000  # how often the workers' states are looked at (reports are rarer)
MAX_TIMER_MS = 6 * 3600 * 1000


def tile_camera(grant: TileGrant, main_stream: bool = False) -> TileCamera:
    """The tile's stream: the low-resolution one when there is one, the main one large."""
    streams, camera = grant.streams, grant.camera
    url = None if streams is None else streams.main if main_stream else streams.for_tile
    return TileCamera(camera.id, camera.code, camera.name, camera.category, url,
                      "" if camera.in_service else camera.status)


def make_worker(camera: TileCamera, grant: TileGrant) -> CaptureWorker:
    """The capture gets the whole URL, credentials included, only here, at connect time."""
    mask = None
    if grant.terms is not None and grant.terms.mask_polygons:
        mask = PrivacyMask(grant.terms.mask_polygons)
    assert camera.url is not None
    return CaptureWorker(camera.url.reveal(), camera_id=camera.code, transform=mask,
                         stale_after_s=3.0, open_timeout_s=5.0, read_timeout_s=5.0,
                         transport=grant.camera.stream_transport)


class VideoWallWidget(QWidget):
    def __init__(self, session: ConsoleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.purpose: str | None = None
        self.reference = ""
        self.grants: dict[int, TileGrant] = {}
        self._terms_timers: dict[int, QTimer] = {}
        self.large_views: list[LargeViewDialog] = []
        self.ptz_controllers: dict[int, PtzController] = {}  # kept for the idle return home
        self.detached: QMainWindow | None = None
        # Tile index -> (camera, request number) asked for and not yet answered: on the wall
        # already, for "not twice", though its tile shows it only once the service has
        # answered; only the latest request's answer is applied (terms may have changed).
        self._asking: dict[int, tuple[int, int]] = {}
        self._requests = itertools.count()
        # Tile index -> camera of a tile a smaller grid left out, back when the grid grows.
        self.set_aside: dict[int, int] = {}

        self.camera_list = CameraListWidget()
        self.camera_list.camera_activated.connect(self.open_camera)
        self.purpose_label = QLabel("No purpose stated: cameras stay closed (F.2).")
        self.purpose_label.setObjectName("wallPurpose")
        self.purpose_label.setWordWrap(True)  # wraps rather than widen the bar past the screen
        self.purpose_button = QPushButton("State purpose…")
        self.purpose_button.clicked.connect(self.ask_purpose)
        self.commander_button = QPushButton("Ask a commander…")
        self.commander_button.setToolTip(
            "Viewing for a purpose outside those of F.2 needs a division commander's approval "
            "(F.2.e): ask here, then state the purpose with the reference you get (VR-…).")
        self.commander_button.clicked.connect(self._on_commander_clicked)
        self.grid_combo = QComboBox()
        for n in GRID_SIZES:
            self.grid_combo.addItem(f"{n}×{n}", n)
        self.grid_combo.setCurrentIndex(2)
        self.grid_combo.currentIndexChanged.connect(self._on_grid_combo_changed)
        self.layouts = QComboBox()
        self.layouts.setMinimumContentsLength(14)
        self.layouts.activated.connect(self._on_layout_chosen)
        self.save_button = QPushButton("Save layout…")
        self.save_button.clicked.connect(self._on_save_layout_clicked)
        self.detach_button = QPushButton("Detach wall")
        self.detach_button.clicked.connect(self.toggle_detached)
        self.full_screen_button = QPushButton("Full screen")
        self.full_screen_button.setToolTip("The wall alone on this screen (F11 or Esc to leave)")
        self.full_screen_button.clicked.connect(self.show_full_screen)
        self.export_button = QPushButton("Export evidence…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.export_button.setVisible(session.may(Permission.EXPORT_EVIDENCE))
        self.message = MessageLine()

        self.grid = TileGrid()
        self.grid.set_grid(3)
        self.grid.camera_dropped.connect(self.place_camera)
        self.grid.tile_double_clicked.connect(self._on_tile_double_clicked)
        self.grid_holder = QWidget()
        self._holder_layout = QVBoxLayout(self.grid_holder)
        self._holder_layout.setContentsMargins(0, 0, 0, 0)
        self._holder_layout.addWidget(self.grid)

        bar = QHBoxLayout()
        bar.addWidget(self.purpose_label, 1)
        bar.addWidget(self.purpose_button)
        bar.addWidget(self.commander_button)
        bar.addWidget(QLabel("Layout"))
        bar.addWidget(self.grid_combo)
        bar.addWidget(self.layouts)
        bar.addWidget(self.save_button)
        bar.addWidget(self.export_button)
        bar.addWidget(self.detach_button)
        bar.addWidget(self.full_screen_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
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
        self._paint_timer.timeout.connect(self.grid.poll)
        self._paint_timer.start()
        # What the workers see becomes the cameras' one state on every screen (throttled).
        self.stream_reporter = StreamStateReporter(session, self)
        self._report_timer = QTimer(self)
        self._report_timer.setInterval(REPORT_INTERVAL_MS)
        self._report_timer.timeout.connect(self._on_report_timer_timeout)
        self._report_timer.start()
        self._asked = False
        self._saved: list[LayoutView] = []
        session.changes.changed.connect(self._on_change)
        self.refresh_cameras()
        self._load_layouts()

    @Slot()
    def _on_report_timer_timeout(self) -> None:
        """A camera shown twice (a tile and its large view) is live if either stream is."""
        states: dict[int, StreamState] = {}
        for tile in (*self.grid.tiles, *(view.tile for view in self.large_views)):
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
        try:
            chosen = viewing.purpose_of(purpose, reference)
        except Exception as exc:
            self.message.show_error(describe_error(exc))
            return
        self.purpose, self.reference = chosen.value, reference.strip()
        ref = f" · ref {self.reference}" if self.reference else ""
        self.purpose_label.setText(f"Purpose: {PURPOSE_TITLES[chosen]}{ref}")
        self.message.clear_message()
        if self._saved and all(t.camera is None for t in self.grid.tiles):
            first = self._saved[0]
            self.apply_layout(first.grid, first.tiles)  # the person's saved wall

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
        changed = {i for i, g in self.grants.items()
                   if (v := by_id.get(g.camera.id)) is None
                   or (v.category, v.display_url, v.substream_display_url, v.in_service,
                       v.stream_transport)
                   != (g.camera.category, g.camera.display_url, g.camera.substream_display_url,
                       g.camera.in_service, g.camera.stream_transport)}
        self.recheck_tiles(changed, "The camera was changed: checking it again…")

    @Slot(object)
    def _on_change(self, change: ChangeEvent) -> None:
        """Donor terms take effect at once on every open tile in every console (G.2, G.3):
        the tiles of the cameras named go dark now, then are asked for again."""
        if change.kind in (Change.CAMERA, Change.RESYNC):
            self.refresh_cameras()  # new cameras and their status, from any workstation
        if change.kind is Change.DONOR_TERMS:
            affected = {i for i, g in self.grants.items() if g.camera.id in change.ids}
        elif change.kind in (Change.WORKSTATION, Change.RESYNC):
            affected = {i for i, g in self.grants.items() if g.camera.is_donor}
        else:
            return
        self.recheck_tiles(affected, "Donor terms changed: checking the agreement again…")

    def recheck_tiles(self, indexes: set[int], why: str) -> None:
        """Darkens those tiles (and closes their large views) at once, then asks the
        service again; the new grant opens, updates the masks, or keeps them dark."""
        for index in sorted(indexes):
            grant = self.grants.get(index)
            if grant is None or index >= len(self.grid.tiles):
                continue
            tile = self.grid.tiles[index]
            if tile.camera is None or tile.camera.device_id != grant.camera.id:
                continue
            self.close_large_views(grant.camera.id)
            self.grid.retire(tile.show_dark(tile_camera(grant), why))
            self.assign(index, grant.camera.id)

    def close_large_views(self, camera_id: int) -> None:
        for dialog in [d for d in self.large_views if d.camera_id == camera_id]:
            dialog.close()

    def tile_of(self, device_id: int) -> int | None:
        """The tile that shows (or has asked for) the camera, if any."""
        return next((tile.index for tile in self.grid.tiles
                     if self._shown(tile.index) == device_id), None)

    def _shown(self, index: int) -> int | None:
        """The camera a tile shows, or the one asked for it if an answer is awaited."""
        asked = self._asking.get(index)
        camera = self.grid.tiles[index].camera
        return asked[0] if asked else camera.device_id if camera is not None else None

    @Slot(int)
    def open_camera(self, device_id: int) -> None:
        """Put a camera on the first empty tile (the camera list, the map), purpose first;
        a camera already on the wall is not added twice."""
        if self.purpose is None:
            self._asked = True
            self.ask_purpose()
        shown = self.tile_of(device_id)
        if shown is not None:
            self.message.show_ok(f"{self._code(device_id)} is already on the wall "
                                 f"(tile {shown + 1}).")
            return
        empty = next((t.index for t in self.grid.tiles
                      if t.camera is None and t.index not in self._asking), None)
        self.assign(0 if empty is None else empty, device_id)

    @Slot(int, int)
    def place_camera(self, index: int, device_id: int) -> None:
        """A camera dropped on a tile: one already on another tile moves there (a camera is
        never on the wall twice)."""
        shown = self.tile_of(device_id)
        if shown == index:
            return
        if shown is not None:
            self._clear_tile(shown)
        self.assign(index, device_id)

    def _clear_tile(self, index: int) -> None:
        self._asking.pop(index, None)
        self.grants.pop(index, None)
        timer = self._terms_timers.pop(index, None)
        if timer is not None:
            timer.stop()
        if index < len(self.grid.tiles):
            self.grid.retire(self.grid.tiles[index].clear())

    def _code(self, device_id: int) -> str:
        camera = self.camera_list.cameras.get(device_id)
        return camera.code if camera is not None else f"Camera #{device_id}"

    @Slot(int, int)
    def assign(self, index: int, device_id: int) -> None:
        """Ask the service (which audits the view with its purpose), then open or darken."""
        if self.purpose is None:
            self.message.show_error("State why you are viewing the cameras first (F.2).")
            return
        request = self._asking[index] = (device_id, next(self._requests))
        self._session.perform(viewing.open_wall, [device_id], self.purpose, self.reference,
                              owner=self, on_done=lambda grant: self._apply(index, request, grant),
                              on_error=lambda e: self._refused(index, request, e))

    def _refused(self, index: int, request: tuple[int, int], error: BaseException) -> None:
        if self._asking.get(index) == request:
            del self._asking[index]
        self.message.show_error(describe_error(error))

    def _apply(self, index: int, request: tuple[int, int], wall: viewing.WallGrant) -> None:
        if self._asking.get(index) != request:
            return  # cleared, or asked again (another camera, new terms) while it answered
        del self._asking[index]
        grant = wall.tiles[0]
        if index >= len(self.grid.tiles):
            return
        tile = self.grid.tiles[index]
        self.grants[index] = grant
        camera = tile_camera(grant)
        if grant.allowed and camera.url is not None:
            self.grid.retire(tile.show_camera(camera, lambda: make_worker(camera, grant)))
        else:
            clause = f" (GO 525.08 {grant.clause})" if grant.clause else ""
            why = grant.reason if grant.camera.has_stream or not grant.allowed else \
                "no stream address is configured for this camera"
            self.grid.retire(tile.show_dark(camera, f"{why}{clause}"))
        self._schedule_recheck(index, grant)

    def _schedule_recheck(self, index: int, grant: TileGrant) -> None:
        """At the instant the terms change, the feed goes dark by itself, then is re-asked."""
        old = self._terms_timers.pop(index, None)
        if old is not None:
            old.stop()
        if grant.until is None:
            return
        delay = (grant.until - datetime.now(UTC)).total_seconds() * 1000
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._on_terms_changed(index, grant))
        timer.start(int(min(max(delay, 0), MAX_TIMER_MS)))
        self._terms_timers[index] = timer

    def _on_terms_changed(self, index: int, grant: TileGrant) -> None:
        if grant.until is not None and datetime.now(UTC) < grant.until:
            self._schedule_recheck(index, grant)  # a long wait was capped; keep waiting
            return
        tile = self.grid.tiles[index] if index < len(self.grid.tiles) else None
        if tile is None or tile.camera is None or tile.camera.device_id != grant.camera.id:
            return
        if grant.allowed:
            self.close_large_views(grant.camera.id)
            self.grid.retire(tile.show_dark(tile_camera(grant),
                                            "Donor terms: the viewing period has ended"))
        self.assign(index, grant.camera.id)

    @Slot(int)
    def _on_tile_double_clicked(self, index: int) -> None:
        grant = self.grants.get(index)
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

    # -- layouts -------------------------------------------------------------------------
    @Slot(int)
    def _on_grid_combo_changed(self, _index: int) -> None:
        """A smaller grid sets the cameras it leaves out aside; a larger one brings them back
        to their tiles (asked for again, so audited again with the purpose of now)."""
        n = self.grid_combo.currentData()
        left_out = {tile.index: device for tile in self.grid.tiles[n * n:]
                    if (device := self._shown(tile.index)) is not None}
        for dropped in self.grid.set_grid(n):
            self._asking.pop(dropped, None)
            self.grants.pop(dropped, None)
            timer = self._terms_timers.pop(dropped, None)
            if timer is not None:
                timer.stop()
        self.set_aside.update(left_out)
        back = {i: d for i, d in self.set_aside.items() if i < n * n}
        for index, device_id in sorted(back.items()):
            del self.set_aside[index]
            if self.grid.tiles[index].camera is None and index not in self._asking \
                    and self.tile_of(device_id) is None:
                self.assign(index, device_id)
        if left_out:
            codes = ", ".join(self._code(d) for d in left_out.values())
            self.message.show_ok(f"Set aside: {codes}. They come back when the wall is "
                                 "large enough again.")

    def _load_layouts(self) -> None:
        def fill(layouts: list[LayoutView]) -> None:
            self._saved = layouts
            self.layouts.clear()
            self.layouts.addItem("Saved layouts…", None)
            for layout in layouts:
                self.layouts.addItem(f"{layout.name} ({layout.grid}×{layout.grid})", layout)

        self._session.query(viewing.list_layouts, owner=self, on_done=fill,
                            on_error=lambda e: self.message.show_error(describe_error(e)),
                            key="wall.layouts")

    @Slot(int)
    def _on_layout_chosen(self, index: int) -> None:
        layout = self.layouts.itemData(index)
        if isinstance(layout, LayoutView):
            self.apply_layout(layout.grid, layout.tiles)

    def apply_layout(self, grid: int, codes: tuple[str | None, ...]) -> None:
        """The layout's cameras on its tiles, each once; what was set aside is forgotten
        (before the grid changes, or it would bring them back, and after, since the change
        set the old wall's cameras aside)."""
        self.set_aside.clear()
        self.grid_combo.setCurrentIndex(GRID_SIZES.index(grid))
        self.set_aside.clear()
        by_code = {c.code: c.id for c in self.camera_list.cameras.values()}
        placed: set[str] = set()
        for index, code in enumerate(codes[:grid * grid]):
            if code and code in by_code and code not in placed:
                placed.add(code)
                self.assign(index, by_code[code])
            elif index < len(self.grid.tiles):
                self._clear_tile(index)

    @Slot()
    def _on_save_layout_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "Save layout", "Layout name")
        if not ok or not name.strip():
            return
        codes = [t.camera.code if t.camera else None for t in self.grid.tiles]
        self._session.perform(viewing.save_layout, name, self.grid.grid, codes, owner=self,
                              on_done=lambda v: (self.message.show_ok(f"Saved {v.name}."),
                                                 self._load_layouts()),
                              on_error=lambda e: self.message.show_error(describe_error(e)))

    # -- detached window -------------------------------------------------------------------
    @Slot()
    def show_full_screen(self) -> None:
        """The wall alone, full screen, in its own window (F11 or Esc returns it)."""
        if self.detached is None:
            self.toggle_detached()
        assert self.detached is not None
        self.detached.showFullScreen()

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

    def donor_tiles(self) -> list[int]:
        return [i for i, g in self.grants.items() if g.camera.category
                is DeviceCategory.PRIVATE_DONOR]

    def shutdown(self) -> list[threading.Thread]:
        """Every stream asked to stop; those still ending (a stalled read) are returned."""
        self._paint_timer.stop()
        self._report_timer.stop()
        for timer in self._terms_timers.values():
            timer.stop()
        for controller in self.ptz_controllers.values():
            controller.stop()
        views = list(self.large_views)
        viewing = [worker for view in views if (worker := view.release()) is not None]
        for view in views:
            view.close()
        if self.detached is not None:
            self.toggle_detached()
        return list(self.grid.shutdown(also=viewing))


class DetachedWallWindow(QMainWindow):
    """The wall on a second monitor; closing it brings the tiles back to the console. F11
    turns full screen on and off; Esc leaves it."""

    def __init__(self, wall: VideoWallWidget) -> None:
        super().__init__(wall.window())
        self._wall = wall
        self.setWindowTitle("RTIC video wall")
        toggle_full_screen_keys(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._wall.detached is self:
            self._wall.toggle_detached()
        super().closeEvent(event)
