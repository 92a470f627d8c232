"""PTZ commands against a camera's range: clamped where a clamp is what the operator meant,
refused in words where it is not."""

from __future__ import annotations

import pytest

from rtic_console.domain.ptz import (
    PtzCommand,
    PtzMove,
    PtzRange,
    PtzRangeError,
    check_home_after,
    checked_command,
    view_span,
)

RANGE = PtzRange(tilt=(-0.5, 0.5))


def test_velocities_and_steps_are_clamped_with_a_note() -> None:
    sent, note = checked_command(PtzCommand(PtzMove.CONTINUOUS, pan=2.0, zoom=-3.0), RANGE)
    assert (sent.pan, sent.zoom) == (1.0, -1.0) and note == "clamped to the camera's range"
    sent, note = checked_command(PtzCommand(PtzMove.RELATIVE, tilt=5.0), RANGE)
    assert sent.tilt == 1.0 and note is not None
    assert checked_command(PtzCommand(PtzMove.RELATIVE, pan=0.2), RANGE)[1] is None


def test_an_absolute_position_outside_the_range_is_refused_with_the_range() -> None:
    with pytest.raises(PtzRangeError, match=r"tilt 0.9 is outside this camera's range "
                                            r"\(-0.5 to 0.5\)"):
        checked_command(PtzCommand(PtzMove.ABSOLUTE, tilt=0.9), RANGE)
    command = PtzCommand(PtzMove.ABSOLUTE, pan=-1.0, tilt=0.5, zoom=1.0)
    assert checked_command(command, RANGE) == (command, None)


@pytest.mark.parametrize("name", ["", "   ", "x" * 41, "bell\x07"])
def test_a_preset_needs_a_printable_name(name: str) -> None:
    with pytest.raises(PtzRangeError, match="a preset needs a name"):
        checked_command(PtzCommand(PtzMove.SET_PRESET, preset=name), RANGE)
    sent, _ = checked_command(PtzCommand(PtzMove.SET_PRESET, preset="  Plaza   gate "), RANGE)
    assert sent.preset == "Plaza gate"


def test_return_home_minutes() -> None:
    assert check_home_after(None) is None and check_home_after(0) is None
    assert check_home_after(15) == 15
    with pytest.raises(PtzRangeError):
        check_home_after(24 * 60 + 1)
    assert PtzRange.from_list(RANGE.as_list()) == RANGE


def test_the_view_narrows_with_zoom_across_the_cameras_own_zoom_range() -> None:
    assert view_span(0.0, RANGE) == pytest.approx(0.5)
    assert view_span(1.0, RANGE) == pytest.approx(0.05)
    assert view_span(50.0, PtzRange(zoom=(0.0, 100.0))) == pytest.approx(0.275)
    assert view_span(3.0, RANGE) == pytest.approx(0.05), "beyond the range: the tightest"
    assert view_span(0.0, PtzRange(zoom=(0.0, 0.0))) == pytest.approx(0.5), "no zoom"
