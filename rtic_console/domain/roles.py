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
    ENTER_HOT_PLATE = "enter_hot_plate"
    PROPOSE_SPECIAL = "propose_special"
    APPROVE_SPECIAL = "approve_special"
    IMPORT_HOT_LIST = "import_hot_list"
    VIEW_HOT_LISTS = "view_hot_lists"
    VIEW_HITS = "view_hits"
    WORK_HITS = "work_hits"
    INGEST_READS = "ingest_reads"
    VIEW_QUARANTINE = "view_quarantine"
    MANAGE_CAMERAS = "manage_cameras"
    VIEW_CAMERAS = "view_cameras"
    MANAGE_DONORS = "manage_donors"
    EXPORT_EVIDENCE = "export_evidence"
    SEARCH_READS = "search_reads"
    APPROVE_OTHER_USE = "approve_other_use"
    VIEW_MAP = "view_map"
    VIEW_DASHBOARD = "view_dashboard"
    MANAGE_REGISTRY = "manage_registry"
    QUERY_REGISTRY = "query_registry"
    CONFIRM_GRANTS = "confirm_grants"
    ANCHOR_AUDIT = "anchor_audit"
    MANAGE_AUDIT_KEY = "manage_audit_key"
    MANAGE_WORKSTATIONS = "manage_workstations"
    MANAGE_RETENTION = "manage_retention"
    VIEW_RETENTION = "view_retention"


# Separation of duties: the roles whose holders approve other people's work (I.1, I.2.b,
# D.1.c, F.2.e, and the roster itself). A grant of one takes effect only when a second
# person confirms it; a grant of any other role takes effect at once.
APPROVING_ROLES: frozenset[Role] = frozenset(
    {Role.ALPR_ADMIN, Role.SUPERVISOR, Role.DIVISION_COMMANDER})


# D.2.c: ALPR administrators maintain the roster and access. Audit review belongs
# to those who oversee use (D.2.b(2)): administrators, supervisors, commanders.
GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.USE_CONSOLE: frozenset(Role),
    Permission.MANAGE_ROSTER: frozenset({Role.ALPR_ADMIN}),
    Permission.VIEW_ROSTER: frozenset({Role.ALPR_ADMIN}),
    Permission.VIEW_AUDIT: frozenset(
        {Role.ALPR_ADMIN, Role.SUPERVISOR, Role.DIVISION_COMMANDER}
    ),
    # E.1: hot plates are entered by officers and ALPR administrators.
    Permission.ENTER_HOT_PLATE: frozenset({Role.ALPR_ADMIN, Role.OFFICER}),
    # I: any authorized person proposes a special entry; only a supervisor approves it.
    Permission.PROPOSE_SPECIAL: frozenset(Role),
    Permission.APPROVE_SPECIAL: frozenset({Role.SUPERVISOR}),
    Permission.IMPORT_HOT_LIST: frozenset({Role.ALPR_ADMIN}),
    Permission.VIEW_HOT_LISTS: frozenset(
        {Role.ALPR_ADMIN, Role.OFFICER, Role.DISPATCHER, Role.SUPERVISOR}
    ),
    # Hits go to SPD authorized personnel only (I.2.a), those who act on them.
    Permission.VIEW_HITS: frozenset(
        {Role.DISPATCHER, Role.ALPR_ADMIN, Role.OFFICER, Role.SUPERVISOR,
         Role.DIVISION_COMMANDER}
    ),
    # D.5.b, D.6.a: only a dispatcher claims, verifies and confirms a hit.
    Permission.WORK_HITS: frozenset({Role.DISPATCHER}),
    Permission.INGEST_READS: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF}),
    Permission.VIEW_QUARANTINE: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF}),
    # F: the wall is the RTIC's; IT staff add cameras and check their streams.
    Permission.MANAGE_CAMERAS: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF}),
    Permission.VIEW_CAMERAS: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF, Role.SUPERVISOR}),
    # G: donor agreements are kept by ALPR administrators.
    Permission.MANAGE_DONORS: frozenset({Role.ALPR_ADMIN}),
    # F.4: evidence exports by those who handle evidence collection.
    Permission.EXPORT_EVIDENCE: frozenset({Role.ALPR_ADMIN}),
    # D.1: searches by authorized personnel for an approved purpose and a case.
    Permission.SEARCH_READS: frozenset({Role.ALPR_ADMIN, Role.OFFICER, Role.SUPERVISOR}),
    # D.1.c: an "other use" is reviewed and approved by a sergeant or ALPR administrator.
    Permission.APPROVE_OTHER_USE: frozenset({Role.ALPR_ADMIN, Role.SUPERVISOR}),
    # The live map shows reads as they arrive: those who act on reads and hits.
    Permission.VIEW_MAP: frozenset(
        {Role.ALPR_ADMIN, Role.DISPATCHER, Role.OFFICER, Role.SUPERVISOR}
    ),
    # Counts only, no plates: those who oversee the program and keep devices running.
    Permission.VIEW_DASHBOARD: frozenset(
        {Role.ALPR_ADMIN, Role.SUPERVISOR, Role.DIVISION_COMMANDER, Role.IT_STAFF}
    ),
    # H.1: the registry is kept by ALPR administrators; H.2/H.3: look-ups for a case.
    Permission.MANAGE_REGISTRY: frozenset({Role.ALPR_ADMIN}),
    Permission.QUERY_REGISTRY: frozenset({Role.ALPR_ADMIN, Role.OFFICER, Role.SUPERVISOR}),
    # A grant of an approving role is confirmed by a second ALPR administrator or a
    # division commander.
    Permission.CONFIRM_GRANTS: frozenset({Role.ALPR_ADMIN, Role.DIVISION_COMMANDER}),
    # Signed checkpoints of the audit trail, daily and at every inspection (D.2.b): those
    # who oversee use and those who keep the system; the key lives on their machine.
    Permission.ANCHOR_AUDIT: frozenset(
        {Role.ALPR_ADMIN, Role.IT_STAFF, Role.SUPERVISOR, Role.DIVISION_COMMANDER}),
    # The department's signing key is set up by ALPR administrators and public-safety IT.
    Permission.MANAGE_AUDIT_KEY: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF}),
    # D.2.c, G.3.f: which workstations exist is access, kept by ALPR administrators.
    Permission.MANAGE_WORKSTATIONS: frozenset({Role.ALPR_ADMIN}),
    # C.1, F.5: retention, evidence holds and the purge are the ALPR administrators'; those
    # who oversee use and keep the system may see them.
    Permission.MANAGE_RETENTION: frozenset({Role.ALPR_ADMIN}),
    Permission.VIEW_RETENTION: frozenset(
        {Role.ALPR_ADMIN, Role.SUPERVISOR, Role.DIVISION_COMMANDER, Role.IT_STAFF}),
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
