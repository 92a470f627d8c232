"""Disk caps of the recordings store: sizes as people type them, and the level a use is at."""

from __future__ import annotations

import re
from enum import StrEnum

GIB = 1024**3
MIN_CAP = GIB  # below a gigabyte a camera's cap holds minutes of video: a typing mistake
MAX_CAP = 1024**6  # an exbibyte: beyond any store, so a wrong unit is caught
WARN_SHARE = 0.90  # the alert before the cap
# Removal goes down to this share of the cap, so that removals (each one audit event) come
# in batches of 5 % of the cap rather than one segment at a time; it stays above WARN_SHARE,
# so a store working at its cap does not cross the warning again and again.
TRIM_SHARE = 0.95
# Free space kept on a recorder's disk, whatever the caps say: the caps count indexed video,
# while a disk that fills fails every write on it (the segment being written, and the
# database where it shares the disk). By default 2 % of the disk, within these bounds.
MIN_FREE_FLOOR = GIB
MAX_FREE_FLOOR = 20 * GIB

_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2,
          "g": 1000**3, "gb": 1000**3, "t": 1000**4, "tb": 1000**4,
          "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


class CapScope(StrEnum):
    """What one stored cap limits."""

    STORE = "store"  # every camera's segments together
    CAMERA_DEFAULT = "camera_default"  # each camera without a cap of its own


SCOPE_TITLES: dict[CapScope, str] = {
    CapScope.STORE: "All recordings together",
    CapScope.CAMERA_DEFAULT: "Each camera (unless it has its own cap)",
}


class CapLevel(StrEnum):
    """Where a use stands against its cap; only a rise is announced (once per crossing)."""

    OK = "ok"
    WARNING = "warning"  # at WARN_SHARE of the cap or more
    FULL = "full"  # the cap was reached and the oldest removable segments removed
    STOPPED = "stopped"  # over the cap with nothing removable: recording stopped


class CapRuleError(ValueError):
    """A size that cannot be a cap."""


def parse_bytes(text: str) -> int:
    """Bytes from '750G', '2 TB', '500GiB' or a plain number of bytes (decimal units are
    the ones disk makers print; binary ones with 'iB')."""
    found = _SIZE.match(str(text))
    unit = found.group(2).lower() if found else None
    if found is None or unit not in _UNITS:
        raise CapRuleError(f"{text!r} is not a size; write it as 750G, 2T, 500GiB or bytes")
    return int(float(found.group(1)) * _UNITS[unit])


def parse_size(text: str) -> int:
    """A cap from text, as `parse_bytes` reads it, within the caps' bounds."""
    return check_cap(parse_bytes(text))


def check_cap(cap: int) -> int:
    if isinstance(cap, bool) or not isinstance(cap, int) or not MIN_CAP <= cap <= MAX_CAP:
        raise CapRuleError(f"a cap must be at least {format_size(MIN_CAP)} and at most "
                           f"{format_size(MAX_CAP)}, not {cap} bytes")
    return cap


def format_size(size: int) -> str:
    """Binary units, as file managers on the RTIC's workstations show them."""
    value, unit = float(size), "B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if abs(value) < 1024 or unit == "EiB":
            break
        value /= 1024
    return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"


def exact_size(size: int) -> str:
    """A size that `parse_size` reads back to the same bytes, in the largest unit that
    divides it (for a field to edit: '20T', '500GiB')."""
    for unit in ("tib", "t", "gib", "g", "mib", "m"):
        if size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit[0].upper()}{'iB' if 'i' in unit else ''}"
    return str(size)


def share(used: int, cap: int | None) -> float | None:
    return None if cap is None else used / cap


def free_floor(total: int) -> int:
    """The default free-space floor of a disk of `total` bytes."""
    return max(MIN_FREE_FLOOR, min(total // 50, MAX_FREE_FLOOR))


def room_again(floor: int) -> int:
    """Free space at which recording resumes: a quarter above the floor, so a disk working
    at its floor does not stop and resume with every segment."""
    return floor + floor // 4


def trim_target(cap: int) -> int:
    return int(cap * TRIM_SHARE)


def next_level(previous: CapLevel, used: int, cap: int | None, *, removed: bool) -> CapLevel:
    """The level after a check that removed segments or not. Over the cap after removing
    what it could means stopped. FULL lasts while the use stays at the warning share or
    more, so removals at the cap do not alert again; below that share the crossing is
    armed again."""
    if cap is None:
        return CapLevel.OK
    if used > cap:
        return CapLevel.STOPPED
    at_warning = used >= cap * WARN_SHARE
    if removed or (at_warning and previous in (CapLevel.FULL, CapLevel.STOPPED)):
        return CapLevel.FULL
    return CapLevel.WARNING if at_warning else CapLevel.OK


def rises(previous: CapLevel, level: CapLevel) -> bool:
    """Whether going from one level to the other is announced: a rise only."""
    order = list(CapLevel)
    return order.index(level) > order.index(previous)
