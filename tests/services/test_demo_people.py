"""`demo --as ROLE` opens the person whose work that role is."""

from __future__ import annotations

import pytest

from rtic_console.domain.roles import Role
from rtic_console.services.demo_seed import DEMO_ROSTER, demo_badge_for


@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_a_person_holding_it_with_the_fewest_other_roles(role: Role) -> None:
    person = next(p for p in DEMO_ROSTER if p.badge == demo_badge_for(role))
    assert role in person.roles and person.active
    holders = [p for p in DEMO_ROSTER if role in p.roles and p.active]
    assert len(person.roles) == min(len(p.roles) for p in holders)


def test_supervisor_is_not_the_sergeant_who_also_supervises() -> None:
    assert demo_badge_for(Role.SUPERVISOR) == "8501"
    assert demo_badge_for(Role.ALPR_ADMIN) != "8501"
