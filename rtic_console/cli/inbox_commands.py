"""`rtic-console inbox` and `viewing request`: what waits for a decision, deciding it with a
reason, and asking a division commander to approve viewing outside F.2.a-d (F.2.e)."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliSession
from rtic_console.services import inbox, viewing_requests
from rtic_console.services.inbox import Decision
from rtic_console.services.runner import perform, query


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    box = sub.add_parser("inbox", help="what waits for your decision (special entries, "
                                       "other-use and viewing requests, referrals)")
    box.add_argument("--json", action="store_true")
    box.set_defaults(handler=_list)
    cmds = box.add_subparsers(dest="inbox_command")
    decide = cmds.add_parser("decide", help="decide an item, with a reason")
    decide.add_argument("source", choices=[s.key for s in inbox.SOURCES])
    decide.add_argument("item", type=int, metavar="ID")
    decide.add_argument("decision", choices=[d.value for d in Decision])
    decide.add_argument("--reason", required=True)
    decide.add_argument("--hours", type=float, default=8.0,
                        help="a viewing request is approved for this long from now (F.2.e)")
    decide.set_defaults(handler=_decide)

    viewing = sub.add_parser("viewing", help="camera viewing requests a division commander "
                                             "approves (F.2.e)")
    vcmds = viewing.add_subparsers(dest="viewing_command", required=True)
    ask = vcmds.add_parser("request", help="ask to view cameras for a purpose outside F.2.a-d")
    ask.add_argument("--description", required=True, help="what, where and why")
    ask.set_defaults(handler=_request)
    mine = vcmds.add_parser("requests", help="your viewing requests and their windows")
    mine.add_argument("--json", action="store_true")
    mine.set_defaults(handler=_mine)


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    items = query(cli.db, cli.context(), inbox.inbox)
    if args.json:
        print_json(as_dicts(items))
        return 0
    print_table(["SOURCE", "ID", "WHAT", "FROM", "SINCE (local)", "CLAUSE", "DECISIONS"],
                [(i.source, i.item_id, i.title, i.requested_by,
                  i.requested_at.astimezone().strftime("%Y-%m-%d %H:%M"), i.clause,
                  "|".join(d.value for d in i.decisions)) for i in items])
    return 0


def _decide(args: argparse.Namespace, cli: CliSession) -> int:
    until = (datetime.now().astimezone() + timedelta(hours=args.hours)
             if args.source == "viewing_request" and args.decision == "approve" else None)
    perform(cli.db, cli.context(), inbox.decide, args.source, args.item, args.decision,
            args.reason, until)
    print(f"{args.source} #{args.item}: {args.decision} recorded")
    return 0


def _request(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), viewing_requests.request_viewing, args.description)
    print(f"Asked: {view.reference}. Once a division commander approves it, open the wall "
          f"with the purpose 'request approved by a division commander' and reference "
          f"{view.reference}.")
    return 0


def _mine(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), viewing_requests.my_viewing_requests)
    if args.json:
        print_json(as_dicts(views))
        return 0

    def when(moment: datetime | None) -> str:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""

    print_table(["REFERENCE", "STATUS", "FROM", "UNTIL", "DECIDED BY", "NOTE", "DESCRIPTION"],
                [(v.reference, v.status, when(v.approved_from), when(v.approved_until),
                  v.decided_by or "", v.decision_note or "", v.description) for v in views])
    return 0
