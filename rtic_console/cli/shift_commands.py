"""`rtic-console shift check|unchecked`: a mobile reader's start-of-shift check (D.3.b to
D.3.d) and the units that read plates without one."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from rtic_console.cli.output import print_json, print_table
from rtic_console.cli.session import CliSession
from rtic_console.domain.device_reports import ShiftCheckInput
from rtic_console.services import shift_checks
from rtic_console.services.runner import perform, query


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("yes", "no"):
        raise argparse.ArgumentTypeError("answer yes or no")
    return value == "yes"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    shift = sub.add_parser("shift", help="start-of-shift checks of mobile readers (D.3)")
    cmds = shift.add_subparsers(dest="shift_command", required=True)
    check = cmds.add_parser(
        "check", help="sign the start-of-shift check of your vehicle unit; a failed item opens "
                      "a damage report with the MDC repair request")
    check.add_argument("vehicle_unit", metavar="UNIT")
    check.add_argument("--affixed", type=_yes_no, required=True, metavar="yes|no",
                       help="readers affixed and undamaged (D.3.b)")
    check.add_argument("--cdms", type=_yes_no, required=True, metavar="yes|no",
                       help="CDMS ALPR software started (D.3.c)")
    check.add_argument("--green", type=_yes_no, required=True, metavar="yes|no",
                       help="cameras, LEARN, GPS and system lights green (D.3.d)")
    check.add_argument("--note", default="")
    check.add_argument("--mdc-request", metavar="TEXT",
                       help="when an item failed: the MDC repair request (B.2.b(1))")
    check.set_defaults(handler=_check)
    unchecked = cmds.add_parser("unchecked", help="units whose readers read plates without a "
                                                  "start-of-shift check")
    unchecked.add_argument("--days", type=int, default=7, help="how far back (default 7)")
    unchecked.add_argument("--json", action="store_true")
    unchecked.set_defaults(handler=_unchecked)


def _check(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), shift_checks.record_shift_check, ShiftCheckInput(
        args.vehicle_unit, args.affixed, args.cdms, args.green, args.note, args.mdc_request))
    if view.passed:
        print(f"Start-of-shift check of unit {view.vehicle_unit} recorded: all items passed.")
    else:
        print(f"Start-of-shift check of unit {view.vehicle_unit} recorded: failed "
              f"({'; '.join(view.failed)}). Damage report(s) "
              f"{', '.join(f'#{i}' for i in view.report_ids)} opened; the ALPR administrators "
              "are alerted. Do not attempt to repair the reader.")
    return 0


def _unchecked(args: argparse.Namespace, cli: CliSession) -> int:
    end = datetime.now(UTC)
    runs = query(cli.db, cli.context(), shift_checks.list_unchecked_shifts,
                 end - timedelta(days=args.days), end)
    if args.json:
        print_json([{"vehicle_unit": r.vehicle_unit, "devices": list(r.device_codes),
                     "from": r.first_hour.isoformat(), "until": r.until.isoformat(),
                     "reads": r.reads} for r in runs])
        return 0
    print_table(["Unit", "Readers", "From (local)", "Until (local)", "Reads"],
                [(r.vehicle_unit, ", ".join(r.device_codes),
                  f"{r.first_hour.astimezone():%Y-%m-%d %H:%M}",
                  f"{r.until.astimezone():%Y-%m-%d %H:%M}", r.reads) for r in runs])
    return 0
