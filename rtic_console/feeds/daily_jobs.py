"""The headless service's daily work: a signed checkpoint of the audit trail and the retention
purge (C.1, F.5), once a day."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.exc import DBAPIError

from rtic_console.services.audit_anchor import CHECKPOINT, SystemIdentity, write_checkpoint
from rtic_console.services.context import InputRejected, Refused
from rtic_console.services.retention_purge import run_purge
from rtic_console.services.runner import refusals_audited
from rtic_console.store.database import Database, DatabaseUnavailable

logger = logging.getLogger(__name__)

RETRY_S = 300.0  # a job the database could not take is tried again this much later


def next_run(after: datetime, at: time) -> datetime:
    """The next moment (aware, UTC) when the local clock reads `at`, strictly after `after`."""
    local = after.astimezone()
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(UTC)


class DailyJobsWorker(threading.Thread):
    """Runs each day's jobs at a set local hour, on its own thread: the audit checkpoint and
    the retention purge.

    No one is signed in here: a job acts as a `SystemIdentity` of this workstation, and a
    refusal (no signing key on this machine, say) is audited like anyone's, so an auditor
    sees that the anchor was due and why it is missing. A database that is away only delays
    the job; it is tried again every few minutes until it is done for the day.
    """

    def __init__(self, db: Database, workstation: str, at: time,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(name="DailyJobsWorker", daemon=True)
        self._db = db
        self._who = SystemIdentity("daily-checkpoint", workstation)
        self._purger = SystemIdentity("daily-purge", workstation)
        self._done: set[str] = set()  # today's jobs already done, while another is retried
        self._at = at
        self._now = now
        self._stopping = threading.Event()
        self.runs = 0  # days whose jobs are done, for /health and the tests

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        due = next_run(self._now(), self._at)
        while not self._stopping.is_set():
            wait = (due - self._now()).total_seconds()
            if wait > 0:
                self._stopping.wait(min(wait, 60.0))  # the clock may jump: look again soon
                continue
            if self._run_jobs():
                self.runs += 1
                due = next_run(self._now(), self._at)
            else:
                due = self._now() + timedelta(seconds=RETRY_S)

    def _run_jobs(self) -> bool:
        """True when the day's jobs are done (a refusal counts as done: it is audited).
        A job done is not repeated when another is retried."""
        for name, job in (("checkpoint", self._checkpoint), ("purge", self._purge)):
            if name not in self._done and job():
                self._done.add(name)
        if len(self._done) < 2:
            return False
        self._done.clear()
        return True

    def _checkpoint(self) -> bool:
        try:
            with refusals_audited(self._db, None, CHECKPOINT,
                                  workstation=self._who.workstation), \
                    self._db.write() as session:
                checkpoint = write_checkpoint(session, self._who)
            logger.info("daily audit checkpoint at event #%s", checkpoint.head_seq)
        except (Refused, InputRejected) as refusal:
            logger.warning("daily audit checkpoint refused: %s", refusal)
        except (DBAPIError, DatabaseUnavailable) as exc:
            logger.warning("daily audit checkpoint not written yet (%s)", type(exc).__name__)
            return False
        return True

    def _purge(self) -> bool:
        """The retention purge as this workstation's scheduled job; one running elsewhere
        (a refusal, audited) counts as today's."""
        try:
            report = run_purge(self._db, self._purger)
            logger.info("daily retention purge: run #%s", report.run_id)
        except (Refused, InputRejected) as refusal:
            logger.warning("daily retention purge refused: %s", refusal)
        except (DBAPIError, DatabaseUnavailable) as exc:
            logger.warning("daily retention purge not done yet (%s)", type(exc).__name__)
            return False
        return True
