"""`rtic-console inspection ...`: the quarterly inspection (D.2.b) from a terminal."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliSession
from rtic_console.domain.inspections import SearchFlag, Verdict
from rtic_console.services import inspection_devices, inspections, referrals
from rtic_console.services.inspections import InspectionView
from rtic_console.services.runner import perform, query


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    inspection = sub.add_parser("inspection", help="quarterly inspection (D.2.b): open, "
                                                   "review searches, close, report")
    cmds = inspection.add_subparsers(dest="inspection_command", required=True)

    opener = cmds.add_parser("open", help="open a quarter's inspection (ALPR administrators "
                                          "and IT staff), such as 2026Q4")
    opener.add_argument("quarter")
    opener.set_defaults(handler=_open)

    lst = cmds.add_parser("list", help="every inspection and its progress")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)

    show = cmds.add_parser("show", help="the inspection and its searches, flagged and "
                                        "unreviewed first")
    show.add_argument("quarter")
    show.add_argument("--flagged", action="store_true", help="only flagged searches")
    show.add_argument("--unreviewed", action="store_true", help="only unreviewed searches")
    show.add_argument("--limit", type=int, default=50)
    show.add_argument("--offset", type=int, default=0)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)

    review = cmds.add_parser("review", help="mark a search compliant, or out of compliance "
                                            "with a reason (referred to the searcher's "
                                            "division commander)")
    review.add_argument("quarter")
    review.add_argument("search", type=int, metavar="SEARCH_ID")
    review.add_argument("verdict", choices=[v.value for v in Verdict])
    review.add_argument("--reason")
    review.set_defaults(handler=_review)

    device = cmds.add_parser("device", help="check a device for the quarter (D.2.b(1)): "
                                            "functioning and up to date, or not with a note")
    device.add_argument("quarter")
    device.add_argument("code")
    device.add_argument("--functioning", choices=["yes", "no"], required=True)
    device.add_argument("--up-to-date", choices=["yes", "no"], required=True)
    device.add_argument("--note")
    device.set_defaults(handler=_device)

    close = cmds.add_parser("close", help="close the inspection (refused while any search is "
                                          "unreviewed); records the audit chain's head")
    close.add_argument("quarter")
    close.set_defaults(handler=_close)

    report = cmds.add_parser("report", help="write the inspection's report as PDF")
    report.add_argument("quarter")
    report.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    report.set_defaults(handler=_report)

    refs = cmds.add_parser("referrals", help="referrals of a quarter, or (without one) those "
                                             "waiting for you as division commander")
    refs.add_argument("quarter", nargs="?")
    refs.add_argument("--json", action="store_true")
    refs.set_defaults(handler=_referrals)

    outcome = cmds.add_parser("outcome", help="record what was done about a referral "
                                              "(its division commander)")
    outcome.add_argument("referral", type=int, metavar="REFERRAL_ID")
    outcome.add_argument("--outcome", required=True)
    outcome.set_defaults(handler=_outcome)


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _summary(v: InspectionView) -> str:
    state = f"closed {_when(v.closed_at)} by {v.closed_by}" if v.closed else "open"
    head = (f"; audit head #{v.audit_head_seq} {v.audit_head_hash}"
            + (f" (checkpoint #{v.checkpoint_id})" if v.checkpoint_id else "")
            if v.audit_head_seq is not None else "")
    return (f"Inspection {v.quarter}: {state}; {v.devices_checked} of {v.devices} devices "
            f"checked; {v.searches} searches, {v.reviewed} reviewed, "
            f"{v.unreviewed} unreviewed, {v.out_of_compliance} out of compliance; "
            f"{v.referrals} referrals ({v.referrals_open} awaiting an outcome, "
            f"{v.referrals_without_commander} without a commander){head}")


def _open(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), inspections.open_inspection, args.quarter)
    print(_summary(view))
    return 0


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), inspections.list_inspections)
    if args.json:
        print_json(as_dicts(views))
        return 0
    for view in views:
        print(_summary(view))
    return 0


def _show(args: argparse.Namespace, cli: CliSession) -> int:
    ctx = cli.context()
    view = query(cli.db, ctx, inspections.show_inspection, args.quarter)
    page = query(cli.db, ctx, inspections.inspection_searches, args.quarter,
                 only_flagged=args.flagged, only_unreviewed=args.unreviewed,
                 offset=args.offset, limit=args.limit)
    if args.json:
        print_json({"inspection": as_dicts([view])[0] | {"unreviewed": view.unreviewed},
                    "devices": as_dicts(query(cli.db, ctx, inspection_devices.inspection_devices,
                                              args.quarter)),
                    "searches": as_dicts(page.items),
                    "page": {"total": page.total, "offset": args.offset,
                             "flagged": page.flagged, "unreviewed": page.unreviewed}})
        return 0
    print(_summary(view))
    print(f"{page.flagged} flagged; showing {len(page.items)} of {page.total}")
    print_table(["SEARCH", "WHEN (local)", "WHO", "KIND", "PURPOSE", "CASE", "PLATE", "READS",
                 "FLAGS", "VERDICT", "REVIEWER"],
                [(i.search_id, _when(i.searched_at), i.badge, i.kind, i.purpose, i.case,
                  i.plate or "", i.result_count,
                  ",".join(f.value for f in SearchFlag if f in i.flags),
                  i.verdict.value if i.verdict else "-", i.reviewer or "")
                 for i in page.items])
    return 0


def _review(args: argparse.Namespace, cli: CliSession) -> int:
    item = perform(cli.db, cli.context(), inspections.review_search, args.quarter, args.search,
                   args.verdict, args.reason)
    referred = f"; referral #{item.referral_id}" if item.referral_id else ""
    print(f"Search #{item.search_id} by {item.badge}: {args.verdict}{referred}")
    return 0


def _device(args: argparse.Namespace, cli: CliSession) -> int:
    item = perform(cli.db, cli.context(), inspection_devices.check_device, args.quarter,
                   args.code, args.functioning == "yes", args.up_to_date == "yes", args.note)
    print(f"Device {item.code}: functioning {args.functioning}, up to date {args.up_to_date}")
    return 0


def _close(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), inspections.close_inspection, args.quarter)
    print(_summary(view))
    return 0


def _report(args: argparse.Namespace, cli: CliSession) -> int:
    from rtic_console.reports.inspection_pdf import produce_inspection_pdf  # Qt when asked

    report, pages = produce_inspection_pdf(cli.db, cli.context(), args.quarter, args.out)
    print(f"Wrote {args.out} ({pages} pages): {_summary(report.inspection)}")
    return 0


def _referrals(args: argparse.Namespace, cli: CliSession) -> int:
    ctx = cli.context()
    views = (query(cli.db, ctx, referrals.inspection_referrals, args.quarter) if args.quarter
             else query(cli.db, ctx, referrals.pending_referrals))
    if args.json:
        print_json(as_dicts(views))
        return 0
    print_table(["REFERRAL", "QUARTER", "SEARCH", "SEARCHER", "DIVISION", "COMMANDER",
                 "FINDING", "OUTCOME"],
                [(r.id, r.quarter, r.search_id, r.searcher_badge, r.division,
                  r.commander or "NONE", r.finding, r.outcome or "-") for r in views])
    return 0


def _outcome(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), referrals.record_outcome, args.referral, args.outcome)
    print(f"Referral #{view.id} ({view.searcher_badge}, {view.quarter}): outcome recorded")
    return 0
