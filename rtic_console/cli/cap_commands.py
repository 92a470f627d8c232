"""`rtic-console caps show|set`: the recordings' disk caps and each camera's use of them."""

from __future__ import annotations

import argparse

from rtic_console.cli.output import print_json, print_table
from rtic_console.cli.session import CliSession
from rtic_console.domain.recording_caps import WARN_SHARE, CapScope, format_size, share
from rtic_console.services import recording_caps
from rtic_console.services.recording_caps import CapsOverview
from rtic_console.services.runner import perform, query


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    caps = sub.add_parser("caps", help="disk caps of the recordings, overall and per camera")
    cmds = caps.add_subparsers(dest="caps_command", required=True)
    show = cmds.add_parser("show", help="the caps, the store's use and each camera's, and "
                                        "why a camera's recording stopped")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)
    put = cmds.add_parser(
        "set", help="set a cap (ALPR administrators); audited. SIZE as 20T, 750G, 500GiB or "
                    "bytes, at least 1 GiB; 'none' removes it (a camera's: back to the "
                    "default)")
    put.add_argument("scope", choices=[*(s.value for s in CapScope), "camera"],
                     help="store: all recordings together; camera_default: each camera "
                          "without its own; camera: one camera (with --camera)")
    put.add_argument("size", metavar="SIZE")
    put.add_argument("--camera", metavar="CODE", help="the camera, for the scope camera")
    put.set_defaults(handler=_set)


def _show(args: argparse.Namespace, cli: CliSession) -> int:
    view = query(cli.db, cli.context(), recording_caps.show_caps)
    if args.json:
        print_json(caps_json(view))
        return 0
    print_table(["Cap", "Size", "What", "Set by"],
                [(c.scope.value, _size(c.cap_bytes), c.title, c.updated_by or "")
                 for c in view.caps])
    store_cap = next(c.cap_bytes for c in view.caps if c.scope is CapScope.STORE)
    print(f"\nAll recordings: {format_size(view.store_used)}{_of(view.store_used, store_cap)}"
          f", {view.store_level.value}.")
    if view.store_reason:
        print(f"Recording stopped: {view.store_reason}")
    print()
    print_table(["Camera", "Used", "Segments", "Cap", "Use", "State"],
                [(c.code, format_size(c.used), c.segments,
                  _size(c.cap_bytes) + (" (own)" if c.own_cap else ""),
                  _percent(c.used, c.cap_bytes), c.level.value) for c in view.cameras])
    for camera in view.cameras:
        if camera.reason:
            print(f"{camera.code} not recorded: {camera.reason}")
    for note in view.notes:
        print(f"Note: {note}")
    print(f"\nThe ALPR administrators and public-safety IT are alerted at "
          f"{WARN_SHARE:.0%} of a cap and when it is reached.")
    return 0


def _set(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), recording_caps.set_cap, args.scope, args.size,
                   args.camera)
    if args.scope == "camera":
        code = args.camera.strip().upper()
        camera = next((c for c in view.cameras if c.code == code), None)
        if camera is None:  # its own cap removed, and it neither records nor has video
            print(f"Camera {code}: the default cap.")
        else:
            what = "its own" if camera.own_cap else "the default"
            print(f"Camera {camera.code}: {_size(camera.cap_bytes)} ({what}); it uses "
                  f"{format_size(camera.used)}.")
    else:
        cap = next(c for c in view.caps if c.scope.value == args.scope)
        print(f"{cap.title}: {_size(cap.cap_bytes)}.")
    print("The recording service applies it at once (within 30 seconds at most); video "
          "younger than 90 days or under an evidence hold is never removed for a cap.")
    for note in view.notes:
        print(f"Note: {note}")
    return 0


def caps_json(view: CapsOverview) -> dict[str, object]:
    return {"caps": {c.scope.value: {"bytes": c.cap_bytes, "updated_by": c.updated_by,
                                     "updated_at": c.updated_at.isoformat()
                                     if c.updated_at else None} for c in view.caps},
            "store": {"used": view.store_used, "level": view.store_level.value,
                      "reason": view.store_reason},
            "cameras": [{"code": c.code, "used": c.used, "segments": c.segments,
                         "cap": c.cap_bytes, "own_cap": c.own_cap, "level": c.level.value,
                         "reason": c.reason} for c in view.cameras],
            "notes": list(view.notes)}


def _size(cap: int | None) -> str:
    return "no cap" if cap is None else format_size(cap)


def _of(used: int, cap: int | None) -> str:
    return "" if cap is None else f" of {format_size(cap)} ({_percent(used, cap)})"


def _percent(used: int, cap: int | None) -> str:
    part = share(used, cap)
    return "" if part is None else f"{part:.0%}"
