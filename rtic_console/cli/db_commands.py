"""`rtic-console db ...`: schema migrations."""

from __future__ import annotations

import argparse

from rtic_console.cli.session import CliSession
from rtic_console.store.database import open_database
from rtic_console.store.migrations import current_revision, head_revision, upgrade
from rtic_console.store.sqlite_guard import check_sqlite_file


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="database schema")
    cmds = db.add_subparsers(dest="db_command", required=True)
    up = cmds.add_parser("upgrade", help="apply migrations up to this console's schema")
    up.set_defaults(handler=_upgrade)


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
