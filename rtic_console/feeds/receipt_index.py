"""The hot list index the web server marks hot payloads with, when the drain (which keeps
its own) runs in a process of its own."""

from __future__ import annotations

import logging
import threading

from rtic_console.services.matching import MatchingEngine
from rtic_console.store.database import Database

logger = logging.getLogger(__name__)

CATCH_UP_EVERY_S = 0.1
MAX_BACKOFF_S = 5.0


class ReceiptIndexKeeper(threading.Thread):
    """Loads the index when the database answers and applies changes as they are heard.

    A mark on receipt only orders the spool (the drain matches every read again, with its
    own index), so a change applied a tenth of a second late costs a payload its place in
    the queue, never a hit. Nothing is loaded while `gate` is clear: changes made meanwhile
    would go unheard; the resync that follows reloads.
    """

    def __init__(self, db: Database, engine: MatchingEngine,
                 gate: threading.Event | None) -> None:
        super().__init__(name="ReceiptIndexKeeper", daemon=True)
        self._db = db
        self._engine = engine
        self._gate = gate
        self._stop_event = threading.Event()
        self.loaded = threading.Event()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        backoff = CATCH_UP_EVERY_S
        while not self._stop_event.wait(backoff):
            backoff = CATCH_UP_EVERY_S
            if self._gate is not None and not self._gate.is_set():
                continue
            try:
                if not self.loaded.is_set():
                    size = self._engine.reload(self._db)
                    logger.info("hot list index for marking reads on receipt: %s entries", size)
                    self.loaded.set()
                elif self._engine.has_changes():
                    with self._db.read() as session:
                        self._engine.catch_up(session)
            except Exception as exc:  # the database is away: the drain says so in /health
                logger.debug("receipt index not brought up to date: %s", exc)
                backoff = MAX_BACKOFF_S
