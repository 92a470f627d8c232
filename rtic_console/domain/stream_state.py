"""A camera's one stream state, from what was last reported of it (a heartbeat, a stream
check, a wall's capture worker): every screen words it the same way."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

# A report older than this no longer says the stream is live: the dashboard's "streaming",
# the Cameras tab's "live" and the Devices tab's stream column all use it.
STREAM_FRESH = timedelta(minutes=15)


class StreamHealth(StrEnum):
    LIVE = "live"
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # never reported, or live when last reported too long ago


def stream_health(is_streaming: bool | None, last_seen_at: datetime | None,
                  now: datetime) -> StreamHealth:
    if is_streaming is None:
        return StreamHealth.UNKNOWN
    if not is_streaming:
        return StreamHealth.OFFLINE
    if last_seen_at is None or now - last_seen_at > STREAM_FRESH:
        return StreamHealth.UNKNOWN
    return StreamHealth.LIVE
