"""Keeps one recorder running per camera that should be recorded, indexes each segment,
reports what each recorder sees of its camera's stream, and keeps the recordings within
their disk caps and off a full disk."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from rtic_console.domain.recording_caps import CapLevel
from rtic_console.feeds.recorder import RecorderWorker, RecordingRefused
from rtic_console.feeds.report_throttle import ReportThrottle
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.context import InputRejected, Refused
from rtic_console.services.recording_disk import (
    DiskSpace,
    note_resumed,
    note_stopped,
    stopped_here,
)
from rtic_console.services.recording_space import (
    EVERY_CAMERA,
    enforce_caps,
    stopped_cameras,
)
from rtic_console.services.recordings import (
    INDEX,
    RecordingTarget,
    SegmentInfo,
    index_segment,
    recording_targets,
)
from rtic_console.services.runner import refusals_audited
from rtic_console.services.stream_reports import report_stream_state
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.store.database import Database, DatabaseUnavailable
from rtic_console.store.private_files import private_folder

logger = logging.getLogger(__name__)

REFRESH_S = 30.0  # also at once when cameras or donor terms change
STATES_S = 1.0  # how often the recorders' stream states are looked at, as the wall does


class RecordingSupervisor(threading.Thread):
    """Reconciles the running recorders with the cameras to record, from its own thread.

    It asks the database at start, every `refresh_s` and whenever a camera or its donor
    terms change: new targets start, cameras no longer to be recorded (disabled, out of
    service, a new URL, turned into a donor camera or put under a donor agreement: G.1)
    stop at once, and a segment such a recorder still finishes is refused and deleted by
    the index. A database that is away at
    start only delays recording. Segments are indexed on the recorder's thread, so
    neither the GUI nor the ingest loop waits on it.

    After each indexed segment and on each look at the cameras it checks the disk caps
    (`recording_space.enforce_caps`, as `system:recording-caps` of `workstation`): the
    oldest removable video goes, and a camera (or, for the store's cap, every camera)
    whose cap is full of video that must be kept is not recorded until it fits again.
    It also watches the free space of the disk it records onto: under `min_free` bytes
    (None: 2 % of the disk, 1 to 20 GiB) no camera is recorded here until there is room
    again (`recording_disk`), whatever the caps say.

    Every `STATES_S` it hands what each recorder's capture sees of its camera to the
    camera's one stream state (`stream_reports.report_stream_state`, as
    `system:recording-streams`), through a `ReportThrottle` as the wall's: a write on a change
    of live/offline (a refused login or no route is offline), and while live often enough
    to stay within STREAM_FRESH. So the Cameras tab says live or offline for every
    recorded camera without a wall open.
    """

    def __init__(self, db: Database, out_dir: Path, segment_s: float = 60.0,
                 refresh_s: float = REFRESH_S, workstation: str = "headless",
                 min_free: int | None = None) -> None:
        super().__init__(name="RecordingSupervisor", daemon=True)
        self._db = db
        self._who = SystemIdentity("recording-caps", workstation)
        self._disk_who = SystemIdentity("recording-disk", workstation)
        self._stream_who = SystemIdentity("recording-streams", workstation)
        self._throttle = ReportThrottle()
        self._reports_failing = False  # logged once per outage, not once a second
        self._min_free = min_free
        self._disk_low: DiskSpace | None = None  # the look that stopped recording here
        self._disk_noted: bool | None = None  # whether the audit trail says stopped
        self._caps_lock = threading.Lock()  # one check (caps or disk) at a time here
        self._cap_stopped: dict[int, str] = {}  # id -> code: left out for a full disk cap
        self._out_dir = out_dir
        self._segment_s = segment_s
        self._refresh_s = refresh_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._workers: dict[int, tuple[RecordingTarget, RecorderWorker]] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self.reconciled = threading.Event()  # set after each successful look at the cameras

    @property
    def recording(self) -> list[str]:
        """Codes of the cameras being recorded now."""
        with self._lock:
            return sorted(target.code for target, _ in self._workers.values())

    @property
    def stopped_by_disk_cap(self) -> list[str]:
        """Codes of the cameras to record that a full disk cap keeps from recording."""
        return sorted(self._cap_stopped.values())

    @property
    def disk_low(self) -> DiskSpace | None:
        """The look at the disk that stopped recording here, while it stays stopped."""
        return self._disk_low

    def health(self) -> tuple[dict[str, object], list[str]]:
        """For the service's /health: what is recorded, and what keeps cameras from it."""
        low, capped = self._disk_low, self.stopped_by_disk_cap
        problems: list[str] = []
        if low is not None:
            problems.append(low.reason(self._who.workstation))
        if capped:
            problems.append(f"not recorded, their disk cap is full: {', '.join(capped)}")
        return {"cameras": self.recording, "stopped_by_disk_cap": capped,
                "disk": None if low is None else {"low": True, **low.figures()}}, problems

    def start(self) -> None:
        private_folder(self._out_dir)
        self._unsubscribe = self._db.bus.subscribe(self._on_change)
        super().start()

    def _on_change(self, change: ChangeEvent) -> None:
        # Retention changes include the caps and the evidence holds, both of which can let a
        # stopped camera record again.
        if change.kind in (Change.CAMERA, Change.DONOR_TERMS, Change.RETENTION,
                           Change.RESYNC):
            self._wake.set()

    def run(self) -> None:
        next_look = 0.0
        while not self._stopping.is_set():
            if self._wake.is_set() or time.monotonic() >= next_look:
                self._wake.clear()
                self._look()
                next_look = time.monotonic() + self._refresh_s
            if not self._stopping.is_set():
                self._report_streams()
            self._wake.wait(min(STATES_S, max(0.0, next_look - time.monotonic())))
        self._stop_recorders()

    def _look(self) -> None:
        try:
            self.check_disk()
            self.check_caps()
            self._reconcile()
            self.reconciled.set()
        except (SQLAlchemyError, DatabaseUnavailable) as exc:
            logger.warning("cannot read the cameras to record (%s); retrying",
                           type(exc).__name__)
            if self._disk_low is not None:
                self._stop_recorders()  # a nearly full disk stops them, database or not

    def _report_streams(self) -> None:
        """Writes the stream states the throttle says are due, in one transaction; those a
        database that is away (or a pool with no connection free) did not take are sent
        again on the next pass: an observation never ends the supervisor."""
        now = time.monotonic()
        with self._lock:
            workers = [worker for _, worker in self._workers.values()]
        due = [(worker.device_id, live) for worker in workers
               if (status := worker.stream_status) is not None
               and (live := self._throttle.due(worker.device_id, status.state, now))
               is not None]
        if not due:
            return
        try:
            with self._db.write() as session:
                for device_id, live in due:
                    report_stream_state(session, self._stream_who, device_id, live)
        except (SQLAlchemyError, DatabaseUnavailable, InputRejected) as exc:
            if not self._reports_failing:
                logger.warning("stream states not reported yet (%s)", type(exc).__name__)
            self._reports_failing = True
            for device_id, _ in due:
                self._throttle.forget(device_id)
            return
        self._reports_failing = False

    def _stop_recorders(self) -> None:
        with self._lock:
            workers = [worker for _, worker in self._workers.values()]
            self._workers.clear()
        _stop_all(workers)

    def _reconcile(self) -> None:
        with self._db.read() as session:
            wanted = {t.device_id: t for t in recording_targets(session)}
            stopped = stopped_cameras(session)
        if self._disk_low is not None:
            wanted.clear()  # the disk is nearly full: no camera is recorded here
        every = EVERY_CAMERA in stopped
        held_back = {device_id: wanted.pop(device_id).code for device_id in list(wanted)
                     if every or device_id in stopped}
        for device_id, code in held_back.items():
            if device_id not in self._cap_stopped:  # once, not every reconcile
                logger.warning("camera %s not recorded: its disk cap is full", code)
        self._cap_stopped = held_back
        with self._lock:
            stale = [(t, w) for device_id, (t, w) in self._workers.items()
                     if wanted.get(device_id) != t or not w.is_alive()]
            for target, _ in stale:
                del self._workers[target.device_id]
            missing = [t for device_id, t in wanted.items() if device_id not in self._workers]
        _stop_all([worker for _, worker in stale])
        for target in missing:
            if self._stopping.is_set():
                return
            try:
                worker = RecorderWorker(
                    target.device_id, target.code, target.category, self._out_dir / target.code,
                    url=target.url.reveal(), on_segment=self.store_segment,
                    segment_s=self._segment_s,
                    capture_options={"transport": target.transport})
            except RecordingRefused as exc:  # G.1 again, at the layer that touches pixels
                logger.warning("camera %s not recorded: %s", target.code, exc)
                continue
            worker.start()
            with self._lock:
                self._workers[target.device_id] = (target, worker)

    def store_segment(self, segment: SegmentInfo) -> None:
        """Each recorder's on_segment: index it, or delete and audit a refused one (G.1).
        No one is signed in here: the refusal is audited with no actor."""
        try:
            with refusals_audited(self._db, None, INDEX), self._db.write() as session:
                index_segment(session, segment)
        except (Refused, InputRejected) as exc:
            logger.warning("segment refused: %s", exc)
            self._wake.set()  # that camera's recorder is stopped on the next reconcile
            return
        except SQLAlchemyError as exc:
            logger.warning("segment %s not indexed yet (%s)", Path(segment.path).name,
                           type(exc).__name__)
            self._wake.set()  # the disk is looked at now, the database away or not
            return
        try:
            self.check_disk()
            self.check_caps()
        except (SQLAlchemyError, DatabaseUnavailable) as exc:
            logger.warning("disk caps not checked (%s); next time", type(exc).__name__)

    def check_disk(self) -> None:
        """Stops every recorder here once the disk's free space is under its floor, and
        lets them start again with room; the audit trail and alerts follow in their own
        transaction, so a database that is away delays the record, never the stop."""
        with self._caps_lock:
            space = DiskSpace.of(self._out_dir, self._min_free)
            if self._disk_low is None and space.low:
                logger.warning("recording stopped: %s", space.reason(self._who.workstation))
                self._disk_low = space
                self._wake.set()
            elif self._disk_low is not None and space.roomy:
                logger.info("recording resumes: %s free on the recordings disk", space.free)
                self._disk_low = None
                self._wake.set()
            if self._disk_noted is None:
                with self._db.read() as session:
                    self._disk_noted = stopped_here(session, self._disk_who.workstation)
            if self._disk_noted != (self._disk_low is not None):
                with self._db.write() as session:
                    if self._disk_low is not None:
                        note_stopped(session, self._disk_who, self._disk_low)
                    else:
                        note_resumed(session, self._disk_who, space)
                self._disk_noted = self._disk_low is not None

    def check_caps(self) -> None:
        """Applies the disk caps now, in a transaction of its own; a camera whose
        recording stops or may resume wakes the reconcile."""
        with self._caps_lock, self._db.write() as session:
            checks = enforce_caps(session, self._who)
        for check in checks:
            logger.info("disk cap %s: %s (was %s), %d segments removed", check.key,
                        check.level, check.previous, check.removed)
        if any(CapLevel.STOPPED in (c.level, c.previous) for c in checks):
            self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        """Every recorder finishes its segment and stops; returns when they have."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._stopping.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)


def _stop_all(workers: list[RecorderWorker]) -> None:
    for worker in workers:
        worker.request_stop()
    for worker in workers:
        worker.stop()
