"""Pan, tilt and zoom commands and the camera's range: what is clamped, what is refused.

Velocities and relative steps are clamped (a key held longer than the camera can turn is
not an error); an absolute position outside the camera's range is refused with the range in
words, since going somewhere else than asked would mislead the operator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

MAX_PRESET_NAME = 40
MAX_HOME_AFTER_MINUTES = 24 * 60
FIELD_OF_VIEW = 0.5  # pan (and tilt) units across the picture at the widest zoom
NARROWEST_VIEW = 0.1  # the tightest zoom's view, as a share of the widest


class PtzMove(StrEnum):
    CONTINUOUS = "continuous"  # velocity until stopped
    RELATIVE = "relative"  # a step from where it is (click to centre)
    ABSOLUTE = "absolute"
    STOP = "stop"
    HOME = "home"
    PRESET = "preset"  # go to a preset (token)
    SET_PRESET = "set_preset"  # store the current position as a preset (name)


MOVES_THAT_TURN = frozenset(PtzMove) - {PtzMove.STOP, PtzMove.SET_PRESET}


class PtzRangeError(ValueError):
    """A command the camera's range does not allow; the message says the range."""


@dataclass(frozen=True)
class PtzRange:
    """The camera's absolute position space (ONVIF generic space by default)."""

    pan: tuple[float, float] = (-1.0, 1.0)
    tilt: tuple[float, float] = (-1.0, 1.0)
    zoom: tuple[float, float] = (0.0, 1.0)

    def as_list(self) -> list[float]:
        return [*self.pan, *self.tilt, *self.zoom]

    @classmethod
    def from_list(cls, values: list[float]) -> PtzRange:
        p0, p1, t0, t1, z0, z1 = (float(v) for v in values)
        return cls((p0, p1), (t0, t1), (z0, z1))


@dataclass(frozen=True)
class PtzCommand:
    move: PtzMove
    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0
    preset: str | None = None  # the preset token (PRESET) or name (SET_PRESET)

    def summary(self) -> dict[str, object]:
        """What the audit keeps of a command."""
        out: dict[str, object] = {"move": self.move.value}
        if self.move in (PtzMove.CONTINUOUS, PtzMove.RELATIVE, PtzMove.ABSOLUTE):
            out |= {"pan": round(self.pan, 4), "tilt": round(self.tilt, 4),
                    "zoom": round(self.zoom, 4)}
        if self.preset is not None:
            out["preset"] = self.preset
        return out


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _span(limits: tuple[float, float]) -> float:
    return limits[1] - limits[0]


def checked_command(command: PtzCommand, limits: PtzRange) -> tuple[PtzCommand, str | None]:
    """The command to send and, when it was clamped, a note saying so. Raises PtzRangeError
    for an absolute position outside the range or a preset without a usable name."""
    if command.move is PtzMove.CONTINUOUS:
        values = tuple(_clamp(v, -1.0, 1.0) for v in (command.pan, command.tilt, command.zoom))
    elif command.move is PtzMove.RELATIVE:
        values = (_clamp(command.pan, -_span(limits.pan), _span(limits.pan)),
                  _clamp(command.tilt, -_span(limits.tilt), _span(limits.tilt)),
                  _clamp(command.zoom, -_span(limits.zoom), _span(limits.zoom)))
    elif command.move is PtzMove.ABSOLUTE:
        for name, value, (low, high) in (("pan", command.pan, limits.pan),
                                         ("tilt", command.tilt, limits.tilt),
                                         ("zoom", command.zoom, limits.zoom)):
            if not low <= value <= high:
                raise PtzRangeError(f"{name} {value:g} is outside this camera's range "
                                    f"({low:g} to {high:g})")
        return command, None
    elif command.move in (PtzMove.PRESET, PtzMove.SET_PRESET):
        name = " ".join((command.preset or "").split())
        if not name or len(name) > MAX_PRESET_NAME or not name.isprintable():
            raise PtzRangeError(f"a preset needs a name of 1 to {MAX_PRESET_NAME} characters")
        return replace(command, preset=name), None
    else:
        return command, None
    clamped = replace(command, pan=values[0], tilt=values[1], zoom=values[2])
    if clamped == command:
        return command, None
    return clamped, "clamped to the camera's range"


def view_span(zoom: float, limits: PtzRange) -> float:
    """How many pan units the picture is wide (and tilt units high) at this zoom, for a
    camera whose field of view is not known: what a click off the centre is worth, and what
    the demo's simulated camera shows."""
    low, high = limits.zoom
    share = _clamp((zoom - low) / (high - low), 0.0, 1.0) if high > low else 0.0
    return FIELD_OF_VIEW * (1.0 - (1.0 - NARROWEST_VIEW) * share)


def check_home_after(minutes: int | None) -> int | None:
    """Return to home after this many idle minutes; None or 0 means never."""
    if not minutes:
        return None
    if not 1 <= minutes <= MAX_HOME_AFTER_MINUTES:
        raise PtzRangeError(f"return to home after 1 to {MAX_HOME_AFTER_MINUTES} minutes, "
                            "or never")
    return minutes
