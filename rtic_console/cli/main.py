"""Entry point of `rtic-console`: global options, subcommands, and one-line refusals."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from rtic_console import __version__
from rtic_console.cli import (
    agency_commands,
    alert_commands,
    app_commands,
    audit_commands,
    backup_commands,
    camera_commands,
    cap_commands,
    compliance_commands,
    db_commands,
    device_commands,
    hit_commands,
    hotlist_commands,
    inbox_commands,
    ingest_commands,
    inspection_commands,
    registry_commands,
    retention_commands,
    search_commands,
    sharing_commands,
    shift_commands,
    user_commands,
    workstation_commands,
)
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.config import SettingsError, load_settings
from rtic_console.services.context import InputRejected, Refused, refusal_text
from rtic_console.store.database import DatabaseUnavailable, DatabaseUrlError
from rtic_console.store.db_roles import SchemaOwnerRequired
from rtic_console.store.migrations import SchemaBehind
from rtic_console.store.sqlite_guard import UnusableDatabaseFile

REFUSALS = (Refused, InputRejected, CliRefusal, SettingsError, DatabaseUrlError,
            UnusableDatabaseFile, SchemaBehind, DatabaseUnavailable, SchemaOwnerRequired)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rtic-console",
        description="RTIC Console: ALPR and PSCN operations under General Order 525.08. "
                    "With no command it opens the console.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--database", metavar="URL",
                        help="sqlite:///path or postgresql://user@host/db "
                             "(default: RTIC_DATABASE_URL, the settings file, or an SQLite file "
                             "in this user's data folder)")
    parser.add_argument("--as", dest="as_badge", metavar="BADGE",
                        help="the person the action is attributed to (password from "
                             "RTIC_PASSWORD, the OS keyring, or a prompt)")
    parser.add_argument("--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command")
    db_commands.register(sub)
    user_commands.register(sub)
    audit_commands.register(sub)
    hotlist_commands.register(sub)
    hit_commands.register(sub)
    camera_commands.register(sub)
    ingest_commands.register(sub)
    search_commands.register(sub)
    registry_commands.register(sub)
    app_commands.register(sub)
    compliance_commands.register(sub)
    workstation_commands.register(sub)
    agency_commands.register(sub)
    sharing_commands.register(sub)
    alert_commands.register(sub)
    shift_commands.register(sub)
    device_commands.register(sub)
    inspection_commands.register(sub)
    inbox_commands.register(sub)
    retention_commands.register(sub)
    cap_commands.register(sub)
    backup_commands.register(sub)
    parser.set_defaults(handler=app_commands.open_console)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    cli: CliSession | None = None
    try:
        cli = CliSession(load_settings(database_url=args.database), args.as_badge)
        return int(args.handler(args, cli))
    except REFUSALS as exc:
        print(f"rtic-console: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        if cli is not None:
            cli.close()


def _one_line(exc: BaseException) -> str:
    text = refusal_text(exc) if isinstance(exc, Refused | InputRejected) else str(exc)
    return " ".join(text.split()) or type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())
