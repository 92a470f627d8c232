"""What `rtic-console demo` runs beside the console: the headless services and the ALPR
simulator. (The camera processes are started and stopped by the demo command itself.)"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from rtic_console.feeds.alpr_simulator import AlprSimulator, SimulatorConfig, demo_devices
from rtic_console.feeds.webhook_server import IngestConfig
from rtic_console.headless import HeadlessConfig, HeadlessServices
from rtic_console.services.demo_fleet import DEMO_REPORT
from rtic_console.services.demo_seed import (
    DEMO_HOT_PLATES,
    DEMO_SPECIAL_APPROVED,
    DEMO_STATE_PLATES,
)
from rtic_console.store.change_listeners import ChangeListener
from rtic_console.store.database import Database

logger = logging.getLogger(__name__)

DEMO_READ_RATE = 2.0  # reads per second across the demo readers
DEMO_HOT_SHARE = 0.04  # about one hit every 12 seconds, exact and approximate
DEMO_SEGMENT_S = 30.0  # short segments, so playback and export have material within a minute
FOLDER_PREFIX = "rtic-demo-"
_OWNER_FILE = "owner.pid"


def demo_folder() -> Path:
    """A new folder for one demo's database, spool and recordings, removed when it ends.

    Folders of earlier demos whose process no longer exists (killed, or a crash) are
    removed first, so they never pile up.
    """
    for old in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        if old.is_dir() and not _owner_alive(old / _OWNER_FILE):
            shutil.rmtree(old, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
    (folder / _OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    return folder


def _owner_alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return False  # no owner recorded: a folder of an older version, or half made
    if os.name != "posix":
        return True  # no cheap liveness check here: leave it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class DemoRuntime:
    """Started inside the console's qasync loop after the demo database is seeded; stopped,
    in reverse, when the console quits. Its files live in the demo's folder."""

    db: Database
    folder: Path
    listener: ChangeListener | None = None
    workstation: str = "demo"
    daily_at: time | None = None
    services: HeadlessServices | None = None
    simulator: AlprSimulator | None = None
    _task: asyncio.Task[object] | None = None

    async def start(self) -> None:
        self.services = HeadlessServices(self.db, HeadlessConfig(
            IngestConfig(port=0, spool_path=self.folder / "ingest-spool.sqlite3"),
            record_dir=self.folder / "recordings", segment_s=DEMO_SEGMENT_S,
            workstation=self.workstation, daily_at=self.daily_at),
            listener=self.listener)
        await self.services.start()
        assert self.services.ingest is not None
        url = self.services.ingest.url
        hot = (*(p[0] for p in DEMO_HOT_PLATES), DEMO_SPECIAL_APPROVED[0],
               *DEMO_STATE_PLATES[:20])
        self.simulator = AlprSimulator(SimulatorConfig(
            # The reader the demo reports vandalised ("no reads since about 03:00") sends none.
            url=f"{url}/alpr", devices=tuple(d for d in demo_devices()
                                             if d.code != DEMO_REPORT[0]), rate=DEMO_READ_RATE,
            hot_plates=hot, hot_share=DEMO_HOT_SHARE, duration_s=8 * 3600))
        self._task = asyncio.ensure_future(self.simulator.run())
        logger.info("demo ingest listening at %s", url)

    async def stop(self) -> None:
        if self.simulator is not None:
            self.simulator.stop()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, 5)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            except Exception:
                logger.exception("ALPR simulator ended with an error")
        if self.services is not None:
            await self.services.stop()
