"""Two consoles and the headless ingest service on one database, each its own process as far
as changes go: a change made in any of them appears in the others, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from rtic_console.services import hotlists, roster
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.roster import PersonInput
from rtic_console.services.runner import perform
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.store.change_listeners import change_listener
from rtic_console.store.database import Database, open_database
from rtic_console.ui.change_bridge import ChangeBridge
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.hits.hit_queue_widget import HitQueueWidget
from rtic_console.ui.operations import OperationRunner
from tests.feeds.ingest_harness import FIXTURES, wait_for
from tests.support import PASSWORD, trained

PROJECT = Path(__file__).resolve().parents[2]
WAIT_MS = 10_000


class Console:
    """What one workstation runs: its own engine, bus, listener, runner and hit queue."""

    def __init__(self, url: str, ctx) -> None:  # type: ignore[no-untyped-def]
        self.db = open_database(url, interactive=False)
        self.listener = change_listener(self.db)
        assert self.listener is not None
        self.listener.start()
        assert self.listener.connected.wait(10)
        self.heard: list[ChangeEvent] = []
        self.db.bus.subscribe(self.heard.append)
        self.runner = OperationRunner()
        self.bridge = ChangeBridge(self.db.bus)
        self.session = ConsoleSession(self.db, ctx, self.runner, self.bridge)
        self.queue = HitQueueWidget(self.session)
        self.queue.show()

    def close(self) -> None:
        self.queue.deleteLater()
        self.bridge.close()
        self.runner.shutdown()
        self.listener.stop()  # type: ignore[union-attr]
        self.db.dispose()


@pytest.fixture
def server(db_url: str, db: Database, tmp_path: Path) -> Iterator[str]:
    """`rtic-console serve` in a process of its own; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rtic_console", "--database", db_url, "serve", "--listen",
         "127.0.0.1:0", "--spool", str(tmp_path / "spool.sqlite3")], cwd=PROJECT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Ingest service on "), line + (process.stderr.read()
                                                            if process.stderr else "")
        base = line.split()[3].removesuffix("/alpr,")
        wait_for(lambda: health(base)["status"] == "ok", 30, step=0.2)
        yield base
    finally:
        process.terminate()
        process.wait(20)


def health(base: str) -> dict:  # type: ignore[type-arg]
    with urllib.request.urlopen(f"{base}/health", timeout=5) as reply:
        return json.loads(reply.read())


def post_read(base: str, plate: str, uuid: str) -> None:
    group = json.loads((FIXTURES / "openalpr_group_v3.json").read_bytes())
    group.update(best_plate_number=plate, best_uuid=uuid, uuid=uuid, candidates=[])
    request = urllib.request.Request(f"{base}/alpr", data=json.dumps(group).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as reply:
        assert reply.status == 202


def test_a_change_in_one_appears_in_the_others(qtbot, qapp, db: Database, db_url: str,
                                               admin, enrol, server: str) -> None:
    officer = enrol("6301", "officer")
    perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
        "7KQM482", "CA", "stolen_vehicle", "26-011842", None, "SVS", "V264118820"))
    first = Console(db_url, enrol("5201", "dispatcher"))
    second = Console(db_url, enrol("5202", "dispatcher"))
    try:
        # The server stores a hit: both consoles show it.
        post_read(server, "7KQM482", "side-by-side-1")
        qtbot.waitUntil(lambda: first.queue.model.rowCount() == 1
                        and second.queue.model.rowCount() == 1, timeout=WAIT_MS)
        hit_id = first.queue.model.row_at(0).id

        # One console claims it: the other shows who has it.
        first.queue.select_hit(hit_id)
        panel = first.queue.checklist
        qtbot.waitUntil(lambda: panel.claim_button.isVisible() and panel.claim_button.isEnabled(),
                        timeout=WAIT_MS)
        panel.claim_button.click()
        qtbot.waitUntil(lambda: second.queue.model.row_at(0).claimed_by == "5201",
                        timeout=WAIT_MS)

        # A console adds a hot plate: the server matches reads against it at once.
        perform(first.db, officer, hotlists.add_hot_plate, HotPlateInput(
            "4NEW123", "CA", "stolen_vehicle", "26-011999", None, "SVS", "V264119999"))
        wait_for(lambda: health(server)["index"]["entries"] == 2, 10)
        post_read(server, "4NEW123", "side-by-side-2")
        qtbot.waitUntil(lambda: second.queue.model.rowCount() == 2, timeout=WAIT_MS)

        # Roster changes reach the other console too.
        perform(first.db, admin, roster.add_person, PersonInput(
            "7001", "New Officer", ("officer",), "Patrol", trained(), trained()), PASSWORD)
        qtbot.waitUntil(lambda: any(e.kind is Change.ROSTER for e in second.heard),
                        timeout=WAIT_MS)
    finally:
        first.close()
        second.close()
