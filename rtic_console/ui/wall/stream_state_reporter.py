"""Hands what the wall's capture workers see to the camera's one stream state, so the
Cameras tab, the Devices tab and the dashboard say what the wall shows."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from PySide6.QtCore import QObject

from rtic_console.feeds.video_capture import StreamState
from rtic_console.services.stream_reports import report_stream_state
from rtic_console.ui.console_session import ConsoleSession

logger = logging.getLogger(__name__)

# A live stream is reported again this often, well inside STREAM_FRESH, so it stays live
# on the other screens; any other report is sent only when the state changes.
REFRESH_S = 300.0
LIVENESS = {StreamState.LIVE: True, StreamState.OFFLINE: False, StreamState.STALE: False}


class ReportThrottle:
    """Which worker states are worth a write: a change of live/offline, or a live stream
    not reported for REFRESH_S. Connecting, paused and stopped say nothing of the camera."""

    def __init__(self) -> None:
        self._reported: dict[int, tuple[bool, float]] = {}

    def due(self, device_id: int, state: StreamState, now: float) -> bool | None:
        """The liveness to report now, or None."""
        live = LIVENESS.get(state)
        if live is None:
            return None
        last = self._reported.get(device_id)
        if last is not None and last[0] == live and (not live or now - last[1] < REFRESH_S):
            return None
        self._reported[device_id] = (live, now)
        return live


class StreamStateReporter(QObject):
    def __init__(self, session: ConsoleSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._throttle = ReportThrottle()
        self._failed_once = False

    def observe(self, states: Iterable[tuple[int, StreamState]]) -> None:
        """(camera id, worker state) of every stream the wall is running."""
        now = time.monotonic()
        for device_id, state in states:
            live = self._throttle.due(device_id, state, now)
            if live is not None:
                self._session.perform(report_stream_state, device_id, live, owner=self,
                                      on_done=lambda _none: None, on_error=self._on_failed)

    def _on_failed(self, error: BaseException) -> None:
        # The wall keeps showing the stream; the other screens just miss this report.
        if not self._failed_once:
            self._failed_once = True
            logger.warning("stream state not reported: %s", error)
