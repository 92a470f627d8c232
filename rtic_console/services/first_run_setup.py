"""First run on a machine with no settings: the database it will use, checked end to end.

Each step's failure names what to do next. The password of a PostgreSQL login is kept in
the OS keyring (store/credentials.py), never in the settings file, and only once the
connection has worked. The embedded database is upgraded in place; a PostgreSQL schema is
upgraded when this login owns it, and otherwise checked (the owner upgrades it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rtic_console.config import Settings, default_database_file
from rtic_console.services.auth import roster_is_empty
from rtic_console.services.context import Context, InputRejected
from rtic_console.services.runner import perform
from rtic_console.services.workstations import WorkstationView, enrol_workstation
from rtic_console.store.credentials import KeyringUnavailable, store_password
from rtic_console.store.database import (
    Database,
    DatabaseUnavailable,
    DatabaseUrlError,
    open_database,
    parse_url,
)
from rtic_console.store.db_roles import SchemaOwnerRequired
from rtic_console.store.migrations import SchemaBehind, ensure_schema, upgrade
from rtic_console.store.private_files import write_private
from rtic_console.store.sqlite_guard import UnusableDatabaseFile, check_sqlite_file


@dataclass(frozen=True)
class DatabaseChoice:
    """What the person chose: an SQLite file, or a PostgreSQL server and login."""

    sqlite_file: Path | None = None
    host: str = ""
    port: int = 5432
    database: str = ""
    user: str = ""
    password: str = ""

    def url(self) -> str:
        """The URL the settings file keeps: never with the password."""
        if self.sqlite_file is not None:
            return f"sqlite:///{self.sqlite_file}"
        if not (self.host and self.database and self.user):
            raise InputRejected("give the PostgreSQL server, database and login (ask the "
                                "department's database administrator)")
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True)
class DatabaseReady:
    db: Database
    url: str
    roster_empty: bool


def default_choice() -> DatabaseChoice:
    return DatabaseChoice(sqlite_file=default_database_file())


def prepare_database(choice: DatabaseChoice) -> DatabaseReady:
    """Connect, keep the password, bring the schema to this program's, and look at the roster.

    Raises InputRejected whose message says what to do next."""
    url = choice.url()
    try:
        parsed = parse_url(url)
    except DatabaseUrlError as exc:
        raise InputRejected(f"{exc}; check the server name and database") from None
    if choice.sqlite_file is not None:
        try:
            check_sqlite_file(choice.sqlite_file)
        except UnusableDatabaseFile as exc:
            raise InputRejected(f"{exc}. Choose another file, or restore a backup "
                                "(rtic-console restore FILE)") from None
    with_password = parsed.set(password=choice.password) if choice.password else parsed
    db = open_database(with_password.render_as_string(hide_password=False), interactive=False)
    try:
        _connect(db, choice)
        if choice.password:
            try:
                store_password(parsed, choice.password)
            except KeyringUnavailable as exc:
                raise InputRejected(
                    f"{exc}. The connection works, but the password has nowhere safe to "
                    "live: install or unlock the OS keyring (Secret Service on Linux), or "
                    "set RTIC_DB_PASSWORD for this account, then try again") from None
        _bring_schema(db)
        with db.read() as session:
            empty = roster_is_empty(session)
    except BaseException:
        db.dispose()
        raise
    return DatabaseReady(db, url, empty)


def _connect(db: Database, choice: DatabaseChoice) -> None:
    try:
        db.ping()
    except DatabaseUnavailable as exc:
        if choice.sqlite_file is not None:
            raise InputRejected(f"{exc}: choose a file in a folder this account may "
                                "write") from None
        raise InputRejected(
            f"{exc}. Check the server name and port, that the server accepts connections "
            f"from this machine (pg_hba.conf), and the login {choice.user} and its "
            "password with the database administrator") from None


def _bring_schema(db: Database) -> None:
    try:
        if db.is_postgres:
            upgrade(db)
        else:
            ensure_schema(db)
    except (SchemaOwnerRequired, SchemaBehind) as exc:
        raise InputRejected(f"{exc}. Ask the database administrator to run it, then choose "
                            "Test and continue again") from None


def enrol_this_workstation(db: Database, ctx: Context, name: str) -> WorkstationView:
    """The first administrator enrols the machine they set up (audited like any enrolment)."""
    return perform(db, ctx, enrol_workstation, name)


def write_settings(path: Path, url: str, settings: Settings) -> Path:
    """The settings file of this machine: the database URL (no password) and its name."""
    lines = [
        "# RTIC Console settings, written by the first-run set-up. Passwords live in the",
        "# OS keyring, never here.",
        f"database_url = {_toml_string(url)}",
        f"workstation = {_toml_string(settings.workstation)}",
    ]
    return write_private(path, ("\n".join(lines) + "\n").encode())


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
