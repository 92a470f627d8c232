"""`rtic-console backup` and `restore`: the embedded database, copied online and verified."""

from __future__ import annotations

import argparse
from pathlib import Path

from rtic_console.cli.session import CliSession
from rtic_console.services import backups


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = sub.add_parser(
        "backup", help="copy the embedded (SQLite) database while it is in use, and verify "
                       "the copy's schema and audit trail (PostgreSQL: see the guide)")
    backup.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the new backup file (never overwritten)")
    backup.set_defaults(handler=_backup)
    restore = sub.add_parser(
        "restore", help="replace the embedded database with a verified backup; stop the "
                        "console and the ingest service first. The current file is kept aside")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.set_defaults(handler=_restore)


def _backup(args: argparse.Namespace, cli: CliSession) -> int:
    backups.sqlite_path(cli.settings.database_url)  # PostgreSQL: refused before connecting
    checked = backups.back_up(cli.db, cli.settings, args.out)
    print(f"Backup written to {checked.path}: schema {checked.revision}, audit trail verified "
          f"({checked.trail.events_checked} events, head #{checked.trail.head_seq} "
          f"{checked.trail.head_hash}, {checked.trail.checkpoints} checkpoints).")
    return 0


def _restore(args: argparse.Namespace, cli: CliSession) -> int:
    done = backups.restore(cli.settings, args.file)
    trail = done.checked.trail
    aside = f"; the previous database is kept as {done.kept_aside}" if done.kept_aside else ""
    print(f"Restored from {args.file}: schema {done.checked.revision}, audit trail verified "
          f"(head #{trail.head_seq} {trail.head_hash}){aside}.")
    return 0
