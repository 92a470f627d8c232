"""`demo --as ROLE` opens the person whose work that role is."""

from __future__ import annotations

import pytest

from rtic_console.domain.roles import Role
from rtic_console.services.demo_seed import DEMO_ROSTER, demo_badge_for


@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_a_person_whose_first_role_it_is(role: Role) -> None:
    person = next(p for p in DEMO_ROSTER if p.badge == demo_badge_for(role))
    assert person.roles[0] is role and person.active


def test_supervisor_is_not_the_sergeant_who_also_supervises() -> None:
    assert demo_badge_for(Role.SUPERVISOR) == "8501"
    assert demo_badge_for(Role.ALPR_ADMIN) == "4101"  # the RTIC sergeant, as --help says
