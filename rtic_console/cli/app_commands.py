"""`rtic-console` with no command, and `rtic-console demo`: the desktop console."""

from __future__ import annotations

import argparse
import os
import shutil
from datetime import UTC, date, datetime

from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.config import default_database_file, settings_file
from rtic_console.domain.roles import Role, parse_role


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = sub.add_parser("demo", help="open the console on a fresh demo database")
    demo.add_argument("--as", dest="demo_role", default=Role.ALPR_ADMIN.value,
                      metavar="ROLE", help="open as the demo person holding this role, one "
                      f"of {', '.join(r.value for r in Role)} (default alpr_admin: the RTIC "
                      "sergeant)")
    demo.set_defaults(handler=_demo)


def open_console(args: argparse.Namespace, cli: CliSession) -> int:
    from rtic_console.app import run_console

    # A machine with no settings and no database yet; one that has used the default
    # embedded file without a settings file goes on using it.
    settings_path = settings_file()
    first_run = (args.database is None and not os.environ.get("RTIC_DATABASE_URL")
                 and not settings_path.exists() and not default_database_file().exists())
    return run_console(cli.settings, first_run_settings=settings_path if first_run else None)


def _demo(args: argparse.Namespace, cli: CliSession) -> int:
    from rtic_console.app import run_console
    from rtic_console.config import Settings
    from rtic_console.demo_cameras import (
        WALL_ORDER,
        configure_demo_cameras,
        configure_demo_ptz,
        enrol_demo_workstation,
        follow_demo_ptz,
        start_camera_simulator,
        start_demo_onvif,
        start_rtsp_cameras,
    )
    from rtic_console.demo_inspection import seed_demo_inspection
    from rtic_console.demo_runtime import DemoRuntime, demo_folder
    from rtic_console.services.demo_fleet import seed_demo_fleet
    from rtic_console.services.demo_history import seed_demo_history
    from rtic_console.services.demo_seed import (
        DEMO_PASSWORD,
        demo_badge_for,
        seed_demo,
        seed_demo_hot_lists,
    )
    from rtic_console.store.bootstrap import connect

    try:
        role = parse_role(args.demo_role)
    except ValueError as exc:
        raise CliRefusal(str(exc)) from None
    folder = demo_folder()
    url = args.database or f"sqlite:///{folder / 'demo.db'}"
    settings = Settings(**{**cli.settings.__dict__, "database_url": url})
    simulator = rtsp_server = onvif = ptz_picture = None
    try:
        db = connect(url)
        with db.write() as session:
            seed_demo(session, date.today(), settings.workstation)
            seed_demo_hot_lists(session, datetime.now(UTC))
            seed_demo_history(session, datetime.now(UTC))
            seed_demo_fleet(session, datetime.now(UTC))
        enrol_demo_workstation(db, settings)
        simulator, port = start_camera_simulator(len(WALL_ORDER) - 1)
        rtsp_server = start_rtsp_cameras()
        configure_demo_cameras(db, settings, port, rtsp_server)
        onvif = start_demo_onvif(db)
        configure_demo_ptz(db, settings, onvif)
        ptz_picture = follow_demo_ptz(onvif, rtsp_server)
        seed_demo_inspection(db, settings)
        print(f"Demo database: {db.display}  (every demo password: {DEMO_PASSWORD})")
        return run_console(settings, demo=True, db=db,
                           demo_note=f"Password for every demo person: {DEMO_PASSWORD}",
                           auto_sign_in=(demo_badge_for(role), DEMO_PASSWORD),
                           companion=lambda heard: DemoRuntime(
                               db, folder, heard, settings.workstation, settings.daily_time))
    finally:
        # The camera processes are this function's: stopped here once, in reverse.
        if ptz_picture is not None:
            ptz_picture.stop()
        if onvif is not None:
            onvif.stop()
        if rtsp_server is not None:
            rtsp_server.stop()
        if simulator is not None:
            simulator.stop()
        shutil.rmtree(folder, ignore_errors=True)
