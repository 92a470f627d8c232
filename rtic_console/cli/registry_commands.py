"""`rtic-console registry ...`: import the voluntary camera registry (H.1) and look up
registered cameras near a place for a case (H.2, H.3)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.domain.registry_rules import MAX_FILE_BYTES
from rtic_console.services import registry
from rtic_console.services.registry import ImportReport, NearInput
from rtic_console.services.runner import perform

SOME_ROWS_REFUSED = 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    reg = sub.add_parser("registry", help="the voluntary camera registry (H)")
    cmds = reg.add_subparsers(dest="registry_command", required=True)
    imp = cmds.add_parser(
        "import", help="add entries from a CSV file, with a report per row",
        description="Columns: owner_name, contact, address, latitude, longitude, "
                    "equipment_type, notes. Exit 0 when every row is imported, 1 when some "
                    "are refused or duplicates, 2 when the whole file is refused.")
    imp.add_argument("file", type=Path)
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=_import)
    near = cmds.add_parser("near", help="registered cameras within a radius of a place, "
                                        "for a case (H.2, H.3)")
    near.add_argument("place", metavar="LAT,LON")
    near.add_argument("--radius", type=float, required=True, metavar="M")
    near.add_argument("--case", help="the case the look-up is for (required)")
    near.add_argument("--json", action="store_true")
    near.set_defaults(handler=_cameras_near)


def _read(path: Path) -> bytes:
    """At most one byte past the cap: the registry rules refuse a larger file by its size."""
    try:
        with path.open("rb") as file:
            return file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CliRefusal(f"cannot read {path}: {exc.strerror}") from None


def _import(args: argparse.Namespace, cli: CliSession) -> int:
    ctx = cli.context()
    report = perform(cli.db, ctx, registry.import_file, args.file.name, _read(args.file))
    if args.json:
        print_json({"file": report.filename, "sha256": report.sha256,
                    "imported": report.imported, "duplicates": report.duplicates,
                    "refused": report.refused, "blank_rows": report.blank_rows,
                    "unknown_columns": list(report.unknown_columns),
                    "rows": as_dicts(report.rows)})
    else:
        _print_report(report)
    return 0 if report.complete else SOME_ROWS_REFUSED


def _print_report(report: ImportReport) -> None:
    print_table(["ROW", "RESULT", "DETAIL"], [(o.row, o.status, o.detail) for o in report.rows])
    if report.unknown_columns:
        print(f"note: columns ignored: {', '.join(report.unknown_columns)}")
    print(f"{report.filename}: imported {report.imported}, duplicates {report.duplicates}, "
          f"refused {report.refused}, blank rows skipped {report.blank_rows} "
          f"(sha256 {report.sha256[:16]}…)")


def _cameras_near(args: argparse.Namespace, cli: CliSession) -> int:
    # Without --case the service refuses, and that refusal is audited like the console's.
    lat, comma, lon = args.place.partition(",")
    if not comma:
        raise CliRefusal(f"{args.place!r} is not LAT,LON")
    result = perform(cli.db, cli.context(), registry.cameras_near,
                     NearInput(lat, lon, args.radius, args.case))
    if args.json:
        print_json({"case": result.case_number, "latitude": result.latitude,
                    "longitude": result.longitude, "radius_m": result.radius_m,
                    "cameras": [{**as_dicts([c.entry])[0], "distance_m": c.distance_m}
                                for c in result.cameras]})
        return 0
    print_table(["DIST m", "ID", "OWNER", "CONTACT", "ADDRESS", "EQUIPMENT"],
                [(f"{c.distance_m:.0f}", c.entry.id, c.entry.owner_name, c.entry.contact,
                  c.entry.address, c.entry.equipment_type) for c in result.cameras])
    print(f"{len(result.cameras)} registered cameras within {result.radius_m:g} m; look-up "
          f"for case {result.case_number} audited")
    return 0
