"""`--recipient WHO` of the commands that export data (C.3)."""

from __future__ import annotations

import argparse

from rtic_console.cli.session import CliRefusal
from rtic_console.domain.recipients import ExportRecipient, parse_recipient

HELP = ("who receives the export (C.3): 'spd' (SPD internal use for the case) or "
        "'request:ID' (another agency's granted sharing request); an export without one is "
        "refused")


def add_recipient_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--recipient", metavar="WHO", help=HELP)


def recipient_arg(raw: str | None, case_number: str | None) -> ExportRecipient | None:
    """--recipient as typed; None when not given, so the service refuses and audits it."""
    try:
        return parse_recipient(raw, case_number)
    except ValueError as exc:
        raise CliRefusal(str(exc)) from None
