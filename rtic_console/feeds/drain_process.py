"""The spool's drain in a process of its own, seen from the ingest service's process.

At 2,000 reads/s the web server's thread holds most of one process's GIL, and a hit's
transaction waited for it (issue 18). Here the drain's lanes run in a child process
(`drain_child`, run as `rtic-console drain-child`) on the same spool file: the service
rings it over the child's stdin when it appends, reads a status line from its stdout
every REPORT_EVERY_S, and logs its stderr. The child's removals come over its stdout too:
the service's appender writes them, so the spool file has one writer (`Spool`).
The child ends when its stdin closes, so it never outlives the service, however the
service ends; a child that ends on its own is started again, with backoff.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from time import monotonic
from typing import IO, Any

from rtic_console.domain.reads import ReadLimits
from rtic_console.feeds.spool import DRAIN_CHILD_COMMAND, DrainCounts, Removal
from rtic_console.feeds.spool_drain import DrainReport, DrainStatus
from rtic_console.paths import FROZEN

logger = logging.getLogger(__name__)

REPORT_EVERY_S = 0.25
# A child silent this long is stuck (its report thread waits on nothing else).
REPORT_STALE_S = 5.0
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
# A child that ran this long before it ended starts again at the first backoff.
STEADY_RUN_S = 60.0
STOP_WAIT_S = 15.0  # the lanes finish their batches (10 s at most), then the child ends
BELLS = {False: b"o", True: b"h"}
LOG_SEPARATOR = "\t"


@dataclass(frozen=True)
class DrainChildConfig:
    """What the child needs, sent as the first line of its stdin: never on its command line
    or in its environment, where other accounts could read the database's password."""

    database_url: str
    spool_path: str
    spool_max_bytes: int
    batch_size: int
    group_window_s: float
    limits: ReadLimits | None

    def to_line(self) -> bytes:
        limits = self.limits
        data = {**asdict(self), "limits": None if limits is None else {
            "max_image_bytes": limits.max_image_bytes,
            "max_future": limits.max_future.total_seconds(),
            "max_past": limits.max_past.total_seconds()}}
        return json.dumps(data).encode() + b"\n"

    @classmethod
    def from_line(cls, line: bytes) -> DrainChildConfig:
        data = json.loads(line)
        limits = data.pop("limits")
        if limits is not None:
            limits = ReadLimits(
                max_image_bytes=int(limits["max_image_bytes"]),
                max_future=timedelta(seconds=limits["max_future"]),
                max_past=timedelta(seconds=limits["max_past"]))
        return cls(**data, limits=limits)


def report_line(report: DrainReport) -> bytes:
    """The child's status line; datetimes as ISO text."""
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    data = {"status": {k: plain(v) for k, v in asdict(report.status).items()},
            "index_loaded": report.index_loaded, "index_entries": report.index_entries,
            "index_loaded_at": plain(report.index_loaded_at), "hearing": report.hearing}
    return json.dumps(data).encode() + b"\n"


def removal_line(removal: Removal) -> bytes:
    """The child's removal line: the payloads a committed batch drained, and its counts."""
    ids, counts = removal
    return json.dumps({"removed": list(ids),
                       "counts": None if counts is None else asdict(counts)}).encode() + b"\n"


def _parse_removal(data: dict[str, Any]) -> Removal:
    ids = [int(i) for i in data["removed"]]
    counts = data["counts"]
    return ids, None if counts is None else DrainCounts(**{k: int(v) for k, v in counts.items()})


def _parse_report(data: dict[str, Any]) -> DrainReport:

    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    st = data["status"]
    for key in ("oldest_waiting_at", "last_error_at", "last_commit_at"):
        st[key] = when(st[key])
    return DrainReport(DrainStatus(**st), bool(data["index_loaded"]), int(data["index_entries"]),
                       when(data["index_loaded_at"]), data["hearing"])


class DrainProcess:
    """Starts the child, rings it, keeps its last report, and starts it again if it ends."""

    def __init__(self, config: DrainChildConfig, removed: Callable[[Removal], None]) -> None:
        self._config = config
        self._removed = removed
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._report: DrainReport | None = None
        self._reported_at = 0.0
        self._started_at = 0.0
        self._ended: str | None = None  # how the last child ended, while the next waits
        self.restarts = 0
        self._supervisor = threading.Thread(target=self._supervise, name="DrainSupervisor",
                                            daemon=True)

    @property
    def pid(self) -> int | None:
        with self._lock:
            return None if self._process is None else self._process.pid

    def start(self) -> None:
        self._supervisor.start()

    def ring(self, hot: bool) -> None:
        """Tell the child a payload of this lane waits. A full pipe already holds a bell,
        and a child between lives drains what it finds when it starts."""
        with self._lock:
            stdin = self._process.stdin if self._process is not None else None
            if stdin is None or stdin.closed:
                return
            with contextlib.suppress(BlockingIOError, BrokenPipeError, OSError):
                os.write(stdin.fileno(), BELLS[hot])

    def report(self, spool: DrainStatus) -> DrainReport:
        """`spool`: the spool's figures and counts as this process reads the shared file
        now. The child's last report adds the database's, the index's and the listener's
        state, and this what is wrong with the child itself."""
        now = monotonic()
        with self._lock:
            report, reported_at, ended = self._report, self._reported_at, self._ended
            running, started_at = self._process is not None, self._started_at
        problems: list[str] = []
        if not running:
            problems.append(f"the drain process is not running ({ended or 'not started'})")
        elif report is None and now - started_at > REPORT_STALE_S:
            problems.append(f"the drain process has not reported since it started "
                            f"{now - started_at:.0f} s ago")
        elif report is not None and now - reported_at > REPORT_STALE_S:
            problems.append(f"the drain process has not reported for {now - reported_at:.0f} s")
        if report is None:
            return DrainReport(spool, False, 0, None, None, tuple(problems))
        st = report.status
        status = replace(spool, database_ok=st.database_ok,
                         last_contact_age_s=None if st.last_contact_age_s is None
                         else st.last_contact_age_s + (now - reported_at),
                         last_error=st.last_error, last_error_at=st.last_error_at,
                         last_commit_at=st.last_commit_at)
        return DrainReport(status, report.index_loaded, report.index_entries,
                           report.index_loaded_at, report.hearing, tuple(problems))

    def stop(self, timeout: float = STOP_WAIT_S) -> None:
        """Close the child's stdin: its lanes finish their batches and it ends; killed if
        it has not ended within `timeout`."""
        self._stopping.set()
        with self._lock:
            process = self._process
            if process is not None and process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()
        if not self._supervisor.is_alive():
            return
        self._supervisor.join(timeout)
        if self._supervisor.is_alive() and process is not None:
            logger.error("the drain process did not end within %.0f s; killing it", timeout)
            process.kill()
            self._supervisor.join(5.0)

    def _supervise(self) -> None:
        backoff = FIRST_BACKOFF_S
        while not self._stopping.is_set():
            started = monotonic()
            try:
                code: int | None = self._run_child()
            except OSError as exc:
                code, ended = None, f"it could not start: {exc}"
            else:
                ended = f"it ended with exit code {code}"
            if self._stopping.is_set():
                return
            with self._lock:
                self._ended = ended
                self.restarts += 1
            if monotonic() - started >= STEADY_RUN_S:
                backoff = FIRST_BACKOFF_S
            # Ended in order (exit code 0): a service manager stopping the process group
            # reached it before the service's own stop did.
            logger.log(logging.WARNING if code == 0 else logging.ERROR,
                       "the drain process stopped (%s); starting it again in %.0f s",
                       ended, backoff)
            self._stopping.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)

    def _run_child(self) -> int:
        process = subprocess.Popen(
            _child_command(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        assert process.stdin is not None and process.stdout is not None
        assert process.stderr is not None
        readers = [threading.Thread(target=self._read_stdout, args=(process.stdout,),
                                    name="DrainStdoutReader", daemon=True),
                   threading.Thread(target=_relay_log, args=(process.stderr,),
                                    name="DrainLogReader", daemon=True)]
        for reader in readers:
            reader.start()
        with contextlib.suppress(BrokenPipeError, OSError):
            process.stdin.write(self._config.to_line())
            os.set_blocking(process.stdin.fileno(), False)  # a bell never blocks an append
        with self._lock:
            self._process, self._report = process, None
            self._started_at, self._ended = monotonic(), None
        if self._stopping.is_set():  # stop() came while it started: it closes nothing yet
            with contextlib.suppress(OSError):
                process.stdin.close()
        code = process.wait()
        for reader in readers:
            reader.join(5.0)
        with self._lock:
            self._process, self._report = None, None
            with contextlib.suppress(OSError):
                process.stdin.close()
        return code

    def _read_stdout(self, stdout: IO[bytes]) -> None:
        """Its reports, kept; its removals, handed to the appender."""
        for line in stdout:
            try:
                data = json.loads(line)
                if "removed" in data:
                    self._removed(_parse_removal(data))
                    continue
                report = _parse_report(data)
            except (ValueError, KeyError, TypeError) as exc:
                logger.error("the drain process wrote a line that is neither a report nor "
                             "a removal (%s)", exc)
                continue
            with self._lock:
                self._report, self._reported_at = report, monotonic()


def _child_command() -> list[str]:
    """`rtic-console drain-child`: the packaged application is its own interpreter."""
    if FROZEN:
        return [sys.executable, DRAIN_CHILD_COMMAND]
    return [sys.executable, "-m", "rtic_console", DRAIN_CHILD_COMMAND]


def _relay_log(stderr: IO[bytes]) -> None:
    """The child's log records, into this process's log at their own level; anything else
    it writes (a crash's traceback) as errors."""
    for raw in stderr:
        line = raw.decode(errors="replace").rstrip("\n")
        level_name, _, rest = line.partition(LOG_SEPARATOR)
        level = logging.getLevelName(level_name)
        if isinstance(level, int) and rest:
            logger.log(level, "drain: %s", rest)
        elif line:
            logger.error("drain: %s", line)
