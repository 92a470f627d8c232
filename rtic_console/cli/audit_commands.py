"""`rtic-console audit ...`: verify the chain and list events."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.services import audit_review
from rtic_console.services.runner import query
from rtic_console.store.audit_log import AuditFilter


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser("audit", help="the tamper-evident audit trail")
    cmds = audit.add_subparsers(dest="audit_command", required=True)
    verify = cmds.add_parser("verify", help="check the hash chain; exit 1 naming the first "
                                            "bad sequence number")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_verify)
    lst = cmds.add_parser("list", help="list events, newest first")
    lst.add_argument("--since", metavar="ISO", help="only events at or after this time")
    lst.add_argument("--limit", type=int, default=1000)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)


def _verify(args: argparse.Namespace, cli: CliSession) -> int:
    with cli.db.read() as session:
        report = audit_review.verify(session)
    if args.json:
        print_json(report.__dict__)
    elif report.ok:
        print(f"Audit chain intact: {report.events_checked} events; head #{report.head_seq} "
              f"{report.head_hash or ''}")
    else:
        print(f"Audit chain BROKEN at sequence {report.first_bad_seq}: {report.problem}")
    return 0 if report.ok else 1


def parse_since(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise CliRefusal(f"--since {raw!r} is not an ISO 8601 time") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.astimezone().astimezone(UTC)


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    if args.limit < 1:
        raise CliRefusal("--limit must be at least 1")
    flt = AuditFilter(since=parse_since(args.since), limit=args.limit)
    events = query(cli.db, cli.context(), audit_review.list_events, flt)
    if args.json:
        print_json(as_dicts(events))
        return 0
    print_table(["SEQ", "TIME (local)", "ACTOR", "ACTION", "OBJECT", "REASON"],
                [(e.seq, e.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                  e.actor_badge, e.action,
                  f"{e.object_type or ''} {e.object_id or ''}".strip(),
                  (e.reason or "")[:80]) for e in events])
    return 0
