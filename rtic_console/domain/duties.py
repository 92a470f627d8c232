"""Separation of duties: every approval is a second person's, and so is every new approver.

An approval (a special hot list entry, an other-use request, a grant of an approving role)
is refused when the approver is the requester, or holds the approving role only through a
grant the requester made: otherwise one person could create a second account and approve
their own work through it. A grant of an approving role takes effect only when a second
ALPR administrator or division commander confirms it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rtic_console.domain.roles import APPROVING_ROLES, GRANTS, Permission, Role


class GrantBasis(StrEnum):
    """Why a grant is in effect without the usual second person's confirmation."""

    # The first ALPR administrator on an empty database: the one exception.
    FIRST_ADMIN = "first_admin"
    # The second approver, confirmed by the first administrator because no one else could
    # (allowed once in a database's life, before any other confirmation).
    BOOTSTRAP = "bootstrap"
    # Held before grants were recorded (schema 0007); who granted it is not known.
    RECORDED_BEFORE = "recorded_before"
    # The demo's invented roster.
    DEMO = "demo"


BASIS_TITLES: dict[GrantBasis, str] = {
    GrantBasis.FIRST_ADMIN: "first administrator (set-up exception)",
    GrantBasis.BOOTSTRAP: "the one bootstrap confirmation by the first administrator",
    GrantBasis.RECORDED_BEFORE: "held before grants were recorded",
    GrantBasis.DEMO: "demo roster",
}


class Breach(StrEnum):
    """How an approval would break the separation of duties."""

    SELF = "self"                      # the approver is the requester (or the grantee)
    OWN_GRANT = "own_grant"            # the confirmer made the grant being confirmed
    MADE_BY_REQUESTER = "made_by_requester"  # the requester made the approver an approver


@dataclass(frozen=True)
class Grant:
    """One role as the roster holds it: who granted it, and whether it is still pending."""

    role: Role
    granted_by: int | None
    pending: bool
    basis: GrantBasis | None = None


def needs_confirmation(role: Role) -> bool:
    return role in APPROVING_ROLES


def effective_roles(grants: Iterable[Grant]) -> frozenset[Role]:
    """The roles a person acts with: a pending grant gives nothing until it is confirmed."""
    return frozenset(g.role for g in grants if not g.pending)


def approval_breach(approver_id: int, requester_id: int | None, grants: Iterable[Grant],
                    permission: Permission) -> Breach | None:
    """Whether approver_id may approve what requester_id asked for, under permission."""
    if requester_id is not None and approver_id == requester_id:
        return Breach.SELF
    acting = [g for g in grants if not g.pending and g.role in GRANTS[permission]]
    if requester_id is not None and acting and all(g.granted_by == requester_id
                                                   for g in acting):
        return Breach.MADE_BY_REQUESTER
    return None


def confirmation_breach(confirmer_id: int, grantee_id: int, grant: Grant, *,
                        bootstrap: bool) -> Breach | None:
    """Whether confirmer_id may confirm grant (held by grantee_id): a second person, neither
    the grantee nor the one who made the grant (save the one bootstrap)."""
    if confirmer_id == grantee_id:
        return Breach.SELF
    if grant.granted_by == confirmer_id and not bootstrap:
        return Breach.OWN_GRANT
    return None


def bootstrap_allowed(confirmer_grants: Iterable[Grant], grant: Grant, *,
                      any_confirmation_yet: bool, others_can_confirm: bool) -> bool:
    """The first administrator may confirm, once, a second approver they granted.

    Without it no grant could ever be confirmed: the first administrator would be the only
    person able to confirm, and may not confirm their own grants. Only before any
    confirmation at all, only while no one else can confirm, only by the first
    administrator (or, in a database older than grant records, its only administrator), and
    only for a role that can confirm.
    """
    first_admin = any(g.basis in (GrantBasis.FIRST_ADMIN, GrantBasis.RECORDED_BEFORE)
                      and g.role is Role.ALPR_ADMIN and not g.pending for g in confirmer_grants)
    return (first_admin and not any_confirmation_yet and not others_can_confirm
            and grant.role in GRANTS[Permission.CONFIRM_GRANTS])
