"""`rtic-console agency ...`: the directory of agencies that may ask SPD for ALPR data
(C.2 to C.4), kept by ALPR administrators."""

from __future__ import annotations

import argparse
from pathlib import Path

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.domain.agencies import MAX_FILE_BYTES, AgencyType
from rtic_console.services import agencies
from rtic_console.services.agencies import AgencyInput, AgencyView
from rtic_console.services.runner import perform, query

SOME_ROWS_REFUSED = 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    agency = sub.add_parser("agency", help="the agency directory for data sharing (C.2-C.4)")
    cmds = agency.add_subparsers(dest="agency_command", required=True)
    add = cmds.add_parser("add", help="add an agency by hand")
    add.add_argument("ori", metavar="ORI")
    add.add_argument("--name", required=True)
    add.add_argument("--state", required=True, metavar="ST")
    add.add_argument("--type", required=True, dest="agency_type",
                     choices=[t.value for t in AgencyType])
    add.add_argument("--learn-partner", action="store_true",
                     help="the agency is a LEARN partner (C.2)")
    enforcement = add.add_mutually_exclusive_group()
    enforcement.add_argument("--law-enforcement", dest="law_enforcement", action="store_const",
                             const=True, help="a law enforcement agency (the default for "
                                              "local, county, state, federal and tribal)")
    enforcement.add_argument("--not-law-enforcement", dest="law_enforcement",
                             action="store_const", const=False,
                             help="not a law enforcement agency (private and other are not "
                                  "unless stated)")
    add.add_argument("--contact", default="")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_add)
    listing = cmds.add_parser("list", help="the directory")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    imp = cmds.add_parser(
        "import", help="add or update agencies from a CSV file, with a report per row",
        description="Columns: ori, name, state, type, law_enforcement, learn_partner, contact. "
                    "A row without state or type is refused. Exit 0 when no row is refused, "
                    "1 when some are, 2 when the whole file is refused.")
    imp.add_argument("file", type=Path)
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=_import)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _print_agencies(rows: list[AgencyView]) -> None:
    print_table(["ORI", "NAME", "ST", "TYPE", "LAW ENF.", "LEARN", "CONTACT"],
                [(a.ori, a.name, a.state, a.agency_type, _yes(a.law_enforcement),
                  _yes(a.learn_partner), a.contact) for a in rows])


def _add(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), agencies.add_agency, AgencyInput(
        args.ori, args.name, args.state, args.agency_type, args.law_enforcement,
        args.learn_partner, args.contact))
    if args.json:
        print_json(as_dicts([view])[0])
    else:
        _print_agencies([view])
    return 0


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    rows = query(cli.db, cli.context(), agencies.list_agencies)
    if args.json:
        print_json(as_dicts(rows))
    else:
        _print_agencies(rows)
        print(f"{len(rows)} agencies")
    return 0


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CliRefusal(f"cannot read {path}: {exc.strerror}") from None


def _import(args: argparse.Namespace, cli: CliSession) -> int:
    report = perform(cli.db, cli.context(), agencies.import_agencies, args.file.name,
                     _read(args.file))
    counts = {s: report.count(s) for s in ("added", "updated", "unchanged", "refused")}
    if args.json:
        print_json({"file": report.filename, "sha256": report.sha256, **counts,
                    "rows": as_dicts(report.rows)})
    else:
        print_table(["ROW", "RESULT", "ORI", "DETAIL"],
                    [(o.row, o.status, o.ori or "", o.detail) for o in report.rows])
        print(f"{report.filename}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
              + f" (sha256 {report.sha256[:16]}…)")
    return 0 if report.complete else SOME_ROWS_REFUSED
