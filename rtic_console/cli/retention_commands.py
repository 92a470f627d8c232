"""`rtic-console retention show|set`, `hold add|list|release` and `purge`: how long data is
kept, what is kept past it for a case, and removing the rest (C.1, F.5)."""

from __future__ import annotations

import argparse

from rtic_console.cli.output import iso_time, print_json, print_table
from rtic_console.cli.session import CliSession
from rtic_console.domain.retention import RetentionKind
from rtic_console.services import evidence_holds, retention
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.evidence_holds import HoldRequest, HoldView
from rtic_console.services.retention_purge import PurgeReport, run_purge
from rtic_console.services.runner import perform, query


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ret = sub.add_parser("retention", help="how long each kind of data is kept (C.1, F.5)")
    cmds = ret.add_subparsers(dest="retention_command", required=True)
    show = cmds.add_parser("show", help="the retention of each kind of data")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)
    put = cmds.add_parser("set", help="set one kind's retention, 90 to 730 days (ALPR "
                                      "administrators); audited")
    put.add_argument("kind", choices=[k.value for k in RetentionKind])
    put.add_argument("days", type=int)
    put.set_defaults(handler=_set)

    hold = sub.add_parser("hold", help="evidence holds: data kept past retention for a case")
    holds = hold.add_subparsers(dest="hold_command", required=True)
    add = holds.add_parser("add", help="hold a read, a hit, a plate's reads in a time range, "
                                       "or a camera's recordings in a time range; audited")
    add.add_argument("--case", required=True, help="the case number")
    add.add_argument("--reason", required=True)
    what = add.add_mutually_exclusive_group(required=True)
    what.add_argument("--detection", type=int, metavar="ID", help="one read")
    what.add_argument("--hit", type=int, metavar="ID", help="one hit and its read")
    what.add_argument("--plate", metavar="P", help="every read of this plate (with --from, --to)")
    what.add_argument("--camera", metavar="CODE",
                      help="this camera's recordings (with --from, --to)")
    add.add_argument("--from", dest="start", type=iso_time, metavar="ISO")
    add.add_argument("--to", dest="end", type=iso_time, metavar="ISO")
    add.set_defaults(handler=_hold_add)
    lst = holds.add_parser("list", help="active holds, an evidence export's among them")
    lst.add_argument("--all", action="store_true", help="released holds too")
    lst.add_argument("--case", help="only holds whose case number contains this")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_hold_list)
    release = holds.add_parser("release", help="release a hold; its data follows retention "
                                               "again; audited")
    release.add_argument("id", type=int)
    release.add_argument("--reason", required=True)
    release.set_defaults(handler=_hold_release)

    purge = sub.add_parser("purge", help="remove everything past retention and not held; "
                                         "audited. Without --as it acts as this "
                                         "workstation's scheduled job")
    purge.add_argument("--dry-run", action="store_true",
                       help="count what would be removed, remove nothing")
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(handler=_purge)


def _show(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), retention.show_retention)
    if args.json:
        print_json({v.kind.value: {"days": v.days, "title": v.title,
                                   "updated_by": v.updated_by,
                                   "updated_at": v.updated_at.isoformat() if v.updated_at
                                   else None} for v in views})
        return 0
    print_table(["Kind", "Days", "What", "Set by", "Set (local)"],
                [(v.kind.value, v.days, v.title, v.updated_by or "(default)",
                  f"{v.updated_at.astimezone():%Y-%m-%d %H:%M}" if v.updated_at else "")
                 for v in views])
    return 0


def _set(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), retention.set_retention, args.kind, args.days)
    print(f"{view.title}: kept {view.days} days. The next purge applies it.")
    return 0


def _hold_add(args: argparse.Namespace, cli: CliSession) -> int:
    request = HoldRequest(args.case, args.reason, detection_id=args.detection, hit_id=args.hit,
                          plate=args.plate, camera=args.camera, start=args.start, end=args.end)
    view = perform(cli.db, cli.context(), evidence_holds.place_hold, request)
    print(f"Hold #{view.id} for case {view.case_number}: {view.target}.")
    return 0


def hold_json(v: HoldView) -> dict[str, object]:
    return {"id": v.id, "case": v.case_number, "reason": v.reason, "scope": v.scope,
            "detection_id": v.detection_id, "hit_id": v.hit_id, "plate": v.plate,
            "camera": v.camera, "from": v.from_at.isoformat() if v.from_at else None,
            "to": v.to_at.isoformat() if v.to_at else None, "placed_by": v.placed_by,
            "placed_at": v.placed_at.isoformat(), "released_by": v.released_by,
            "released_at": v.released_at.isoformat() if v.released_at else None,
            "release_reason": v.release_reason, "export_id": v.export_id}


def _hold_list(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), evidence_holds.list_holds, not args.all, args.case)
    if args.json:
        print_json([hold_json(v) for v in views])
        return 0
    print_table(["Hold", "Case", "Holds", "Reason", "Placed by", "Placed (local)", "Released"],
                [(v.id, v.case_number, v.target, v.reason, v.placed_by,
                  f"{v.placed_at.astimezone():%Y-%m-%d %H:%M}",
                  f"{v.released_at.astimezone():%Y-%m-%d %H:%M} by {v.released_by}"
                  if v.released_at else "") for v in views])
    return 0


def _hold_release(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), evidence_holds.release_hold, args.id, args.reason)
    print(f"Hold #{view.id} for case {view.case_number} released: {view.target} follows "
          "retention again.")
    return 0


def _purge(args: argparse.Namespace, cli: CliSession) -> int:
    who = cli.context() if cli.as_badge else SystemIdentity("scheduled-purge",
                                                            cli.settings.workstation)
    report = run_purge(cli.db, who, dry_run=args.dry_run)
    if args.json:
        print_json(report.as_json())
        return 0
    print_purge(report)
    return 0


def print_purge(report: PurgeReport) -> None:
    head = "Would remove (dry run)" if report.dry_run else f"Purge run #{report.run_id} removed"
    print(f"{head}; database clock {report.database_now.astimezone():%Y-%m-%d %H:%M}.")
    print_table(["Kind", "Days", "Cutoff (local)", "Removed", "Kept for holds"],
                [(k.kind.value, k.days, f"{k.cutoff.astimezone():%Y-%m-%d %H:%M}",
                  ", ".join(f"{n} {what}" for what, n in k.removed.items()),
                  k.kept_for_holds) for k in report.kinds])
    for run_id, counts in report.resumed.items():
        print(f"Completed interrupted run #{run_id}, which had removed: {counts}")
