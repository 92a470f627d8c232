"""`rtic-console workstation enrol|list|revoke`: which machines are enrolled (G.3.f)."""

from __future__ import annotations

import argparse

from rtic_console.cli.output import print_json, print_table
from rtic_console.cli.session import CliSession
from rtic_console.services import workstations
from rtic_console.services.runner import perform, query
from rtic_console.services.workstations import WorkstationView


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ws = sub.add_parser("workstation", help="enrol, list and revoke workstations (ALPR "
                                            "administrators)")
    cmds = ws.add_subparsers(dest="workstation_command", required=True)
    enrol = cmds.add_parser(
        "enrol", help="enrol THIS machine under NAME: its secret goes into this machine's OS "
                      "keyring, only a hash into the database; audited")
    enrol.add_argument("name")
    enrol.set_defaults(handler=_enrol)
    lst = cmds.add_parser("list", help="enrolled and revoked workstations")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)
    revoke = cmds.add_parser("revoke", help="revoke a workstation's enrolment; audited")
    revoke.add_argument("name")
    revoke.add_argument("--reason", required=True)
    revoke.set_defaults(handler=_revoke)


def _row(v: WorkstationView) -> dict[str, object]:
    return {"name": v.name, "status": v.status, "enrolled_by": v.enrolled_by,
            "enrolled_at": v.enrolled_at.isoformat(), "revoked_by": v.revoked_by,
            "revoked_at": v.revoked_at.isoformat() if v.revoked_at else None,
            "revoke_reason": v.revoke_reason}


def _enrol(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), workstations.enrol_workstation, args.name)
    print(f"Workstation {view.name} enrolled by {view.enrolled_by}; its secret is in this "
          "machine's keyring. Consoles on this machine sign in as it from now on.")
    return 0


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), workstations.list_workstations)
    if args.json:
        print_json([_row(v) for v in views])
        return 0
    print_table(["Workstation", "Status", "Enrolled by", "Enrolled (local)", "Revoked by",
                 "Revoked (local)", "Reason"],
                [(v.name, v.status, v.enrolled_by, f"{v.enrolled_at.astimezone():%Y-%m-%d %H:%M}",
                  v.revoked_by or "", f"{v.revoked_at.astimezone():%Y-%m-%d %H:%M}"
                  if v.revoked_at else "", v.revoke_reason or "") for v in views])
    return 0


def _revoke(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), workstations.revoke_workstation, args.name,
                   args.reason)
    print(f"Workstation {view.name} revoked: donor cameras go dark there now.")
    return 0
