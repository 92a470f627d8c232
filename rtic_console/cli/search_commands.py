"""`rtic-console search`: purpose-bound searches (D.1, F.3) and 'other use' requests (D.1.c)
from a terminal."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from rtic_console.cli.audit_commands import parse_since
from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.recipient_option import add_recipient_option, recipient_arg
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.domain.search_rules import MatchMode, SearchPurpose
from rtic_console.services import search_requests
from rtic_console.services.runner import perform, query
from rtic_console.services.search import SearchInput, SearchResult, search_reads
from rtic_console.services.search_export import export_search_csv
from rtic_console.services.search_requests import RequestView


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    search = sub.add_parser(
        "search", help="search plate reads for an approved purpose (D.1)",
        description="Search plate reads for an approved purpose and case (D.1). A search "
                    "without a plate is a canvass: a place (--near and --radius, or --bbox; "
                    "--device narrows it) and a window of at most 24 h. "
                    "--color/--make/--body make a vehicle-description search (F.3), which "
                    "needs --incident and --description and a window of at most 72 h.")
    search.add_argument("--plate", help="exact plate, or a pattern with * and ?")
    search.add_argument("--ocr", action="store_true",
                        help="also match OCR-equivalent plates (one substitution)")
    search.add_argument("--from", dest="time_from", metavar="ISO")
    search.add_argument("--to", dest="time_to", metavar="ISO")
    search.add_argument("--near", metavar="LAT,LON")
    search.add_argument("--radius", type=float, metavar="M")
    search.add_argument("--bbox", metavar="S,W,N,E", help="a rectangle instead of a circle")
    search.add_argument("--device", action="append", default=[], metavar="CODE",
                        help="only reads from this device (code or id); repeatable; "
                             "narrows a place, never replaces it")
    search.add_argument("--color")
    search.add_argument("--make")
    search.add_argument("--body", help="body type, e.g. sedan, pickup")
    search.add_argument("--incident", help="incident number of a vehicle-description search")
    search.add_argument("--description", help="the suspect or vehicle description (F.3)")
    search.add_argument("--purpose", help="required; one of: "
                        + ", ".join(p.value for p in SearchPurpose))
    search.add_argument("--case", help="required: the case number the search is for")
    search.add_argument("--request", type=int, metavar="ID",
                        help="the approved request an other_use search runs under (D.1.c)")
    search.add_argument("--csv", type=Path, metavar="FILE",
                        help="also export the results to this CSV file (audited), for the "
                             "--recipient")
    add_recipient_option(search)
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=_search)

    other = search.add_subparsers(dest="search_command", title="other use (D.1.c)",
                                  metavar="{request,requests,approve,deny}")
    ask = other.add_parser("request", help="ask for an other use to be approved")
    ask.add_argument("--case", required=True)
    ask.add_argument("--use", required=True, help="what the searches are for, and why")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(handler=_request)
    lst = other.add_parser("requests", help="your requests, or with --pending those you "
                                            "may decide")
    lst.add_argument("--pending", action="store_true")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_requests)
    for verb, approve in (("approve", True), ("deny", False)):
        decide = other.add_parser(verb, help=f"{verb} a request (sergeants, ALPR "
                                             "administrators; never your own)")
        decide.add_argument("request_id", type=int, metavar="ID")
        decide.add_argument("--note", required=True, help="the review, documented")
        decide.set_defaults(handler=_decide, approve=approve)


def _floats(raw: str | None, flag: str, count: int, shape: str) -> tuple[float, ...] | None:
    if raw is None:
        return None
    try:
        values = tuple(float(v) for v in raw.split(","))
    except ValueError:
        values = ()
    if len(values) != count:
        raise CliRefusal(f"{flag} {raw!r} is not {shape}")
    return values


def moment(raw: str | None, flag: str) -> datetime | None:
    """An ISO 8601 time from the command line, or None when not given."""
    try:
        return parse_since(raw)
    except CliRefusal:
        raise CliRefusal(f"{flag} {raw!r} is not an ISO 8601 time") from None


def _search(args: argparse.Namespace, cli: CliSession) -> int:
    # No purpose or case is left to the service: it refuses, and the refusal is audited (D.1).
    item = SearchInput(
        purpose=args.purpose, case_number=args.case, plate=args.plate,
        match_mode=(MatchMode.OCR if args.ocr else MatchMode.EXACT).value,
        time_from=moment(args.time_from, "--from"), time_to=moment(args.time_to, "--to"),
        near=_floats(args.near, "--near", 2, "LAT,LON"), radius_m=args.radius,
        rectangle=_floats(args.bbox, "--bbox", 4, "S,W,N,E"),
        devices=tuple(args.device), color=args.color, make=args.make, body=args.body,
        incident_number=args.incident, description=args.description, request_id=args.request)
    ctx = cli.context()
    result = perform(cli.db, ctx, search_reads, item)
    exported = None
    if args.csv is not None and result.reads:
        exported = perform(cli.db, ctx, export_search_csv, result.search_id,
                           [r.detection_id for r in result.reads], args.csv,
                           recipient_arg(args.recipient, args.case))
    if args.json:
        print_json({"search_id": result.search_id, "kind": result.kind,
                    "truncated": result.truncated, "reads": as_dicts(result.reads),
                    "export": {"file": str(exported.path), "rows": exported.rows,
                               "sha256": exported.sha256, "recipient": exported.recipient}
                    if exported else None})
        return 0
    _print_reads(result)
    if args.csv is not None and not result.reads:
        print("no reads, so no CSV file was written")
    if exported:
        print(f"exported {exported.rows} rows to {exported.path} (SHA-256 {exported.sha256}) "
              f"for {exported.recipient}")
    return 0


def _print_reads(result: SearchResult) -> None:
    print_table(["TIME (local)", "PLATE", "STATE", "DEVICE", "PLACE", "VEHICLE", "CONF"],
                [(r.captured_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), r.plate,
                  r.state or "", r.device, r.place, r.vehicle, f"{r.confidence:.2f}")
                 for r in result.reads])
    count = len(result.reads)
    cut = f" (the first {count}: narrow the search)" if result.truncated else ""
    print(f"{count} read{'' if count == 1 else 's'}{cut}; {result.kind} search "
          f"#{result.search_id} logged for review")


def _print_requests(views: list[RequestView], as_json: bool) -> None:
    if as_json:
        print_json(as_dicts(views))
        return
    print_table(["ID", "ASKED (local)", "BY", "CASE", "STATUS", "USABLE UNTIL", "USE"],
                [(v.id, v.requested_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                  v.requester_badge, v.case_number, v.status,
                  v.usable_until.astimezone().strftime("%Y-%m-%d %H:%M")
                  if v.usable_until else "", v.use_description[:60]) for v in views])


def _request(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), search_requests.request_other_use, args.case,
                   args.use)
    if args.json:
        print_json(as_dicts([view])[0])
    else:
        print(f"request #{view.id} for case {view.case_number} is pending; a sergeant or ALPR "
              "administrator reviews it")
    return 0


def _requests(args: argparse.Namespace, cli: CliSession) -> int:
    listing = (search_requests.pending_requests if args.pending
               else search_requests.my_requests)
    _print_requests(query(cli.db, cli.context(), listing), args.json)
    return 0


def _decide(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), search_requests.decide_other_use, args.request_id,
                   args.approve, args.note)
    until = (f", usable for case {view.case_number} until "
             f"{view.usable_until.astimezone():%Y-%m-%d %H:%M}" if view.usable_until else "")
    print(f"request #{view.id} {view.status}{until}")
    return 0
