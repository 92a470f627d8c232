"""`rtic-console alert list|ack`: the alerts waiting for the roles the person holds (B.2)."""

from __future__ import annotations

import argparse

from rtic_console.cli.output import print_json, print_table
from rtic_console.cli.session import CliSession
from rtic_console.domain.roles import ROLE_TITLES
from rtic_console.services import alerts
from rtic_console.services.alerts import AlertView
from rtic_console.services.runner import perform, query


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    alert = sub.add_parser("alert", help="alerts for your roles: list, acknowledge")
    cmds = alert.add_subparsers(dest="alert_command", required=True)
    lst = cmds.add_parser("list", help="alerts not yet acknowledged, oldest first")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)
    ack = cmds.add_parser("ack", help="acknowledge an alert for everyone who holds its role; "
                                      "audited")
    ack.add_argument("alert_id", type=int)
    ack.add_argument("--note", required=True, help="what you are doing about it")
    ack.set_defaults(handler=_ack)


def _row(a: AlertView) -> dict[str, object]:
    return {"id": a.id, "kind": a.kind, "title": a.title, "body": a.body,
            "subject_type": a.subject_type, "subject_id": a.subject_id,
            "for_role": a.for_role.value, "raised_by": a.raised_by_badge,
            "raised_at": a.raised_at.isoformat()}


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), alerts.open_alerts)
    if args.json:
        print_json([_row(a) for a in views])
        return 0
    print_table(["#", "Raised (local)", "For", "Alert"],
                [(a.id, f"{a.raised_at.astimezone():%Y-%m-%d %H:%M}", ROLE_TITLES[a.for_role],
                  a.title) for a in views])
    return 0


def _ack(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), alerts.acknowledge_alert, args.alert_id, args.note)
    print(f"Alert #{view.id} acknowledged: {view.title}")
    return 0
