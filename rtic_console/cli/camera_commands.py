"""`rtic-console camera check|list` and `export`: PSCN cameras and evidence clips from a
terminal."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from rtic_console.cli.output import print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.feeds.stream_probe import StreamProbeError, probe_stream
from rtic_console.feeds.video_capture import redact_url
from rtic_console.services import cameras, recordings
from rtic_console.services.runner import perform, query


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cam = sub.add_parser("camera", help="PSCN cameras: check a stream, list cameras")
    cmds = cam.add_subparsers(dest="camera_command", required=True)
    check = cmds.add_parser(
        "check", help="read frames from a stream and print its resolution, measured fps and "
                      "first-frame latency (IT inspections; audited)")
    check.add_argument("url")
    check.add_argument("--frames", type=_positive_int, default=30)
    check.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=_check)
    lst = cmds.add_parser("list", help="cameras by category and area, with status")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)

    exp = sub.add_parser("export", help="export recorded video as an evidence clip with its "
                                        "SHA-256 and manifest (F.4); never a donor camera")
    exp.add_argument("--camera", required=True, help="camera id such as CAM-AG-01")
    exp.add_argument("--from", required=True, dest="start", type=_when, metavar="ISO",
                     help="start, e.g. 2026-11-20T14:05 (local time unless it has a zone)")
    exp.add_argument("--to", required=True, dest="end", type=_when, metavar="ISO")
    exp.add_argument("--case", required=True)
    exp.add_argument("--out", required=True, type=Path, metavar="DIR")
    exp.add_argument("--report", help="the report number the clip is booked under")
    exp.add_argument("--purpose", default="evidence collection")
    exp.set_defaults(handler=_export)


def _when(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date and time") from None
    return moment if moment.utcoffset() is not None else moment.astimezone()


def _check(args: argparse.Namespace, cli: CliSession) -> int:
    """Needs --as with camera management (IT staff, ALPR administrators): it decodes a live
    feed, which the order audits like any view, and it is part of the inspection record."""
    ctx = cli.context()
    url = query(cli.db, ctx, cameras.authorize_stream_check, args.url)
    try:
        result = probe_stream(url, frames=args.frames, timeout_s=args.timeout)
    except StreamProbeError as exc:
        perform(cli.db, ctx, cameras.record_stream_check, url, False,
                {"reason": exc.reason, "frames_requested": args.frames})
        if args.json:
            print_json({"url": redact_url(url), "ok": False, "reason": exc.reason})
        else:
            print(f"cannot read {redact_url(url)}: {exc.reason}")
        return 1
    outcome = {"width": result.width, "height": result.height,
               "measured_fps": result.measured_fps,
               "first_frame_latency_ms": result.first_frame_latency_ms,
               "frames_read": result.frames_read}
    perform(cli.db, ctx, cameras.record_stream_check, url, True, outcome)
    if args.json:
        print_json({"url": redact_url(url), "ok": True, **outcome})
    else:
        print(f"{redact_url(url)}: {result.width}x{result.height}, {result.measured_fps:g} fps "
              f"measured over {result.frames_read} frames, first frame after "
              f"{result.first_frame_latency_ms:g} ms")
    return 0


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), cameras.list_cameras)
    if args.json:
        print_json([{"id": v.id, "code": v.code, "name": v.name, "category": v.category.value,
                     "area": v.area, "address": v.address, "latitude": v.latitude,
                     "longitude": v.longitude, "status": v.status,
                     "stream_url": redact_url(v.stream_url or ""),
                     "substream_url": redact_url(v.substream_url or ""),
                     "last_seen_at": v.last_seen_at.isoformat() if v.last_seen_at else None,
                     "recording": v.recording_enabled, "retention_days": v.retention_days}
                    for v in views])
        return 0
    print_table(["Camera", "Name", "Category", "Area", "Status", "Recording", "Stream"],
                [(v.code, v.name, v.category_title, v.area, v.status,
                  "yes" if v.recording_enabled else "no", redact_url(v.stream_url or ""))
                 for v in views])
    return 0


def _export(args: argparse.Namespace, cli: CliSession) -> int:
    try:
        result = perform(cli.db, cli.context(), recordings.export_clip, args.camera,
                         args.start, args.end, args.case, args.report, args.purpose, args.out)
    except OSError as exc:
        raise CliRefusal(f"cannot write the export into {args.out}: {exc}") from None
    print(f"Clip:     {result.clip_path}")
    print(f"SHA-256:  {result.clip_sha256}")
    print(f"Manifest: {result.manifest_path} (SHA-256 {result.manifest_sha256})")
    print(f"{result.frames} frames; source video held for case {args.case} "
          f"(hold {result.hold_id})")
    return 0
