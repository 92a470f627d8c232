"""A camera's stream state costs a write on a change of live/offline, or to stay fresh."""

from __future__ import annotations

from rtic_console.domain.stream_state import STREAM_FRESH
from rtic_console.feeds.report_throttle import REFRESH_S, ReportThrottle
from rtic_console.feeds.video_capture import StreamState


def test_a_live_report_is_sent_on_changes_and_to_stay_fresh_not_every_tick() -> None:
    throttle = ReportThrottle()
    sent = [throttle.due(7, state, at) for state, at in (
        (StreamState.CONNECTING, 0.0), (StreamState.LIVE, 1.0), (StreamState.LIVE, 2.0),
        (StreamState.STALE, 3.0), (StreamState.RECONNECTING, 4.0), (StreamState.OFFLINE, 5.0),
        (StreamState.LIVE, 6.0), (StreamState.LIVE, 6.0 + REFRESH_S))]
    assert sent == [None, True, None, False, None, None, True, True]
    assert STREAM_FRESH.total_seconds() > REFRESH_S, "a live stream never goes stale"


def test_a_report_that_was_not_written_is_due_again() -> None:
    throttle = ReportThrottle()
    assert throttle.due(7, StreamState.OFFLINE, 0.0) is False
    throttle.forget(7)
    assert throttle.due(7, StreamState.OFFLINE, 1.0) is False
    assert throttle.due(7, StreamState.OFFLINE, 2.0) is None
