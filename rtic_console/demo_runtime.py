"""What `rtic-console demo` runs beside the console: the ingest webhook and the simulators."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rtic_console.feeds.alpr_simulator import AlprSimulator, SimulatorConfig, demo_devices
from rtic_console.feeds.recording_supervisor import RecordingSupervisor
from rtic_console.feeds.webhook_server import IngestConfig, IngestService
from rtic_console.services.demo_seed import (
    DEMO_HOT_PLATES,
    DEMO_SPECIAL_APPROVED,
    DEMO_STATE_PLATES,
)
from rtic_console.store.database import Database

logger = logging.getLogger(__name__)

DEMO_READ_RATE = 2.0  # reads per second across the demo readers
DEMO_HOT_SHARE = 0.04  # about one hit every 12 seconds, exact and approximate
DEMO_SEGMENT_S = 30.0  # short segments, so playback and export have material within a minute


@dataclass
class DemoRuntime:
    """Started inside the console's qasync loop after the demo database is seeded."""

    db: Database
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="rtic-demo-")))
    camera_process: subprocess.Popen[str] | None = None
    recorders: RecordingSupervisor | None = None
    ingest: IngestService | None = None
    simulator: AlprSimulator | None = None
    _task: asyncio.Task[object] | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.recorders = RecordingSupervisor(self.db, self.folder / "recordings",
                                             segment_s=DEMO_SEGMENT_S)
        await loop.run_in_executor(None, self.recorders.start)
        self.ingest = IngestService(self.db, IngestConfig(
            port=0, spool_path=self.folder / "ingest-spool.sqlite3"))
        await self.ingest.start()
        hot = (*(p[0] for p in DEMO_HOT_PLATES), DEMO_SPECIAL_APPROVED[0],
               *DEMO_STATE_PLATES[:20])
        self.simulator = AlprSimulator(SimulatorConfig(
            url=f"{self.ingest.url}/alpr", devices=demo_devices(), rate=DEMO_READ_RATE,
            hot_plates=hot, hot_share=DEMO_HOT_SHARE, duration_s=8 * 3600))
        self._task = asyncio.ensure_future(self.simulator.run())
        logger.info("demo ingest listening at %s", self.ingest.url)

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
        if self.ingest is not None:
            await self.ingest.stop()
        if self.recorders is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.recorders.stop)
        if self.camera_process is not None:
            self.camera_process.terminate()
            try:
                await asyncio.get_running_loop().run_in_executor(
                    None, self.camera_process.wait, 5)
            except subprocess.TimeoutExpired:
                self.camera_process.kill()
