"""The demo's PTZ camera moves its picture: where the ONVIF responder says the camera points,
the RTSP camera server's view of its scene goes (main and sub-stream alike).

The responder keeps the position, its range and the motion; the server only crops where it
is told. Between them, one thread and the server's stdin: told of each accepted move, it
sends the new view at once, and while a continuous move lasts it sends it AIM_HZ times a
second. When nothing moves it sends nothing, and the camera streams as it would without it.
"""

from __future__ import annotations

import logging
import threading

from rtic_console.domain.ptz import view_span
from rtic_console.feeds.child_server import ChildServerError
from rtic_console.feeds.onvif_responder import OnvifResponder
from rtic_console.feeds.rtsp_server_process import RtspServerProcess

logger = logging.getLogger(__name__)

AIM_HZ = 15.0  # one view per frame at the demo's 15 fps


class PtzPictureWorker:
    """`start()` links `responder` to the server's `camera` (its `--ptz` name); `stop()`."""

    def __init__(self, responder: OnvifResponder, server: RtspServerProcess,
                 camera: str) -> None:
        self.responder, self.server, self.camera = responder, server, camera
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="rtic-ptz-picture",
                                        daemon=True)

    def start(self) -> PtzPictureWorker:
        self.responder.add_move_listener(self._wake.set)
        self._thread.start()
        return self

    def stop(self, wait_s: float = 5.0) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(wait_s)

    def _run(self) -> None:
        sent: tuple[float, float, float] | None = None
        while not self._stopping:
            self._wake.clear()
            pan, tilt, zoom = self.responder.position()
            view = (pan, tilt, view_span(zoom, self.responder.limits))
            if view != sent:
                try:
                    self.server.aim(self.camera, *view)
                except ChildServerError as exc:
                    logger.warning("the simulated PTZ camera no longer follows: %s", exc)
                    return
                sent = view
            self._wake.wait(1.0 / AIM_HZ if self.responder.moving() else None)
