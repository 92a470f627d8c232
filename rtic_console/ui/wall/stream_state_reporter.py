"""Hands what the wall's capture workers see to the camera's one stream state, so the
Cameras tab, the Devices tab and the dashboard say what the wall shows."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from PySide6.QtCore import QObject

from rtic_console.feeds.report_throttle import ReportThrottle
from rtic_console.feeds.video_capture import StreamState
from rtic_console.services.stream_reports import report_stream_state
from rtic_console.ui.console_session import ConsoleSession

logger = logging.getLogger(__name__)


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
                self._session.perform(
                    report_stream_state, device_id, live, owner=self,
                    on_done=lambda _none: None,
                    on_error=lambda error, device_id=device_id: self._on_failed(device_id,
                                                                                error))

    def _on_failed(self, device_id: int, error: BaseException) -> None:
        # The wall keeps showing the stream; the next look sends this report again.
        self._throttle.forget(device_id)
        if not self._failed_once:
            self._failed_once = True
            logger.warning("stream state not reported: %s", error)
