"""Draining the spool into the database: a batch per transaction, kept until it commits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from time import monotonic

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from rtic_console.domain.reads import Heartbeat, PlateRead, ReadLimits
from rtic_console.feeds.read_formats import ParseResult, PayloadError, parse_payload
from rtic_console.feeds.spool import DrainCounts, Spool, SpooledPayload
from rtic_console.services.ingest import (
    ingest_reads,
    quarantine,
    record_heartbeats,
    rematch_reads,
)
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.database import Database, DatabaseUnavailable
from rtic_console.store.migrations import SchemaBehind, check_schema

logger = logging.getLogger(__name__)

# A listener notices a dead connection some seconds after it died: match again from before.
REMATCH_MARGIN = timedelta(seconds=30)
# The lanes: (thread name, whether it drains hot payloads). On PostgreSQL two hot lanes, so
# a hit does not wait for the hit transaction begun just before it; SQLite has one writer
# at a time, and the first of each kind only.
LANES = (("SpoolDrainHot", True), ("SpoolDrainOrdinary", False), ("SpoolDrainHot2", True))
ONE_WRITER_LANES = LANES[:2]
LANE_THREADS = frozenset(name for name, _ in LANES)

# The lanes share one GIL (with the web server's loop and the spool's appender, when the
# drain runs in the service's process). Handed over every millisecond rather than Python's
# 5, a hit's transaction waits less for the ordinary lane at each statement: at 2,000
# reads/s, hit p99 87-134 ms against 96-213 ms in 4 alternated pairs, all in one process
# (benchmarks/bench_webhook_e2e.py, 2026-12-07).
SWITCH_INTERVAL_S = 0.001


def _is_transient(exc: BaseException) -> bool:
    """A database that is away (or busy), as opposed to one that refuses this data."""
    if isinstance(exc, OperationalError | DatabaseUnavailable | PoolTimeout | SchemaBehind):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def _is_bug(exc: BaseException) -> bool:
    """Worth a traceback: not a database error, whose text and parameters may hold plates."""
    return not isinstance(exc, DBAPIError)


def _short(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__


class _Turns:
    """SQLite's writers wait by polling, so a lane that commits and begins again would keep
    the write lock while the other polls: here the lanes take turns instead, and a batch
    waits for one batch of the other lane at most."""

    def __init__(self) -> None:
        self._turn = threading.Condition(threading.Lock())
        self._busy = False
        self._last: bool | None = None
        self._waiting: set[bool] = set()

    @contextmanager
    def turn(self, hot: bool) -> Iterator[None]:
        with self._turn:
            self._waiting.add(hot)
            self._turn.wait_for(lambda: not self._busy and (
                self._last != hot or (not hot) not in self._waiting))
            self._waiting.discard(hot)
            self._busy = True
        try:
            yield
        finally:
            with self._turn:
                self._busy, self._last = False, hot
                self._turn.notify_all()


@dataclass
class _Parsed:
    payload: SpooledPayload
    reads: list[PlateRead]
    heartbeats: list[Heartbeat]
    quarantine_reason: str | None


@dataclass(frozen=True)
class DrainStatus:
    """What /health and the console's status show about getting reads into the database."""

    depth: int
    spool_bytes: int
    spool_max_bytes: int
    oldest_waiting_at: datetime | None
    database_ok: bool
    last_contact_age_s: float | None
    last_error: str | None
    last_error_at: datetime | None
    last_commit_at: datetime | None
    stored: int
    duplicates: int
    hits: int
    quarantined: int


@dataclass(frozen=True)
class DrainReport:
    """The drain's status with its index and listener: what /health says of the drain,
    whether its lanes run in the service's process or in one of their own."""

    status: DrainStatus
    index_loaded: bool
    index_entries: int
    index_loaded_at: datetime | None
    hearing: bool | None  # whether the change listener hears every change; None: none
    problems: tuple[str, ...] = ()  # the drain's process, when it has one


class SpoolDrainWorker:
    """Moves spooled payloads into the database, a batch per transaction, oldest first.

    Lanes, each a thread with a transaction of its own: hot payloads (a read matched the
    hot list on receipt) and ordinary ones. A hit is thus stored and announced while a
    batch of ordinary reads is still being written, rather than after it (issue 18);
    neither kind can starve the other. On PostgreSQL two hot lanes take turns with the
    spool's payloads (a payload taken is held until removed or released), so a hit does
    not wait for the hit transaction begun just before it. On SQLite, which has one writer
    at a time, one lane of each kind, whose batches alternate (`_Turns`).

    A batch leaves the spool only after its transaction commits. While the database is
    away the batch stays and is retried with capped backoff; a replay stores nothing
    twice because ingest dedupes by vendor id. A batch the database refuses for its
    data is retried payload by payload so one bad payload is quarantined, not a wedge.

    The lanes keep the hot list index. Nothing is drained while `index_gate` (the change
    listener's `connected`) is clear, because hot list changes made meanwhile would go
    unheard; nor before the index is loaded; and before every batch the queued changes
    are applied in commit order, between the lanes' transactions (`MatchingEngine`).
    After a resync (the listener was away) the index is reloaded first and the reads
    stored since the listener last heard everything are matched again, so a plate entered
    during an outage still hits. A failed load is retried with backoff, never skipped. A
    service started while the database is down (or its schema is behind) spools at once
    and loads and drains when it can.
    """

    def __init__(self, spool: Spool, db: Database, engine: MatchingEngine, *,
                 batch_size: int = 200, idle_s: float = 0.5, max_backoff_s: float = 5.0,
                 ping_every_s: float = 5.0, limits: ReadLimits | None = None,
                 index_gate: threading.Event | None = None) -> None:
        self._spool = spool
        self._db = db
        self._engine = engine
        self._batch_size = batch_size
        self._idle_s = idle_s
        self._max_backoff_s = max_backoff_s
        self._ping_every_s = ping_every_s
        self._limits = limits
        self._index_gate = index_gate
        self.index_loaded = threading.Event()
        self._loading = threading.Lock()  # one lane loads the index, the other waits for it
        self._last_contact: float | None = None  # monotonic time of the last good answer
        self._stop_event = threading.Event()
        self._lock = threading.Lock()
        self._ok = False  # unknown until the first load, commit or ping
        self._last_error: str | None = None
        self._last_error_at: datetime | None = None
        self._last_commit_at: datetime | None = None
        self._counted_from = spool.totals().counts  # the status counts from this start
        self._turns = None if db.is_postgres else _Turns()
        self._lanes = [threading.Thread(target=self._run, args=(hot,), daemon=True, name=name)
                       for name, hot in (LANES if db.is_postgres else ONE_WRITER_LANES)]

    def start(self) -> None:
        for lane in self._lanes:
            lane.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        self._spool.wake()
        ends = monotonic() + timeout
        for lane in self._lanes:
            if lane.is_alive():
                lane.join(max(0.0, ends - monotonic()))

    def status(self) -> DrainStatus:
        totals = self._spool.totals()
        oldest = self._spool.oldest_received_at()
        age = self.last_contact_age()
        with self._lock:
            return DrainStatus(totals.depth, totals.size_bytes, self._spool.max_bytes,
                               oldest, self._ok, age, self._last_error, self._last_error_at,
                               self._last_commit_at,
                               **asdict(totals.counts - self._counted_from))

    def report(self) -> DrainReport:
        gate = self._index_gate
        return DrainReport(self.status(), self.index_loaded.is_set(), len(self._engine.index),
                           self._engine.loaded_at, None if gate is None else gate.is_set())

    def _run(self, hot: bool) -> None:
        backoff = first_backoff = 0.25
        last_check = monotonic()
        while not self._stop_event.is_set():
            try:
                self._ready_index()
                with self._turns.turn(hot) if self._turns else nullcontext():
                    batch = self._spool.take(self._batch_size, hot=hot)
                    try:
                        if batch:
                            self._drain(batch)
                    finally:
                        self._spool.release(batch)  # those a failure left in the spool
                if batch:
                    backoff, last_check = first_backoff, monotonic()
                    continue
                if not hot and monotonic() - last_check >= self._ping_every_s:
                    last_check = monotonic()
                    self._db.ping()
                    self._mark_ok(committed=False)
                self._spool.wait_for_data(self._idle_s, hot=hot)
            except Exception as exc:
                self._mark_failed(exc)
                self._stop_event.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff_s)

    def _ready_index(self) -> None:
        """Load the index, or bring it up to date; raise while changes cannot be heard."""
        if self._index_gate is not None and not self._index_gate.is_set():
            raise DatabaseUnavailable("the change listener cannot reach the database")
        if not self.index_loaded.is_set():
            with self._loading:
                if not self.index_loaded.is_set():  # the other lane may have loaded it
                    with self._db.read() as session:
                        check_schema(session.connection())
                    size = self._engine.reload(self._db)
                    logger.info("hot list index loaded: %s entries", size)
                    self.index_loaded.set()
                    self._mark_ok(committed=False)
            return
        if not self._engine.has_changes():
            return
        with self._db.read() as session:
            since = self._engine.catch_up(session)
        if since is not None:
            self._rematch(since)

    def _rematch(self, since: datetime) -> None:
        with self._engine.matching(), self._db.write() as session:
            found = rematch_reads(session, self._engine, since - REMATCH_MARGIN,
                                  "ingest:rematch")
        self._spool.remove([], DrainCounts(hits=len(found)))  # counted, nothing removed
        logger.info("reads stored since %s matched again after a resync: %s new hit(s)",
                    since.isoformat(timespec="seconds"), len(found))

    def last_contact_age(self) -> float | None:
        """Seconds since the database last answered this worker; None if it never has."""
        with self._lock:
            return None if self._last_contact is None else monotonic() - self._last_contact

    def _drain(self, batch: list[SpooledPayload]) -> None:
        parsed = [self._parse(p) for p in batch]
        try:
            counts = self._commit(parsed)
        except Exception as exc:
            if _is_transient(exc):
                raise
            logger.error("database refused a batch of %s payloads (%s); retrying one by one",
                         len(batch), _short(exc), exc_info=_is_bug(exc))
            for item in parsed:
                self._commit_alone(item)
            return
        self._spool.remove(batch, counts)

    def _commit_alone(self, item: _Parsed) -> None:
        try:
            counts = self._commit([item])
        except Exception as exc:
            if _is_transient(exc):
                raise
            logger.error("database refused spooled payload %s (%s); quarantining it",
                         item.payload.id, _short(exc), exc_info=_is_bug(exc))
            counts = self._commit([_Parsed(item.payload, [], [], f"ingest failed: {_short(exc)}")])
        self._spool.remove([item.payload], counts)

    def _parse(self, payload: SpooledPayload) -> _Parsed:
        entry = payload.entry
        if entry.refusal:
            return _Parsed(payload, [], [], entry.refusal)
        result = entry.parsed
        if not isinstance(result, ParseResult):
            try:
                # Judged against its arrival time, so a replay after an outage is not "too old".
                result = parse_payload(entry.body, entry.content_type, entry.fmt,
                                       entry.received_at, path_hint=entry.path_hint,
                                       limits=self._limits)
            except PayloadError as exc:
                return _Parsed(payload, [], [], exc.reason)
        reason = None
        if result.rejected:
            shown = "; ".join(f"#{index}: {why}" for index, why in result.rejected[:5])
            reason = f"{len(result.rejected)} read(s) rejected: {shown}"
        return _Parsed(payload, result.reads, result.heartbeats, reason)

    def _commit(self, items: list[_Parsed]) -> DrainCounts:
        now = datetime.now(UTC)
        by_channel: dict[str, list[PlateRead]] = {}
        beats: list[Heartbeat] = []
        for item in items:
            by_channel.setdefault(item.payload.entry.channel, []).extend(item.reads)
            beats.extend(item.heartbeats)
        refused = [item for item in items if item.quarantine_reason]
        with self._engine.matching(), self._db.write() as session:
            # Rows the other lanes write too (device rows, hourly counts) come last and are
            # held only until the commit: a hit's transaction waits on them the least.
            for item in refused:
                entry = item.payload.entry
                quarantine(session, entry.channel, entry.content_type,
                           item.quarantine_reason or "", entry.body)
            outcomes = [ingest_reads(session, reads, self._engine, now, channel)
                        for channel, reads in by_channel.items() if reads]
            if beats:
                record_heartbeats(session, beats)
        self._mark_ok(committed=True)
        return DrainCounts(sum(o.stored for o in outcomes), sum(o.duplicates for o in outcomes),
                           sum(len(o.hit_ids) for o in outcomes), len(refused))

    def _mark_ok(self, *, committed: bool) -> None:
        with self._lock:
            self._last_contact = monotonic()
            if not self._ok and self._last_error is not None:
                logger.info("database answers again; draining %s spooled payloads",
                            self._spool.depth)
            self._ok = True
            if committed:
                self._last_commit_at = datetime.now(UTC)

    def _mark_failed(self, exc: Exception) -> None:
        with self._lock:
            was_ok, self._ok = self._ok, False
            self._last_error, self._last_error_at = _short(exc), datetime.now(UTC)
        if not _is_transient(exc):
            logger.error("spool drain failed (%s); keeping %s payloads", _short(exc),
                         self._spool.depth, exc_info=_is_bug(exc))
        elif was_ok:
            logger.warning("database unreachable (%s); keeping %s payloads in the spool",
                           type(exc).__name__, self._spool.depth)
