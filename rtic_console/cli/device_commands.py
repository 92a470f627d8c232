"""`rtic-console device add|list|update|report|clear|reports`: the device fleet and its damage
reports (A.2, B.2, D.2.b(1)) from a terminal."""

from __future__ import annotations

import argparse
from datetime import date

from rtic_console.cli.output import print_json, print_table
from rtic_console.cli.session import CliSession
from rtic_console.domain.device_reports import REMINDER, ReportInput
from rtic_console.domain.devices import KIND_WORDS, DeviceCategory, ServiceState
from rtic_console.services import device_reports, devices
from rtic_console.services.device_reports import DeviceReportView
from rtic_console.services.devices import DeviceInput, DeviceUpdate, DeviceView
from rtic_console.services.runner import perform, query


def _near(text: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not LAT,LON such as 38.577,-121.485") \
            from None
    return lat, lon


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-03-14") from None


def _fields(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vehicle-unit", metavar="U", help="a mobile reader's vehicle unit")
    parser.add_argument("--near", type=_near, metavar="LAT,LON", help="where it stands")
    parser.add_argument("--area")
    parser.add_argument("--address")
    parser.add_argument("--vendor")
    parser.add_argument("--model")
    parser.add_argument("--vendor-id", metavar="ID",
                        help="the id the vendor's reads carry, exactly as sent (an OpenALPR "
                        "camera_id, a Plate Recognizer camera_id, a Frigate camera name, a "
                        "Genetec VehicleID/CameraName); reads link by it, else by the code")
    parser.add_argument("--version", metavar="V", help="software or firmware installed")
    parser.add_argument("--expected-version", metavar="V",
                        help="the version the department expects (D.2.b(1))")
    parser.add_argument("--installed-on", type=_day, metavar="DATE")
    parser.add_argument("--json", action="store_true")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    dev = sub.add_parser("device", help="the device fleet: add, list, update, report damage, "
                                        "clear")
    cmds = dev.add_subparsers(dest="device_command", required=True)
    add = cmds.add_parser("add", help="register a device (ALPR administrators, IT staff)")
    add.add_argument("code", help="device code such as ALPR-FX-07")
    add.add_argument("--kind", required=True, choices=list(KIND_WORDS.values()))
    add.add_argument("--name", required=True)
    add.add_argument("--category", default=DeviceCategory.AGENCY.value,
                     choices=[c.value for c in DeviceCategory], help="F.1 (default agency)")
    _fields(add)
    add.set_defaults(handler=_add)
    lst = cmds.add_parser("list", help="every device with its service state and open reports")
    lst.add_argument("--kind", choices=list(KIND_WORDS.values()))
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)
    upd = cmds.add_parser("update", help="change a device's record (ALPR administrators, IT "
                                         "staff); audited with what changed")
    upd.add_argument("code")
    upd.add_argument("--name")
    upd.add_argument("--state", choices=[ServiceState.IN_SERVICE.value,
                                         ServiceState.OUT_OF_SERVICE.value],
                     help="take it out of service or back (a damaged device is cleared)")
    _fields(upd)
    upd.set_defaults(handler=_update)
    rep = cmds.add_parser("report", help="report a device damaged or inoperable (anyone "
                                         "signed in); the ALPR administrators are alerted")
    rep.add_argument("code")
    rep.add_argument("--problem", required=True, help="what is wrong")
    rep.add_argument("--vandalism", action="store_true")
    rep.add_argument("--crime-report", metavar="NUMBER", help="required with --vandalism "
                                                              "(B.2.c)")
    rep.add_argument("--mdc-request", metavar="TEXT", help="a vehicle's reader: the MDC repair "
                                                           "request (B.2.b(1))")
    rep.add_argument("--trailer-secured", action="store_true",
                     help="a trailer: returned to a secured location (B.2.b(2))")
    rep.add_argument("--json", action="store_true")
    rep.set_defaults(handler=_report)
    clear = cmds.add_parser("clear", help="close a device's open reports and put it back in "
                                          "service (ALPR administrators)")
    clear.add_argument("code")
    clear.add_argument("--note", required=True, help="what was done")
    clear.set_defaults(handler=_clear)
    reports = cmds.add_parser("reports", help="damage reports, newest first")
    reports.add_argument("code", nargs="?")
    reports.add_argument("--open", action="store_true", help="open reports only")
    reports.add_argument("--json", action="store_true")
    reports.set_defaults(handler=_reports)


def device_json(v: DeviceView) -> dict[str, object]:
    return {"id": v.id, "code": v.code, "name": v.name, "kind": v.kind_word,
            "category": v.category.value, "vehicle_unit": v.vehicle_unit,
            "latitude": v.latitude, "longitude": v.longitude, "area": v.area,
            "address": v.address, "vendor": v.vendor, "model": v.model, "version": v.version,
            "expected_version": v.expected_version, "out_of_date": v.out_of_date,
            "installed_on": v.installed_on.isoformat() if v.installed_on else None,
            "service_state": v.service_state.value, "open_reports": v.open_reports,
            "last_seen_at": v.last_seen_at.isoformat() if v.last_seen_at else None,
            "vendor_id": v.vendor_id}


def _report_json(r: DeviceReportView) -> dict[str, object]:
    return {"id": r.id, "device": r.device_code, "reported_by": r.reported_by_badge,
            "reported_at": r.reported_at.isoformat(), "problem": r.problem,
            "vandalism": r.vandalism, "crime_report": r.crime_report,
            "mdc_request": r.mdc_request, "trailer_secured": r.trailer_secured,
            "shift_check_id": r.shift_check_id, "cleared_by": r.cleared_by_badge,
            "cleared_at": r.cleared_at.isoformat() if r.cleared_at else None,
            "clear_note": r.clear_note, "alert_id": r.alert_id}


def _position(args: argparse.Namespace) -> tuple[float | None, float | None]:
    return args.near if args.near else (None, None)


def _add(args: argparse.Namespace, cli: CliSession) -> int:
    lat, lon = _position(args)
    view = perform(cli.db, cli.context(), devices.add_device, DeviceInput(
        code=args.code, kind=args.kind, name=args.name, category=args.category,
        vehicle_unit=args.vehicle_unit, latitude=lat, longitude=lon, area=args.area or "",
        address=args.address or "", vendor=args.vendor, model=args.model,
        version=args.version, expected_version=args.expected_version,
        installed_on=args.installed_on, vendor_id=args.vendor_id))
    if args.json:
        print_json(device_json(view))
    else:
        print(f"Added {view.kind_title.lower()} {view.code} ({view.name}), in service.")
    return 0


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), devices.list_devices, args.kind)
    if args.json:
        print_json([device_json(v) for v in views])
        return 0
    print_table(["Device", "Kind", "Name", "Place", "State", "Open reports", "Version",
                 "Expected", "Last seen (local)"],
                [(v.code, v.kind_word, v.name, v.place, v.state_title, v.open_reports,
                  (v.version or "") + (" (out of date)" if v.out_of_date else ""),
                  v.expected_version or "",
                  f"{v.last_seen_at.astimezone():%Y-%m-%d %H:%M}" if v.last_seen_at else "")
                 for v in views])
    return 0


def _update(args: argparse.Namespace, cli: CliSession) -> int:
    lat, lon = _position(args)
    view = perform(cli.db, cli.context(), devices.update_device, args.code, DeviceUpdate(
        name=args.name, vehicle_unit=args.vehicle_unit, latitude=lat, longitude=lon,
        area=args.area, address=args.address, vendor=args.vendor, model=args.model,
        version=args.version, expected_version=args.expected_version,
        installed_on=args.installed_on, service_state=args.state, vendor_id=args.vendor_id))
    if args.json:
        print_json(device_json(view))
    else:
        print(f"{view.code}: {view.state_title.lower()}, version {view.version or 'unknown'}"
              + (f" (expected {view.expected_version})" if view.out_of_date else ""))
    return 0


def _report(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), device_reports.report_device, args.code,
                   ReportInput(args.problem, args.vandalism, args.crime_report,
                               args.mdc_request, args.trailer_secured))
    if args.json:
        print_json(_report_json(view))
    else:
        print(f"Report #{view.id}: {view.device_code} is out of service (damaged); the ALPR "
              f"administrators are alerted.\n{REMINDER}")
    return 0


def _clear(args: argparse.Namespace, cli: CliSession) -> int:
    cleared = perform(cli.db, cli.context(), device_reports.clear_device, args.code, args.note)
    print(f"{cleared[0].device_code} is back in service; cleared report"
          f"{'s' if len(cleared) > 1 else ''} {', '.join(f'#{r.id}' for r in cleared)}.")
    return 0


def _reports(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), device_reports.device_reports, args.code,
                  open_only=args.open)
    if args.json:
        print_json([_report_json(r) for r in views])
        return 0
    print_table(["#", "Device", "Reported (local)", "By", "Problem", "Crime report", "Cleared"],
                [(r.id, r.device_code, f"{r.reported_at.astimezone():%Y-%m-%d %H:%M}",
                  r.reported_by_badge, r.problem[:60], r.crime_report or "",
                  f"{r.cleared_by_badge} {r.cleared_at.astimezone():%Y-%m-%d %H:%M}"
                  if r.cleared_at else "open") for r in views])
    return 0
