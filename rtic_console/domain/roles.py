"""Roles of General Order 525.08 and what each may do."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ALPR_ADMIN = "alpr_admin"
    DISPATCHER = "dispatcher"
    OFFICER = "officer"
    IT_STAFF = "it_staff"
    SUPERVISOR = "supervisor"
    DIVISION_COMMANDER = "division_commander"


ROLE_TITLES: dict[Role, str] = {
    Role.ALPR_ADMIN: "ALPR administrator",
    Role.DISPATCHER: "Dispatcher",
    Role.OFFICER: "Officer / CSO / professional staff",
    Role.IT_STAFF: "Public-safety IT",
    Role.SUPERVISOR: "Supervisor",
    Role.DIVISION_COMMANDER: "Division commander",
}


class Permission(StrEnum):
    USE_CONSOLE = "use_console"
    MANAGE_ROSTER = "manage_roster"
    VIEW_ROSTER = "view_roster"
    VIEW_AUDIT = "view_audit"


# D.2.c: ALPR administrators maintain the roster and access. Audit review belongs
# to those who oversee use (D.2.b(2)): administrators, supervisors, commanders.
GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.USE_CONSOLE: frozenset(Role),
    Permission.MANAGE_ROSTER: frozenset({Role.ALPR_ADMIN}),
    Permission.VIEW_ROSTER: frozenset({Role.ALPR_ADMIN}),
    Permission.VIEW_AUDIT: frozenset(
        {Role.ALPR_ADMIN, Role.SUPERVISOR, Role.DIVISION_COMMANDER}
    ),
}


def parse_role(value: str) -> Role:
    """Role from its code, with a message listing the valid codes when unknown."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {value!r}; roles are: {valid}") from None


def allows(roles: frozenset[Role] | set[Role], permission: Permission) -> bool:
    return bool(GRANTS[permission] & set(roles))


def roles_for(permission: Permission) -> str:
    """Human list of the roles that hold a permission, for refusal messages."""
    return ", ".join(ROLE_TITLES[r] for r in Role if r in GRANTS[permission])
