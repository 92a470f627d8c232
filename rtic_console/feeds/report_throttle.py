"""Which capture states are worth writing as a camera's one stream state: the wall's capture
workers and the recorders both report through it, so a camera costs a write only on a
change of live/offline, or now and then to keep a live stream from going stale."""

from __future__ import annotations

from rtic_console.domain.stream_state import STREAM_FRESH
from rtic_console.feeds.video_capture import StreamState

# A live stream is reported again this often: a third of STREAM_FRESH, so a report or two
# lost to a database that was away still leaves it live on the other screens.
REFRESH_S = STREAM_FRESH.total_seconds() / 3
LIVENESS = {StreamState.LIVE: True, StreamState.OFFLINE: False, StreamState.STALE: False}


class ReportThrottle:
    """Which worker states are worth a write: a change of live/offline, or a live stream
    not reported for REFRESH_S. Connecting, paused and stopped say nothing of the camera.
    Each reporter has its own, used from one thread (the wall's screen thread, or the
    recording supervisor's)."""

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

    def forget(self, device_id: int) -> None:
        """The report was not written: the next look sends it again."""
        self._reported.pop(device_id, None)
