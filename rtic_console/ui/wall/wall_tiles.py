"""One wall's tiles: the camera each shows or awaits, its grant and donor-terms timer, and
the cameras a smaller grid set aside. The console's wall and each wall on another monitor
are one of these; `VideoWallWidget` keeps a camera off two tiles of all of them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

from rtic_console.feeds.privacy_mask import PrivacyMask
from rtic_console.feeds.video_capture import CaptureWorker
from rtic_console.services import viewing
from rtic_console.services.viewing import TileGrant
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.wall.camera_tile import TileCamera
from rtic_console.ui.wall.tile_grid import TileGrid
from rtic_console.ui.widgets import MessageLine, describe_error

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


class WallHost(Protocol):
    """What every wall shares: the stated purpose, the message line, the large views."""

    purpose: str | None
    reference: str
    message: MessageLine

    def close_large_views(self, camera_id: int) -> None: ...

    def is_shown(self, device_id: int) -> bool: ...


class WallTiles(QObject):
    def __init__(self, host: WallHost, session: ConsoleSession, title: str, grid: int = 3,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._host, self._session, self.title = host, session, title
        self.grid = TileGrid()
        self.grid.set_grid(grid)
        self.grants: dict[int, TileGrant] = {}
        self._terms_timers: dict[int, QTimer] = {}
        # Tile index -> (camera, request number) asked for and not yet answered: on the wall
        # already, for "not twice", though its tile shows it only once the service has
        # answered; only the latest request's answer is applied (terms may have changed).
        self._asking: dict[int, tuple[int, int]] = {}
        self._requests = itertools.count()
        # Tile index -> camera of a tile a smaller grid left out, back when the grid grows.
        self.set_aside: dict[int, int] = {}

    # -- which camera where ------------------------------------------------------------
    def tile_of(self, device_id: int) -> int | None:
        """The tile that shows (or has asked for) the camera, if any."""
        return next((tile.index for tile in self.grid.tiles
                     if self.shown(tile.index) == device_id), None)

    def shown(self, index: int) -> int | None:
        """The camera a tile shows, or the one asked for it if an answer is awaited."""
        asked = self._asking.get(index)
        camera = self.grid.tiles[index].camera
        return asked[0] if asked else camera.device_id if camera is not None else None

    def first_empty(self) -> int | None:
        return next((t.index for t in self.grid.tiles
                     if t.camera is None and t.index not in self._asking), None)

    def codes(self) -> list[str | None]:
        """What the tiles show, for a saved layout."""
        return [t.camera.code if t.camera else None for t in self.grid.tiles]

    def clear_tile(self, index: int) -> None:
        self._forget(index)
        if index < len(self.grid.tiles):
            self.grid.retire(self.grid.tiles[index].clear())

    def _forget(self, index: int) -> None:
        self._asking.pop(index, None)
        self.grants.pop(index, None)
        timer = self._terms_timers.pop(index, None)
        if timer is not None:
            timer.stop()

    # -- asking the service (F.2 audit, donor terms) ----------------------------------------
    def assign(self, index: int, device_id: int) -> None:
        """Ask the service (which audits the view with its purpose), then open or darken."""
        host = self._host
        if host.purpose is None:
            host.message.show_error("State why you are viewing the cameras first (F.2).")
            return
        request = self._asking[index] = (device_id, next(self._requests))
        self._session.perform(viewing.open_wall, [device_id], host.purpose, host.reference,
                              owner=self, on_done=lambda grant: self._apply(index, request, grant),
                              on_error=lambda e: self._refused(index, request, e))

    def _refused(self, index: int, request: tuple[int, int], error: BaseException) -> None:
        if self._asking.get(index) == request:
            del self._asking[index]
        self._host.message.show_error(describe_error(error))

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
            self._host.close_large_views(grant.camera.id)
            self.grid.retire(tile.show_dark(tile_camera(grant),
                                            "Donor terms: the viewing period has ended"))
        self.assign(index, grant.camera.id)

    def recheck_where(self, affected: Callable[[TileGrant], bool], why: str) -> None:
        self.recheck_tiles({i for i, g in self.grants.items() if affected(g)}, why)

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
            self._host.close_large_views(grant.camera.id)
            self.grid.retire(tile.show_dark(tile_camera(grant), why))
            self.assign(index, grant.camera.id)

    # -- grid size and layouts -------------------------------------------------------------
    def set_grid(self, n: int) -> dict[int, int]:
        """A smaller grid sets the cameras it leaves out aside (returned); a larger one
        brings them back to their tiles (asked for again, so audited again with the purpose
        of now), unless meanwhile shown on any wall."""
        left_out = {tile.index: device for tile in self.grid.tiles[n * n:]
                    if (device := self.shown(tile.index)) is not None}
        for dropped in self.grid.set_grid(n):
            self._forget(dropped)
        self.set_aside.update(left_out)
        back = {i: d for i, d in self.set_aside.items() if i < n * n}
        for index, device_id in sorted(back.items()):
            del self.set_aside[index]
            if self.grid.tiles[index].camera is None and index not in self._asking \
                    and not self._host.is_shown(device_id):
                self.assign(index, device_id)
        return left_out

    def apply(self, grid: int, devices: Sequence[int | None]) -> None:
        """The layout's cameras on their tiles (None: an empty tile); what was set aside is
        forgotten (before the grid changes, or it would bring them back, and after, since the
        change set the old wall's cameras aside)."""
        self.set_aside.clear()
        self.set_grid(grid)
        self.set_aside.clear()
        for index in range(len(self.grid.tiles)):
            device = devices[index] if index < len(devices) else None
            if device is not None:
                self.assign(index, device)
            else:
                self.clear_tile(index)

    def stop(self) -> list[CaptureWorker]:
        """The wall's timers stopped and its streams released (the caller stops them)."""
        for timer in self._terms_timers.values():
            timer.stop()
        self._terms_timers.clear()
        self._asking.clear()
        self.grants.clear()
        return self.grid.release()
