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
    FREE_HIT_CLAIMS = "free_hit_claims"
    INGEST_READS = "ingest_reads"
    VIEW_QUARANTINE = "view_quarantine"
    MANAGE_CAMERAS = "manage_cameras"
    VIEW_CAMERAS = "view_cameras"
    STEER_CAMERAS = "steer_cameras"
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
    MANAGE_AGENCIES = "manage_agencies"
    VIEW_SHARING = "view_sharing"
    SHARE_DATA = "share_data"
    DECIDE_SHARING_REVIEW = "decide_sharing_review"
    APPROVE_SPECIAL_SHARING = "approve_special_sharing"
    VIEW_DEVICES = "view_devices"
    MANAGE_DEVICES = "manage_devices"
    REPORT_DEVICE = "report_device"
    CLEAR_DEVICE = "clear_device"
    RECORD_SHIFT_CHECK = "record_shift_check"
    MANAGE_INSPECTION = "manage_inspection"
    VIEW_INSPECTION = "view_inspection"
    REVIEW_SEARCHES = "review_searches"
    DECIDE_REFERRAL = "decide_referral"
    APPROVE_VIEWING = "approve_viewing"
    USE_INBOX = "use_inbox"
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
    # D.5.a: the sergeant on duty, whom a hit left waiting is escalated to, frees a claim
    # its dispatcher cannot finish, so that another dispatcher can take the hit.
    Permission.FREE_HIT_CLAIMS: frozenset({Role.SUPERVISOR}),
    Permission.INGEST_READS: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF}),
    Permission.VIEW_QUARANTINE: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF}),
    # F: the wall is the RTIC's; IT staff add cameras and check their streams.
    Permission.MANAGE_CAMERAS: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF}),
    Permission.VIEW_CAMERAS: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF, Role.SUPERVISOR}),
    # Pan, tilt and zoom by those who view; presets are the camera's, kept by MANAGE_CAMERAS.
    Permission.STEER_CAMERAS: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF, Role.SUPERVISOR}),
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
    # C.2 to C.4: the agency directory is kept by ALPR administrators, who also take the
    # requests of other agencies; the sharing log is read by those who oversee use.
    Permission.MANAGE_AGENCIES: frozenset({Role.ALPR_ADMIN}),
    Permission.SHARE_DATA: frozenset({Role.ALPR_ADMIN}),
    Permission.VIEW_SHARING: frozenset(
        {Role.ALPR_ADMIN, Role.SUPERVISOR, Role.DIVISION_COMMANDER}),
    # C.2.a, C.3, C.4: a legal review of a refused request is decided by a division
    # commander; I.2.b: so is sharing a special hot list entry with another agency.
    Permission.DECIDE_SHARING_REVIEW: frozenset({Role.DIVISION_COMMANDER}),
    Permission.APPROVE_SPECIAL_SHARING: frozenset({Role.DIVISION_COMMANDER}),
    # B.2: anyone may find a device and report it damaged or inoperable; ALPR
    # administrators and public-safety IT keep the fleet (A.2); an ALPR administrator,
    # whom the report reaches, puts it back in service.
    Permission.VIEW_DEVICES: frozenset(Role),
    Permission.REPORT_DEVICE: frozenset(Role),
    Permission.MANAGE_DEVICES: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF}),
    Permission.CLEAR_DEVICE: frozenset({Role.ALPR_ADMIN}),
    # D.3: the start-of-shift check is signed by the officer who drives the unit.
    Permission.RECORD_SHIFT_CHECK: frozenset({Role.OFFICER, Role.SUPERVISOR}),
    # D.2.b: the quarterly inspection is opened and closed by ALPR administrators or IT staff
    # (who also check the devices, D.2.b(1)); it is seen by those who oversee use.
    Permission.MANAGE_INSPECTION: frozenset({Role.ALPR_ADMIN, Role.IT_STAFF}),
    Permission.VIEW_INSPECTION: frozenset(
        {Role.ALPR_ADMIN, Role.IT_STAFF, Role.SUPERVISOR, Role.DIVISION_COMMANDER}),
    # D.2.b(2): personnel searches are reviewed, and seen with their plates and cases in the
    # inspection and its report, by those who review audit (above).
    Permission.REVIEW_SEARCHES: frozenset(
        {Role.ALPR_ADMIN, Role.SUPERVISOR, Role.DIVISION_COMMANDER}),
    # D.2.b(2)(a): an out-of-compliance search goes to the searcher's division commander.
    Permission.DECIDE_REFERRAL: frozenset({Role.DIVISION_COMMANDER}),
    # F.2.e: viewing for a purpose outside F.2.a-d is a request a division commander approves.
    Permission.APPROVE_VIEWING: frozenset({Role.DIVISION_COMMANDER}),
    # The inbox: whoever decides something another person asked for (I.1, D.1.c, F.2.e,
    # D.2.b(2)(a)).
    Permission.USE_INBOX: frozenset(
        {Role.ALPR_ADMIN, Role.SUPERVISOR, Role.DIVISION_COMMANDER}),
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
