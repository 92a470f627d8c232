"""Schema migrations (Alembic scripts in db/) and the start-up schema check."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from rtic_console.paths import MIGRATIONS_DIR
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
    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def ensure_schema(db: Database, command_hint: str) -> None:
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
    where = "empty" if current is None else f"at revision {current}"
    raise SchemaBehind(
        f"the database schema is {where} and this console needs {head}; "
        f"run: {command_hint}"
    )
