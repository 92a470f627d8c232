"""`rtic-console hits ...`: the hit queue, claiming, releasing and closing a hit, from a
terminal.

The same service calls as the Hit queue screen, so the same rules hold (D.5.b, D.6.a): a
refusal ends the command with exit code 2 and one line saying why, and is audited.
"""

from __future__ import annotations

import argparse

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliSession
from rtic_console.domain.checklist import CLOSINGS, STATUS_TITLES
from rtic_console.domain.text import MIN_REASON_CHARACTERS, MIN_REASON_WORDS
from rtic_console.services import hits as hit_service
from rtic_console.services.runner import perform, query

CLOSING_CHOICES = sorted(c.value for c in CLOSINGS)
REASON_RULE = (f"at least {MIN_REASON_WORDS} different words and {MIN_REASON_CHARACTERS} "
               "letters or digits")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    hits = sub.add_parser("hits", help="hits: list, claim, release, close, recovery call")
    cmds = hits.add_subparsers(dest="hits_command", required=True)
    lst = cmds.add_parser("list", help="list hits (the open queue by default)")
    lst.add_argument("--status", help="open (default), all, or one status such as confirmed")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)

    claim = cmds.add_parser("claim", help="claim a new hit to work its checklist (dispatchers)")
    claim.add_argument("hit_id", type=int, metavar="ID")
    claim.set_defaults(handler=_claim)

    release = cmds.add_parser(
        "release", help="put a claimed hit back in the queue for another dispatcher",
        description="The dispatcher who claimed the hit hands it back; a sergeant (supervisor) "
                    "frees a claim its dispatcher cannot finish (D.5.a). Recorded steps stay. "
                    f"The reason says why: {REASON_RULE}.")
    release.add_argument("hit_id", type=int, metavar="ID")
    release.add_argument("--reason", required=True)
    release.set_defaults(handler=_release)

    close = cmds.add_parser(
        "close", help="close a hit you claimed as a misread, no longer wanted or duplicate",
        description="Only the dispatcher who claimed the hit closes it. 'no_longer_wanted' "
                    "needs the CLETS/NCIC step (2) recorded. The reason says what was found: "
                    f"{REASON_RULE}.")
    close.add_argument("hit_id", type=int, metavar="ID")
    # `--as` after the subcommand is the closing; before it, the global --as is the badge.
    close.add_argument("--as", dest="closing", required=True, choices=CLOSING_CHOICES)
    close.add_argument("--reason", required=True)
    close.set_defaults(handler=_close)

    recovery = cmds.add_parser(
        "recovery", help="record the stolen vehicle recovery call for service of a confirmed "
                         "stolen vehicle hit (D.3.e)")
    recovery.add_argument("hit_id", type=int, metavar="ID")
    recovery.add_argument("--cfs", required=True, metavar="NUMBER",
                          help="the call for service number")
    recovery.set_defaults(handler=_recovery)


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    status = None if args.status in (None, "open") else args.status
    views = query(cli.db, cli.context(), hit_service.list_hits, status=status)
    if args.json:
        rows = as_dicts(views)
        for row, view in zip(rows, views, strict=True):
            row["match_kind"] = "approximate" if view.approximate else "exact"
        print_json(rows)
        return 0
    print_table(["ID", "STATUS", "READ", "LISTED", "MATCH", "STATE", "REASON", "LIST",
                 "CREATED"],
                [(v.id, v.status.value, v.best_plate, v.listed_plate,
                  f"~{v.substitutions}" if v.approximate else "exact",
                  f"{v.read_state or '?'}{'!' if v.state_mismatch else ''}", v.reason,
                  v.list_name, v.created_at.astimezone().strftime("%m-%d %H:%M:%S"))
                 for v in views])
    return 0


def _claim(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), hit_service.claim_hit, args.hit_id)
    print(f"Hit {view.id} ({view.best_plate}) claimed by {view.claimed_by}; work its "
          "checklist in order")
    return 0


def _release(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), hit_service.release_hit, args.hit_id, args.reason)
    print(f"Hit {view.id} ({view.best_plate}) is back in the queue for any dispatcher")
    return 0


def _close(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), hit_service.close_hit, args.hit_id, args.closing,
                   args.reason)
    print(f"Hit {view.id} ({view.best_plate}) {STATUS_TITLES[view.status].lower()}")
    return 0


def _recovery(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), hit_service.record_recovery_call, args.hit_id,
                   args.cfs)
    print(f"Hit {view.id} ({view.best_plate}): recovery call for service {view.recovery_cfs} "
          "recorded")
    return 0
