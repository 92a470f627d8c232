"""The recording timeline: lanes painted, a drag and the arrow keys scrub one cursor, clamped
to the range; a preview timeline has no cursor and takes no input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPoint, Qt

from rtic_console.domain.recording_coverage import Span
from rtic_console.ui.wall.timeline_widget import TimelineLane, TimelineWidget

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def _s(a: int, b: int) -> Span:
    return Span(T0 + timedelta(seconds=a), T0 + timedelta(seconds=b))


def test_drag_and_keys_scrub_within_the_range(qtbot) -> None:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(700, widget.height())
    widget.set_lanes(_s(0, 600), [TimelineLane("CAM-AG-01", [_s(60, 300)], [_s(0, 60),
                                                                        _s(300, 600)],
                                               [("26-77", _s(100, 200))]),
                                  TimelineLane("CAM-AG-02", [_s(0, 600)], [])])
    widget.show()
    assert widget.height() > 2 * 30 and widget.cursor == T0
    assert not widget.grab().isNull()
    moments: list[datetime] = []
    widget.scrubbed.connect(moments.append)
    y = widget.height() // 2
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=QPoint(round(widget.x_of(
        T0 + timedelta(seconds=120))), y))
    qtbot.mouseMove(widget, QPoint(round(widget.x_of(T0 + timedelta(seconds=240))), y))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton,
                       pos=QPoint(round(widget.x_of(T0 + timedelta(seconds=240))), y))
    assert len(moments) >= 2
    assert abs((moments[0] - T0).total_seconds() - 120) < 2
    assert abs((moments[-1] - T0).total_seconds() - 240) < 2
    widget.setFocus()
    widget.set_cursor(T0 + timedelta(seconds=599))
    qtbot.keyClick(widget, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert moments[-1] == T0 + timedelta(seconds=600), "clamped to the end"
    qtbot.keyClick(widget, Qt.Key.Key_Left)
    assert moments[-1] == T0 + timedelta(seconds=599)


def test_a_preview_timeline_has_no_cursor_and_ignores_the_mouse(qtbot) -> None:
    widget = TimelineWidget(scrubbable=False)
    qtbot.addWidget(widget)
    widget.set_lanes(_s(0, 60), [TimelineLane("CAM-AG-01", [_s(10, 60)], [_s(0, 10)])])
    assert widget.cursor is None
    assert widget.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    assert widget.focusPolicy() == Qt.FocusPolicy.NoFocus
