"""Schema migrations (Alembic scripts in db/) and the start-up schema check."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from rtic_console.paths import MIGRATIONS_DIR
from rtic_console.store import db_roles
from rtic_console.store.database import Database


class SchemaBehind(RuntimeError):
    """The database schema is older than this console; the message says what to run."""


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", db.url.render_as_string(hide_password=False)
                        .replace("%", "%%"))
    return cfg


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_schema(conn: Connection) -> None:
    """Refuse to work on a schema other than this program's (a service waits for an upgrade)."""
    current = MigrationContext.configure(conn).get_current_revision()
    head = head_revision()
    if current != head:
        where = "empty" if current is None else f"at revision {current}"
        raise SchemaBehind(f"the database schema is {where} and this program needs {head}; "
                           "an administrator runs `rtic-console db upgrade`")


def upgrade(db: Database, target: str = "head") -> None:
    """Migrate to target. On PostgreSQL the migration runs as the database owner (a login
    that is not it, nor a member of it, is refused) and the logins' rights on the
    append-only tables are taken away again afterwards; a schema already at the target
    needs no rights at all."""
    if target == "head" and current_revision(db) == head_revision():
        return
    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        if db.is_postgres:
            db_roles.act_as_owner(conn, upgrade_hint(db, db_roles.database_owner(conn)))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
        if db.is_postgres:
            db_roles.apply(conn, db_roles.lock_down_sql())


def upgrade_hint(db: Database, owner: str | None = None) -> str:
    """The command that upgrades this database, as its owner when that is known."""
    url = db.url.set(username=owner, password=None) if owner else db.url
    return f"rtic-console --database '{url.render_as_string(hide_password=True)}' db upgrade"


def ensure_schema(db: Database) -> None:
    """Upgrade an SQLite file in place; refuse a PostgreSQL schema that is behind.

    Shared PostgreSQL schemas are upgraded on purpose by an administrator, never
    silently by whichever workstation starts first.
    """
    current = current_revision(db)
    head = head_revision()
    if current == head:
        return
    if not db.is_postgres:
        upgrade(db)
        return
    with db.engine.connect() as conn:
        owner = db_roles.database_owner(conn)
    where = "empty" if current is None else f"at revision {current}"
    raise SchemaBehind(
        f"the database schema is {where} and this console needs {head}; "
        f"run, as the database owner {owner}: {upgrade_hint(db, owner)}"
    )
