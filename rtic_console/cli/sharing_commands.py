"""`rtic-console sharing ...`: requests for ALPR data from other agencies, decided by the
rule (C.2 to C.6), the sharing log, and legal review of a refusal."""

from __future__ import annotations

import argparse
from pathlib import Path

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.search_commands import moment
from rtic_console.cli.session import CliSession
from rtic_console.services import sharing, special_sharing
from rtic_console.services.runner import perform, query
from rtic_console.services.sharing import SharingInput, SharingView

REFUSED = 3


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    share = sub.add_parser("sharing", help="ALPR data requests from other agencies (C.2-C.6)")
    cmds = share.add_subparsers(dest="sharing_command", required=True)
    req = cmds.add_parser(
        "request", help="file a request; the rule decides it",
        description="Prints the decision and its clause. Exit 0 granted (the package is "
                    "written to --out), 3 refused (no file is written), 2 when the request "
                    "cannot be filed as asked.")
    req.add_argument("--agency", required=True, metavar="ORI")
    req.add_argument("--purpose", required=True, metavar="TEXT",
                     help="the purpose in the requester's words")
    req.add_argument("--plates", metavar="P1,P2", help="exact plates, comma-separated")
    req.add_argument("--from", dest="time_from", metavar="ISO")
    req.add_argument("--to", dest="time_to", metavar="ISO")
    req.add_argument("--case", metavar="N", help="share the reads of this SPD case's plate "
                                                 "searches instead of plates")
    req.add_argument("--requester", metavar="NAME", help="the person who asked")
    req.add_argument("--contact", metavar="TEXT",
                     help="their contact (default: the directory's)")
    req.add_argument("--their-case", metavar="N", help="their case or incident number")
    req.add_argument("--out", type=Path, default=Path("."), metavar="DIR",
                     help="folder for a granted request's package (default: here)")
    req.add_argument("--json", action="store_true")
    req.set_defaults(handler=_request)
    listing = cmds.add_parser("list", help="the sharing log: requests, decisions, packages")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    review = cmds.add_parser("review", help="send a refused request to legal review")
    review.add_argument("id", type=int)
    review.add_argument("--note", required=True, metavar="TEXT",
                        help="what law may permit it")
    review.add_argument("--json", action="store_true")
    review.set_defaults(handler=_review)
    decide = cmds.add_parser("decide", help="a division commander decides a legal review")
    decide.add_argument("id", type=int)
    verdict = decide.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--permit", action="store_true")
    verdict.add_argument("--deny", action="store_true")
    decide.add_argument("--note", required=True, metavar="TEXT")
    decide.add_argument("--out", type=Path, default=Path("."), metavar="DIR")
    decide.add_argument("--json", action="store_true")
    decide.set_defaults(handler=_decide)
    _register_special(cmds)


def _register_special(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    special = cmds.add_parser("special", help="share a special hot list entry with another "
                                              "agency (I.2.b)")
    sub = special.add_subparsers(dest="special_command", required=True)
    ask = sub.add_parser("request", help="ask a division commander to share an entry")
    ask.add_argument("entry", type=int, metavar="ENTRY_ID")
    ask.add_argument("--agency", required=True, metavar="ORI")
    ask.add_argument("--reason", required=True)
    ask.set_defaults(handler=_special_request)
    decide = sub.add_parser("decide", help="a division commander approves or rejects")
    decide.add_argument("id", type=int)
    verdict = decide.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true")
    verdict.add_argument("--reject", action="store_true")
    decide.add_argument("--reason", required=True)
    decide.set_defaults(handler=_special_decide)
    release = sub.add_parser("release", help="write an approved share for the agency")
    release.add_argument("id", type=int)
    release.add_argument("--out", type=Path, default=Path("."), metavar="DIR")
    release.set_defaults(handler=_special_release)
    listing = sub.add_parser("list", help="special hot list share requests")
    listing.add_argument("--pending", action="store_true")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_special_list)


def _show(view: SharingView, as_json: bool) -> None:
    if as_json:
        print_json({**as_dicts([view])[0], "status": view.status, "released": view.released})
        return
    print(f"request #{view.id} from {view.agency_name} ({view.agency_ori}): "
          f"{view.decision.upper()} under {view.clause}")
    print(view.decision_reason)
    if view.review_status:
        print(f"legal review {view.review_status}: {view.review_decision_note or view.review_note}")
    if view.commander_alerted:
        print("the RTIC division commander is alerted (C.2.a)")
    if view.package_path:
        print(f"package {view.package_path}: {view.read_count} reads, manifest SHA-256 "
              f"{view.manifest_sha256}")


def _request(args: argparse.Namespace, cli: CliSession) -> int:
    item = SharingInput(
        agency_ori=args.agency, requester_name=args.requester, requester_contact=args.contact,
        purpose=args.purpose, their_case_number=args.their_case, plates=args.plates,
        time_from=moment(args.time_from, "--from"), time_to=moment(args.time_to, "--to"),
        spd_case_number=args.case)
    view = perform(cli.db, cli.context(), sharing.file_request, item, args.out)
    _show(view, args.json)
    return 0 if view.released else REFUSED


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), sharing.list_requests)
    if args.json:
        print_json([{**d, "status": v.status, "released": v.released}
                    for d, v in zip(as_dicts(views), views, strict=True)])
        return 0
    print_table(["ID", "FILED (local)", "AGENCY", "DECISION", "CLAUSE", "READS", "PURPOSE"],
                [(v.id, v.filed_at.astimezone().strftime("%Y-%m-%d %H:%M"), v.agency_ori,
                  v.status, ",".join(v.clauses) or v.clause,
                  "" if v.read_count is None else v.read_count, v.purpose[:50])
                 for v in views])
    print(f"{len(views)} requests")
    return 0


def _review(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), sharing.send_to_review, args.id, args.note)
    _show(view, args.json)
    return 0


def _decide(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), sharing.decide_review, args.id, args.permit,
                   args.note, args.out if args.permit else None)
    _show(view, args.json)
    return 0


def _special_request(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), special_sharing.request_special_share, args.entry,
                   args.agency, args.reason)
    print(f"share request #{view.id}: entry #{view.entry_id} to {view.agency_ori} waits for a "
          "division commander (I.2.b)")
    return 0


def _special_decide(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), special_sharing.decide_special_share, args.id,
                   args.approve, args.reason)
    print(f"share request #{view.id} {view.status}")
    return 0


def _special_release(args: argparse.Namespace, cli: CliSession) -> int:
    path = perform(cli.db, cli.context(), special_sharing.release_special_share, args.id,
                   args.out)
    print(f"written {path}")
    return 0


def _special_list(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), special_sharing.list_special_shares,
                  pending_only=args.pending)
    if args.json:
        print_json(as_dicts(views))
        return 0
    print_table(["ID", "ASKED (local)", "BY", "ENTRY", "AGENCY", "STATUS", "DECIDED BY"],
                [(v.id, v.requested_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                  v.requested_by, f"#{v.entry_id} {v.plate}", v.agency_ori, v.status,
                  v.decided_by or "") for v in views])
    return 0
