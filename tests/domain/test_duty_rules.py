"""The separation-of-duties rules in pure Python."""

from __future__ import annotations

from rtic_console.domain.duties import (
    Breach,
    Grant,
    GrantBasis,
    approval_breach,
    bootstrap_allowed,
    confirmation_breach,
    effective_roles,
)
from rtic_console.domain.roles import Permission, Role

SUP_BY_1 = Grant(Role.SUPERVISOR, 1, pending=False)
ADMIN_BY_2 = Grant(Role.ALPR_ADMIN, 2, pending=False)


def test_pending_grants_give_nothing() -> None:
    assert effective_roles([SUP_BY_1, Grant(Role.DIVISION_COMMANDER, 1, pending=True)]) == {
        Role.SUPERVISOR}


def test_approval_by_the_requester_or_their_creation_is_a_breach() -> None:
    assert approval_breach(5, 5, [SUP_BY_1], Permission.APPROVE_SPECIAL) is Breach.SELF
    assert approval_breach(5, 1, [SUP_BY_1], Permission.APPROVE_SPECIAL) is \
        Breach.MADE_BY_REQUESTER
    assert approval_breach(5, 3, [SUP_BY_1], Permission.APPROVE_SPECIAL) is None
    # Another approving role, granted by someone else, is enough for other use (D.1.c).
    assert approval_breach(5, 1, [SUP_BY_1, ADMIN_BY_2], Permission.APPROVE_OTHER_USE) is None
    assert approval_breach(5, 1, [SUP_BY_1, ADMIN_BY_2], Permission.APPROVE_SPECIAL) is \
        Breach.MADE_BY_REQUESTER


def test_confirmation_is_a_second_persons() -> None:
    grant = Grant(Role.SUPERVISOR, 1, pending=True)
    assert confirmation_breach(7, 7, grant, bootstrap=False) is Breach.SELF
    assert confirmation_breach(1, 7, grant, bootstrap=False) is Breach.OWN_GRANT
    assert confirmation_breach(2, 7, grant, bootstrap=False) is None


def test_the_bootstrap_is_the_first_admins_once_and_for_a_confirming_role() -> None:
    first = [Grant(Role.ALPR_ADMIN, None, pending=False, basis=GrantBasis.FIRST_ADMIN)]
    admin = Grant(Role.ALPR_ADMIN, 1, pending=True)

    def allowed(grants: list[Grant], grant: Grant, *, before: bool = False,
                others: bool = False) -> bool:
        return bootstrap_allowed(grants, grant, any_confirmation_yet=before,
                                 others_can_confirm=others)

    assert allowed(first, admin)
    assert not allowed(first, admin, before=True)
    assert not allowed(first, admin, others=True)
    assert not allowed(first, Grant(Role.SUPERVISOR, 1, pending=True))
    assert not allowed([ADMIN_BY_2], admin)
    # A database older than grant records: its only administrator may bootstrap.
    assert allowed([Grant(Role.ALPR_ADMIN, None, pending=False,
                          basis=GrantBasis.RECORDED_BEFORE)], admin)
