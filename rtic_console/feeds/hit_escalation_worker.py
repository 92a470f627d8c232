"""The headless service's check for hits left waiting (D.5.a), every half minute."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.exc import DBAPIError

from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.hit_escalation import EscalationRule, escalate_waiting_hits
from rtic_console.store.database import Database, DatabaseUnavailable

logger = logging.getLogger(__name__)

CHECK_S = 30.0


class HitEscalationWorker(threading.Thread):
    """Escalates waiting hits to the sergeant on duty as `system:hit-escalation` of this
    workstation. A database that is away only delays the check to the next round."""

    def __init__(self, db: Database, workstation: str, rule: EscalationRule,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 interval_s: float = CHECK_S) -> None:
        super().__init__(name="HitEscalationWorker", daemon=True)
        self._db = db
        self._who = SystemIdentity("hit-escalation", workstation)
        self._rule = rule
        self._now = now
        self._interval_s = interval_s
        self._stopping = threading.Event()
        self.escalated = 0  # hits escalated by this worker, for the tests and the log

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        while not self._stopping.wait(self._interval_s):
            self.check()

    def check(self) -> int:
        """One round: how many hits it escalated."""
        try:
            with self._db.write() as session:
                done = escalate_waiting_hits(session, self._who, self._rule, self._now())
        except (DBAPIError, DatabaseUnavailable) as exc:
            logger.warning("waiting hits not checked (%s)", type(exc).__name__)
            return 0
        if done:
            logger.info("escalated %s waiting hit(s) to the sergeant on duty", len(done))
        self.escalated += len(done)
        return len(done)
