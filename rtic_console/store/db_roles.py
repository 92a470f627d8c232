"""PostgreSQL roles: an owner for the schema, logins for the console and ingest that may
append to the audit trail but never alter it.

The owner role owns every table and runs `db upgrade`. The console and ingest logins are
members of a group role with ordinary rights (SELECT, INSERT, UPDATE, DELETE) on the
tables, but on the append-only tables (those whose triggers refuse UPDATE and DELETE) only
SELECT and INSERT: without ownership they cannot disable the triggers, alter or drop the
table; without UPDATE, DELETE and TRUNCATE they cannot change a row. `setup_sql` is run
once by a superuser (`rtic-console db roles`); `lock_down` runs after every migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from rtic_console.store.audit_log import append_event

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# A table is append-only when a trigger runs one of the guard functions of migrations
# 0001 (audit_events_append_only) and 0007 (append_only_guard); the logins only read
# alembic_version, the schema version being the owner's to change.
LOCK_DOWN = """DO $$ DECLARE r record; g record; BEGIN
    FOR r IN
        SELECT c.relname AS tbl,
               'UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER' AS rights
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND EXISTS (
               SELECT FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                WHERE t.tgrelid = c.oid
                  AND p.proname IN ('audit_events_append_only', 'append_only_guard'))
        UNION
        SELECT c.relname, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = 'alembic_version'
    LOOP
        EXECUTE format('REVOKE %s ON public.%I FROM PUBLIC', r.rights, r.tbl);
        FOR g IN
            SELECT DISTINCT pg_get_userbyid(a.grantee) AS name
              FROM pg_class c, aclexplode(c.relacl) a
             WHERE c.oid = format('public.%I', r.tbl)::regclass
               AND a.grantee <> 0 AND a.grantee <> c.relowner
        LOOP
            EXECUTE format('REVOKE %s ON public.%I FROM %I', r.rights, r.tbl, g.name);
        END LOOP;
    END LOOP;
END $$"""


class RoleSetupError(ValueError):
    """Role names or a database the set-up cannot use; the message names which."""


class SchemaOwnerRequired(RuntimeError):
    """A schema change by a login that is not the database owner; the message says whom."""


@dataclass(frozen=True)
class RolePlan:
    database: str
    owner: str
    group: str
    logins: tuple[str, ...]

    def __post_init__(self) -> None:
        names = (self.owner, self.group, *self.logins)
        for name in names:
            if not ROLE_NAME.fullmatch(name):
                raise RoleSetupError(f"role name {name!r} must be 1 to 63 lower-case letters, "
                                     "digits or underscores, not starting with a digit")
        if len(set(names)) != len(names):
            raise RoleSetupError("the owner, group and login roles must all differ")
        if not self.logins:
            raise RoleSetupError("name at least one login (the console's)")
        if not self.database or '"' in self.database:
            raise RoleSetupError(f"database name {self.database!r} is not usable")


def _create_role(name: str, login: bool) -> str:
    kind = "LOGIN" if login else "NOLOGIN"
    return (f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') "
            f'THEN CREATE ROLE "{name}" {kind}; END IF; END $$')


def setup_sql(plan: RolePlan) -> list[str]:
    """Statements a superuser runs once, connected to the console's database. Idempotent;
    a database migrated before the split has its tables and functions handed to the owner."""
    db, owner, group = f'"{plan.database}"', f'"{plan.owner}"', f'"{plan.group}"'
    logins = ", ".join(f'"{name}"' for name in plan.logins)
    return [
        _create_role(plan.owner, login=True),
        _create_role(plan.group, login=False),
        *(_create_role(name, login=True) for name in plan.logins),
        f"GRANT {group} TO {logins}",
        f"ALTER DATABASE {db} OWNER TO {owner}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {owner}",
        f"GRANT USAGE ON SCHEMA public TO {group}",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {group}",
        # Objects made before the split (by whoever ran the migrations) move to the owner;
        # an extension's own functions stay with the extension. (Names match ROLE_NAME.)
        f"""DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT tablename FROM pg_tables
             WHERE schemaname = 'public' AND tableowner <> '{plan.owner}' LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO %I', r.tablename, '{plan.owner}');
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '{plan.owner}'
               AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                               AND d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.fn, '{plan.owner}');
    END LOOP;
END $$""",  # noqa: S608
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {group}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {group}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {group}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {group}",
        *lock_down_sql(),
    ]


def lock_down_sql() -> list[str]:
    """Take from everyone but the owner every right that could change an append-only table
    (found by its guard trigger, so a new one is covered) or the schema version."""
    return [LOCK_DOWN]


def apply(conn: Connection, statements: list[str]) -> None:
    for statement in statements:
        conn.execute(text(statement))


def database_owner(conn: Connection) -> str:
    return str(conn.execute(text(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
    )).scalar_one())


def act_as_owner(conn: Connection, hint: str) -> None:
    """Schema changes are the database owner's: a member of that role becomes it for this
    transaction; anyone else (the console's login) is refused before anything changes."""
    owner = database_owner(conn)
    user = str(conn.execute(text("SELECT current_user")).scalar_one())
    if user == owner:
        return
    member = conn.execute(text("SELECT pg_has_role(current_user, :owner, 'MEMBER')"),
                          {"owner": owner}).scalar_one()
    if not member:
        raise SchemaOwnerRequired(
            f"the schema belongs to the database owner {owner}; the login {user} may not "
            f"change it. Run: {hint}")
    conn.execute(text("SELECT set_config('role', :owner, true)"), {"owner": owner})


def set_up(session: Session, plan: RolePlan, workstation: str | None) -> None:
    """Apply `setup_sql` in the caller's transaction (as a superuser), and record it in the
    audit trail when the database already has one."""
    conn = session.connection()
    apply(conn, setup_sql(plan))
    if conn.execute(text("SELECT to_regclass('public.audit_events')")).scalar() is not None:
        append_event(session, actor_badge=None, workstation=workstation, action="db.roles",
                     object_type="database", object_id=plan.database,
                     reason="database roles set up: owner, group and logins",
                     details={"owner": plan.owner, "group": plan.group,
                              "logins": list(plan.logins)})
