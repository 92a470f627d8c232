"""Where each person starts: the work area of the role whose work comes first.

A dispatcher works hits; the RTIC sergeant (ALPR administrator) runs the floor from the hit
queue; commanders and supervisors decide what waits in their inbox; public-safety IT keeps
the devices running; an officer at the console searches.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rtic_console.domain.roles import Role

# In order of precedence: a person with several roles starts where the first one works.
START_AREAS: tuple[tuple[Role, str], ...] = (
    (Role.DISPATCHER, "hits"),
    (Role.ALPR_ADMIN, "hits"),
    (Role.DIVISION_COMMANDER, "inbox"),
    (Role.SUPERVISOR, "inbox"),
    (Role.IT_STAFF, "devices"),
    (Role.OFFICER, "search"),
)


def start_area(roles: Collection[Role], available: Sequence[str]) -> str | None:
    """The first area (by the precedence above) the person has; else their first area."""
    for role, area in START_AREAS:
        if role in roles and area in available:
            return area
    return available[0] if available else None
