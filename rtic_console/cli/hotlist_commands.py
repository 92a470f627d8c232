"""`rtic-console hotlist ...`: hot list imports, hot plates and special entries."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.domain.hotlists import NcicSystem, ReasonCategory
from rtic_console.feeds.hotlist_files import (
    FORMATS,
    SIMPLE_CSV_COLUMNS,
    HotListFileError,
    parse_hotlist,
)
from rtic_console.services import hotlists
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.runner import perform


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    hot = sub.add_parser("hotlist", help="hot lists: import files, enter plates, approve")
    cmds = hot.add_subparsers(dest="hotlist_command", required=True)
    imp = cmds.add_parser(
        "import", help="replace a list with a CA DOJ, NCIC or CSV file",
        description="A CSV list that is not a DOJ or NCIC extract is a special list "
                    "(entries await a supervisor, hits informational) unless every row has "
                    "case or xref, ncic_system and ncic_record, and expires within 24 hours. "
                    "Columns: " + ",".join(SIMPLE_CSV_COLUMNS))
    imp.add_argument("file", type=Path)
    imp.add_argument("--list", required=True, dest="list_name")
    imp.add_argument("--format", default="auto", choices=["auto", *FORMATS])
    imp.add_argument("--max-bad-share", type=float, default=0.05,
                     help="refuse the file when more than this share of records is bad")
    imp.add_argument("--allow-shrink", action="store_true",
                     help="confirm replacing the list even though the file drops more of its "
                          "entries in force than the hotlist_max_shrink_share setting allows")
    imp.set_defaults(handler=_import)

    add = cmds.add_parser("add", help="enter an SPD hot plate (or propose a special entry)")
    add.add_argument("plate")
    add.add_argument("--state", required=True)
    add.add_argument("--reason", required=True, choices=[r.value for r in ReasonCategory])
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--case")
    who.add_argument("--xref")
    add.add_argument("--ncic-system", choices=[s.value for s in NcicSystem])
    add.add_argument("--ncic-record")
    add.add_argument("--expires-in", type=float, metavar="HOURS")
    add.add_argument("--narrative")
    add.add_argument("--special", action="store_true",
                     help="propose a special hot list entry for supervisor approval")
    add.set_defaults(handler=_add)

    approve = cmds.add_parser("approve", help="approve a special entry (supervisors)")
    approve.add_argument("entry_id", type=int)
    approve.add_argument("--reason", default="")
    approve.set_defaults(handler=_approve)
    reject = cmds.add_parser("reject", help="reject a special entry (supervisors)")
    reject.add_argument("entry_id", type=int)
    reject.add_argument("--reason", required=True)
    reject.set_defaults(handler=_reject)


def _import(args: argparse.Namespace, cli: CliSession) -> int:
    ctx = cli.context()
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise CliRefusal(f"cannot read {args.file}: {exc.strerror}") from None
    try:
        parsed = parse_hotlist(data, args.file.name, args.format)
    except HotListFileError as exc:
        raise CliRefusal(f"{args.file.name}: {exc}") from None
    for bad in parsed.bad_rows[:50]:
        print(f"  line {bad.line_number}: {bad.reason}")
    try:
        report = perform(cli.db, ctx, hotlists.import_list, args.list_name, args.file.name,
                         hashlib.sha256(data).hexdigest(), parsed, args.max_bad_share,
                         allow_shrink=args.allow_shrink)
    except hotlists.ShrinkRefused as refused:
        raise CliRefusal(f"{refused} Run again with --allow-shrink to confirm.") from None
    for warning in report.warnings:
        print(f"  note: {warning}")
    for reason in report.special_reasons:
        print(f"  special list: {reason}")
    confirmed = f"; shrink from {report.previous} confirmed" if report.shrink_confirmed else ""
    state = "awaiting supervisor approval, hits informational" if report.pending else "active"
    print(f"Imported {report.accepted} entries into {report.list_name!r}: "
          f"{report.kind.title} list, {state} ({report.file_format}; "
          f"{report.in_force} in force, {report.previous} before{confirmed}; "
          f"{len(report.bad_rows)} bad rows, {report.placeholders_skipped} placeholders, "
          f"{report.duplicates_merged} duplicates merged)")
    return 0


def _add(args: argparse.Namespace, cli: CliSession) -> int:
    item = HotPlateInput(plate=args.plate, state=args.state, reason=args.reason,
                         case_number=args.case, xref=args.xref, ncic_system=args.ncic_system,
                         ncic_record=args.ncic_record, expires_in_hours=args.expires_in,
                         narrative=args.narrative)
    service = hotlists.propose_special if args.special else hotlists.add_hot_plate
    view = perform(cli.db, cli.context(), service, item)
    when = view.expires_at.astimezone().strftime("%Y-%m-%d %H:%M") if view.expires_at else "-"
    status = "awaiting supervisor approval" if view.status == "pending" else "active"
    print(f"Entry {view.id}: {view.plate} {view.state or ''} {status}, expires {when}")
    return 0


def _approve(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), hotlists.decide_special, args.entry_id, True,
                   args.reason)
    print(f"Entry {view.id} ({view.plate}) approved; it now produces hits")
    return 0


def _reject(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), hotlists.decide_special, args.entry_id, False,
                   args.reason)
    print(f"Entry {view.id} ({view.plate}) rejected")
    return 0

