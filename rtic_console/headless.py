"""Composition root of the work without a screen: `serve`, and the demo beside its console."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from rtic_console.feeds.daily_jobs import DailyJobsWorker
from rtic_console.feeds.hit_escalation_worker import HitEscalationWorker
from rtic_console.feeds.recording_supervisor import RecordingSupervisor
from rtic_console.feeds.spool_drain import SWITCH_INTERVAL_S
from rtic_console.feeds.webhook_server import IngestConfig, IngestService
from rtic_console.services.hit_escalation import DEFAULT_RULE, EscalationRule
from rtic_console.startup_objects import freeze_startup_objects
from rtic_console.store.change_listeners import ChangeListener, change_listener
from rtic_console.store.database import Database

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeadlessConfig:
    ingest: IngestConfig = field(default_factory=IngestConfig)
    record_dir: Path | None = None  # record the cameras whose recording is enabled, here
    record_min_free: int | None = None  # free bytes kept on its disk; None: 2 % (1-20 GiB)
    segment_s: float = 60.0
    workstation: str = "headless"  # who the daily jobs act as, in the audit trail
    daily_at: time | None = None  # local time of the daily jobs; None: no daily jobs
    # When a waiting hit is escalated to the sergeant on duty (D.5.a); None: never here.
    escalation: EscalationRule | None = DEFAULT_RULE


class HeadlessServices:
    """The change listener, the ingest service, the recording supervisor, the daily jobs and
    the escalation of waiting hits.

    Started in that order and stopped in reverse, inside an asyncio loop (the console's
    qasync loop, or `run_headless`'s own). None of them needs the database to start: reads
    are spooled, and the index, the drain and the recorders begin when it answers. A
    console in the same process passes its listener, so one process hears other
    processes' changes once.
    """

    def __init__(self, db: Database, config: HeadlessConfig | None = None, *,
                 listener: ChangeListener | None = None) -> None:
        self.db = db
        self.config = config or HeadlessConfig()
        self._given_listener = listener
        self._own_listener: ChangeListener | None = None
        self.ingest: IngestService | None = None
        self.recorders: RecordingSupervisor | None = None
        self.daily: DailyJobsWorker | None = None
        self.escalation: HitEscalationWorker | None = None

    async def start(self) -> None:
        try:
            listener = self._given_listener
            if listener is None:
                listener = self._own_listener = change_listener(self.db)
                if listener is not None:
                    listener.start()
            self.ingest = IngestService(self.db, self.config.ingest, listener=listener,
                                        health_parts=self._health_parts)
            await self.ingest.start()
            if self.config.record_dir is not None:
                self.recorders = RecordingSupervisor(self.db, self.config.record_dir,
                                                     segment_s=self.config.segment_s,
                                                     workstation=self.config.workstation,
                                                     min_free=self.config.record_min_free)
                self.recorders.start()
            if self.config.daily_at is not None:
                self.daily = DailyJobsWorker(self.db, self.config.workstation,
                                             self.config.daily_at)
                self.daily.start()
            if self.config.escalation is not None:
                self.escalation = HitEscalationWorker(self.db, self.config.workstation,
                                                      self.config.escalation)
                self.escalation.start()
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        loop = asyncio.get_running_loop()
        if self.escalation is not None:
            await loop.run_in_executor(None, self.escalation.stop)
            self.escalation = None
        if self.daily is not None:
            await loop.run_in_executor(None, self.daily.stop)
            self.daily = None
        if self.recorders is not None:
            await loop.run_in_executor(None, self.recorders.stop)
            self.recorders = None
        if self.ingest is not None:
            await self.ingest.stop()
            self.ingest = None
        if self._own_listener is not None:
            await loop.run_in_executor(None, self._own_listener.stop)
            self._own_listener = None

    def _health_parts(self) -> dict[str, tuple[dict[str, Any], list[str]]]:
        recorders = self.recorders
        return {} if recorders is None else {"recording": recorders.health()}


def run_headless(db: Database, config: HeadlessConfig, *,
                 on_started: Callable[[HeadlessServices], None] | None = None) -> None:
    """Run the headless services until SIGINT or SIGTERM, then stop them cleanly."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)

    async def serve() -> None:
        services = HeadlessServices(db, config)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # Windows has no signal handlers on the loop: Ctrl-C cancels the run instead.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stopping.set)
        await services.start()
        freeze_startup_objects()
        try:
            if on_started is not None:
                on_started(services)
            await stopping.wait()
        finally:
            await services.stop()

    asyncio.run(serve())
