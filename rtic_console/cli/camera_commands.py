"""`rtic-console camera add|check|list|key` and `export`: PSCN cameras and evidence clips
from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rtic_console.cli.output import iso_time, print_json, print_table
from rtic_console.cli.recipient_option import add_recipient_option, recipient_arg
from rtic_console.cli.session import CliSession
from rtic_console.domain.devices import DeviceCategory
from rtic_console.domain.recording_coverage import describe_span
from rtic_console.domain.stream_urls import STREAM_TRANSPORTS
from rtic_console.services import camera_credentials, cameras
from rtic_console.services.cameras import CameraInput, CameraView
from rtic_console.services.runner import perform, query

if TYPE_CHECKING:
    from rtic_console.services.recordings import ExportResult


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cam = sub.add_parser("camera", help="PSCN cameras: add, check a stream, list, camera key")
    cmds = cam.add_subparsers(dest="camera_command", required=True)
    add = cmds.add_parser(
        "add", help="add a camera (F.1); credentials in the URL are sealed apart and never "
                    "shown or audited")
    add.add_argument("code", help="camera id such as CAM-AG-03")
    add.add_argument("--name", required=True)
    add.add_argument("--category", required=True,
                     help="|".join(c.value for c in DeviceCategory) + " (F.1)")
    add.add_argument("--url", required=True, help="main stream, e.g. rtsp://user:pass@host/x")
    add.add_argument("--substream-url", help="low-resolution stream for the wall")
    add.add_argument("--transport", choices=STREAM_TRANSPORTS, default="tcp",
                     help="how RTSP carries the video (default tcp)")
    add.add_argument("--area", default="")
    add.add_argument("--address", default="")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=_add)
    check = cmds.add_parser(
        "check", help="read frames from a camera or a stream URL and print its resolution, "
                      "measured fps and first-frame latency (IT inspections; audited; a "
                      "donor camera's pictures are never decoded)")
    check.add_argument("target", metavar="CAMERA_OR_URL",
                       help="a camera id such as CAM-AG-01, or a stream URL")
    check.add_argument("--frames", type=_positive_int, default=30)
    check.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=_check)
    lst = cmds.add_parser("list", help="cameras by category and area, with status")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)
    key = cmds.add_parser("key", help="the camera credential key of this workstation")
    key_cmds = key.add_subparsers(dest="key_command", required=True)
    export_key = key_cmds.add_parser(
        "export", help="write this workstation's camera key to a new file (owner-only), to "
                       "import on another workstation; audited")
    export_key.add_argument("file", type=Path)
    export_key.set_defaults(handler=_key_export)
    import_key = key_cmds.add_parser(
        "import", help="keep the camera key from a file in this workstation's OS keyring; "
                       "audited")
    import_key.add_argument("file", type=Path)
    import_key.set_defaults(handler=_key_import)

    exp = sub.add_parser("export", help="export recorded video as an evidence clip with its "
                                        "SHA-256 and manifest (F.4); never a donor camera")
    exp.add_argument("--camera", required=True, help="camera id such as CAM-AG-01")
    exp.add_argument("--from", required=True, dest="start", type=iso_time, metavar="ISO",
                     help="start, e.g. 2026-11-20T14:05 (local time unless it has a zone)")
    exp.add_argument("--to", required=True, dest="end", type=iso_time, metavar="ISO")
    exp.add_argument("--case", required=True)
    exp.add_argument("--out", required=True, type=Path, metavar="DIR")
    exp.add_argument("--report", help="the report number the clip is booked under")
    exp.add_argument("--purpose", default="evidence collection")
    exp.add_argument("--allow-gaps", action="store_true",
                     help="export what is recorded even when the range has gaps (they are "
                          "listed in the manifest); without it a terminal is asked, a script "
                          "is stopped before anything is written")
    add_recipient_option(exp)
    exp.set_defaults(handler=_export)


def _camera_json(v: CameraView) -> dict[str, object]:
    """Stream URLs redacted: credentials never reach a terminal or a script."""
    return {"id": v.id, "code": v.code, "name": v.name, "category": v.category.value,
            "area": v.area, "address": v.address, "latitude": v.latitude,
            "longitude": v.longitude, "status": v.status, "stream_url": v.display_url,
            "substream_url": v.substream_display_url, "transport": v.stream_transport,
            "last_seen_at": v.last_seen_at.isoformat() if v.last_seen_at else None,
            "recording": v.recording_enabled, "retention_days": v.retention_days}


def _add(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), cameras.add_camera, CameraInput(
        code=args.code, name=args.name, category=args.category, stream_url=args.url,
        substream_url=args.substream_url, area=args.area, address=args.address,
        stream_transport=args.transport))
    if args.json:
        print_json(_camera_json(view))
    else:
        print(f"Added camera {view.code} ({view.category_title}): {view.display_url}")
    return 0


def _check(args: argparse.Namespace, cli: CliSession) -> int:
    """Needs --as with camera management (IT staff, ALPR administrators): it reads a live
    feed, which the order audits like any view, and it is part of the inspection record."""
    from rtic_console.feeds.stream_check import check_stream  # OpenCV: only for this command

    target = args.target.strip()
    where = {"url": target} if "://" in target else {"camera": target}
    report = check_stream(cli.db, cli.context(), frames=args.frames, timeout_s=args.timeout,
                          **where)
    if args.json:
        print_json({"url": report.label, "ok": report.ok, "decoded": report.decoded,
                    **report.outcome})
    elif report.ok:
        o = report.outcome
        how = "" if report.decoded else "; connectivity only (donor camera: no picture decoded)"
        print(f"{report.label}: {o['width']}x{o['height']}, {o['measured_fps']:g} fps "
              f"measured over {o['frames_read']} frames, first frame after "
              f"{o['first_frame_latency_ms']:g} ms{how}")
    else:
        print(f"cannot read {report.label}: {report.outcome['reason']}")
    return 0 if report.ok else 1


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), cameras.list_cameras)
    if args.json:
        print_json([_camera_json(v) for v in views])
        return 0
    print_table(["Camera", "Name", "Category", "Area", "Status", "Recording", "Stream"],
                [(v.code, v.name, v.category_title, v.area, v.status,
                  "yes" if v.recording_enabled else "no", v.display_url) for v in views])
    return 0


def _key_export(args: argparse.Namespace, cli: CliSession) -> int:
    path = perform(cli.db, cli.context(), camera_credentials.export_camera_key, args.file)
    print(f"Camera key written to {path} (readable by you only). Import it on the other "
          "workstation, then delete this file.")
    return 0


def _key_import(args: argparse.Namespace, cli: CliSession) -> int:
    key_id = perform(cli.db, cli.context(), camera_credentials.import_camera_key, args.file)
    print(f"Camera key {key_id} kept in this workstation's keyring; delete {args.file}.")
    return 0


def _export(args: argparse.Namespace, cli: CliSession) -> int:
    """Shows the gaps of a range the recordings do not wholly cover before anything is
    written: on a terminal it asks whether to go on, in a script it stops (exit 3) unless
    --allow-gaps was given."""
    # Here, not at the top: the clip writer's PyAV and OpenCV load for an export, never at a
    # start of the console, which reads this module for its command line.
    from rtic_console.services.evidence_export import (
        ExportHasGaps,
        ExportNotBooked,
        export_evidence,
    )

    def run(allow_gaps: bool) -> ExportResult:
        return export_evidence(cli.db, cli.context(), args.camera, args.start, args.end,
                               args.case, args.report, args.purpose, args.out,
                               recipient=recipient_arg(args.recipient, args.case),
                               allow_gaps=allow_gaps)

    try:
        try:
            result = run(args.allow_gaps)
        except ExportHasGaps as gaps:
            print(gaps, file=sys.stderr)
            if not (sys.stdin.isatty() and input("Export what is recorded? [y/N] ")
                    .strip().lower() in ("y", "yes")):
                print("rtic-console: nothing exported (give --allow-gaps to export what is "
                      "recorded)", file=sys.stderr)
                return 3
            result = run(True)
    except ExportNotBooked as exc:
        print(f"rtic-console: {exc}", file=sys.stderr)
        return 1
    print(f"Clip:      {result.clip_path} (MP4, H.264, capture time on each frame)")
    print(f"SHA-256:   {result.clip_sha256}")
    print(f"Manifest:  {result.manifest_path} (SHA-256 {result.manifest_sha256})")
    print(f"Originals: {len(result.originals)} segment file"
          f"{'s' if len(result.originals) != 1 else ''} beside the clip, hashes in the "
          "manifest")
    print(f"Covers:    {describe_span(result.covered)}; {len(result.gaps)} gap"
          f"{'s' if len(result.gaps) != 1 else ''} in the range asked for")
    print(f"{result.frames} frames; source video held for case {args.case} "
          f"(hold {result.hold_id})")
    return 0
