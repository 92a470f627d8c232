"""`rtic-console search`: a purpose-bound plate search from a terminal (D.1)."""

from __future__ import annotations

import argparse

from rtic_console.cli.audit_commands import parse_since
from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.domain.search_rules import MatchMode, SearchPurpose
from rtic_console.services.runner import perform
from rtic_console.services.search import SearchInput, search_reads


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    search = sub.add_parser("search", help="search plate reads for an approved purpose (D.1)")
    search.add_argument("--plate", help="exact plate, or a pattern with * and ?")
    search.add_argument("--ocr", action="store_true",
                        help="also match OCR-equivalent plates (one substitution)")
    search.add_argument("--from", dest="time_from", metavar="ISO")
    search.add_argument("--to", dest="time_to", metavar="ISO")
    search.add_argument("--near", metavar="LAT,LON")
    search.add_argument("--radius", type=float, metavar="M")
    search.add_argument("--purpose", help="one of: " + ", ".join(p.value for p in SearchPurpose))
    search.add_argument("--case")
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=_search)


def _near(raw: str | None) -> tuple[float, float] | None:
    if raw is None:
        return None
    try:
        lat, lon = (float(v) for v in raw.split(","))
    except ValueError:
        raise CliRefusal(f"--near {raw!r} is not LAT,LON") from None
    return lat, lon


def _search(args: argparse.Namespace, cli: CliSession) -> int:
    if not args.purpose or not args.case:
        raise CliRefusal("a search states its purpose (--purpose) and case (--case), D.1")
    item = SearchInput(
        purpose=args.purpose, case_number=args.case, plate=args.plate,
        match_mode=(MatchMode.OCR if args.ocr else MatchMode.EXACT).value,
        time_from=parse_since(args.time_from), time_to=parse_since(args.time_to),
        near=_near(args.near), radius_m=args.radius)
    result = perform(cli.db, cli.context(), search_reads, item)
    if args.json:
        print_json({"search_id": result.search_id, "truncated": result.truncated,
                    "reads": as_dicts(result.reads)})
        return 0
    print_table(["TIME (local)", "PLATE", "STATE", "DEVICE", "LAT", "LON"],
                [(r.captured_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), r.plate,
                  r.state or "", r.device, r.latitude, r.longitude) for r in result.reads])
    print(f"{len(result.reads)} reads; search #{result.search_id} logged for review")
    return 0
