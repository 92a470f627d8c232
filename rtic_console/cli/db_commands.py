"""`rtic-console db ...`: schema migrations and the PostgreSQL roles."""

from __future__ import annotations

import argparse

from sqlalchemy.exc import DBAPIError

from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.store.database import open_database
from rtic_console.store.db_roles import RolePlan, RoleSetupError, set_up, setup_sql
from rtic_console.store.migrations import current_revision, head_revision, upgrade
from rtic_console.store.sqlite_guard import check_sqlite_file


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="database schema")
    cmds = db.add_subparsers(dest="db_command", required=True)
    up = cmds.add_parser("upgrade", help="apply migrations up to this console's schema (on "
                                         "PostgreSQL as the database owner)")
    up.set_defaults(handler=_upgrade)
    roles = cmds.add_parser(
        "roles", help="PostgreSQL: the owner role that runs `db upgrade`, and console and "
                      "ingest logins that may append to the audit trail but never alter it. "
                      "Prints the SQL; --apply runs it (as a superuser, on --database)")
    roles.add_argument("--owner", default="rtic_owner", help="owns the schema (default "
                                                             "rtic_owner)")
    roles.add_argument("--group", default="rtic_app", help="the logins' group role (default "
                                                           "rtic_app)")
    roles.add_argument("--console", default="rtic_console", help="the consoles' login "
                                                                 "(default rtic_console)")
    roles.add_argument("--ingest", default="rtic_ingest", help="the ingest service's login "
                                                               "(default rtic_ingest)")
    roles.add_argument("--apply", action="store_true", help="run the statements now")
    roles.set_defaults(handler=_roles)


def _upgrade(args: argparse.Namespace, cli: CliSession) -> int:
    db = open_database(cli.settings.database_url)
    try:
        if not db.is_postgres and db.url.database:
            from pathlib import Path

            check_sqlite_file(Path(db.url.database))
        before = current_revision(db)
        upgrade(db)
        after = current_revision(db)
    finally:
        db.dispose()
    if before == after:
        print(f"Schema already current ({after}) on {db.display}")
    else:
        print(f"Schema upgraded {before or 'empty'} -> {after} (head {head_revision()}) on "
              f"{db.display}")
    return 0


def _roles(args: argparse.Namespace, cli: CliSession) -> int:
    db = open_database(cli.settings.database_url)
    try:
        if not db.is_postgres:
            raise CliRefusal("db roles is for PostgreSQL; an SQLite file has no roles")
        try:
            plan = RolePlan(db.url.database or "", args.owner, args.group,
                            (args.console, args.ingest))
        except RoleSetupError as exc:
            raise CliRefusal(str(exc)) from None
        if not args.apply:
            print(f"-- Run as a superuser connected to database {plan.database}, or again "
                  "with --apply.")
            for statement in setup_sql(plan):
                print(f"{statement};")
            return 0
        try:
            with db.write() as session:
                set_up(session, plan, cli.settings.workstation)
        except DBAPIError as exc:
            first = str(exc.orig or exc).strip().splitlines()[0]
            raise CliRefusal(f"the role set-up failed and changed nothing: {first}") from None
    finally:
        db.dispose()
    owner_url = db.url.set(username=plan.owner, password=None)
    print(f"Roles set up on {db.display}: owner {plan.owner}; logins {args.console} and "
          f"{args.ingest} (group {plan.group}) append to the audit trail and cannot alter "
          f"it.\nNext: give each login a password (psql: \\password ROLE), then run\n"
          f"  rtic-console --database "
          f"'{owner_url.render_as_string(hide_password=True)}' db upgrade\n"
          f"and point the consoles at {args.console}, the ingest service at {args.ingest}.")
    return 0
