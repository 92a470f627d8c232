"""Renders each main screen with demo data offscreen into PNG files for the user guide."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QDateTime, QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from rtic_console.app import qt_application
from rtic_console.config import Settings
from rtic_console.demo_cameras import (
    DEMO_PTZ_CAMERA,
    WALL_ORDER,
    configure_demo_cameras,
    configure_demo_ptz,
    enrol_demo_workstation,
    start_demo_onvif,
    start_rtsp_cameras,
)
from rtic_console.demo_inspection import seed_demo_inspection
from rtic_console.demo_recordings import DemoRecording, seed_demo_recordings
from rtic_console.domain.checklist import Step, StepInput
from rtic_console.domain.reads import PlateRead, VehicleInfo
from rtic_console.domain.recipients import ExportRecipient
from rtic_console.domain.search_rules import bounding_box
from rtic_console.feeds.alpr_simulator import plate_crop_jpeg
from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.onvif_responder import OnvifResponder, ResponderProfile
from rtic_console.services import cameras as camera_service
from rtic_console.services import hits as hit_service
from rtic_console.services import search_requests, sharing
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context
from rtic_console.services.demo_fleet import DEMO_REPORT, seed_demo_fleet
from rtic_console.services.demo_history import seed_demo_history
from rtic_console.services.demo_seed import (
    DEMO_PASSWORD,
    DEMO_SPECIAL_APPROVED,
    DEMO_STATE_PLATES,
    seed_demo,
    seed_demo_hot_lists,
)
from rtic_console.services.evidence_export import export_evidence
from rtic_console.services.hit_escalation import EscalationRule, escalate_waiting_hits
from rtic_console.services.hit_grouping import GROUP_WINDOW
from rtic_console.services.ingest import ingest_reads, quarantine
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.services.viewing import ViewingPurpose
from rtic_console.store.bootstrap import connect
from rtic_console.store.database import Database
from rtic_console.ui.admin.camera_dialog import CameraDialog
from rtic_console.ui.admin.device_report_dialog import DeviceReportDialog
from rtic_console.ui.admin.person_dialog import PersonDialog
from rtic_console.ui.change_bridge import ChangeBridge
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.first_run_dialog import DatabaseSetupDialog, FirstAdminDialog
from rtic_console.ui.main_window import MainWindow
from rtic_console.ui.map.map_widget import MapWidget
from rtic_console.ui.operations import OperationRunner
from rtic_console.ui.shift_check_dialog import ShiftCheckDialog
from rtic_console.ui.sign_in_dialog import SignInDialog
from rtic_console.ui.theme import Theme, apply_theme
from rtic_console.ui.wall.export_dialog import ExportDialog
from rtic_console.ui.wall.large_view import LargeViewDialog
from rtic_console.ui.wall.playback_dialog import PlaybackDialog
from rtic_console.ui.wall.ptz_controls import PtzPanel
from rtic_console.ui.wall.purpose_dialog import PurposeDialog
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget

# (plate read, candidates, reader, state, seconds ago, vehicle)
DEMO_READS = (
    ("7KQM482", (), "ALPR-FX-01", "CA", 40, ("silver", "Honda", "Accord", "sedan")),
    ("8FJ0219", ("8FJD219",), "ALPR-FX-05", "CA", 170, ("black", "Dodge", "Charger", "sedan")),
    (DEMO_SPECIAL_APPROVED[0], (), "ALPR-FX-02", "CA", 65, ("white", "Ford", "F-150", "pickup")),
    (DEMO_STATE_PLATES[7], (), "ALPR-MB-1121", "CA", 420, ("blue", "Toyota", "Camry", "sedan")),
    ("5MNB771", (), "ALPR-FX-03", "CA", 25, ("red", "Nissan", "Altima", "sedan")),
    # The Accord again, two readers on: a sighting of its open hit, not a hit of its own.
    ("7KQM4B2", (), "ALPR-FX-02", "CA", 15, ("silver", "Honda", "Accord", "sedan")),
)


def settle(condition: Callable[[], bool] = lambda: False, seconds: float = 1.5) -> None:
    """Let queued operations deliver their results before a picture is taken."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not condition():
        QApplication.processEvents()
        time.sleep(0.02)
    QApplication.processEvents()


# Each screen in the dark theme (the default) as NAME.png and in the light one as
# NAME-light.png.
THEMES = ((Theme.DARK, ""), (Theme.LIGHT, "-light"))


def save(widget: QWidget, out: Path, name: str, wait: float = 1.5) -> list[Path]:
    widget.show()
    settle(seconds=wait)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    paths = []
    for theme, suffix in THEMES:
        apply_theme(app, theme)
        settle(seconds=0.3)
        path = out / f"{name}{suffix}.png"
        widget.grab().save(str(path))
        print(f"wrote {path}")
        paths.append(path)
    apply_theme(app, Theme.DARK)
    return paths


def demo_database(folder: Path, settings: Settings) -> Database:
    db = connect(f"sqlite:///{folder / 'demo.db'}")
    with db.write() as session:
        seed_demo(session, date.today(), settings.workstation)
        seed_demo_hot_lists(session, datetime.now(UTC))
        seed_demo_history(session, datetime.now(UTC))
        seed_demo_fleet(session, datetime.now(UTC))
    engine = MatchingEngine(group_window=GROUP_WINDOW)
    with db.read() as session:
        engine.load(session)
    now = datetime.now(UTC)
    reads = [PlateRead(
        source="openalpr", source_id=f"demo-shot-{i}", plate=plate, plate_raw=plate,
        state=state, confidence=0.93 - i * 0.04, captured_at=now - timedelta(seconds=ago),
        device_ref=reader, direction_deg=(i * 70.0) % 360,
        candidates=tuple((c, 0.7) for c in cands),
        vehicle=VehicleInfo(*vehicle), images={"plate": plate_crop_jpeg(plate)})
        for i, (plate, cands, reader, state, ago, vehicle) in enumerate(DEMO_READS)]
    with db.write() as session:
        ingest_reads(session, reads, engine, now, "demo")
        quarantine(session, "webhook:/alpr/openalpr", "application/json",
                   "not JSON: Expecting ',' delimiter: line 1 column 41",
                   b'{"data_type": "alpr_group", "best_plate_number": "7KQ')
    return db


def close_and_escalate(db: Database, ctx: Context, workstation: str) -> None:
    """The misread closed by the dispatcher, and the hits still unclaimed escalated to the
    sergeant on duty (D.5.a) as the headless service would six minutes on."""
    misread = next(h for h in perform(db, ctx, hit_service.list_hits) if h.approximate)
    perform(db, ctx, hit_service.claim_hit, misread.id)
    perform(db, ctx, hit_service.close_hit, misread.id, "misread",
            "Plate photo reads 8FJ0219, not the listed 8FJD219")
    with db.write() as session:
        escalate_waiting_hits(session, SystemIdentity("hit-escalation", workstation),
                              EscalationRule(timedelta(minutes=6), timedelta(minutes=20)),
                              datetime.now(UTC) + timedelta(minutes=6))


def draw_circle(live_map: MapWidget, centre: tuple[float, float], radius_m: float) -> None:
    """Drawn on the page as a person draws a look back's area (Draw circle, a click on the
    centre, one on the edge), so that the picture shows the circle it covers."""
    view = live_map.view
    assert view is not None
    live_map.look_back_box.draw_circle.click()
    settle(seconds=1.0)  # the box that came with the custom range has resized the page
    east = bounding_box(centre, radius_m)[3]
    points: list[list[float]] = []
    view.evaluate(f"""(() => {{
        const map = window[Object.keys(window).find((k) => k.startsWith("map_"))];
        map.setView([{centre[0]}, {centre[1]}], 13, {{animate: false}});
        return JSON.stringify([[{centre[0]}, {centre[1]}], [{centre[0]}, {east}]]
            .map((p) => map.latLngToContainerPoint(p)).map((p) => [p.x, p.y])); }})()""",
                  lambda answer: points.extend(json.loads(answer)))
    settle(lambda: bool(points), 5)
    target = view.focusProxy()
    for x, y in points:
        where = QPoint(round(x), round(y))
        QTest.mouseMove(target, where)
        settle(seconds=0.15)
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         where)
        settle(seconds=0.15)
    settle(lambda: live_map.look_back_box.area is not None, 5)
    if live_map.look_back_box.area is None:
        raise RuntimeError("the look back's circle was not drawn on the map")


def look_back(window: MainWindow, out: Path) -> list[Path]:
    """The map looking back past the live day: a search with its purpose, case and area."""
    live_map = window.areas["map"]
    window.show_area("map")
    window.show()  # the circle is drawn on the page at its size on screen
    settle(lambda: live_map.view is not None and live_map.view.ready, 15)
    bar = live_map.time_filter
    bar.preset.setCurrentIndex(bar.preset.count() - 1)  # Custom range…
    start = QDateTime.currentDateTime().addSecs(-30 * 3600)
    bar.start_edit.setDateTime(start)
    bar.end_edit.setDateTime(start.addSecs(6 * 3600))
    box = live_map.look_back_box
    box.purpose.case.setText("26-004417")
    draw_circle(live_map, (38.5700, -121.4850), 1500.0)  # clear of markers: a click opens one
    bar.apply.click()
    settle(lambda: live_map.summary.text().startswith("Look back"), 10)
    return save(window, out, "map-look-back", 3.0)


# Requests as they might reach the RTIC from the demo directory's agencies.
DEMO_SHARING = (("CA0340100", "Carjacking suspect vehicle seen on Hwy 99"),
                ("CA0345000", "Burglary series follow-up"),
                ("NV0020000", "Armed robbery suspect fled to Reno"),
                ("CA0340000", "Assist I.C.E. with locating the driver"))


def seed_sharing(db: Database, ctx: Context, folder: Path) -> None:
    """Four requests the rule decided: one grant, three refusals."""
    now = datetime.now(UTC)
    for ori, purpose in DEMO_SHARING:
        perform(db, ctx, sharing.file_request, sharing.SharingInput(
            ori, "Det. R. Alvarez", "", purpose, "EG-26-0412", plates=DEMO_READS[0][0],
            time_from=now - timedelta(hours=2), time_to=now), folder)


def onvif_shots(window: MainWindow, wall: VideoWallWidget, onvif: OnvifResponder,
                out: Path) -> list[Path]:
    """The camera dialog reading a new camera, and the large view of the demo's PTZ
    camera."""
    shots = camera_onvif_shot(window, out)
    index = next(i for i, g in wall.grants.items() if g.camera.code == DEMO_PTZ_CAMERA)
    wall._on_tile_double_clicked(index)
    view = wall.findChildren(LargeViewDialog)[-1]
    settle(lambda: bool(view.findChildren(PtzPanel)) and view.tile._image is not None, 10)
    panel = view.findChildren(PtzPanel)[0]
    settle(lambda: panel.preset_combo.count() > 1, 5)
    panel.go_to_preset(2)
    settle(lambda: "preset" in panel.status.text(), 5)
    shots.extend(save(view, out, "large-view-ptz"))
    view.close()
    return shots


def dashboard_shot(window: MainWindow, out: Path) -> list[Path]:
    """The sergeant's dashboard on the demo's own history (the full run's has its scenes'
    reads and hits besides)."""
    window.show_area("dashboard")
    return save(window, out, "main-dashboard", 2.5)


def camera_onvif_shot(window: MainWindow, out: Path) -> list[Path]:
    """The camera dialog after reading a new camera by its ONVIF address and testing its
    stream (a host of its own: the demo's simulator also serves donor cameras, whose
    pictures a stream test never decodes)."""
    with CameraSimulator(["lobby"]) as lobby, OnvifResponder(
            [ResponderProfile("main", "Main stream", 640, 360, lobby.url("lobby")),
             ResponderProfile("sub", "Sub-stream", 640, 360, lobby.url("lobby"))],
            user="onvif", password="Lobby-2026", manufacturer="Axis", model="Q6135-LE",
            firmware="11.8.64") as camera:
        dialog = CameraDialog(window.session)
        dialog.onvif.address.setText(f"127.0.0.1:{camera.port}")
        dialog.onvif.user.setText(camera.user)
        dialog.onvif.password.setText(camera.password)
        dialog.show()
        dialog.onvif.read_button.click()
        settle(lambda: dialog.onvif.profile.count() > 0, 10)
        dialog.code.setText("CAM-AG-07")
        dialog.area.setText("Downtown")
        dialog.address.setText("915 I St (lobby)")
        dialog.test_button.click()
        settle(lambda: dialog.picture.isVisible(), 15)
        shots = save(dialog, out, "camera-onvif")
        dialog.close()
    return shots


def recorded_video(session: ConsoleSession, work: Path, out: Path) -> list[Path]:
    """Playback on a timeline with a canvass of two cameras, and an export's preview of a
    range the recordings only partly cover."""
    db, ctx = session.db, session.ctx
    codes = {c.code: c for c in perform(db, ctx, camera_service.list_cameras)}
    first, second = codes["CAM-AG-01"], codes["CAM-AG-02"]
    start = (datetime.now(UTC) - timedelta(minutes=30)).replace(second=0, microsecond=0)
    seed_demo_recordings(db, work / "recordings", start, (
        DemoRecording(first.id, first.code, ((180, 60), (240, 60), (300, 60), (480, 60),
                                             (540, 60), (600, 60), (660, 60))),
        DemoRecording(second.id, second.code, ((0, 60), (60, 60), (120, 60), (360, 120),
                                               (480, 120), (600, 60)))))
    export_evidence(db, ctx, first.id, start + timedelta(minutes=8), start
                    + timedelta(minutes=10), "26-004512", "RPT-26-0881",
                    "Robbery at K St Mall: suspect vehicle", work / "exports",
                    recipient=ExportRecipient.spd("26-004512"), allow_gaps=True)
    shots = []
    playback = PlaybackDialog(session, first, start, start + timedelta(minutes=15),
                              purpose="evidence_collection", reference="26-004512")
    playback.show()
    settle(lambda: playback.clock is not None, 10)
    settle(lambda: playback.add_camera.count() > 0, 5)
    playback.add_camera.setCurrentIndex(playback.add_camera.findText("CAM-AG-02",
                                                                      Qt.MatchFlag.MatchStartsWith))
    playback.add_button.click()
    settle(lambda: len(playback.workers) == 2, 10)
    playback.clock.pause()
    playback.clock.seek(start + timedelta(minutes=8, seconds=20))
    shots.extend(save(playback, out, "playback-timeline", 2.0))
    playback.close()
    export = ExportDialog(session, first.id, start, start + timedelta(minutes=15))
    export.show()
    settle(lambda: export.camera.count() > 0, 5)
    export.case_number.setText("26-004512")
    export.report_number.setText("RPT-26-0881")
    export.purpose.setText("Robbery at K St Mall: suspect vehicle leaving westbound")
    export.preview_button.click()
    settle(export.preview.isVisible, 10)
    export.resize(export.width(), export.sizeHint().height())  # taller than the 600 px screen
    shots.extend(save(export, out, "export-preview"))
    export.close()
    return shots


NOTE = f"Password for every demo person: {DEMO_PASSWORD}"


def window_for(db: Database, settings: Settings, runner: OperationRunner, bridge: ChangeBridge,
               badge: str) -> MainWindow:
    """The main window of a demo person, signed in, at the size the pictures are taken."""
    ctx = sign_in(db, settings, badge, DEMO_PASSWORD)
    window = MainWindow(ConsoleSession(db, ctx, runner, bridge, demo=True), NOTE)
    window.resize(1440, 900)
    return window


def shift_check_shot(window: MainWindow, out: Path) -> list[Path]:
    """Console → Start-of-shift check…: one item failed, so the MDC repair request is asked."""
    dialog = ShiftCheckDialog(window.session, window)
    dialog.unit.setText("1134")
    boxes = list(dialog.items.values())
    for box in boxes[:-1]:
        box.setChecked(True)
    dialog.mdc_request.setPlainText("MDC-88213: GPS lamp red after full start-up")
    shots = save(dialog, out, "shift-check")
    dialog.close()
    return shots


def wall_purpose_shot(window: MainWindow, out: Path) -> list[Path]:
    """What the video wall asks first (F.2)."""
    dialog = PurposeDialog(window)
    dialog.choose(ViewingPurpose.MONITORING_EVENT, "Kings game, Golden 1 Center")
    shots = save(dialog, out, "wall-purpose")
    dialog.close()
    return shots


def search_shots(window: MainWindow, out: Path) -> list[Path]:
    """A plate search for a case, then its first result selected: the read, its place and
    the recorded video near it (an officer views no camera video, and the pane says so)."""
    search = window.areas["search"]
    window.show_area("search")
    search.form.plate.setText("7K*")
    search.purpose.purpose.setCurrentIndex(
        search.purpose.purpose.findData("stolen_vehicle_or_plate"))
    search.purpose.case.setText("26-004417")
    search.run_search()
    settle(lambda: search.result is not None, 10)
    shots = save(window, out, "main-search")
    search.table.selectRow(0)  # where a result leads: its read, place and video nearby
    settle(lambda: search.detail.detail is not None, 5)
    settle(lambda: search.detail.nearby_note.text() != "", 5)
    shots.extend(save(window, out, "main-search-result"))
    return shots


def sign_out_claims_shot(window: MainWindow, out: Path) -> list[Path]:
    """Console → Sign out while holding claimed hits (D.5.a): the hits are listed, to release,
    keep or stay. Two waiting hits are claimed first, the call for service of one recorded."""
    db, ctx = window.session.db, window.session.ctx
    waiting = [h for h in perform(db, ctx, hit_service.list_hits, status="new")
               if not h.informational]
    for hit in waiting[:2]:
        perform(db, ctx, hit_service.claim_hit, hit.id)
    perform(db, ctx, hit_service.record_step, waiting[0].id,
            StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118840",
                                              "incident_type": "10851"}))
    handover = window.handover
    handover.before_leaving("sign out", lambda: None)
    settle(lambda: handover.dialog is not None, 5)
    dialog = handover.dialog
    assert dialog is not None
    shots = save(dialog, out, "sign-out-claims")
    dialog.reject()  # Cancel: the person stays signed in, holding them
    return shots


# Scenes that need only a demo person's window: `--only NAME` renders them alone, in seconds
# (the whole set takes half an hour). render_all takes them too.
SOLO_SCENES: dict[str, tuple[str, Callable[[MainWindow, Path], list[Path]]]] = {
    "shift-check": ("6301", shift_check_shot),
    "wall-purpose": ("4101", wall_purpose_shot),
    "sign-out-claims": ("5201", sign_out_claims_shot),
    "map-look-back": ("6301", look_back),
    "search": ("6301", search_shots),
    "camera-onvif": ("4101", camera_onvif_shot),
    "dashboard": ("4101", dashboard_shot),
}


def render_solo(out: Path, names: list[str]) -> list[Path]:
    unknown = sorted(set(names) - set(SOLO_SCENES))
    if unknown:
        raise SystemExit(f"no such scene: {', '.join(unknown)}; "
                         f"scenes: {', '.join(SOLO_SCENES)}")
    _, settings, db = _demo_workstation(out)
    runner = OperationRunner()
    bridge = ChangeBridge(db.bus)
    shots: list[Path] = []
    try:
        for name in names:
            badge, scene = SOLO_SCENES[name]
            window = window_for(db, settings, runner, bridge, badge)
            shots.extend(scene(window, out))
            window.close()
    finally:
        bridge.close()
        runner.shutdown()
        db.dispose()
    return shots


def _demo_workstation(out: Path) -> tuple[Path, Settings, Database]:
    """A fresh demo database in a folder of its own, this workstation enrolled on it."""
    out.mkdir(parents=True, exist_ok=True)
    qt_application()
    work = Path(tempfile.mkdtemp(prefix="rtic-shots-"))
    # Nobody's remembered layout or theme: each person opens where their role works.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work))
    # No tile server: the pictures must not depend on the network (the map says so itself).
    settings = Settings(database_url=f"sqlite:///{work / 'demo.db'}", workstation="RTIC-WS-01",
                        map_tile_url="")
    db = demo_database(work, settings)
    enrol_demo_workstation(db, settings)
    return work, settings, db


def render_all(out: Path) -> list[Path]:
    work, settings, db = _demo_workstation(out)
    cameras = CameraSimulator(len(WALL_ORDER) - 1).start()
    rtsp = start_rtsp_cameras()
    configure_demo_cameras(db, settings, cameras.port, rtsp)
    onvif = start_demo_onvif(db)
    configure_demo_ptz(db, settings, onvif)
    seed_demo_inspection(db, settings)
    runner = OperationRunner()
    bridge = ChangeBridge(db.bus)
    shots: list[Path] = []
    try:
        setup = DatabaseSetupDialog(settings, work / "settings.toml", runner)
        setup.server.setChecked(True)
        setup.host.setText("dbserver.department.local")
        shots.extend(save(setup, out, "first-run-database"))
        setup.close()

        empty = connect(f"sqlite:///{work / 'empty.db'}")
        first = FirstAdminDialog(empty, settings, runner)
        shots.extend(save(first, out, "first-run"))
        first.close()
        empty.dispose()

        dialog = SignInDialog(db, settings, runner, f"Demo password: {DEMO_PASSWORD}")
        dialog.badge.setText("6303")
        dialog.password.setText(DEMO_PASSWORD)
        dialog.show()
        dialog.sign_in_button.click()
        settle(lambda: dialog.message.isVisible(), 5)
        shots.extend(save(dialog, out, "sign-in-refused"))
        dialog.close()

        def person(badge: str) -> MainWindow:
            return window_for(db, settings, runner, bridge, badge)

        dispatcher = person("5201")
        ctx = dispatcher.session.ctx
        first_hit = next(h for h in perform(db, ctx, hit_service.list_hits) if h.sightings)
        perform(db, ctx, hit_service.claim_hit, first_hit.id)
        perform(db, ctx, hit_service.record_step, first_hit.id,
                StepInput(Step.CALL_FOR_SERVICE, {"cad_number": "26-118812",
                                                  "incident_type": "10851"}))
        close_and_escalate(db, ctx, settings.workstation)
        queue = dispatcher.areas["hits"]
        dispatcher.show_area("hits")
        queue.refresh()
        settle(lambda: queue.model.rowCount() > 0, 5)
        queue.select_hit(first_hit.id)
        shots.extend(save(dispatcher, out, "main-hits", 2.5))
        shots.extend(save(queue.detail_panel, out, "hit-detail-sightings"))  # below the fold
        queue.keys.help.open_help()  # what F1 or ? shows over the hit queue
        shots.extend(save(dispatcher, out, "hit-queue-keys", 0.5))
        queue.keys.help.close_help()
        dispatcher.show_area("recent_hits")
        shots.extend(save(dispatcher, out, "main-recent-hits"))
        live_map = dispatcher.areas["map"]
        dispatcher.show_area("map")
        settle(lambda: live_map.view is not None and live_map.view.ready, 15)
        shots.extend(save(dispatcher, out, "main-map", 3.0))
        dispatcher.close()

        officer = person("6301")
        shots.extend(shift_check_shot(officer, out))
        officer.show_area("hotlists")
        shots.extend(save(officer, out, "main-hotlists"))
        shots.extend(search_shots(officer, out))
        shots.extend(look_back(officer, out))
        perform(db, officer.session.ctx, search_requests.request_other_use, "26-004502",
                "Locate a witness vehicle for the Del Paso hit-and-run follow-up")
        officer.close()

        supervisor = person("8501")
        supervisor.show_area("inbox")
        shots.extend(save(supervisor, out, "main-inbox"))
        supervisor.show_area("other_use")
        shots.extend(save(supervisor, out, "main-other-use"))
        # The dispatcher's claim, left unfinished: the sergeant may send it back (D.5.a).
        held = supervisor.areas["hits"]
        supervisor.show_area("hits")
        settle(lambda: held.model.row_of(first_hit.id) is not None, 5)
        held.select_hit(first_hit.id)
        settle(lambda: held.checklist.release_row.isVisible(), 5)
        held.checklist.release_reason.setText("5201 called to the Del Paso pursuit")
        shots.extend(save(supervisor, out, "hit-release-claim"))
        supervisor.close()

        sergeant = person("4101")  # opens on the hit queue, the floor's work
        shots.extend(save(sergeant, out, "start-sergeant"))
        shots.extend(wall_purpose_shot(sergeant, out))
        wall = sergeant.areas["wall"]
        wall._asked = True  # the purpose is stated here rather than in the modal dialog
        sergeant.show_area("wall")
        settle(lambda: bool(wall.keeper.saved), 5)
        wall.set_purpose("training")
        settle(lambda: sum(t._image is not None for t in wall.grid.tiles) >= 7, 15)
        shots.extend(save(sergeant, out, "main-wall", 1.0))
        shots.extend(onvif_shots(sergeant, wall, onvif, out))
        wall.shutdown()
        near = sergeant.areas["registry"].near_panel
        near.latitude.setText("38.5770")
        near.longitude.setText("-121.4850")
        near.radius.setValue(1500)
        near.case_number.setText("26-004417")
        near.find_button.click()
        settle(lambda: near.model.rowCount() > 0, 5)
        seed_sharing(db, sergeant.session.ctx, work / "sharing")
        shots.extend(recorded_video(sergeant.session, work, out))
        for key in ("dashboard", "cameras", "devices", "donors", "registry", "sharing",
                    "quarantine", "roster", "workstations", "inspections", "retention", "audit",
                    "account"):
            sergeant.show_area(key)
            if key == "roster":  # a person selected: their roles, who granted and confirmed
                roster = sergeant.areas[key]
                settle(lambda: roster.model.rowCount() > 0, 5)  # noqa: B023
                roster.table.selectRow(0)
            if key in ("quarantine", "audit"):  # one item read in full in the pane
                listing = sergeant.areas[key]
                settle(lambda: listing.model.rowCount() > 0, 5)  # noqa: B023
                listing.table.selectRow(0)
            if key == "devices":  # the device the alert names, its damage report below
                fleet = sergeant.areas[key]
                settle(lambda: fleet.model.rowCount() > 0, 5)  # noqa: B023
                fleet.show_device(DEMO_REPORT[0])
                settle(lambda: fleet.reports.rowCount() > 0, 5)  # noqa: B023
            if key == "audit":  # the head hash to record, after Verify chain
                sergeant.areas[key].verify_button.click()
                settle(lambda: sergeant.areas["audit"].hash_row.isVisible(), 10)
            shots.extend(save(sergeant, out, f"main-{key}", 2.5 if key == "dashboard" else 1.5))
        add = PersonDialog(sergeant.session, None, sergeant)
        add.form.badge.setText("53'01")
        add.form.name.setText("Dispatcher Quinn")
        add.show()
        add.save_button.click()
        settle(lambda: add.message.isVisible(), 5)
        shots.extend(save(add, out, "dialog-person-refused"))
        add.close()
        sergeant.close()

        it_staff = person("7401")  # opens on the devices they keep running
        shots.extend(save(it_staff, out, "start-it-staff"))
        report = DeviceReportDialog(it_staff.session, None, it_staff)  # Console → Report…
        settle(lambda: report.device.count() > 0, 5)
        report.problem.setPlainText("Lens cracked; no reads since the storm last night")
        shots.extend(save(report, out, "device-report"))
        report.close()
        it_staff.close()

        # An inspection's referral and a non-partner agency's request (C.2.a) wait for them.
        commander = person("9601")
        commander.show_area("inbox")
        shots.extend(save(commander, out, "main-inbox-commander"))
        commander.close()

        # Last, so no picture above shows its claims: signing out still holding hits.
        leaving = person("5201")
        shots.extend(sign_out_claims_shot(leaving, out))
        leaving.close()
    finally:
        bridge.close()
        runner.shutdown()
        onvif.stop()
        cameras.stop()
        if rtsp is not None:
            rtsp.stop()
        db.dispose()
    return shots


if __name__ == "__main__":
    # python -m rtic_console.ui.screenshots [OUT] [--only NAME ...]
    args = sys.argv[1:]
    only = args[args.index("--only") + 1:] if "--only" in args else []
    args = args[:args.index("--only")] if "--only" in args else args
    target = Path(args[0] if args else "docs/screenshots")
    if only:
        render_solo(target, only)
    else:
        render_all(target)
