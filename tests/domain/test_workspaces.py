"""Each person starts where their role works."""

from __future__ import annotations

import pytest

from rtic_console.domain.roles import Role
from rtic_console.domain.workspaces import start_area

EVERY_AREA = ["hits", "map", "wall", "search", "inbox", "devices", "account"]


@pytest.mark.parametrize("roles,expected", [
    ({Role.DISPATCHER}, "hits"),
    ({Role.IT_STAFF}, "devices"),
    ({Role.DIVISION_COMMANDER}, "inbox"),
    ({Role.SUPERVISOR}, "inbox"),
    ({Role.ALPR_ADMIN, Role.SUPERVISOR}, "hits"),  # the RTIC sergeant runs the floor
    ({Role.OFFICER}, "search"),
    ({Role.SUPERVISOR, Role.DIVISION_COMMANDER}, "inbox"),
])
def test_start_area_follows_the_role(roles: set[Role], expected: str) -> None:
    assert start_area(roles, EVERY_AREA) == expected


def test_start_area_is_one_the_person_has() -> None:
    assert start_area({Role.IT_STAFF}, ["wall", "dashboard", "account"]) == "wall"
    assert start_area({Role.OFFICER}, []) is None
