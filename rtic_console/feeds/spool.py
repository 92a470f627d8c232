"""A durable local spool of accepted ALPR payloads: nothing is lost while the database is down."""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rtic_console.config import default_data_dir
from rtic_console.store.private_files import private_file

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024**3
# The ingest service's largest body; here rather than beside its server, so the command line
# names its defaults without loading the web server (aiohttp) at every start of the console.
DEFAULT_MAX_BODY = 8 * 1024 * 1024
# The command the service runs its drain's own process with (`drain_process`).
DRAIN_CHILD_COMMAND = "drain-child"
# Parsed forms kept in memory for payloads waiting in the spool: small bodies only, and a
# bounded number, so an outage costs re-parsing later rather than memory now.
PARSED_KEEP_COUNT = 5000
PARSED_KEEP_BODY_BYTES = 64 * 1024
_SCHEMA = """
CREATE TABLE IF NOT EXISTS payloads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    content_type TEXT,
    fmt TEXT NOT NULL,
    path_hint TEXT,
    refusal TEXT,
    body BLOB NOT NULL,
    hot INTEGER NOT NULL DEFAULT 0
)
"""
# A spool file written before payloads were marked hot gains the column (all 0: in order).
_HOT_COLUMN = "ALTER TABLE payloads ADD COLUMN hot INTEGER NOT NULL DEFAULT 0"
# A lane's oldest ids from its own index: `hot` follows the body in the row, so telling a
# lane's rows apart in the table would read each body's overflow pages.
_LANE_INDEXES = tuple(
    f"CREATE INDEX IF NOT EXISTS payloads_{name} ON payloads (id) WHERE hot = {int(hot)}"
    for name, hot in (("hot", True), ("ordinary", False)))
# What the spool holds, kept by triggers in the file itself, and what the drain did with
# what it removed, counted in the removal's transaction: the web server's process appends
# and the drain's process removes, and both read the same figures (the cap included).
_TOTALS = (
    "CREATE TABLE IF NOT EXISTS totals (one INTEGER PRIMARY KEY CHECK (one = 1), "
    "depth INTEGER NOT NULL, bytes INTEGER NOT NULL, stored INTEGER NOT NULL DEFAULT 0, "
    "duplicates INTEGER NOT NULL DEFAULT 0, hits INTEGER NOT NULL DEFAULT 0, "
    "quarantined INTEGER NOT NULL DEFAULT 0)",
    "CREATE TRIGGER IF NOT EXISTS payload_added AFTER INSERT ON payloads BEGIN "
    "UPDATE totals SET depth = depth + 1, bytes = bytes + length(NEW.body); END",
    "CREATE TRIGGER IF NOT EXISTS payload_removed AFTER DELETE ON payloads BEGIN "
    "UPDATE totals SET depth = depth - 1, bytes = bytes - length(OLD.body); END",
    # Once, for a file written before the totals were kept (or a new one: zero and zero).
    "INSERT OR IGNORE INTO totals (one, depth, bytes) "
    "SELECT 1, count(*), coalesce(sum(length(body)), 0) FROM payloads",
)
_INSERT = ("INSERT INTO payloads (received_at, channel, content_type, fmt, path_hint, refusal, "
           "body, hot) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_COLUMNS = "id, received_at, channel, content_type, fmt, path_hint, refusal, body, hot"
# Literal lanes, not a parameter: only the lane written out lets SQLite use its partial index.
_OLDEST_OF_LANE = {
    hot: f"SELECT id FROM payloads WHERE hot = {int(hot)} ORDER BY id LIMIT ?"  # noqa: S608
    for hot in (False, True)}
_ROWS_OF = f"SELECT {_COLUMNS} FROM payloads WHERE id IN ({{}}) ORDER BY id"  # noqa: S608
_ADD_COUNTS = ("UPDATE totals SET stored = stored + ?, duplicates = duplicates + ?, "
               "hits = hits + ?, quarantined = quarantined + ?")


@dataclass(frozen=True)
class DrainCounts:
    """What the drain did with payloads: reads stored, duplicates skipped, hits created,
    payloads quarantined. Kept in the spool file, so they survive the drain's restarts."""

    stored: int = 0
    duplicates: int = 0
    hits: int = 0
    quarantined: int = 0

    def __sub__(self, other: DrainCounts) -> DrainCounts:
        return DrainCounts(*(a - b for a, b in zip(astuple(self), astuple(other), strict=True)))


# Removals the drain's own process asks of the appending one: (spool ids, counts).
Removal = tuple[Sequence[int], "DrainCounts | None"]


@dataclass(frozen=True)
class SpoolTotals:
    """Read in one statement, so the depth and the counts agree."""

    depth: int
    size_bytes: int
    counts: DrainCounts


def default_spool_path() -> Path:
    return default_data_dir() / "ingest-spool.sqlite3"


class SpoolFull(RuntimeError):
    """The spool has reached its size cap; the sender should retry later (HTTP 503)."""


@dataclass(frozen=True)
class SpoolEntry:
    """One payload as received; `refusal` set means the HTTP layer refused it: quarantine it."""

    body: bytes
    content_type: str | None = None
    fmt: str = "auto"
    path_hint: str | None = None
    channel: str = "webhook"
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    refusal: str | None = None
    # Holds a read that matched the hot list on receipt: drained by a lane of its own, so a
    # hit reaches the dispatcher while a backlog of ordinary reads waits (issue 18).
    hot: bool = False
    # What the receiver already parsed from body; kept in memory only, so the drain need
    # not parse it again. Never stored: after a restart the body is parsed afresh.
    parsed: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SpooledPayload:
    id: int
    entry: SpoolEntry


class Spool:
    """An SQLite file of its own (WAL, synchronous=FULL): an append is on disk when it returns.

    Size is the sum of payload bytes, so the cap is what the senders sent, and freed pages
    are reused by later appends instead of growing the file. Two processes may share the
    file, one appending and one draining: `doorbell` then carries the news of an append to
    the other process instead of this process's own lanes, and `remover` the drain's
    removals to the appending process, which writes them with its next appends. The file
    then has one writer: two would wait on SQLite's busy handler, which sleeps up to 100 ms
    a try, and the drain's removals lost to the appender's stream of commits for up to a
    second and a half while hits waited behind them (2,000 reads/s, 2026-12-07).
    """

    def __init__(self, path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES, *,
                 doorbell: Callable[[bool], None] | None = None,
                 remover: Callable[[Removal], None] | None = None) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        private_file(self.path)  # payloads hold plates: readable by this account only
        self._lock = threading.Lock()
        # The drain lanes' doorbells: the ordinary payloads' and the hot ones'.
        self._ready = {False: threading.Event(), True: threading.Event()}
        self._doorbell = doorbell or self.ring
        # Parsed forms are worth keeping only where the same process drains.
        self._keeps_parsed = doorbell is None
        self._parsed: dict[int, object] = {}
        # Payloads a lane has taken and not yet removed or released: two lanes of one kind
        # (the hot ones, on PostgreSQL) never take the same payload.
        self._taken: set[int] = set()
        self._remover = remover
        # Taken payloads whose removal went to the appending process, by lane: still held
        # until a take no longer finds them in the file.
        self._leaving: dict[bool, set[int]] = {False: set(), True: set()}
        self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=15,
                                     check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("BEGIN IMMEDIATE")  # the other process may be creating it too
        try:
            self._conn.execute(_SCHEMA)
            if "hot" not in {row[1] for row in self._conn.execute("PRAGMA table_info(payloads)")}:
                self._conn.execute(_HOT_COLUMN)
            for statement in _LANE_INDEXES:
                self._conn.execute(statement)
            for statement in _TOTALS:
                self._conn.execute(statement)
            self._conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        depth = self.depth
        if depth:
            logger.info("spool %s holds %s payloads from before; draining them first",
                        self.path.name, depth)
            self.wake()

    def totals(self) -> SpoolTotals:
        with self._lock:
            return self._totals()

    def _totals(self) -> SpoolTotals:
        depth, size, *counts = self._conn.execute(
            "SELECT depth, bytes, stored, duplicates, hits, quarantined FROM totals").fetchone()
        return SpoolTotals(int(depth), int(size), DrainCounts(*map(int, counts)))

    @property
    def depth(self) -> int:
        return self.totals().depth

    @property
    def size_bytes(self) -> int:
        return self.totals().size_bytes

    def oldest_received_at(self) -> datetime | None:
        """When the payload waiting longest arrived; None when the spool is empty."""
        with self._lock:
            row = self._conn.execute(
                "SELECT received_at FROM payloads ORDER BY id LIMIT 1").fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def append(self, entry: SpoolEntry) -> int:
        spool_id = self.append_many([entry])[0]
        if spool_id is None:
            raise SpoolFull(f"spool is full ({self.size_bytes} of {self.max_bytes} bytes)")
        return spool_id

    def append_many(self, entries: Sequence[SpoolEntry],
                    removals: Sequence[Removal] = ()) -> list[int | None]:
        """Ids in order, None for an entry refused for space; one commit (one fsync) for all,
        the drain process's `removals` first, so their room is free."""
        ids: list[int | None] = []
        with self._lock:
            with self._writing(durable=bool(entries)):
                for removed, counts in removals:
                    self._delete(removed, counts)
                room = self.max_bytes - self._totals().size_bytes
                for e in entries:
                    if len(e.body) > room:
                        ids.append(None)
                        continue
                    row = (e.received_at.isoformat(), e.channel, e.content_type, e.fmt,
                           e.path_hint, e.refusal, e.body, int(e.hot))
                    cur = self._conn.execute(_INSERT, row)
                    ids.append(cur.lastrowid)
                    room -= len(e.body)
            if self._keeps_parsed:
                self._keep_parsed(entries, ids)
        for hot in {e.hot for e, spool_id in zip(entries, ids, strict=True)
                    if spool_id is not None}:
            self._doorbell(hot)
        return ids

    def _keep_parsed(self, entries: Sequence[SpoolEntry], ids: list[int | None]) -> None:
        for e, spool_id in zip(entries, ids, strict=True):
            if (e.parsed is not None and spool_id is not None
                    and len(e.body) <= PARSED_KEEP_BODY_BYTES
                    and len(self._parsed) < PARSED_KEEP_COUNT):
                self._parsed[spool_id] = e.parsed

    def take(self, limit: int, *, hot: bool = False) -> list[SpooledPayload]:
        """The oldest payloads of one lane (the hot ones, or the ordinary ones) that no
        other lane holds. They stay in the spool until remove() after their commit, and are
        held until then or release()."""
        with self._lock:
            # Ids first: the bodies of payloads other lanes hold (or whose removal is on its
            # way) are not read.
            asked = limit + len(self._taken)
            found = [row[0] for row in
                     self._conn.execute(_OLDEST_OF_LANE[hot], (asked,)).fetchall()]
            self._forget_removed(hot, found, asked)
            ids = [i for i in found if i not in self._taken][:limit]
            rows = self._conn.execute(_ROWS_OF.format(", ".join("?" * len(ids))),
                                      ids).fetchall() if ids else []
            self._taken.update(row[0] for row in rows)
            parsed = [self._parsed.pop(row[0], None) for row in rows]
        return [SpooledPayload(row[0], SpoolEntry(
            received_at=datetime.fromisoformat(row[1]), channel=row[2], content_type=row[3],
            fmt=row[4], path_hint=row[5], refusal=row[6], body=bytes(row[7]), hot=bool(row[8]),
            parsed=known)) for row, known in zip(rows, parsed, strict=True)]

    def _forget_removed(self, hot: bool, found: list[int], asked: int) -> None:
        """Leaving payloads of the lane that the file no longer holds are gone: below the
        newest row found, or anywhere when the lane has fewer rows than were asked for."""
        leaving = self._leaving[hot]
        if not leaving:
            return
        present = set(found)
        newest = found[-1] if len(found) == asked else None
        gone = {i for i in leaving if i not in present and (newest is None or i < newest)}
        leaving -= gone
        self._taken -= gone

    def remove(self, payloads: Sequence[SpooledPayload],
               counts: DrainCounts | None = None) -> None:
        """Payloads whose transaction committed, with what the drain did with them."""
        ids = [p.id for p in payloads]
        if self._remover is not None:
            with self._lock:
                for p in payloads:
                    self._leaving[p.entry.hot].add(p.id)
            self._remover((ids, counts))
            return
        with self._lock:
            with self._writing(durable=False):
                self._delete(ids, counts)
            self._taken.difference_update(ids)

    @contextmanager
    def _writing(self, *, durable: bool) -> Iterator[None]:
        """One write transaction, under the lock. Removals alone need not wait for their
        fsync: one lost to a power cut means an idempotent replay, and the next append's
        fsync makes it durable anyway."""
        if not durable:
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        finally:
            if not durable:
                self._conn.execute("PRAGMA synchronous=FULL")

    def _delete(self, ids: Sequence[int], counts: DrainCounts | None) -> None:
        self._conn.executemany("DELETE FROM payloads WHERE id = ?", [(i,) for i in ids])
        if counts is not None:
            self._conn.execute(_ADD_COUNTS, astuple(counts))

    def release(self, payloads: Sequence[SpooledPayload]) -> None:
        """Payloads taken and not removed (their batch failed) may be taken again."""
        with self._lock:
            self._taken.difference_update(p.id for p in payloads
                                          if p.id not in self._leaving[p.entry.hot])

    def wait_for_data(self, timeout: float, *, hot: bool = False) -> bool:
        """Block until a payload of this lane was appended (or timeout): its doorbell."""
        ready = self._ready[hot]
        if ready.wait(timeout):
            ready.clear()
            return True
        return False

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def ring(self, hot: bool) -> None:
        """A payload of this lane waits: wake the lane (from an append, here or elsewhere)."""
        self._ready[hot].set()

    def wake(self) -> None:
        for ready in self._ready.values():
            ready.set()

    def close(self) -> None:
        with self._lock:
            self._conn.close()


_Waiting = tuple[SpoolEntry, asyncio.AbstractEventLoop, "asyncio.Future[int]"]


@dataclass(frozen=True)
class _Removing:
    removal: Removal


class SpoolAppendWorker(threading.Thread):
    """Group commit for the web server: every request that arrived during one fsync shares the next.

    One fsync costs milliseconds, so appending request by request caps the intake at a
    few hundred payloads a second; batching keeps the 2xx honest (on disk) and fast. The
    batch's requests are answered by one call into their loop, not a wake-up each. The
    drain's own process sends its removals here (`remove`), so this thread is the file's
    only writer.
    """

    def __init__(self, spool: Spool, max_batch: int = 500) -> None:
        super().__init__(name="SpoolAppendWorker", daemon=True)
        self._spool = spool
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Waiting | _Removing | None] = queue.SimpleQueue()

    async def append(self, entry: SpoolEntry) -> int:
        """The spool id once the entry is on disk; SpoolFull when there is no room."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        self._queue.put((entry, loop, future))
        return await future

    def remove(self, removal: Removal) -> None:
        """Written with the next appends; a removal still queued at a stop is only replayed."""
        self._queue.put(_Removing(removal))

    def stop(self, timeout: float = 10.0) -> None:
        self._queue.put(None)
        self.join(timeout)

    def run(self) -> None:
        running = True
        while running:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    running = False
                    break
                batch.append(item)
            waiting = [item for item in batch if not isinstance(item, _Removing)]
            removals = [item.removal for item in batch if isinstance(item, _Removing)]
            try:
                ids = self._spool.append_many([entry for entry, _, _ in waiting], removals)
            except Exception as exc:  # disk full, I/O error: every waiting request hears it
                logger.error("spool append failed: %s", exc)
                _settle(waiting, [None] * len(waiting), exc)
                continue
            _settle(waiting, ids, None)


def _settle(batch: list[_Waiting], ids: list[int | None], error: BaseException | None) -> None:
    """Answer each waiting request in its loop: one call per loop for the whole batch."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[int], int | None]]] = {}
    for (_, loop, future), spool_id in zip(batch, ids, strict=True):
        by_loop.setdefault(loop, []).append((future, spool_id))
    for loop, answers in by_loop.items():
        try:
            loop.call_soon_threadsafe(_resolve, answers, error)
        except RuntimeError:  # that loop has closed: nobody waits for these answers
            continue


def _resolve(answers: list[tuple[asyncio.Future[int], int | None]],
             error: BaseException | None) -> None:
    for future, spool_id in answers:
        if future.done():  # the client went away; the payload is spooled all the same
            continue
        if error is not None:
            future.set_exception(error)
        elif spool_id is None:
            future.set_exception(SpoolFull("spool is full"))
        else:
            future.set_result(spool_id)
