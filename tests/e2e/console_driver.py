"""Drives a whole console run in its own process, as the people at it would, and reports.

`python -m tests.e2e.console_driver URL CAMERA_ID WORKDIR` starts the console through its
composition root with the ingest service beside it, then: a dispatcher signs in, opens the
map, works a hit from the live feed, signs out with the keyboard; a sergeant signs in,
opens the wall on a live camera, sees the hit, quits with the keyboard. It prints one JSON
line: what went wrong (if anything), the streams alive at sign-out, the threads of ours
alive after quit, and the errors logged. Its own process, because a Qt application runs
one composition root in its life.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from time import monotonic
from typing import Any, TypeVar

import aiohttp
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from rtic_console.app import run_console
from rtic_console.config import Settings
from rtic_console.domain.checklist import Step
from rtic_console.feeds.webhook_server import IngestConfig
from rtic_console.headless import HeadlessConfig, HeadlessServices
from rtic_console.services.viewing import ViewingPurpose
from rtic_console.store.change_listeners import ChangeListener
from rtic_console.store.database import Database, open_database
from rtic_console.ui.hits.claims_handover import ClaimsHandoverDialog
from rtic_console.ui.main_window import MainWindow
from rtic_console.ui.sign_in_dialog import SignInDialog
from rtic_console.ui.wall.purpose_dialog import PurposeDialog
from tests.feeds.ingest_harness import FIXTURES
from tests.support import PASSWORD, threads_of_ours

W = TypeVar("W", bound=QWidget)
HOT_PLATE = "7KQM482"


async def until(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    print(f"{monotonic():.1f} waiting: {what}", file=sys.stderr, flush=True)  # for the log
    deadline = monotonic() + timeout
    while not (value := condition()):
        if monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        await asyncio.sleep(0.05)
    return value


def shown(kind: type[W]) -> W | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, kind) and w.isVisible()), None)


async def on_gui(action: Callable[[], Any]) -> Any:
    """Do something to the screens from the Qt event loop, as a person's input arrives.

    Not inside an asyncio step: a Qt call that delivers events at once (activating a
    window, a modal dialog) would run the loop's pending callbacks inside that step."""
    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def act() -> None:
        try:
            done.set_result(action())
        except Exception as exc:
            done.set_exception(exc)

    QTimer.singleShot(0, act)
    return await done


async def sign_in_as(badge: str) -> MainWindow:
    dialog = await until(lambda: shown(SignInDialog), "the sign-in window")

    def type_and_sign_in() -> None:
        dialog.badge.setText(badge)
        dialog.password.setText(PASSWORD)
        dialog.sign_in_button.click()

    await on_gui(type_and_sign_in)
    window = await until(lambda: shown(MainWindow), f"the main window for {badge}")
    assert badge in window.user_label.text()
    return window


async def press(window: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """A shortcut reaches the active window only, as on a desk: bring it to the front first
    (a closed modal dialog leaves no window active on the offscreen platform)."""
    await on_gui(window.activateWindow)
    await until(lambda: QApplication.activeWindow() is window, "the window in front")
    await on_gui(lambda: QTest.keyClick(window, key, modifiers))


def hot_read() -> bytes:
    group = json.loads((FIXTURES / "openalpr_group_v3.json").read_bytes())
    group["best_plate_number"] = HOT_PLATE
    group["candidates"] = []
    return json.dumps(group).encode()


class Scenario:
    """The ingest service beside the console (as in the demo), and the people at the console."""

    def __init__(self, db: Database, listener: ChangeListener | None, spool: Path,
                 camera_id: int) -> None:
        self.db = db
        self.camera_id = camera_id
        self.services = HeadlessServices(
            db, HeadlessConfig(IngestConfig(port=0, spool_path=spool)), listener=listener)
        self.error: BaseException | None = None
        self.threads_at_sign_out: list[str] = []
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.services.start()
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        await self.services.stop()

    async def _run(self) -> None:
        try:
            await asyncio.wait_for(self._people(), 150)
        except BaseException as exc:
            self.error = exc
            window = shown(MainWindow)  # the console quits: the test reports what went wrong
            QTimer.singleShot(0, window.close_without_asking if window
                              else QApplication.closeAllWindows)

    async def _people(self) -> None:
        # A dispatcher works a hit from the live feed, with the map open.
        window = await sign_in_as("5201")
        await on_gui(lambda: window.show_area("map"))
        live_map = window.areas["map"]
        await until(lambda: live_map.view is not None and live_map.view.ready, "the map page")
        assert self.services.ingest is not None
        async with aiohttp.ClientSession() as http, http.post(
                f"{self.services.ingest.url}/alpr", data=hot_read(),
                headers={"Content-Type": "application/json"}) as reply:
            assert reply.status == 202
        await on_gui(lambda: window.show_area("hits"))
        queue = window.areas["hits"]
        await until(lambda: queue.model.rowCount() == 1, "the hit in the queue")
        await on_gui(lambda: queue.select_hit(queue.model.row_at(0).id))
        panel = queue.checklist
        await until(lambda: panel.claim_button.isVisible() and panel.claim_button.isEnabled(),
                    "the claim button")
        await on_gui(panel.claim_button.click)
        await until(lambda: panel.cad.isEnabled(), "step 1 open after the claim")
        await on_gui(lambda: (panel.cad.setText("26-118812"), panel.incident_type.setText("10851")))
        await on_gui(panel.step_buttons[Step.CALL_FOR_SERVICE].click)
        await until(lambda: panel.step_done[Step.CALL_FOR_SERVICE].text().startswith("✓"),
                    "step 1 recorded")
        await press(window, Qt.Key.Key_Q,
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        # The hit is still claimed: the console asks first; the dispatcher keeps it (the
        # sergeant below finds it claimed).
        question = await until(lambda: shown(ClaimsHandoverDialog), "the claims question")
        assert "You hold 1 claimed hit" in question.text()
        await on_gui(question.keep_button.click)
        await until(lambda: shown(SignInDialog) and not shown(MainWindow), "signed out")
        self.threads_at_sign_out = [t.name for t in threading.enumerate()
                                    if t.name.startswith("capture-")]

        # The sergeant at the same workstation: the wall with a live camera, the same hit.
        window = await sign_in_as("1001")
        await on_gui(lambda: window.show_area("wall"))  # built on its first visit
        wall = window.areas["wall"]
        purpose = await until(lambda: shown(PurposeDialog), "the viewing purpose question")
        await on_gui(lambda: (purpose.choose(ViewingPurpose.TRAINING), purpose.accept()))
        await until(lambda: wall.purpose == ViewingPurpose.TRAINING.value, "the purpose set")
        await on_gui(lambda: wall.assign(0, self.camera_id))
        await until(lambda: wall.grid.tiles[0]._image is not None, "a live frame on the wall")
        queue = window.areas["hits"]
        await until(lambda: queue.model.rowCount() == 1
                    and queue.model.row_at(0).claimed_by == "5201", "the claimed hit")
        # A wall of its own beside the console's (as on another monitor), the camera moved
        # onto it: quit must end its stream and close its window too.
        other = await on_gui(lambda: wall.open_wall_on(None))
        await on_gui(lambda: wall.place_camera(0, self.camera_id, other.tiles))
        await until(lambda: other.tiles.grid.tiles[0]._image is not None
                    and wall.grid.tiles[0].camera is None, "the camera live on wall 2 only")
        # Quit from the camera's large view, a window of its own, as from a second monitor.
        await on_gui(lambda: other.tiles.grid.tile_double_clicked.emit(0))
        view = await until(lambda: wall.large_views and wall.large_views[0], "the large view")
        await press(view, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)




class ErrorsLogged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main(argv: list[str]) -> int:
    url, camera_id, workdir = argv[0], int(argv[1]), Path(argv[2])
    settings = Settings(database_url=url, workstation="TEST-WS-01", map_tile_url="")
    errors = ErrorsLogged()
    logging.getLogger().addHandler(errors)
    before = set(threading.enumerate())
    db = open_database(url, interactive=False)
    scenarios: list[Scenario] = []

    def companion(listener: ChangeListener | None) -> Scenario:
        scenarios.append(Scenario(db, listener, workdir / "spool.sqlite3", camera_id))
        return scenarios[0]

    code = run_console(settings, db=db, companion=companion)
    left = [t.name for t in threads_of_ours(before)]
    error = scenarios[0].error if scenarios else RuntimeError("the companion never started")
    print(json.dumps({"exit": code, "error": None if error is None else repr(error),
                      "streams_at_sign_out": scenarios[0].threads_at_sign_out if scenarios
                      else None, "threads_left": left, "errors_logged": errors.messages}))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
